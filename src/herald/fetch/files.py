"""Reading a listing from the local disk: regular files only, and at most so many bytes."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from herald.errors import SourceError
from herald.models import Fetched


def read_file(url: str, max_bytes: int) -> Fetched:
    """The bytes of a local path or file: URL; SourceError for what is not a regular file
    (a device or a pipe would never end or never answer) or is over `max_bytes`."""
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise SourceError(f"{path}: is a directory, not a listing")
        if not stat.S_ISREG(mode):
            raise SourceError(f"{path}: not a regular file (a device or a pipe?), not a listing")
        with path.open("rb") as listing:
            content = listing.read(max_bytes + 1)  # the size on disk may change meanwhile
    except FileNotFoundError:
        raise SourceError(f"{path}: file not found") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from exc
    if len(content) > max_bytes:
        raise SourceError(
            f"{path}: over the {max_bytes} byte limit for local files ([fetch] max_file_bytes)"
        )
    return Fetched(url=str(path), content=content)
