"""Serving the output directory: Starlette's static files under uvicorn.

Starlette does the HTTP: paths that leave the directory (../, %2e%2e, symlinks out of the
tree) are refused, ETag and Last-Modified come from the file, 304 answers both
validators, HEAD works, and its GZip middleware compresses when a client asks. Herald adds
media types with a charset, Cache-Control, and hides its own dotfiles.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
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


class FeedFiles(StaticFiles):
    """Static files with feed media types, caching headers, and no hidden files."""

    def __init__(self, directory: Path, max_age: int) -> None:
        super().__init__(directory=directory, html=True)
        self.cache_control = f"public, max-age={max_age}"

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Answer 404 for any path with a part that starts with a dot."""
        if any(part.startswith(".") and part != "." for part in path.split("/")):
            return PlainTextResponse("Not Found", status_code=404)
        return await super().get_response(path, scope)

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
        }
        media_type = MEDIA_TYPES.get(Path(full_path).suffix)
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=media_type,
            headers=headers,
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response

    def is_not_modified(self, response_headers: Headers, request_headers: Headers) -> bool:
        """If-None-Match compares weakly (RFC 9110 13.1.2); else If-Modified-Since."""
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None:
            ours = response_headers["etag"].removeprefix("W/")
            theirs = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in theirs or ours in theirs
        return super().is_not_modified(response_headers, request_headers)


def create_app(directory: Path, max_age: int = 300) -> Starlette:
    """An app that serves `directory` with validators, 304s and gzip."""
    directory.mkdir(parents=True, exist_ok=True)
    return Starlette(
        routes=[Mount("/", FeedFiles(directory, max_age))],
        middleware=[Middleware(GZipMiddleware, minimum_size=512)],
    )


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
