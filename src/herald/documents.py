"""Every document of the served directory, read from the store and rendered on demand.

Feeds in three formats, Atom archive pages (RFC 5005), index.html and OPML lists, for the
original edition and for each translated one under `<lang>/`. Each feed document comes
with a fingerprint of everything it is rendered from (the revisions of its entries, its
links, the settings it shows), so a publisher that already holds a document with that
fingerprint need not render it again. Reads the store, writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

from herald import __version__
from herald.classify.topics import TopicRules
from herald.models import TaggedArticle
from herald.previous import FeedRecord, Keep, archive_pages, feed_key, what_to_keep
from herald.publish import Publisher
from herald.render.atom import atom_document, atom_entry, for_feed, render_atom
from herald.render.discovery import FeedGroup, FeedSummary, render_opml
from herald.render.feeds import FeedSpec, feed_specs
from herald.render.html import (
    ASSETS,
    TEMPLATES_DIGEST,
    Tree,
    article_page_path,
    country_name,
    render_article_page,
    render_feed_page,
    render_index,
    source_health,
    words,
)
from herald.render.jsonfeed import render_json
from herald.render.rss import render_rss
from herald.render.view import (
    ARCHIVE_PAGE,
    ORIGINAL,
    Edition,
    FeedView,
    Paging,
    archive_path,
    entry_view,
    feed_head,
    feed_view,
    newest_first,
)
from herald.settings import Settings
from herald.store import FeedQuery, Store
from herald.translate.texts import Translator, field_payload

GROUPS = ("all", "sources", "topics", "countries", "organizations")
LAYOUT = 2  # what documents say beyond their inputs: raised when that changes
PAGE_BATCH = 200  # article pages rendered from one read of the store
FORMATS: tuple[tuple[str, Callable[[FeedView], bytes]], ...] = (
    (".atom", render_atom),
    (".rss", render_rss),
    (".json", render_json),
)
T = TypeVar("T")
KEPT_ENTRIES = 20_000  # entries' Atom bytes kept during a publish: about 70 MB


@dataclass(frozen=True, slots=True)
class Document:
    """A file to publish; `render` is called only when the fingerprint is not current.

    A `record` is no file but a line of the publisher's bookkeeping: `path` names it and
    `fingerprint` is its value. A `kept` document is one the last publish left, found
    there: the publisher need not look again.
    """

    path: str
    fingerprint: str | None
    render: Callable[[], bytes]
    record: bool = False
    kept: bool = False  # as the last publish left it, known to be there


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def _once(make: Callable[[], T]) -> Callable[[], T]:
    """A function that calls `make` the first time and returns that result ever after."""
    made: list[T] = []

    def get() -> T:
        if not made:
            made.append(make())
        return made[0]

    return get


class EntryCache:
    """The Atom bytes of entries, rendered once per edition in a publish and reused by
    every archive page that holds them; the most recently used are kept, up to `limit`
    (archive pages are rendered in the order their entries arrived, so most reuse is
    recent)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: OrderedDict[tuple[str, str], tuple[str, bytes]] = OrderedDict()

    def entries(self, site: _Site, edition: Edition, ids: Sequence[str]) -> list[tuple[str, bytes]]:
        """(language, bytes) of each entry, rendering the ones not kept."""
        missing = [i for i in ids if (edition.prefix, i) not in self._kept]
        if missing:
            found = site.store.get_many(missing, evidence=False)
            tagged = [found[i] for i in missing]
            full = site.with_versions(site.with_translations(edition, tagged), tagged)
            for t in tagged:
                view = entry_view(t, site.settings.site.base_url, site.names, full)
                self._kept[(edition.prefix, t.article.id)] = (view.language, atom_entry(view))
        result = []
        for i in ids:
            self._kept.move_to_end((edition.prefix, i))
            result.append(self._kept[(edition.prefix, i)])
        while len(self._kept) > self.limit:
            self._kept.popitem(last=False)
        return result


