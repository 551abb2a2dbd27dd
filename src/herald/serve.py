"""Serving the output directory: Starlette's static files under uvicorn."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

MEDIA_TYPES = {
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".opml": "text/x-opml",
}


class FeedFiles(StaticFiles):
    """Static files, except Herald's own hidden files (the manifest, temporary files)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Answer 404 for any path with a part that starts with a dot."""
        if any(part.startswith(".") for part in path.replace("\\", "/").split("/")):
            return PlainTextResponse("Not Found", status_code=404)
        return await super().get_response(path, scope)


def create_app(directory: Path) -> Starlette:
    """An app that serves `directory` with ETag, Last-Modified and 304s."""
    for suffix, media_type in MEDIA_TYPES.items():
        mimetypes.add_type(media_type, suffix)
    directory.mkdir(parents=True, exist_ok=True)
    return Starlette(routes=[Mount("/", FeedFiles(directory=directory, html=True))])


def create_server(directory: Path, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for the output directory, not yet started."""
    config = uvicorn.Config(
        create_app(directory), host=host, port=port, log_level="warning", access_log=False
    )
    return uvicorn.Server(config)
