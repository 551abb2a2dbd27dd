"""Session headers for sources whose API answers only what its own page asks.

A gov.kz source's requests carry `hash` and `token` headers (and the browser's User-Agent,
Referer and Origin) that the portal's news page computes in the browser. A `SessionKeeper`
lends them to one read of one source: the stored ones while they are younger than the
source's `token_ttl` and not refused; otherwise fresh ones from the browser, which are
stored with the time they were obtained. It asks the browser at most once per read, so a
portal that refuses fresh headers fails the source instead of starting browsers forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from herald.errors import RefusedError, SourceError
from herald.fetch.browser import Browser
from herald.models import Session
from herald.settings import SourceSettings
from herald.store import Store

log = logging.getLogger(__name__)


class SessionKeeper:
    """The session headers of one source for one read of it."""

    def __init__(
        self,
        source: SourceSettings,
        store: Store,
        browser: Callable[[], Browser],
        page_url: str,
        request_path: str,
        now: datetime,
    ) -> None:
        self._source = source
        self._store = store
        self._browser = browser
        self._page_url = page_url
        self._request_path = request_path
        self._now = now
        self._refreshed = False
        stored = store.session(source.id)
        fresh = stored is not None and now - stored.obtained < source.token_ttl
        self._headers = dict(stored.headers) if stored is not None and fresh else {}
        if stored is not None and not fresh:
            log.info('source "%s": session headers are older than token_ttl', source.id)
        if not self._headers and (source.tokens == "browser" or stored is not None):
            self.refresh("none are kept" if stored is None else "they expired")

    @property
    def headers(self) -> dict[str, str]:
        """The headers to add to every request of this read (none before any are needed)."""
        return dict(self._headers)

    def refresh(self, reason: str) -> None:
        """Obtain new headers from the browser and keep them; SourceError if that fails or
        if this read has already done so once."""
        if self._refreshed:
            raise SourceError(
                f'source "{self._source.id}": refused again after new session headers were '
                f"obtained from {self._page_url} ({reason}); the portal may have changed how "
                "its page calls the API"
            )
        self._refreshed = True
        log.info(
            'source "%s": obtaining session headers from %s (%s)',
            self._source.id,
            self._page_url,
            reason,
        )
        captured = self._browser().capture(self._page_url, self._request_path)
        if not captured.get("hash") and not captured.get("token"):
            log.info('source "%s": the page\'s request carried no hash or token', self._source.id)
        self._headers = captured
        self._store.save_session(self._source.id, Session(captured, self._now))

    def on_refused(self, error: RefusedError) -> None:
        """The API refused a request: refresh, or fail when this read already did."""
        self.refresh(f"the API answered HTTP {error.status}")