@dataclass(frozen=True, slots=True)
class _Site:
    """What every document of a run is rendered with."""

    settings: Settings
    store: Store
    names: dict[str, str]
    fallback: Any  # datetime: the store's newest update, for empty feeds
    translator: Translator | None
    cache: EntryCache
    published: Publisher | None  # what the last publish left, to skip unchanged feeds
    generation: int  # the store's generation this publish reflects
    changes: dict[str, tuple[int, int]]  # per feed: when it last changed, and not by growing

    def tree(self, edition: Edition) -> Tree:
        """Where the pages of an edition sit."""
        return Tree(
            self.settings.site.title,
            self.settings.site.base_url,
            edition.prefix,
            edition.language,
            tuple((o.language, o.prefix) for o in edition.others),
        )

    def view(
        self,
        spec: FeedSpec,
        entries: Sequence[TaggedArticle],
        paging: Paging,
        edition: Edition,
        path: str | None = None,
    ) -> FeedView:
        site = self.settings.site
        return feed_view(
            spec,
            entries,
            base_url=site.base_url,
            author=site.title,
            source_names=self.names,
            fallback_updated=self.fallback,
            paging=paging,
            path=path,
            edition=self.with_versions(self.with_translations(edition, entries), entries),
            hub=self.settings.websub.hub if not paging.archive else None,
        )

    def with_versions(self, edition: Edition, entries: Sequence[TaggedArticle]) -> Edition:
        """The edition with the other language versions of these entries."""
        groups = {t.article.group for t in entries if t.article.group is not None}
        if not groups:
            return edition
        stored = self.store.siblings(groups)
        versions = {
            t.article.id: tuple(
                (v.article.language, v.article.url)
                for v in stored.get(t.article.group or "", [])
                if v.article.id != t.article.id and v.article.url
            )
            for t in entries
        }
        return replace(edition, versions=versions)

    def with_translations(self, edition: Edition, entries: Sequence[TaggedArticle]) -> Edition:
        """The edition with the kept translations of these entries."""
        if edition.language is None or edition.engine is None or self.translator is None:
            return edition
        translator = self.translator
        keys = {
            (a.id, field): translator.key(a.language, field, field_payload(a, field))
            for a in (t.article for t in entries)
            for field in translator.fields
        }
        kept = self.store.translations(
            edition.language, translator.engine.name, [(k, f) for (_, f), k in keys.items()]
        )
        found: dict[str, dict[str, str]] = {}
        for (article_id, field), key in keys.items():
            if (key, field) in kept:
                found.setdefault(article_id, {})[field] = kept[(key, field)]
        return replace(edition, translations=found)


def _current(site: _Site, spec: FeedSpec, paging: Paging, edition: Edition) -> FeedView:
    entries = site.store.articles(spec.query, site.settings.feeds.max_entries)
    return site.view(spec, entries, paging, edition)


def _render(render: Callable[[FeedView], bytes], current: Callable[[], FeedView]) -> bytes:
    return render(current())


