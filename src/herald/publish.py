"""Publishing into the served directory: atomic, and only what changed."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn, Protocol

from herald.errors import PublishError
from herald.filestate import FolderCounts, version

MANIFEST = ".herald-manifest"
STATE = ":state"  # the manifest's line for what the last complete publish was made from
STAGING = ".herald-staging"  # where files are written before they are renamed into place
STAGED = ":staging"  # the manifest's line that says temporary files are only in STAGING
FOLDERS = "folders"  # in STAGING: the published folders as they were when last all there
COUNTS = "counts"  # in STAGING: the files in each folder Herald owns, as last counted


class Publisher(Protocol):
    """Where rendered files go."""

    def is_current(self, path: str, fingerprint: str) -> bool:
        """Whether `path` was published from inputs with this fingerprint and is still there."""

    def write(self, path: str, data: bytes, fingerprint: str | None = None) -> bool:
        """Publish one file; return whether its bytes changed."""

    def prune(self, keep: Iterable[str], state: str = "") -> list[str]:
        """Remove files published earlier that are not in `keep`; return them. The publish
        is complete: remember `state`, what it was made from."""

    def is_published(self, state: str) -> bool:
        """Whether the last complete publish was made from `state` and every file of it is
        still there."""

    def current(self, path: str) -> str | None:
        """The fingerprint `path` was published with, if it is still there."""

    def files_under(self, folder: str) -> set[str]:
        """The paths of the files under `folder`, from one listing of it."""

    def count_under(self, folder: str) -> int:
        """How many files are under `folder`, listing only what changed since last asked."""

    def note(self, name: str, value: str) -> None:
        """Keep a line of this publish's own bookkeeping (`name` starts with ":")."""

    def noted(self, name: str) -> str | None:
        """A line the last complete publish kept."""


