"""A real browser, for the one thing plain HTTP cannot do: run a portal's own scripts.

Some portals (gov.kz) answer their news API only when a request carries headers that the
portal's page computes in the browser. `ChromiumBrowser` opens such a page in headless
Chromium (the system's, driven by Playwright) and hands back the headers of the page's own
request to the API. This is the only module that imports Playwright; it is an optional
extra, and nothing starts a browser unless a source needs one.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlsplit

from herald.errors import SourceError

INSTALL_EXTRA = "pip install 'herald[browser]'"
INSTALL_CHROMIUM = "apt-get install chromium"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What a portal's API checks of its own page's request; nothing else is kept.
KEPT = (
    "hash",
    "token",
    "user-agent",
    "referer",
    "origin",
    "accept",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "sec-ch-ua",
    "sec-ch-ua-mobile",
    "sec-ch-ua-platform",
)
# Chromium reaches out to Google at start unless told not to; this machine has no network.
_QUIET = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class BrowserError(SourceError):
    """The browser could not provide what was asked; the message names the failed step."""


class Browser(Protocol):
    """Opens a page and reports the headers of one of the page's own requests."""

    def capture(self, page_url: str, request_path: str) -> dict[str, str]:
        """Headers of the page's first request whose path contains `request_path`."""


def find_executable(configured: str | None) -> str:
    """The Chromium binary to start: the configured one, else the first on PATH."""
    names = (configured,) if configured else CANDIDATES
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    wanted = f'[browser] executable "{configured}"' if configured else "Chromium"
    raise BrowserError(
        f"{wanted} was not found; install it ({INSTALL_CHROMIUM}) "
        "or name the binary in [browser] executable"
    )


class ChromiumBrowser:
    """Headless Chromium through Playwright; one short-lived browser per capture."""

    def __init__(self, executable: str | None, timeout: float) -> None:
        self._executable = executable
        self._timeout = timeout

    def capture(self, page_url: str, request_path: str) -> dict[str, str]:
        """Headers of the page's first request whose path contains `request_path`."""
        try:
            from playwright.async_api import async_playwright  # noqa: F401
        except ImportError:
            raise BrowserError(
                f"{page_url}: reading this source needs a browser; install it with "
                f"{INSTALL_EXTRA} and {INSTALL_CHROMIUM}"
            ) from None
        executable = find_executable(self._executable)
        return asyncio.run(self._capture(executable, page_url, request_path))

    async def _capture(self, executable: str, page_url: str, request_path: str) -> dict[str, str]:
        from playwright.async_api import Error, async_playwright

        timeout_ms = self._timeout * 1000
        async with async_playwright() as playwright:
            try:
                browser = await playwright.chromium.launch(
                    executable_path=executable, headless=True, args=list(_QUIET)
                )
            except Error as exc:
                raise BrowserError(f"cannot start {executable}: {_first_line(exc)}") from None
            try:
                page = await browser.new_page()
                try:
                    async with page.expect_request(
                        lambda r: request_path in urlsplit(r.url).path, timeout=timeout_ms
                    ) as seen:
                        try:
                            await page.goto(page_url, timeout=timeout_ms)
                        except Error as exc:
                            raise BrowserError(
                                f"{page_url}: the page did not load: {_first_line(exc)}"
                            ) from None
                    request = await seen.value
                except Error:
                    raise BrowserError(
                        f"{page_url}: the page loaded but made no request to {request_path} "
                        f"within {self._timeout:g} s (has the portal changed?)"
                    ) from None
                headers = await request.all_headers()
            finally:
                await browser.close()
        return kept_headers(headers, page_url)


def kept_headers(headers: Mapping[str, str], page_url: str) -> dict[str, str]:
    """The headers a portal checks, with Referer and Origin as its own page sends them."""
    kept = {name: value for name, value in headers.items() if name.lower() in KEPT}
    kept = {name.lower(): value for name, value in kept.items()}
    parts = urlsplit(page_url)
    kept.setdefault("referer", page_url)
    kept.setdefault("origin", f"{parts.scheme}://{parts.netloc}")
    return kept


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
