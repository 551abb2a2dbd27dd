"""WebSub: telling a hub which feeds changed, so subscribers need not poll.

Pings go out after the files are written; a hub that fails is logged and asked again on
the next run (the store keeps the feeds still to announce), and never holds up publishing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import httpx

log = logging.getLogger(__name__)


class WebSubNotifier:
    """POSTs `hub.mode=publish` with `hub.url` for each changed feed to one hub."""

    def __init__(self, hub: str, timeout: float) -> None:
        self.hub = hub
        self._timeout = timeout

    def notify(self, urls: Iterable[str]) -> list[str]:
        """Announce each URL; return those the hub did not accept."""
        failed: list[str] = []
        with httpx.Client(timeout=self._timeout) as client:
            for url in urls:
                try:
                    response = client.post(self.hub, data={"hub.mode": "publish", "hub.url": url})
                    if not response.is_success:
                        raise httpx.HTTPStatusError(
                            f"HTTP {response.status_code}",
                            request=response.request,
                            response=response,
                        )
                except httpx.HTTPError as exc:
                    log.warning(
                        "WebSub hub %s: %s not announced (%s); trying again next run",
                        self.hub,
                        url,
                        exc,
                    )
                    failed.append(url)
        return failed


def is_feed(path: str) -> bool:
    """Whether a published path is a current feed (archives never change for readers)."""
    return path.endswith((".atom", ".rss", ".json")) and "archive/" not in path
