"""Reading a listing from the local disk: regular files only, and at most so many bytes.

A file's entity tag is made from what `stat` says of it (herald.filestate): a file whose
tag is the one stored is not modified, and is not even read, so polling a large unchanged
listing costs one `stat`. A file changed just before it was read gets no tag, so the next
run reads it and compares its bytes.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from herald.errors import SourceError
from herald.filestate import version
from herald.models import Fetched, Validators


def read_file(url: str, max_bytes: int, validators: Validators | None = None) -> Fetched:
    """The bytes of a local path or file: URL, or `not_modified` when its entity tag is the
    one in `validators`; SourceError for what is not a regular file (a device or a pipe
    would never end or never answer) or is over `max_bytes`."""
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        found = path.stat()
        if stat.S_ISDIR(found.st_mode):
            raise SourceError(f"{path}: is a directory, not a listing")
        if not stat.S_ISREG(found.st_mode):
            raise SourceError(f"{path}: not a regular file (a device or a pipe?), not a listing")
        mark = version(found, time.time_ns())
        etag = f'"file {mark}"' if mark is not None else None
        if etag is not None and validators is not None and validators.etag == etag:
            return Fetched(url=str(path), content=b"", etag=etag, not_modified=True)
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
    return Fetched(url=str(path), content=content, etag=etag)