class DirectoryPublisher:
    """Writes into a local directory that a web server serves.

    A file is replaced through a temporary file and an atomic rename, so a reader never
    sees half a feed, and only when its bytes differ, so unchanged feeds keep their
    modification time and ETag. Files are written in `.herald-staging` (hidden, on the same
    file system) and renamed into place in batches, after one sync has made every file of
    the batch durable: a crash leaves each file old or new, never empty, and what it left
    in the staging folder is swept by the next publish (which need not walk the tree). A manifest
    lists what Herald wrote, with the fingerprint of the inputs each file was rendered
    from: Herald removes feeds that are no longer defined without touching anything else
    in the directory, and need not even render a document whose inputs did not change.
    """

    BATCH = 500  # files renamed after one sync

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)
        self._fingerprints: dict[str, str] | None = None
        self._staged: dict[Path, Path] = {}  # target: its temporary file
        self._inside: set[Path] = set()  # folders known to lead to no other place
        self._counts = FolderCounts(self._root, root / STAGING / COUNTS)
        # Owned folders counted during this publish, kept up to date as files are added.
        self._counted: dict[str, int] = {}

    def is_current(self, path: str, fingerprint: str) -> bool:
        """Whether `path` was published from inputs with this fingerprint and is still there."""
        return self.current(path) == fingerprint

    def write(self, path: str, data: bytes, fingerprint: str | None = None) -> bool:
        """Publish one file (in place by the end of the publish, `prune`); return whether
        its bytes changed."""
        target = self._target(path)
        manifest = self._manifest()
        manifest.pop(path, None)
        if fingerprint is not None:
            manifest[path] = fingerprint
        staged = self._staged.pop(target, None)
        if staged is not None:
            staged.unlink()
        try:
            if target.read_bytes() == data:
                return False
            new = False
        except FileNotFoundError:
            new = staged is None  # else it was new when it was first staged
        try:
            self._staged[target] = _temporary(target, data, self.root / STAGING)
        except OSError as exc:
            self._give_up(path, exc)
        for folder in self._counted if new else ():
            if path.startswith(folder):
                self._counted[folder] += 1
        if len(self._staged) >= self.BATCH:
            self._flush()
        return True

    def _flush(self) -> None:
        """Make the staged files durable with one sync, then put each in place."""
        if not self._staged:
            return
        try:
            sync_file_system(self.root / STAGING)
        except OSError as exc:  # an I/O error: nothing staged is known to be on disk
            self._give_up(STAGING, exc)
        try:
            for target, temporary in list(self._staged.items()):
                temporary.replace(target)
                del self._staged[target]
        except OSError as exc:
            self._give_up(str(target.relative_to(self.root)), exc)

    def _give_up(self, path: str, exc: OSError) -> NoReturn:
        """Stop publishing: remove what was staged, keep the manifest as it was (so the next
        publish looks at everything again), and say what happened."""
        for temporary in self._staged.values():
            temporary.unlink(missing_ok=True)
        self._staged.clear()
        self._fingerprints = None
        self._counted.clear()
        reason = exc.strerror or str(exc)
        raise PublishError(
            f"{self.root}: publishing stopped at {path}: {reason}; every file published "
            "before is as it was, and the next run publishes the rest"
        ) from exc

    def prune(self, keep: Iterable[str], state: str = "") -> list[str]:
        """Remove files published earlier that are not in `keep`; return them. The publish
        is complete: remember `state`, what it was made from."""
        self._flush()
        self._sweep()
        keep = sorted(set(keep))
        manifest = self._manifest()
        earlier = self._read_manifest()
        # A folder named with a trailing "/" is Herald's whole: its files are not listed.
        owned = tuple(path for path in keep if path.endswith("/"))
        removed = sorted(
            p for p in set(earlier) - set(keep) if not p.startswith(":") and not p.startswith(owned)
        )
        for path in removed:
            if path.endswith("/"):  # a folder Herald owned, no longer published
                shutil.rmtree(self._target(path.rstrip("/")), ignore_errors=True)
                continue
            with contextlib.suppress(FileNotFoundError):
                self._target(path).unlink()
        current = {STATE: state} if state else {}
        current[STAGED] = STAGING
        current.update((path, manifest.get(path, "")) for path in keep)
        for folder in owned:  # how many files it holds: a file gone is seen without a stat each
            current[folder] = str(self.count_under(folder))
        self._counts.save()
        if current != earlier:
            lines = "".join(f"{path}\t{mark}".rstrip("\t") + "\n" for path, mark in current.items())
            try:
                _atomic_write(self.root / MANIFEST, lines.encode(), self.root / STAGING)
            except OSError as exc:
                self._give_up(MANIFEST, exc)
        self._fingerprints = None
        self._counted.clear()
        return removed

    def _sweep(self) -> None:
        """Remove temporary files that an interrupted publish left behind: in the staging
        folder, and once everywhere (a Herald before it wrote each beside its file)."""
        everywhere = self._read_manifest().get(STAGED) is None
        for leftover in (self.root.rglob if everywhere else (self.root / STAGING).glob)(".tmp-*"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()

    def is_published(self, state: str) -> bool:
        """Whether the last complete publish was made from `state` and every file of it is
        still there: seen from the folders' `stat` when none changed since this was last
        found true (see `_stamped`), else file by file."""
        self._counted.clear()  # a publish starts here: look at the folders afresh
        earlier = self._read_manifest()
        if earlier.pop(STATE, None) != state:
            return False
        if self._stamped(state):
            return True
        for path, mark in earlier.items():
            if path.startswith(":"):
                continue
            if path.endswith("/"):  # a folder Herald owns: as many files as it left there
                if str(self.count_under(path)) != mark:
                    return False
            elif not self._is_file(path):
                return False
        self._stamp(state, earlier)
        return True

    def _stamped(self, state: str) -> bool:
        """Whether no folder that holds a published file changed since every file was last
        found there, for the publish made from `state`. A file added or removed changes its
        folder's times; a folder changed just before that look is not trusted
        (herald.filestate)."""
        try:
            lines = (self.root / STAGING / FOLDERS).read_text(encoding="utf-8").splitlines()
        except (FileNotFoundError, UnicodeDecodeError):
            return False
        if len(lines) < 2 or lines[0] != state or not lines[1].isdigit():
            return False
        noted = int(lines[1])
        for line in lines[2:]:
            folder, _, mark = line.partition("\t")
            found = _folder_mark(os.path.join(self._root, folder), noted)  # noqa: PTH118
            if found is None or found != mark:
                return False
        return True

    def _stamp(self, state: str, published: dict[str, str]) -> None:
        """Note the folders that hold the files of the publish made from `state`, as they
        are now that every file was found there (best effort: without it, the next look
        is file by file)."""
        now = time.time_ns()
        folders = {p.rpartition("/")[0] for p in published if not p.startswith(":")}
        for owned in (p for p in published if p.endswith("/")):
            folders.update(self._counts.folders(owned, now))
        marks = []
        for folder in sorted(folders):
            mark = _folder_mark(os.path.join(self._root, folder), now)  # noqa: PTH118
            if mark is None:
                return  # changed just now: not to be trusted yet
            marks.append(f"{folder}\t{mark}\n")
        text = f"{state}\n{now}\n" + "".join(marks)
        with contextlib.suppress(OSError):
            _atomic_write(self.root / STAGING / FOLDERS, text.encode(), self.root / STAGING)

    def current(self, path: str) -> str | None:
        """The fingerprint `path` was published with, if it is still there."""
        mark = self._manifest().get(path)
        return mark if mark and self._is_file(path) else None

    def files_under(self, folder: str) -> set[str]:
        """The paths of the files under `folder` (temporary ones aside): one listing of the
        folder instead of one `stat` per file, where a publish must know which of its
        articles' pages are there."""
        found: set[str] = set()
        for place, _, names in os.walk(os.path.join(self._root, folder)):  # noqa: PTH118
            relative = os.path.relpath(place, self._root).replace(os.sep, "/")
            found.update(f"{relative}/{name}" for name in names if not name.startswith("."))
        return found

    def count_under(self, folder: str) -> int:
        """How many files are under `folder` (temporary ones aside): a `stat` of each folder
        in it, and a listing of those that changed since they were last counted; once per
        publish, which the files it adds are counted into."""
        folder = folder.rstrip("/") + "/"
        found = self._counted.get(folder)
        if found is None:
            found = self._counted[folder] = self._counts.count(folder, time.time_ns())
        return found

    def _is_file(self, path: str) -> bool:
        """Whether a file the manifest lists (so checked when it was written) is there:
        os.path, not Path, as a publish asks this of every article page."""
        return os.path.isfile(os.path.join(self._root, path))  # noqa: PTH113, PTH118

    def note(self, name: str, value: str) -> None:
        """Keep a line of this publish's own bookkeeping (`name` starts with ":")."""
        assert name.startswith(":")
        self._manifest()[name] = value

    def noted(self, name: str) -> str | None:
        """A line the last complete publish kept."""
        return self._manifest().get(name)

    def _manifest(self) -> dict[str, str]:
        if self._fingerprints is None:
            self._fingerprints = {p: f for p, f in self._read_manifest().items() if f}
        return self._fingerprints

    def _read_manifest(self) -> dict[str, str]:
        try:
            text = (self.root / MANIFEST).read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        entries = (line.partition("\t") for line in text.splitlines() if line)
        return {path: mark for path, _, mark in entries}

    def _target(self, path: str) -> Path:
        """Where `path` goes; ValueError for a path that leads out of the directory, also
        through a symbolic link on the way (each folder is checked once)."""
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"{path!r} is outside {self.root}")
        target = self.root / relative
        if target.parent not in self._inside:
            if not target.parent.resolve().is_relative_to(self.root.resolve()):
                raise ValueError(f"{path!r} is outside {self.root}")
            self._inside.add(target.parent)
        return target


