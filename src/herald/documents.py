"""Every document of the served directory, read from the store and rendered on demand.

Feeds in three formats, Atom archive pages (RFC 5005), index.html and OPML lists. Each
feed document comes with a fingerprint of everything it is rendered from (the revisions
of its entries, its links, the settings it shows), so a publisher that already holds a
document with that fingerprint need not render it again. Reads the store, writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from herald import __version__
from herald.classify.topics import TopicRules
from herald.models import TaggedArticle
from herald.render.atom import render_atom
from herald.render.discovery import FeedGroup, FeedSummary, render_index, render_opml
from herald.render.feeds import FeedSpec, feed_specs
from herald.render.jsonfeed import render_json
from herald.render.rss import render_rss
from herald.render.view import ARCHIVE_PAGE, FeedView, Paging, archive_path, feed_view
from herald.settings import Settings
from herald.store import Store

GROUPS = (
    ("all", "Everything"),
    ("sources", "Sources"),
    ("topics", "Topics"),
    ("countries", "Countries"),
)
FORMATS: tuple[tuple[str, Callable[[FeedView], bytes]], ...] = (
    (".atom", render_atom),
    (".rss", render_rss),
    (".json", render_json),
)


@dataclass(frozen=True, slots=True)
class Document:
    """A file to publish; `render` is called only when the fingerprint is not current."""

    path: str
    fingerprint: str | None
    render: Callable[[], bytes]


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


T = TypeVar("T")
ViewMaker = Callable[[FeedSpec, Sequence[TaggedArticle], Paging, "str | None"], FeedView]


def _once(make: Callable[[], T]) -> Callable[[], T]:
    """A function that calls `make` the first time and returns that result ever after."""
    made: list[T] = []

    def get() -> T:
        if not made:
            made.append(make())
        return made[0]

    return get


def _current(
    view: ViewMaker, store: Store, spec: FeedSpec, paging: Paging, max_entries: int
) -> FeedView:
    return view(spec, store.articles(spec.query, max_entries), paging, None)


def _render(render: Callable[[FeedView], bytes], current: Callable[[], FeedView]) -> bytes:
    return render(current())


def _archive_page(
    view: ViewMaker, store: Store, spec: FeedSpec, paging: Paging, offset: int, path: str
) -> bytes:
    entries = store.articles(spec.query, ARCHIVE_PAGE, offset=offset, by_arrival=True)
    return render_atom(view(spec, entries, paging, path))


def documents(settings: Settings, store: Store, topics: TopicRules) -> Iterator[Document]:
    """Every document, or nothing while the store is empty."""
    fallback = store.newest_update()
    if fallback is None:
        return
    site, max_entries = settings.site, settings.feeds.max_entries
    names = {s.id: s.name for s in settings.sources}
    # What every document shows besides its entries; a change re-renders everything.
    context = _fingerprint(
        __version__, site.title, site.base_url, names,
        [(t.slug, t.label) for t in topics.topics], max_entries, ARCHIVE_PAGE,
    )  # fmt: skip
    summaries: dict[str, list[FeedSummary]] = {slug: [] for slug, _ in GROUPS}

    def view(
        spec: FeedSpec, entries: Sequence[TaggedArticle], paging: Paging, path: str | None = None
    ) -> FeedView:
        return feed_view(
            spec,
            entries,
            base_url=site.base_url,
            author=site.title,
            source_names=names,
            fallback_updated=fallback,
            paging=paging,
            path=path,
        )

    for spec in feed_specs(settings, topics, store.terms("country")):
        total = store.count(spec.query)
        # A feed longer than one document is archived whole, in pages by arrival order.
        # The last page is never full, so a full page always has its successor to link
        # to and never changes again, except when one of its own entries is edited.
        pages = total // ARCHIVE_PAGE + 1 if total > max_entries else 0
        paging = Paging(
            complete=not pages, prev_archive=archive_path(spec.path, pages) if pages else None
        )
        newest = store.revisions(spec.query, max_entries)
        mark = _fingerprint(context, spec, paging, newest, None if newest else fallback)

        current = _once(partial(_current, view, store, spec, paging, max_entries))
        for suffix, render in FORMATS:
            yield Document(f"{spec.path}{suffix}", mark, partial(_render, render, current))
        for page in range(1, pages + 1):
            offset = (page - 1) * ARCHIVE_PAGE
            page_paging = Paging(
                archive=True,
                current=spec.path,
                prev_archive=archive_path(spec.path, page - 1) if page > 1 else None,
                next_archive=archive_path(spec.path, page + 1) if page < pages else None,
            )
            revisions = store.revisions(spec.query, ARCHIVE_PAGE, offset=offset, by_arrival=True)
            path = archive_path(spec.path, page)

            yield Document(
                f"{path}.atom",
                _fingerprint(context, spec, page_paging, revisions),
                partial(_archive_page, view, store, spec, page_paging, offset, path),
            )
        summaries[spec.path.split("/")[0]].append(
            FeedSummary(spec.name, spec.path, total, store.newest_update(spec.query))
        )

    groups = [FeedGroup(name, slug, tuple(summaries[slug])) for slug, name in GROUPS]
    yield Document("index.html", None, partial(render_index, site.title, site.base_url, groups))
    yield Document(
        "feeds.opml", None, partial(render_opml, f"{site.title}: all feeds", site.base_url, groups)
    )
    for group in groups:
        if group.slug in ("topics", "countries"):
            title = f"{site.title}: {group.name.lower()}"
            yield Document(
                f"{group.slug}.opml", None, partial(render_opml, title, site.base_url, [group])
            )
