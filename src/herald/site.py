"""What every document of a publish is rendered with: the site, its language trees, and the
entries' Atom bytes rendered once per publish; and what a document is.

Reads the store, writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from herald.classify.topics import TopicRules
from herald.models import TaggedArticle
from herald.publish import Publisher
from herald.render.atom import atom_entry
from herald.render.feeds import FeedSpec
from herald.render.html import Tree
from herald.render.view import (
    ORIGINAL,
    Edition,
    EntryView,
    FeedView,
    Paging,
    entry_view,
    feed_view,
)
from herald.settings import Settings
from herald.store import Store
from herald.translate.texts import Translator, field_payload, names_of

T = TypeVar("T")
KEPT_ENTRIES = 5_000  # entries' Atom bytes kept during a publish: about 18 MB
SHOWN_ENTRIES = 1_000  # and of the entries current feeds show, with their views
READ_ENTRIES = 400  # articles read for archive pages kept for their own pages: two batches


@dataclass(frozen=True, slots=True)
class Document:
    """A file to publish; `render` is called only when the fingerprint is not current.

    A `record` is no file but a line of the publisher's bookkeeping: `path` names it and
    `fingerprint` is its value. A `kept` document is one the last publish left, found
    there: the publisher need not look again. A `folder` ("es/articles/") is one Herald
    owns whole: the files in it are not listed one by one (`listed` False), and it goes
    when it is no longer named.
    """

    path: str
    fingerprint: str | None
    render: Callable[[], bytes]
    record: bool = False
    kept: bool = False  # as the last publish left it, known to be there
    folder: bool = False
    listed: bool = True


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def once(make: Callable[[], T]) -> Callable[[], T]:
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
    recent). Beside them: the entries of the current feeds, by view (`atom`), and the
    articles the archive pages read last, for their own pages (`read`)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: OrderedDict[tuple[str, str], tuple[str, bytes]] = OrderedDict()
        # The current feeds' entries by their views: the newest articles are in most feeds.
        self._shown: OrderedDict[EntryView, bytes] = OrderedDict()
        # The articles last read for archive pages, with their views: their own pages,
        # rendered next (documents.py), need not read them again.
        self._read: OrderedDict[tuple[str, str], tuple[TaggedArticle, EntryView]] = OrderedDict()

    def read(self, prefix: str, ids: Sequence[str]) -> dict[str, tuple[TaggedArticle, EntryView]]:
        """The articles of these ids (and their views in the tree at `prefix`) that were
        read for archive pages lately, each handed out once."""
        return {i: found for i in ids if (found := self._read.pop((prefix, i), None))}

    def atom(self, entry: EntryView) -> bytes:
        """An entry's Atom bytes, rendered once per publish: the same view gives the same
        bytes, so a feed's current documents share them with every other feed's."""
        found = self._shown.get(entry)
        if found is None:
            found = self._shown[entry] = atom_entry(entry)
            if len(self._shown) > min(self.limit, SHOWN_ENTRIES):
                self._shown.popitem(last=False)
        else:
            self._shown.move_to_end(entry)
        return found

    def entries(self, site: Site, edition: Edition, ids: Sequence[str]) -> list[tuple[str, bytes]]:
        """(language, bytes) of each entry, rendering the ones not kept."""
        missing = [i for i in ids if (edition.prefix, i) not in self._kept]
        if missing:
            for t, view in site.read_views(edition, missing):
                self._kept[(edition.prefix, t.article.id)] = (view.language, atom_entry(view))
                self._read[(edition.prefix, t.article.id)] = (t, view)
            while len(self._read) > min(self.limit, READ_ENTRIES):
                self._read.popitem(last=False)
        result = []
        for i in ids:
            self._kept.move_to_end((edition.prefix, i))
            result.append(self._kept[(edition.prefix, i)])
        while len(self._kept) > self.limit:
            self._kept.popitem(last=False)
        return result


@dataclass(frozen=True, slots=True)
class Site:
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
    topics: TopicRules
    labels: Mapping[tuple[str, str], str]  # (language, English label): machine-translated

    def topic_label(self, slug: str, language: str | None) -> str:
        """A topic's label in a tree: from the rules, else as the engine translated it."""
        label = self.topics.label(slug, language)
        if language is None or label != self.topics.label(slug):
            return label
        return self.labels.get((language, label), label)

    def tree(self, edition: Edition) -> Tree:
        """Where the pages of an edition sit."""
        return Tree(
            self.settings.site.title,
            self.settings.site.base_url,
            edition.prefix,
            edition.language,
            tuple((o.language, o.prefix) for o in edition.others),
            tuple(
                (t.slug, self.topics.label(t.slug, edition.language)) for t in self.topics.topics
            ),
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

    def read_views(
        self, edition: Edition, ids: Sequence[str]
    ) -> list[tuple[TaggedArticle, EntryView]]:
        """The stored articles of these ids, in their order, each with its view in the
        edition (its kept translations and other language versions): one read of the
        store."""
        found = self.store.get_many(ids, evidence=False)
        tagged = [found[i] for i in ids if i in found]
        full = self.with_versions(self.with_translations(edition, tagged), tagged)
        base_url = self.settings.site.base_url
        return [(t, entry_view(t, base_url, self.names, full)) for t in tagged]

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
        translator, target = self.translator, edition.language
        keys = {
            (a.id, field): translator.key(
                a.language, field, field_payload(a, field), target, names_of(a, field)
            )
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


def no_file() -> bytes:
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
