"""Collecting a source: fetch its pages (and new articles' own pages), parse each.

This is the I/O side of reading a source; parsing stays pure. Only the first page is
fetched conditionally: when it has not changed, neither has the listing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from herald.errors import HeraldError
from herald.fetch import Fetcher
from herald.models import ParseProblem, RawItem, Validators
from herald.normalize.identity import article_id
from herald.parse import KINDS
from herald.settings import SourceSettings
from herald.store import Store

log = logging.getLogger(__name__)


@dataclass
class Collected:
    """What one read of a source found."""

    items: list[RawItem] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    not_modified: bool = False
    # The first page's URL and validators, to store once the items are stored.
    validators: tuple[str, Validators] | None = None


def collect(source: SourceSettings, fetcher: Fetcher, store: Store) -> Collected:
    """Fetch and parse every page of a source; raises HeraldError if the first page fails."""
    kind = KINDS[source.kind]
    headers = kind.headers(source)
    found = Collected()
    url: str | None = kind.first_url(source)
    seen: set[str] = set()
    for page in range(kind.max_pages(source)):
        if url is None or url in seen:
            break
        seen.add(url)
        try:
            fetched = fetcher.fetch(
                url, headers=headers, validators=store.validators(url) if page == 0 else None
            )
            if fetched.not_modified:
                found.not_modified = page == 0
                break
            parsed = kind.parse(fetched, source)
        except HeraldError as exc:
            if page == 0:
                raise
            found.problems.append(ParseProblem(None, f"page {page + 1}: {exc}"))
            break
        if page == 0:
            found.validators = (url, Validators(fetched.etag, fetched.last_modified))
        found.items.extend(parsed.items)
        found.problems.extend(parsed.problems)
        url = parsed.next_url
    if kind.article is not None and found.items:
        _read_articles(source, fetcher, store, found)
    return found


def _read_articles(
    source: SourceSettings, fetcher: Fetcher, store: Store, found: Collected
) -> None:
    """Fetch the own page of each new item once, for its full text."""
    kind = KINDS[source.kind]
    assert kind.article is not None
    stored = store.get_many(article_id(source.id, item.key) for item in found.items)
    complete: list[RawItem] = []
    for item in found.items:
        if item.url is None or article_id(source.id, item.key) in stored:
            complete.append(item)
            continue
        try:
            page = fetcher.fetch(item.url, headers=kind.headers(source))
            content = kind.article(page, source)
        except HeraldError as exc:
            # Left out now and tried again next run, so the listing must be read again.
            found.problems.append(ParseProblem(None, f'article "{item.title}": {exc}'))
            found.validators = None
            continue
        complete.append(replace(item, html=content, paragraphs=()) if content else item)
    found.items = complete
