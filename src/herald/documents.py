"""Every document of the served directory, read from the store and rendered.

Feeds in three formats, Atom archive pages (RFC 5005), index.html and OPML lists. Reads
the store, writes nothing: publishing is the caller's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from math import ceil

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


def documents(settings: Settings, store: Store, topics: TopicRules) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every document, or nothing while the store is empty."""
    fallback = store.newest_update()
    if fallback is None:
        return
    site = settings.site
    names = {s.id: s.name for s in settings.sources}
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
        # A feed longer than one document is archived whole, in pages by arrival order,
        # so a full page never changes again except when one of its entries is edited.
        pages = ceil(total / ARCHIVE_PAGE) if total > settings.feeds.max_entries else 0
        current = view(
            spec,
            store.articles(spec.query, settings.feeds.max_entries),
            Paging(
                complete=not pages, prev_archive=archive_path(spec.path, pages) if pages else None
            ),
        )
        yield f"{spec.path}.atom", render_atom(current)
        yield f"{spec.path}.rss", render_rss(current)
        yield f"{spec.path}.json", render_json(current)
        for page in range(1, pages + 1):
            entries = store.articles(
                spec.query, ARCHIVE_PAGE, offset=(page - 1) * ARCHIVE_PAGE, by_arrival=True
            )
            paging = Paging(
                archive=True,
                current=spec.path,
                prev_archive=archive_path(spec.path, page - 1) if page > 1 else None,
                next_archive=archive_path(spec.path, page + 1) if page < pages else None,
            )
            archived = view(spec, entries, paging, archive_path(spec.path, page))
            yield f"{archived.path}.atom", render_atom(archived)
        summaries[spec.path.split("/")[0]].append(
            FeedSummary(spec.name, spec.path, total, current.updated if total else None)
        )

    groups = [FeedGroup(name, slug, tuple(summaries[slug])) for slug, name in GROUPS]
    yield "index.html", render_index(site.title, site.base_url, groups)
    yield "feeds.opml", render_opml(f"{site.title}: all feeds", site.base_url, groups)
    for group in groups:
        if group.slug in ("topics", "countries"):
            yield (
                f"{group.slug}.opml",
                render_opml(f"{site.title}: {group.name.lower()}", site.base_url, [group]),
            )
