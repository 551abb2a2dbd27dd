"""Serving the output directory: a small ASGI app of its own under uvicorn.

A feed is read again and again, unchanged: each file version is looked up once (its real
path checked to be inside the directory and not one of Herald's dotfiles), read once,
compressed once, and its headers built once; a request then costs one `stat` to see that
the file is still that version. Paths that leave the directory (../, %2e%2e, backslashes,
symlinks out of the tree) and Herald's own dotfiles are a plain 404. ETag (weak: the same
feed goes out gzipped or not) and Last-Modified come from the file, 304 answers both
validators, HEAD works; a file too large to keep is streamed by Starlette, with ranges.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat as stat_module
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl

import anyio.to_thread
import uvicorn
from starlette.responses import FileResponse
from starlette.types import Receive, Scope, Send

if TYPE_CHECKING:
    from herald.filtering import Answer

MEDIA_TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}
OTHER_TYPE = "application/octet-stream"

GZIP_MIN = 512  # smaller bodies are sent as they are
KEPT_BYTES = 64 * 1024 * 1024  # file bytes kept in memory, plain and gzipped
KEPT_FILE = 4 * 1024 * 1024  # a larger file is streamed from disk, uncompressed
CHECKED_PATHS = 10_000  # URL paths remembered with the file they name
NOT_FOUND = b"Not Found"
FILTERS = {"/filter.atom": ".atom", "/filter.rss": ".rss", "/filter.json": ".json"}
MAX_FIELDS = 50  # query string fields a filtered feed reads


class Filtered(Protocol):
    """What answers filtered feeds (herald.filtering.FilteredFeeds)."""

    def answer(
        self, suffix: str, pairs: Sequence[tuple[str, str]], if_none_match: str | None
    ) -> Answer: ...


Headers = list[tuple[bytes, bytes]]


@dataclass
class _Version:
    """One version of one served file, with what answering for it needs."""

    stamp: tuple[int, int, int, int]  # device, inode, mtime (ns), size
    path: str  # the real path, checked to be inside the directory
    body: bytes | None  # None: too large to keep, streamed from disk
    packed: bytes | None  # gzipped body, if worth it
    etag: str
    modified: int  # Last-Modified, whole seconds
    common: Headers  # what every answer about this version carries

    @cached_property
    def unchanged(self) -> Headers:
        """A 304's headers: the validators and caching ones, no content type."""
        return [h for h in self.common if h[0] != b"content-type"]

    @cached_property
    def plain(self) -> Headers:
        return [*self.common, (b"content-length", str(len(self.body or b"")).encode())]

    @cached_property
    def gzipped(self) -> Headers:
        length = str(len(self.packed or b"")).encode()
        return [*self.common, (b"content-encoding", b"gzip"), (b"content-length", length)]

    @property
    def size(self) -> int:
        return len(self.body or b"") + len(self.packed or b"")


def _stamp(result: os.stat_result) -> tuple[int, int, int, int]:
    return (result.st_dev, result.st_ino, result.st_mtime_ns, result.st_size)


