"""Publishing into the served directory: atomic, and only what changed."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

MANIFEST = ".herald-manifest"


class Publisher(Protocol):
    """Where rendered files go."""

    def write(self, path: str, data: bytes) -> bool:
        """Publish one file; return whether its bytes changed."""

    def prune(self, keep: Iterable[str]) -> list[str]:
        """Remove files published earlier that are not in `keep`; return them."""


class DirectoryPublisher:
    """Writes into a local directory that a web server serves.

    A file is replaced through a temporary file and an atomic rename, so a reader never
    sees half a feed, and only when its bytes differ, so unchanged feeds keep their
    modification time and ETag. A manifest of what Herald wrote lets it remove feeds that
    are no longer defined without touching anything else in the directory.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, path: str, data: bytes) -> bool:
        """Publish one file; return whether its bytes changed."""
        target = self._target(path)
        try:
            if target.read_bytes() == data:
                return False
        except FileNotFoundError:
            pass
        _atomic_write(target, data)
        return True

    def prune(self, keep: Iterable[str]) -> list[str]:
        """Remove files published earlier that are not in `keep`; return them."""
        keep = sorted(set(keep))
        manifest = self.root / MANIFEST
        try:
            earlier = manifest.read_text(encoding="utf-8").split()
        except FileNotFoundError:
            earlier = []
        removed = sorted(set(earlier) - set(keep))
        for path in removed:
            with contextlib.suppress(FileNotFoundError):
                self._target(path).unlink()
        if earlier != keep:
            _atomic_write(manifest, "".join(f"{p}\n" for p in keep).encode())
        return removed

    def _target(self, path: str) -> Path:
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise ValueError(f"{path!r} is outside {self.root}")
        return target


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).chmod(0o644)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
