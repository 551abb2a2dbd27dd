"""Fetching: the only stage that reads from outside. It returns bytes, nothing else."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import httpx

from herald import __version__
from herald.errors import SourceError
from herald.models import Fetched

MAX_BYTES = 10 * 1024 * 1024


class Fetcher(Protocol):
    """Reads a source's location into bytes."""

    def fetch(self, url: str) -> Fetched:
        """The bytes at `url`; raises SourceError when there are none to be had."""


class DefaultFetcher:
    """Reads local paths and file: URLs from disk, and http(s) URLs with httpx."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, max_bytes: int = MAX_BYTES):
        self._user_agent = f"Herald/{__version__} (+{base_url})"
        self._timeout = httpx.Timeout(timeout, connect=10.0)
        self._max_bytes = max_bytes

    def fetch(self, url: str) -> Fetched:
        """The bytes at `url`; raises SourceError when there are none to be had."""
        if url.startswith(("http://", "https://")):
            return asyncio.run(self._get(url))
        return self._read_file(url)

    def _read_file(self, url: str) -> Fetched:
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        try:
            size = path.stat().st_size
            if size > self._max_bytes:
                raise SourceError(f"{path}: {size} bytes is over the {self._max_bytes} limit")
            return Fetched(url=str(path), content=path.read_bytes())
        except FileNotFoundError:
            raise SourceError(f"{path}: file not found") from None
        except IsADirectoryError:
            raise SourceError(f"{path}: is a directory, not a listing") from None
        except OSError as exc:
            raise SourceError(f"{path}: cannot read: {exc.strerror}") from exc

    async def _get(self, url: str) -> Fetched:
        headers = {"User-Agent": self._user_agent}
        async with httpx.AsyncClient(
            timeout=self._timeout, follow_redirects=True, max_redirects=5, headers=headers
        ) as client:
            try:
                async with client.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise SourceError(f"{url}: HTTP {response.status_code}")
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > self._max_bytes:
                            raise SourceError(f"{url}: body over the {self._max_bytes} limit")
                    return Fetched(
                        url=str(response.url),
                        content=bytes(body),
                        content_type=response.headers.get("content-type"),
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
            except httpx.HTTPError as exc:
                raise SourceError(f"{url}: {type(exc).__name__}: {exc}") from exc