class FeedFiles:
    """The ASGI app that serves an output directory."""

    def __init__(self, directory: Path, max_age: int, filtered: Filtered | None = None) -> None:
        self.root = str(directory.resolve())
        self.filtered = filtered
        self.cache_control = f"public, max-age={max_age}".encode()
        self._kept: OrderedDict[str, _Version] = OrderedDict()  # most recently used last
        self._kept_bytes = 0
        self._checked: dict[str, str] = {}  # URL path: the file it names, checks passed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, b"Method Not Allowed", [(b"allow", b"GET, HEAD")])
            return
        path: str = scope["path"]
        if path in FILTERS and self.filtered is not None:
            await self._filter(FILTERS[path], scope, send)
            return
        found = self._find(path)
        if found is None:
            await _plain(send, 404, NOT_FOUND)
            return
        if isinstance(found, str):
            await _plain(send, 307, b"", [(b"location", found.encode())])
            return
        await self._answer(found, scope, receive, send)

    def _find(self, path: str) -> _Version | str | None:
        """The version of the file a path names; a path to redirect to (a folder asked for
        without its slash); or None, for anything not to be served."""
        full = self._checked.get(path)
        if full is None:
            if "\\" in path or "\x00" in path:
                return None
            parts = [part for part in path.split("/") if part and part != "."]
            if any(part.startswith(".") for part in parts):
                return None
            # os.path and os.stat, not Path: this runs on every request, and costs a third.
            full = os.path.join(self.root, *parts)  # noqa: PTH118
        try:
            result = os.stat(full)  # noqa: PTH116
            if stat_module.S_ISDIR(result.st_mode):
                full = os.path.join(full, "index.html")  # noqa: PTH118
                result = os.stat(full)  # noqa: PTH116
                if path != "/" and not path.endswith("/"):
                    return path + "/"  # so that the page's relative links work
        except (OSError, ValueError):
            return None
        kept = self._kept.get(full)
        if kept is not None and kept.stamp == _stamp(result):
            self._kept.move_to_end(full)
            return kept
        version = self._load(full, result)
        if version is not None:
            if len(self._checked) >= CHECKED_PATHS:
                self._checked.clear()
            self._checked[path] = full
        return version

    def _load(self, full: str, result: os.stat_result) -> _Version | None:
        """Look up, read and compress a file version that is not kept yet."""
        real = Path(full).resolve()
        if not real.is_relative_to(self.root):
            return None
        if any(part.startswith(".") for part in real.relative_to(self.root).parts):
            return None
        if not stat_module.S_ISREG(result.st_mode):
            return None
        body: bytes | None = None
        if result.st_size <= KEPT_FILE:
            try:
                with real.open("rb") as file:
                    body = file.read(KEPT_FILE + 1)
            except OSError:
                return None
            if len(body) != result.st_size:  # changed while read: read it next time
                return None
        stamp = f"{result.st_mtime_ns}-{result.st_size}".encode()
        etag = f'W/"{hashlib.sha256(stamp).hexdigest()[:32]}"'
        modified = int(result.st_mtime)
        media_type = MEDIA_TYPES.get(Path(full).suffix, OTHER_TYPE)
        version = _Version(
            stamp=_stamp(result),
            path=str(real),
            body=body,
            packed=gzip.compress(body, mtime=0) if body and len(body) >= GZIP_MIN else None,
            etag=etag,
            modified=modified,
            common=[
                (b"cache-control", self.cache_control),
                (b"etag", etag.encode()),
                (b"last-modified", formatdate(modified, usegmt=True).encode()),
                (b"vary", b"Accept-Encoding"),
                (b"content-type", media_type.encode()),
            ],
        )
        if body is not None:
            self._keep(full, version)
        return version

    def _keep(self, full: str, version: _Version) -> None:
        old = self._kept.pop(full, None)
        if old is not None:
            self._kept_bytes -= old.size
        self._kept[full] = version
        self._kept_bytes += version.size
        while self._kept_bytes > KEPT_BYTES and len(self._kept) > 1:
            _, dropped = self._kept.popitem(last=False)
            self._kept_bytes -= dropped.size

    async def _answer(self, version: _Version, scope: Scope, receive: Receive, send: Send) -> None:
        """200 (plain or gzipped), 304, or a stream for a file too large to keep."""
        request = {name: value for name, value in scope["headers"]}
        if _not_modified(version, request):
            await send({"type": "http.response.start", "status": 304, "headers": version.unchanged})
            await send({"type": "http.response.body", "body": b""})
            return
        if version.body is None:
            result = Path(version.path).stat()
            named = {k.decode(): v.decode() for k, v in version.common}
            response = FileResponse(version.path, stat_result=result, headers=named)
            await response(scope, receive, send)
            return
        body, headers = version.body, version.plain
        accepted = request.get(b"accept-encoding")
        if version.packed is not None and accepted and accepts_gzip(accepted.decode("latin-1")):
            body, headers = version.packed, version.gzipped
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    async def _filter(self, suffix: str, scope: Scope, send: Send) -> None:
        """A filtered feed, built from the store in a worker thread."""
        assert self.filtered is not None
        query = scope["query_string"].decode("ascii", "replace")
        try:
            pairs = parse_qsl(query, encoding="utf-8", errors="replace", max_num_fields=MAX_FIELDS)
        except ValueError:
            await _plain(send, 400, f"at most {MAX_FIELDS} query fields\n".encode())
            return
        request = {name: value for name, value in scope["headers"]}
        tag = request.get(b"if-none-match")
        answer = await anyio.to_thread.run_sync(
            self.filtered.answer, suffix, pairs, tag.decode("latin-1") if tag else None
        )
        headers = [(k.encode(), v.encode()) for k, v in answer.headers]
        body = answer.body
        accepted = request.get(b"accept-encoding")
        if len(body) >= GZIP_MIN and accepted and accepts_gzip(accepted.decode("latin-1")):
            body = gzip.compress(body, mtime=0)
            headers.append((b"content-encoding", b"gzip"))
        if answer.status != 304:
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


def etag_matches(etag: str, if_none_match: str) -> bool:
    """Whether an If-None-Match header names this ETag, compared weakly (RFC 9110
    13.1.2), or is "*"."""
    ours = etag.removeprefix("W/")
    theirs = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in theirs or ours in theirs


def _not_modified(version: _Version, request: dict[bytes, bytes]) -> bool:
    """If-None-Match compares weakly (RFC 9110 13.1.2); else If-Modified-Since."""
    if_none_match = request.get(b"if-none-match")
    if if_none_match is not None:
        return etag_matches(version.etag, if_none_match.decode("latin-1"))
    if_modified_since = request.get(b"if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
    except (TypeError, ValueError):
        return False
    return since.timestamp() >= version.modified


async def _plain(send: Send, status: int, text: bytes, extra: Headers | None = None) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(text)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop: say so to the server."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(directory: Path, max_age: int = 300, filtered: Filtered | None = None) -> FeedFiles:
    """An app that serves `directory` with validators, 304s and gzip; and filtered feeds,
    given what answers them."""
    directory.mkdir(parents=True, exist_ok=True)
    return FeedFiles(directory, max_age, filtered)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip: named, or `*`, with a q above 0."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, parameters = part.strip().partition(";")
        weight = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            weights[name] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def create_server(
    directory: Path, host: str, port: int, max_age: int = 300, filtered: Filtered | None = None
) -> uvicorn.Server:
    """A uvicorn server for the output directory (and filtered feeds), not yet started."""
    config = uvicorn.Config(
        create_app(directory, max_age, filtered),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,  # no need to tell the world which server this is
    )
    return uvicorn.Server(config)