def _load_syncfs() -> Any:
    """libc's syncfs(2) (Linux), or None where there is none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int
    return syncfs


_SYNCFS = _load_syncfs()


def sync_file_system(path: Path) -> None:
    """Make everything written to the file system that holds `path` durable: that file
    system alone (syncfs), not every file system of the machine as os.sync does, so a
    publish does not wait for its neighbours' writes; os.sync where there is no syncfs."""
    if _SYNCFS is None:
        os.sync()
        return
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _SYNCFS(handle) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code or errno.EIO), str(path))
    finally:
        os.close(handle)


def _temporary(target: Path, data: bytes, staging: Path, *, sync: bool = False) -> Path:
    """`data` in a new temporary file in `staging` (in the directory, so on its file
    system: renaming it into place is atomic), readable by the web server."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.mkdir(exist_ok=True)
    handle, name = tempfile.mkstemp(dir=staging, prefix=".tmp-")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        temporary.chmod(0o644)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _folder_mark(folder: str, now_ns: int) -> str | None:
    """The version of a folder's entries (herald.filestate) as it stood at `now_ns`, or
    None if it is not a folder or is too new to trust."""
    try:
        found = Path(folder).stat()
    except OSError:
        return None
    return version(found, now_ns) if stat.S_ISDIR(found.st_mode) else None


def _atomic_write(target: Path, data: bytes, staging: Path) -> None:
    _temporary(target, data, staging, sync=True).replace(target)