def _archive_page(
    site: _Site,
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
    site: _Site, spec: FeedSpec, edition: Edition, context: str
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
            kept.append(Document(record_name, again.text(), _no_file, record=True))
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
    mark = _fingerprint(context, spec, paging, newest, None if newest else site.fallback)
    current = _once(partial(_current, site, spec, paging, edition))
    for suffix, render in FORMATS:
        documents.append(
            Document(f"{prefix}{spec.path}{suffix}", mark, partial(_render, render, current))
        )
    preview = partial(_feed_page, site.tree(edition), spec, total)
    documents.append(
        # The page also says how many entries the feed has had in all.
        Document(
            f"{prefix}{spec.path}.html",
            _fingerprint(mark, total),
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
            _fingerprint(context, spec, page_paging, chunk),
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
        documents.append(Document(record_name, again.text(), _no_file, record=True))
    return documents, archived, FeedSummary(spec.name, prefix + spec.path, total, updated)


def _feed_page(tree: Tree, spec: FeedSpec, total: int, view: FeedView) -> bytes:
    return render_feed_page(tree, view, spec.name, total)


def _article_pages(
    site: _Site,
    edition: Edition,
    context: str,
    feeds: frozenset[str],
    links: list[tuple[str | None, str]],
) -> Iterator[Document]:
    """The page of every article of an edition. What the last publish left stands for
    each article that did not change since (its generation says), unless the context did;
    the others are rendered, a batch at a time."""
    record_name = f":pages {edition.prefix}"
    noted = (site.published.noted(record_name) if site.published else None) or ""
    since, _, kept_context = noted.partition(" ")
    since_generation = int(since) if since.isdigit() and kept_context == context else None
    missing: list[tuple[str, str]] = []  # (article id, fingerprint) of pages to render
    for article_id, changed in site.store.changes(edition.query(FeedQuery())):
        path = article_page_path(edition.prefix, article_id)
        if since_generation is not None and changed <= since_generation:
            assert site.published is not None
            mark = site.published.current(path)
            if mark is not None:
                yield Document(path, mark, _no_file, kept=True)
                continue
        missing.append((article_id, _fingerprint(context, article_id, changed)))
    tree = site.tree(edition)
    for start in range(0, len(missing), PAGE_BATCH):
        batch = missing[start : start + PAGE_BATCH]
        rendered = _once(partial(_render_pages, site, edition, tree, feeds, links, batch))
        for article_id, mark in batch:
            path = article_page_path(edition.prefix, article_id)
            yield Document(path, mark, partial(_pick, rendered, article_id))
    yield Document(record_name, f"{site.generation} {context}", _no_file, record=True)


def _render_pages(
    site: _Site,
    edition: Edition,
    tree: Tree,
    feeds: frozenset[str],
    links: list[tuple[str | None, str]],
    batch: list[tuple[str, str]],
) -> dict[str, bytes]:
    """The pages of a batch of articles, from one read of the store."""
    found = site.store.get_many([i for i, _ in batch], evidence=False)
    tagged = [found[i] for i, _ in batch if i in found]
    full = site.with_versions(site.with_translations(edition, tagged), tagged)
    pages = {}
    for t in tagged:
        a = t.article
        view = entry_view(t, site.settings.site.base_url, site.names, full)
        # Herald's page of an article in the other trees: where every tree holds it.
        trees = links if a.group is None else []
        pages[a.id] = render_article_page(tree, view, a.source_id, feeds, trees, a.language)
    return pages


def _pick(rendered: Callable[[], dict[str, bytes]], article_id: str) -> bytes:
    return rendered()[article_id]


def _as_published(site: _Site, paths: list[str]) -> list[Document] | None:
    """The documents at `paths` as the last publish left them, or None if one is gone."""
    assert site.published is not None
    marks = [site.published.current(path) for path in paths]
    if any(mark is None for mark in marks):
        return None
    return [
        Document(path, mark, _no_file, kept=True) for path, mark in zip(paths, marks, strict=True)
    ]


def _no_file() -> bytes:
    """The render of a document known current: never called."""
    raise AssertionError("a document known to be current was rendered")


def editions(translator: Translator | None, settings: Settings) -> list[Edition]:
    """The original tree, then one per target language of the translator and one per other
    language the sources publish in themselves, each knowing the others."""
    targets = translator.targets if translator is not None else ()
    native = sorted({code for s in settings.sources for code in s.editions[1:]} - set(targets))
    plain = [ORIGINAL]
    plain += [
        Edition(
            prefix=f"{code}/",
            language=code,
            engine=translator.engine.name if translator is not None and code in targets else None,
        )
        for code in (*targets, *native)
    ]
    return [replace(e, others=tuple(o for o in plain if o is not e)) for e in plain]


def documents(
    settings: Settings,
    store: Store,
    topics: TopicRules,
    translator: Translator | None = None,
    published: Publisher | None = None,
) -> Iterator[Document]:
    """Every document of every edition, or nothing while the store is empty. With what the
    last publish left (`published`), a feed that did not change since is not read at all:
    its documents are named with the fingerprints they were published with."""
    fallback = store.newest_update()
    if fallback is None:
        return
    site = _Site(
        settings,
        store,
        {s.id: s.name for s in settings.sources},
        fallback,
        translator,
        EntryCache(KEPT_ENTRIES),
        published,
        store.generation(),
        store.feed_changes(),
    )
    organizations = [
        (slug, store.label("organization", slug)) for slug in store.terms("organization")
    ]
    specs = feed_specs(settings, topics, store.terms("country"), organizations)
    for edition in editions(translator, settings):
        yield from _edition(site, topics, specs, edition)


def _edition(
    site: _Site,
    topics: TopicRules,
    specs: list[FeedSpec],
    edition: Edition,
) -> Iterator[Document]:
    settings = site.settings
    max_entries, prefix = settings.feeds.max_entries, edition.prefix
    # What every document shows besides its entries; a change re-renders everything.
    context = _fingerprint(
        __version__,
        settings.site.title,
        settings.site.base_url,
        site.names,
        [(t.slug, t.label, sorted(t.labels.items())) for t in topics.topics],
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
    localized = [_localize(s, edition.language, settings.site.title, topics) for s in specs]
    for spec in (replace(s, query=edition.query(s.query)) for s in localized):
        current, pages, summary = _feed(site, spec, edition, context)
        yield from current
        archived += pages
        summaries[spec.path.split("/")[0]].append(summary)
    # Archive pages in the order their entries arrived, so that the entries a page shares
    # with the pages of other feeds were rendered recently and are still kept.
    yield from (document for _, document in sorted(archived, key=lambda pair: pair[0]))
    feeds = frozenset(spec.path for spec in specs)
    # An article's page links to its page in the other trees that hold every original.
    links = [(o.language, o.prefix) for o in edition.others if o.language is None or o.engine]
    native = edition.language is not None and edition.engine is None
    yield from _article_pages(site, edition, context, feeds, [] if native else links)

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


def _localize(spec: FeedSpec, language: str | None, site: str, topics: TopicRules) -> FeedSpec:
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
            name = topics.label(term, language)
    about = said[f"about_{family}"].format(name=name)
    return replace(spec, name=name, title=f"{site}: {name}", about=about)
