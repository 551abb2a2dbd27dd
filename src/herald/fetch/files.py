"""Reading a listing from the local disk."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from herald.errors import SourceError
from herald.models import Fetched


def read_file(url: str, max_bytes: int) -> Fetched:
    """The bytes of a local path or file: URL."""
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"{path}: {size} bytes is over the {max_bytes} limit")
        return Fetched(url=str(path), content=path.read_bytes())
    except FileNotFoundError:
        raise SourceError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, not a listing") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from exc
