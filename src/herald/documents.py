"""Every document of the served directory, read from the store and rendered on demand.

Feeds in three formats, Atom archive pages (RFC 5005), index.html and OPML lists, for the
original edition and for each translated one under `<lang>/`. Each feed document comes
with a fingerprint of everything it is rendered from (the revisions of its entries, its
links, the settings it shows), so a publisher that already holds a document with that
fingerprint need not render it again. Reads the store, writes nothing.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from functools import partial

from herald import __version__
from herald.article_pages import article_pages
from herald.classify.topics import TopicRules
from herald.previous import FeedRecord, Keep, archive_pages, feed_key, what_to_keep
from herald.publish import Publisher
from herald.render.atom import atom_document, for_feed, render_atom
from herald.render.discovery import FeedGroup, FeedSummary, render_opml
from herald.render.feeds import FeedSpec, feed_specs
from herald.render.html import (
    ASSETS,
    TEMPLATES_DIGEST,
    Tree,
    country_name,
    render_feed_page,
    render_index,
    source_health,
    words,
)
from herald.render.jsonfeed import render_json
from herald.render.rss import render_rss
from herald.render.view import (
    ARCHIVE_PAGE,
    Edition,
    FeedView,
    Paging,
    archive_path,
    feed_head,
    newest_first,
)
from herald.settings import Settings
from herald.site import (
    KEPT_ENTRIES,
    Document,
    EntryCache,
    Site,
    editions,
    fingerprint,
    no_file,
    once,
)
from herald.store import Store
from herald.translate.texts import Translator

GROUPS = ("all", "sources", "topics", "countries", "organizations")
LAYOUT = 2  # what documents say beyond their inputs: raised when that changes
FORMATS: tuple[tuple[str, Callable[[FeedView], bytes]], ...] = (
    (".atom", render_atom),
    (".rss", render_rss),
    (".json", render_json),
)


def _current(site: Site, spec: FeedSpec, paging: Paging, edition: Edition) -> FeedView:
    entries = site.store.articles(spec.query, site.settings.feeds.max_entries)
    return site.view(spec, entries, paging, edition)


def _render(render: Callable[[FeedView], bytes], current: Callable[[], FeedView]) -> bytes:
    return render(current())


def _current_atom(site: Site, view: FeedView) -> bytes:
    """What `render_atom` makes of a feed's current view, with the entries' bytes shared."""
    entries = (for_feed(site.cache.atom(e), e.language, view) for e in view.entries)
    return atom_document(view, entries)


def _archive_page(
    site: Site,
    spec: FeedSpec,
    paging: Paging,
    arrivals: tuple[int, int],
    path: str,
    edition: Edition,
) -> bytes:
    """One page of a feed's archive: the entries that arrived in `arrivals`, found by key,
    each rendered once per publish however many feeds hold it."""
    arrived = site.store.entry_rows(spec.query, *arrivals)
    rows = newest_first(arrived, arrived)
    head = feed_head(
        spec,
        rows,
        base_url=site.settings.site.base_url,
        author=site.settings.site.title,
        fallback_updated=site.fallback,
        paging=paging,
        path=path,
        edition=edition,
    )
    entries = site.cache.entries(site, edition, [r.id for r in rows])
    return atom_document(head, (for_feed(data, language, head) for language, data in entries))


def _feed(
    site: Site, spec: FeedSpec, edition: Edition, context: str
) -> tuple[list[Document], list[tuple[int, Document]], FeedSummary]:
    """One feed's documents in one tree: its current documents (and its record), its archive
    pages (each with the arrival number it ends at), and what the index says of it.

    What the last publish left is kept where it still holds (see herald.previous): a feed
    nothing changed in is named, not read; one that only grew is read from its last
    archive page on."""
    store, max_entries, prefix = site.store, site.settings.feeds.max_entries, edition.prefix
    record_name = f":feed {prefix}{spec.path}"
    record = FeedRecord.parse(site.published.noted(record_name)) if site.published else None
    keep = what_to_keep(record, context, site.changes.get(feed_key(spec.query)), max_entries)

    def page_path(number: int) -> str:
        return prefix + archive_path(spec.path, number)

    if keep is Keep.EVERYTHING and record is not None:
        paths = [f"{prefix}{spec.path}{suffix}" for suffix, _ in (*FORMATS, (".html", None))]
        paths += [
            f"{page_path(n)}.atom" for n in range(1, archive_pages(record.total, max_entries) + 1)
        ]
        kept = _as_published(site, paths)
        if kept is not None:
            again = replace(record, generation=site.generation)
            kept.append(Document(record_name, again.text(), no_file, record=True))
            return (
                kept,
                [],
                FeedSummary(spec.name, prefix + spec.path, record.total, record.updated),
            )
    first, since = 1, 0  # the first archive page looked at, and its first arrival number
    documents: list[Document] = []
    if keep is Keep.FULL_PAGES and record is not None:
        full_pages = archive_pages(record.total, max_entries) - 1
        full = _as_published(site, [f"{page_path(n)}.atom" for n in range(1, full_pages + 1)])
        if full is not None:
            first, since = full_pages + 1, record.tail
            documents += full
    # The feed's articles by arrival, from its first page looked at: one query, cut in pages.
    members = store.revisions(spec.query, since=since)
    total = (first - 1) * ARCHIVE_PAGE + len(members)
    pages = archive_pages(total, max_entries)
    paging = Paging(complete=not pages, prev_archive=page_path(pages) if pages else None)
    shown = store.newest_rows(spec.query, max_entries)
    newest = [(row.seq, row.revision) for row in shown]
    mark = fingerprint(context, spec, paging, newest, None if newest else site.fallback)
    current = once(partial(_current, site, spec, paging, edition))
    for suffix, render in FORMATS:
        if render is render_atom:  # its entries rendered once for every current feed
            render = partial(_current_atom, site)
        documents.append(
            Document(f"{prefix}{spec.path}{suffix}", mark, partial(_render, render, current))
        )
    preview = partial(_feed_page, site.tree(edition), spec, total)
    documents.append(
        # The page also says how many entries the feed has had in all.
        Document(
            f"{prefix}{spec.path}.html",
            fingerprint(mark, total),
            partial(_render, preview, current),
        )
    )
    archived = []
    for page in range(first, pages + 1):
        offset = (page - first) * ARCHIVE_PAGE
        chunk = members[offset : offset + ARCHIVE_PAGE]
        page_paging = Paging(
            archive=True,
            current=prefix + spec.path,
            prev_archive=page_path(page - 1) if page > 1 else None,
            next_archive=page_path(page + 1) if page < pages else None,
        )
        document = Document(
            f"{page_path(page)}.atom",
            fingerprint(context, spec, page_paging, chunk),
            partial(
                _archive_page,
                site,
                spec,
                page_paging,
                (chunk[0][0], chunk[-1][0]) if chunk else (0, -1),
                archive_path(spec.path, page),
                edition,
            ),
        )
        # A feed of exactly 100 × n articles ends in an empty page, for the same reason.
        archived.append((chunk[-1][0] if chunk else 0, document))
    # The feed's own <updated>: the newest change among the entries it shows.
    updated = max((row.updated for row in shown), default=None)
    if total:  # an empty feed shows the store's newest update, so it is never kept
        start = (pages - first) * ARCHIVE_PAGE  # where the last page starts in `members`
        tail = 0 if not pages else members[start][0] if start < len(members) else members[-1][0] + 1
        again = FeedRecord(site.generation, total, updated, context, tail)
        documents.append(Document(record_name, again.text(), no_file, record=True))
    return documents, archived, FeedSummary(spec.name, prefix + spec.path, total, updated)


def _feed_page(tree: Tree, spec: FeedSpec, total: int, view: FeedView) -> bytes:
    return render_feed_page(tree, view, spec.name, total)


def _as_published(site: Site, paths: list[str]) -> list[Document] | None:
    """The documents at `paths` as the last publish left them, or None if one is gone."""
    assert site.published is not None
    marks = [site.published.current(path) for path in paths]
    if any(mark is None for mark in marks):
        return None
    return [
        Document(path, mark, no_file, kept=True) for path, mark in zip(paths, marks, strict=True)
    ]


def documents(
    settings: Settings,
    store: Store,
    topics: TopicRules,
    translator: Translator | None = None,
    published: Publisher | None = None,
    labels: Mapping[tuple[str, str], str] | None = None,
) -> Iterator[Document]:
    """Every document of every edition, or nothing while the store is empty. With what the
    last publish left (`published`), a feed that did not change since is not read at all:
    its documents are named with the fingerprints they were published with."""
    fallback = store.newest_update()
    if fallback is None:
        return
    site = Site(
        settings,
        store,
        {s.id: s.name for s in settings.sources},
        fallback,
        translator,
        EntryCache(KEPT_ENTRIES),
        published,
        store.generation(),
        store.feed_changes(),
        topics,
        labels or {},
    )
    organizations = [
        (slug, store.label("organization", slug)) for slug in store.terms("organization")
    ]
    specs = feed_specs(settings, topics, store.terms("country"), organizations)
    for edition in editions(translator, settings):
        yield from _edition(site, topics, specs, edition)


def _edition(
    site: Site,
    topics: TopicRules,
    specs: list[FeedSpec],
    edition: Edition,
) -> Iterator[Document]:
    settings = site.settings
    max_entries, prefix = settings.feeds.max_entries, edition.prefix
    # What every document shows besides its entries; a change re-renders everything.
    context = fingerprint(
        __version__,
        settings.site.title,
        settings.site.base_url,
        site.names,
        [(slug, label) for slug, label in site.tree(edition).topics],
        max_entries,
        ARCHIVE_PAGE,
        LAYOUT,
        TEMPLATES_DIGEST,
        prefix,
        edition.engine,
        [o.prefix for o in edition.others],
        settings.websub.hub,
    )
    summaries: dict[str, list[FeedSummary]] = {slug: [] for slug in GROUPS}
    archived: list[tuple[int, Document]] = []
    localized = [_localize(s, edition.language, settings.site.title, site) for s in specs]
    for spec in (replace(s, query=edition.query(s.query)) for s in localized):
        current, pages, summary = _feed(site, spec, edition, context)
        yield from current
        archived += pages
        summaries[spec.path.split("/")[0]].append(summary)
    feeds = frozenset(spec.path for spec in specs)
    # An article's page links to its page in the other trees that hold every original.
    links = [(o.language, o.prefix) for o in edition.others if o.language is None or o.engine]
    native = edition.language is not None and edition.engine is None
    own_pages = article_pages(site, edition, context, feeds, [] if native else links)
    # Archive pages in the order their entries arrived, so that the entries a page shares
    # with the pages of other feeds were rendered recently and are still kept; each batch
    # of article pages after the archive pages that read its articles last.
    archives = ((seq, 0, document) for seq, document in sorted(archived, key=lambda p: p[0]))
    articles = ((seq, 1, document) for seq, document in own_pages)
    merged = heapq.merge(archives, articles, key=lambda item: item[:2])
    yield from (document for _, _, document in merged)

    t = words(edition.language)
    title = settings.site.title
    base = settings.site.base_url
    groups = []
    for slug in GROUPS:
        feeds_in = summaries[slug]
        if slug in ("countries", "organizations"):  # by name, in the tree's language
            feeds_in = sorted(feeds_in, key=lambda summary: summary.name.casefold())
        groups.append(FeedGroup(t["everything" if slug == "all" else slug], slug, tuple(feeds_in)))
    tree = site.tree(edition)
    yield Document(
        f"{prefix}index.html",
        None,
        lambda: render_index(
            tree,
            title,
            groups,
            source_health(tree, site.names, list(site.store.fetch_states())),
            max_entries,
        ),
    )
    yield Document(
        f"{prefix}feeds.opml",
        None,
        partial(render_opml, f"{title}: {t['all_feeds']}", base, groups),
    )
    for group in groups:
        if group.slug in ("sources", "topics", "countries", "organizations"):
            yield Document(
                f"{prefix}{group.slug}.opml",
                None,
                partial(render_opml, f"{title}: {group.name}", base, [group]),
            )
    if not prefix:
        for name, data in ASSETS.items():
            yield Document(name, hashlib.sha256(data).hexdigest()[:32], partial(bytes, data))


def _localize(spec: FeedSpec, language: str | None, title: str, site: Site) -> FeedSpec:
    """A feed's name and title in a tree's language: CLDR's name of a country, a topic's
    label in that language where topics.toml gives one."""
    family, _, term = spec.path.partition("/")
    said = words(language)
    if family == "all":
        return replace(spec, name=said["everything"], about=said["about_all"])
    name = spec.name
    if language is not None:
        if family == "countries":
            name = country_name(term, language) or name
        elif family == "topics":
            name = site.topic_label(term, language)
    about = said[f"about_{family}"].format(name=name)
    return replace(spec, name=name, title=f"{title}: {name}", about=about)
