"""HTTP with manners: conditional GET, timeouts, a size cap, retries, one request per host.

httpx's async client does the protocol; this module wraps it for Herald's synchronous
stages and turns every failure into a SourceError that says what happened.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from herald.errors import RefusedError, SourceError
from herald.fetch.hosts import LinkRule
from herald.models import Fetched
from herald.settings import FetchSettings

log = logging.getLogger(__name__)

# Failures worth another try: the connection, or a server that says "later".
_RETRY_STATUS = {429, 500, 502, 503, 504}
_RETRY_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.RemoteProtocolError,
    httpx.WriteError,
)


class _RetryableError(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


# Given a host, the time now and the pause, when (seconds since the epoch) a request may
# start: the store's turns, shared by every worker.
Turns = Callable[[str, float, float], float]


class HostGate:
    """One request at a time per host, and a minimum pause between two to the same host;
    with `turns`, also between the requests of all workers (their starts that far apart)."""

    def __init__(self, delay: float, turns: Turns | None = None) -> None:
        self._delay = delay
        self._turns = turns
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Wait for the host to be free and rested, then hold it."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            rest = self._last.get(host, -1e9) + self._delay - time.monotonic()
            if rest > 0:
                time.sleep(rest)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()

    async def shared_turn(self, host: str) -> None:
        """Wait for this worker's turn at the host among all workers, right before a
        request (each retry and redirect takes one too)."""
        if self._turns is not None and self._delay > 0:
            rest = self._turns(host, time.time(), self._delay) - time.time()
            if rest > 0:
                await asyncio.sleep(rest)


class HttpFetcher:
    """GETs a URL politely and patiently."""

    def __init__(
        self, settings: FetchSettings, user_agent: str, turns: Turns | None = None
    ) -> None:
        self._settings = settings
        self._user_agent = user_agent
        self._gate = HostGate(settings.host_delay, turns)

    def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str],
        etag: str | None = None,
        last_modified: str | None = None,
        rule: LinkRule | None = None,
    ) -> Fetched:
        """The body at `url` (or `not_modified`), after retries; SourceError if none came."""
        # Case-insensitive: a source's "user-agent" (a browser's) replaces Herald's own.
        request_headers = httpx.Headers({"User-Agent": self._user_agent})
        request_headers.update(headers)
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        with self._gate.turn(urlsplit(url).netloc):
            return asyncio.run(self._with_retries(url, request_headers, rule))

    async def _with_retries(
        self, url: str, headers: httpx.Headers, rule: LinkRule | None
    ) -> Fetched:
        s = self._settings
        timeout = httpx.Timeout(s.timeout, connect=s.connect_timeout)

        async def keep_to_rule(request: httpx.Request) -> None:
            if rule is not None:  # every hop of a redirect, too
                rule.check(str(request.url))
            await self._gate.shared_turn(urlsplit(str(request.url)).netloc)

        async with httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=s.max_redirects,
            event_hooks={"request": [keep_to_rule]},
        ) as client:
            for attempt in range(s.retries + 1):
                try:
                    async with asyncio.timeout(s.timeout):
                        return await self._get(client, url, headers)
                except _RetryableError as again:
                    if attempt == s.retries:
                        message = f"{url}: {again} (gave up after {attempt + 1} tries)"
                        raise SourceError(message) from None
                    wait = again.wait
                    if wait is None:
                        wait = s.backoff * 2**attempt * (1 + random.random() / 2)
                    elif wait > s.max_retry_after:
                        raise SourceError(
                            f"{url}: {again}; the server asks to wait {wait:.0f} s, "
                            f"more than [fetch] max_retry_after ({s.max_retry_after:.0f} s)"
                        ) from None
                    log.info("%s: %s; trying again in %.1f s", url, again, wait)
                    await asyncio.sleep(wait)
                except TimeoutError:
                    raise SourceError(f"{url}: no complete answer within {s.timeout:g} s") from None
                except httpx.TooManyRedirects:
                    raise SourceError(
                        f"{url}: more than {s.max_redirects} redirects (a redirect loop?)"
                    ) from None
                except httpx.TimeoutException as exc:
                    raise SourceError(f"{url}: timed out ({type(exc).__name__})") from None
                except httpx.HTTPError as exc:
                    raise SourceError(f"{url}: {type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _get(self, client: httpx.AsyncClient, url: str, headers: httpx.Headers) -> Fetched:
        limit = self._settings.max_bytes
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(
                        url=str(response.url),
                        content=b"",
                        not_modified=True,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                if response.status_code in _RETRY_STATUS:
                    wait = _retry_after(response.headers.get("retry-after"))
                    raise _RetryableError(f"HTTP {response.status_code}", wait)
                if response.status_code in (401, 403):
                    raise RefusedError(f"{url}: HTTP {response.status_code}", response.status_code)
                if response.status_code != 200:
                    raise SourceError(f"{url}: HTTP {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > limit:
                    raise SourceError(f"{url}: body of {declared} bytes is over the {limit} limit")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise SourceError(f"{url}: body over the {limit} byte limit")
                return Fetched(
                    url=str(response.url),
                    content=bytes(body),
                    content_type=response.headers.get("content-type"),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except _RETRY_ERRORS as exc:
            raise _RetryableError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
