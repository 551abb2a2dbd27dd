"""Serving the output directory: Starlette's static files under uvicorn.

Starlette does the HTTP: paths that leave the directory (../, %2e%2e, symlinks out of the
tree) are refused, ETag and Last-Modified come from the file, 304 answers both
validators, HEAD works. Herald adds media types with a charset, Cache-Control, hides its
own dotfiles, and keeps each file's bytes, plain and gzipped, for as long as the file is
unchanged: a feed is compressed once per version, not once per request.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections import OrderedDict
from email.utils import formatdate
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

MEDIA_TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


GZIP_MIN = 512  # smaller bodies are sent as they are
KEPT_BYTES = 64 * 1024 * 1024  # file bytes kept in memory, plain and gzipped
KEPT_FILE = 4 * 1024 * 1024  # a larger file is streamed from disk, uncompressed


class FeedFiles(StaticFiles):
    """Static files with feed media types, caching headers, and no hidden files."""

    def __init__(self, directory: Path, max_age: int) -> None:
        super().__init__(directory=directory, html=True)
        self.cache_control = f"public, max-age={max_age}"
        # path: (mtime_ns, size, bytes, gzipped bytes or None), most recently used last
        self._kept: OrderedDict[str, tuple[int, int, bytes, bytes | None]] = OrderedDict()
        self._kept_bytes = 0

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Answer 404 for any path with a part that starts with a dot."""
        if _hidden(path):
            return PlainTextResponse("Not Found", status_code=404)
        return await super().get_response(path, scope)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """The file at `path`, unless it is one of Herald's own reached through a link."""
        full_path, stat_result = super().lookup_path(path)
        if stat_result is not None and self.directory is not None:
            real = Path(full_path).resolve()
            inside = real.relative_to(Path(self.directory).resolve()).as_posix()
            if _hidden(inside):
                return "", None
        return full_path, stat_result

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """A file with its media type, Cache-Control, and a weak ETag.

        The ETag is weak because the same file may go out gzipped or not; both are the
        same feed, which is exactly what a weak validator says.
        """
        stamp = f"{stat_result.st_mtime_ns}-{stat_result.st_size}".encode()
        headers = {
            "cache-control": self.cache_control,
            "etag": f'W/"{hashlib.sha256(stamp).hexdigest()[:32]}"',
            "last-modified": formatdate(stat_result.st_mtime, usegmt=True),
            "vary": "Accept-Encoding",
        }
        media_type = MEDIA_TYPES.get(Path(full_path).suffix)
        request = Headers(scope=scope)
        if self.is_not_modified(Headers(headers), request):
            return NotModifiedResponse(Headers(headers))
        if stat_result.st_size > KEPT_FILE:
            return FileResponse(
                full_path,
                status_code=status_code,
                stat_result=stat_result,
                media_type=media_type,
                headers=headers,
            )
        body, packed = self._bytes(str(full_path), stat_result)
        if packed is not None and accepts_gzip(request.get("accept-encoding", "")):
            body = packed
            headers["content-encoding"] = "gzip"
        headers["content-length"] = str(len(body))
        if scope["method"] == "HEAD":
            body = b""
        return Response(body, status_code, headers=headers, media_type=media_type)

    def _bytes(self, path: str, stat_result: os.stat_result) -> tuple[bytes, bytes | None]:
        """A file's bytes and their gzip, read and compressed once per version of it."""
        kept = self._kept.get(path)
        if kept and kept[:2] == (stat_result.st_mtime_ns, stat_result.st_size):
            self._kept.move_to_end(path)
            return kept[2], kept[3]
        with Path(path).open("rb") as file:
            body = file.read()
        packed = gzip.compress(body, mtime=0) if len(body) >= GZIP_MIN else None
        if kept:
            self._kept_bytes -= len(kept[2]) + len(kept[3] or b"")
        self._kept[path] = (stat_result.st_mtime_ns, stat_result.st_size, body, packed)
        self._kept_bytes += len(body) + len(packed or b"")
        while self._kept_bytes > KEPT_BYTES and len(self._kept) > 1:
            _, (_, _, old, old_packed) = self._kept.popitem(last=False)
            self._kept_bytes -= len(old) + len(old_packed or b"")
        return body, packed

    def is_not_modified(self, response_headers: Headers, request_headers: Headers) -> bool:
        """If-None-Match compares weakly (RFC 9110 13.1.2); else If-Modified-Since."""
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None:
            ours = response_headers["etag"].removeprefix("W/")
            theirs = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in theirs or ours in theirs
        return super().is_not_modified(response_headers, request_headers)


def _hidden(path: str) -> bool:
    """Whether a path names one of Herald's dotfiles (its manifest, temporary files)."""
    return any(part.startswith(".") and part != "." for part in path.split("/"))


def create_app(directory: Path, max_age: int = 300) -> Starlette:
    """An app that serves `directory` with validators, 304s and gzip."""
    directory.mkdir(parents=True, exist_ok=True)
    return Starlette(routes=[Mount("/", FeedFiles(directory, max_age))])


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


def create_server(directory: Path, host: str, port: int, max_age: int = 300) -> uvicorn.Server:
    """A uvicorn server for the output directory, not yet started."""
    config = uvicorn.Config(
        create_app(directory, max_age),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )
    return uvicorn.Server(config)
