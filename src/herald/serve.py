"""Serving the output directory: Starlette's static files under uvicorn."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

MEDIA_TYPES = {
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".opml": "text/x-opml",
}


def create_app(directory: Path) -> Starlette:
    """An app that serves `directory` with ETag, Last-Modified and 304s."""
    for suffix, media_type in MEDIA_TYPES.items():
        mimetypes.add_type(media_type, suffix)
    directory.mkdir(parents=True, exist_ok=True)
    return Starlette(routes=[Mount("/", StaticFiles(directory=directory, html=True))])


def create_server(directory: Path, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for the output directory, not yet started."""
    config = uvicorn.Config(
        create_app(directory), host=host, port=port, log_level="warning", access_log=False
    )
    return uvicorn.Server(config)
