"""Collecting a source: fetch its pages (and new articles' full text), parse each.

This is the I/O side of reading a source; parsing stays pure. Only the first page of each
language edition is fetched conditionally: when it has not changed, neither has the listing.
A source whose API wants session headers gets them through a SessionKeeper, which asks a
browser only when the API refuses (or the source says it always needs one).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from herald.errors import HeraldError, RefusedError
from herald.fetch import Fetcher
from herald.fetch.browser import Browser
from herald.fetch.hosts import LinkRefusedError, LinkRule
from herald.models import Fetched, ParseProblem, RawItem, Validators
from herald.normalize.identity import article_id
from herald.parse import KINDS, SourceKind
from herald.sessions import SessionKeeper
from herald.settings import SourceSettings
from herald.store import Store

log = logging.getLogger(__name__)


@dataclass
class Collected:
    """What one read of a source found."""

    items: list[RawItem] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    not_modified: bool = False
    # The first pages' URLs and validators, to store once the items are stored.
    validators: list[tuple[str, Validators]] = field(default_factory=list)


@dataclass
class _Reader:
    """Fetches for one read of one source, with its session headers when it has any."""

    fetcher: Fetcher
    session: SessionKeeper | None
    reading: str | None = None

    def fetch(
        self,
        url: str,
        headers: Mapping[str, str],
        validators: Validators | None = None,
        rule: LinkRule | None = None,
    ) -> Fetched:
        try:
            return self._fetch(url, headers, validators, rule)
        except RefusedError as refused:
            if self.session is None:
                raise
            self.session.on_refused(refused)
            try:
                return self._fetch(url, headers, validators, rule)
            except RefusedError as again:
                self.session.on_refused(again)  # refreshed once already: says so and fails
                raise

    def _fetch(
        self,
        url: str,
        headers: Mapping[str, str],
        validators: Validators | None,
        rule: LinkRule | None,
    ) -> Fetched:
        extra = self.session.headers if self.session is not None else {}
        return self.fetcher.fetch(
            url, headers={**headers, **extra}, validators=validators, rule=rule
        )


def collect(
    source: SourceSettings,
    fetcher: Fetcher,
    store: Store,
    browser: Callable[[], Browser] | None = None,
    now: datetime | None = None,
    reading: str | None = None,
) -> Collected:
    """Fetch and parse every page of every language edition of a source; raises
    HeraldError if the first page of the first edition fails.

    `reading` names everything that turns the source's bytes into articles (Herald's
    version, the source's settings, the rules); when it is given, a first page whose bytes
    and reading are those of the last stored read counts as not modified, unparsed."""
    kind = KINDS[source.kind]
    session = None
    if kind.session_page is not None and source.tokens != "none" and browser is not None:
        assert kind.session_request is not None and now is not None
        session = SessionKeeper(
            source, store, browser, kind.session_page(source), kind.session_request, now
        )
    reader = _Reader(fetcher, session, reading)
    found = Collected()
    editions = source.editions
    modified = first_modified = False
    for number, language in enumerate(editions):
        edition = source if number == 0 else source.model_copy(update={"language": language})
        # A version takes the tags of its first version: when that edition changed, the
        # others are read whole even if their bytes did not change.
        whole = number > 0 and first_modified
        try:
            items, not_modified = _read_listing(edition, kind, reader, store, found, whole=whole)
        except HeraldError as exc:
            if number == 0:
                raise
            found.problems.append(ParseProblem(None, f'edition "{language}": {exc}'))
            continue
        modified = modified or not not_modified
        first_modified = first_modified or (number == 0 and not not_modified)
        if len(editions) > 1:
            items = [_as_edition(item, language, primary=number == 0) for item in items]
        if items and kind.article is not None:
            items = _read_articles(edition, kind, reader, store, items, found)
        found.items.extend(items)
    found.not_modified = not modified
    return found


def _as_edition(item: RawItem, language: str, *, primary: bool) -> RawItem:
    """An item of one language edition: the first edition keeps the plain key (and so the
    ids it always had); the others get their own key, and all share the group."""
    key = item.key if primary else f"{item.key} lang:{language}"
    return replace(item, key=key, group_key=item.key, language=language)


def _read_listing(
    source: SourceSettings,
    kind: SourceKind,
    reader: _Reader,
    store: Store,
    found: Collected,
    *,
    whole: bool = False,
) -> tuple[list[RawItem], bool]:
    """The items of every page of one listing, and whether its first page was unchanged;
    `whole` reads and parses it even so (no conditional GET, no digest)."""
    headers = kind.headers(source)
    url: str | None = kind.first_url(source)
    seen: set[str] = set()
    items: list[RawItem] = []
    for page in range(kind.max_pages(source)):
        if url is None or url in seen:
            break
        seen.add(url)
        known = store.validators(url) if page == 0 and not whole else None
        ask = known  # what the request may send: a 304 keeps what the last read made
        if known is not None and reader.reading is not None and known.reading != reader.reading:
            ask = None  # read otherwise then (or by a Herald that did not say): fetch whole
        try:
            fetched = reader.fetch(url, headers, ask)
            if fetched.not_modified:
                return items, page == 0
            digest = _digest(fetched, reader.reading) if page == 0 else None
            mine = Validators(fetched.etag, fetched.last_modified, digest, reader.reading)
            if digest is not None and known is not None and known.digest == digest:
                # The same bytes, read the same way (the digest holds both): nothing can
                # change. New validators for them (a local file copied anew, a server's new
                # ETag, a reading not noted before) are kept.
                if mine != known:
                    found.validators.append((url, mine))
                return items, True
            parsed = kind.parse(fetched, source)
        except HeraldError as exc:
            if page == 0:
                raise
            found.problems.append(ParseProblem(None, f"page {page + 1}: {exc}"))
            break
        if page == 0:
            found.validators.append((url, mine))
        items.extend(parsed.items)
        found.problems.extend(parsed.problems)
        url = parsed.next_url
    return items, False


def _digest(fetched: Fetched, reading: str | None) -> str | None:
    """A digest of a page's bytes and of what reads them; None when reading is not known."""
    if reading is None:
        return None
    return hashlib.sha256(reading.encode() + b"\0" + fetched.content).hexdigest()


def _read_articles(
    source: SourceSettings,
    kind: SourceKind,
    reader: _Reader,
    store: Store,
    items: list[RawItem],
    found: Collected,
) -> list[RawItem]:
    """Fetch the full text of each new item that has only a teaser, once; a known one
    keeps the full text stored for it, so that its teaser is not taken for an edit."""
    assert kind.article is not None
    rule = LinkRule.for_source(kind.first_url(source), source.follow_hosts)
    stored = store.get_many(article_id(source.id, item.key) for item in items)
    complete: list[RawItem] = []
    for item in items:
        known = stored.get(article_id(source.id, item.key))
        if item.details_url is None:
            complete.append(item)
            continue
        if known is not None:
            kept = known.article.content_html  # its picture, if any, is in it already
            complete.append(replace(item, html=kept, paragraphs=(), image=None))
            continue
        try:
            page = reader.fetch(item.details_url, kind.headers(source), rule=rule)
            content = kind.article(page, source)
        except LinkRefusedError as exc:  # never fetched: the entry keeps what the listing says
            log.warning('source "%s", article "%s": link refused: %s', source.id, item.title, exc)
            complete.append(item)
            continue
        except HeraldError as exc:
            # Left out now and tried again next run, so the listing must be read again.
            found.problems.append(ParseProblem(None, f'article "{item.title}": {exc}'))
            found.validators.clear()
            continue
        complete.append(replace(item, html=content, paragraphs=()) if content else item)
    return complete
