"""A feed as every format sees it: built once, rendered as Atom, RSS and JSON Feed alike.

Building the view is where Herald decides what a feed says; the renderers only spell it.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, TypeVar

from herald.classify.versions import first_version_of
from herald.models import Article, TaggedArticle
from herald.normalize.identity import HERALD_NAMESPACE
from herald.render.feeds import FAMILY_DIRS, FeedSpec
from herald.store import FeedQuery

ARCHIVE_PAGE = 100  # entries per archive page; fixed, so full pages never change


@dataclass(frozen=True, slots=True)
class Category:
    """A tag as a feed category: term, the scheme URL of its family, and its label."""

    term: str
    scheme: str
    label: str


@dataclass(frozen=True, slots=True)
class EntryView:
    """One entry, with everything any format prints of it."""

    id: str
    title: str
    published: datetime
    updated: datetime
    author: str
    content_html: str
    summary: str
    url: str  # what a reader opens: the source's page, else Herald's page of the article
    language: str
    categories: tuple[Category, ...]
    page: str = ""  # Herald's page of the article in this tree
    source_url: str | None = None  # the source's own page, if it has one
    image: str | None = None  # the article's picture: the first in its text
    translated_by: str | None = None  # the engine, when the text is a machine translation
    # (hreflang, URL) of the source's pages of this article in each language, its own last.
    versions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a document sits in a feed's archive (RFC 5005); all paths without extension."""

    archive: bool = False  # this document is an archive page
    complete: bool = False  # the current document holds every entry
    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None


@dataclass(frozen=True, slots=True)
class FeedView:
    """One feed document."""

    id: str
    title: str
    path: str  # without extension: "all", "countries/be", "archive/all/1"
    base_url: str
    updated: datetime
    language: str | None
    author: str
    entries: tuple[EntryView, ...]
    paging: Paging = Paging()
    hub: str | None = None  # a WebSub hub that announces changes of this feed
    # (hreflang or "" for the original languages, path without extension) of this same feed
    # in the other language trees.
    editions: tuple[tuple[str, str], ...] = ()
    subtitle: str = ""  # what the feed holds, in a sentence
    search: str = ""  # "?…": a feed served for a query (a filtered feed) carries it
    home: str | None = None  # the page for people, when the feed has none of its own

    def self_url(self, suffix: str) -> str:
        """The address this document is served at."""
        return self.url(self.path, suffix) + self.search

    def url(self, path: str, suffix: str) -> str:
        """The absolute URL of a document of this site."""
        return f"{self.base_url}{path}{suffix}"

    @property
    def page(self) -> str:
        """The feed's page for people (an archive page's is its feed's)."""
        return self.home or self.url(self.paging.current or self.path, ".html")

    def asset(self, name: str) -> str:
        """The URL of one of the site's own files: "icon-64.png", "logo.png"."""
        return f"{self.base_url}{name}"


@dataclass(frozen=True, slots=True)
class Edition:
    """One language tree of feeds: the original, or one language.

    A language tree holds the sources' own versions in that language and, when an engine
    translates into it, machine translations of the articles that have no such version.
    """

    prefix: str = ""  # "" for the original, "es/" for Spanish
    language: str | None = None  # None: each entry in its own language
    engine: str | None = None  # None: nothing is machine-translated into this language
    # Kept translations of the entries being rendered: article id -> field -> text.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The other language versions of the entries being rendered: article id -> (language,
    # URL) of each.
    versions: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    others: tuple[Edition, ...] = ()  # the other trees, to link feeds to

    def query(self, query: FeedQuery) -> FeedQuery:
        """A feed's query, in this tree."""
        return replace(query, language=self.language, machine=self.engine is not None)

    def entry_id(self, article: Article) -> str:
        """An entry's permanent id in this tree: a source's own language version and the
        original tree keep the article's id; a translation (or an original waiting for
        one) has its own, derived from the article's and the language."""
        if self.language is None or first_version_of(article) is not None:
            return article.id
        return f"urn:uuid:{uuid.uuid5(HERALD_NAMESPACE, article.id + chr(31) + self.language)}"


ORIGINAL = Edition()


def entry_view(
    tagged: TaggedArticle,
    base_url: str,
    source_names: Mapping[str, str],
    edition: Edition = ORIGINAL,
) -> EntryView:
    """An article as an entry of an edition: translated fields where a translation is kept,
    the original text (in its own language) where not yet."""
    a = tagged.article
    page = f"{base_url}{edition.prefix}{article_path(a.id)}.html"
    translated = edition.translations.get(a.id, {})
    is_translated = (
        edition.language is not None and edition.language != a.language and any(translated.values())
    )
    return EntryView(
        id=edition.entry_id(a),
        title=translated.get("title", a.title),
        published=a.published,
        updated=a.updated,
        author=source_names.get(a.source_id, a.source_id),
        content_html=translated.get("content", a.content_html),
        summary=translated.get("summary", a.summary),
        url=a.url or page,
        page=page,
        source_url=a.url,
        image=first_image(a.content_html) if "<img" in a.content_html else None,
        language=edition.language if is_translated and edition.language else a.language,
        categories=tuple(
            Category(t.term, f"{base_url}{FAMILY_DIRS[t.family]}/", t.label)
            for t in tagged.tags
            if t.passed
        ),
        translated_by=edition.engine if is_translated else None,
        versions=_versions(a, edition.versions.get(a.id, ())),
    )


_IMAGE = re.compile(r"""<img\b[^>]*?\bsrc=["'](https?://[^"'\s]+)["']""", re.IGNORECASE)


def first_image(content_html: str) -> str | None:
    """The first picture of a sanitized text with an absolute http(s) address."""
    found = _IMAGE.search(content_html)
    return html.unescape(found.group(1)) if found else None


def _versions(article: Article, others: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Every language version's page, the article's own last: readers that open an entry's
    first alternate link and readers that open its last one (feedparser) both find the
    entry's own page, which also comes first, without hreflang. None without a page."""
    if not others or not article.url:
        return ()
    return (*sorted(others), (article.language, article.url))


def feed_view(
    spec: FeedSpec,
    entries: Sequence[TaggedArticle],
    *,
    base_url: str,
    author: str,
    source_names: Mapping[str, str],
    fallback_updated: datetime,
    paging: Paging = Paging(),
    path: str | None = None,
    edition: Edition = ORIGINAL,
    hub: str | None = None,
) -> FeedView:
    """The view of one feed document, newest entry first.

    `updated` is the newest entry's; `fallback_updated` serves only an empty feed, so
    nothing depends on the time of the run.
    """
    ordered = newest_first([t.article for t in entries], entries)
    head = feed_head(
        spec,
        [t.article for t in ordered],
        base_url=base_url,
        author=author,
        fallback_updated=fallback_updated,
        paging=paging,
        path=path,
        edition=edition,
        hub=hub,
    )
    views = (entry_view(t, base_url, source_names, edition) for t in ordered)
    return replace(head, entries=tuple(views))


T = TypeVar("T")


def newest_first(stamps: Sequence[Stamped], items: Sequence[T]) -> list[T]:
    """`items` in the order of their `stamps`' publication, newest first (ties by id)."""
    order = sorted(range(len(stamps)), key=lambda i: (stamps[i].published, stamps[i].id))
    return [items[i] for i in reversed(order)]


class Stamped(Protocol):
    """What a feed's head reads of each entry: an article, or the store's row of one."""

    @property
    def id(self) -> str: ...
    @property
    def published(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...
    @property
    def language(self) -> str: ...


def feed_head(
    spec: FeedSpec,
    stamps: Sequence[Stamped],
    *,
    base_url: str,
    author: str,
    fallback_updated: datetime,
    paging: Paging = Paging(),
    path: str | None = None,
    edition: Edition = ORIGINAL,
    hub: str | None = None,
) -> FeedView:
    """A feed document without its entries, from what it reads of them."""
    languages = {s.language for s in stamps}
    return FeedView(
        id=_edition_feed_id(base_url, edition.prefix + spec.path)
        if edition.prefix
        else spec.feed_id(base_url),
        title=spec.title,
        path=edition.prefix + (path or spec.path),
        base_url=base_url,
        updated=max((s.updated for s in stamps), default=fallback_updated),
        language=edition.language or (languages.pop() if len(languages) == 1 else None),
        author=author,
        entries=(),
        paging=paging,
        hub=hub,
        editions=tuple((o.language or "", o.prefix + spec.path) for o in edition.others),
        subtitle=spec.about,
    )


def _edition_feed_id(base_url: str, path: str) -> str:
    return f"urn:uuid:{uuid.uuid5(HERALD_NAMESPACE, 'feed' + chr(31) + base_url + path)}"


def article_path(article_id: str) -> str:
    """Where an article's page lives in a tree, without extension: derived from its id, so
    it is as permanent as the id; in folders of at most 256 names' worth."""
    name = article_id.rsplit(":", 1)[-1]
    return f"articles/{name[:2]}/{name}"


def archive_path(path: str, page: int) -> str:
    """Where page `page` (from 1, oldest first) of a feed's archive lives."""
    return f"archive/{path}/{page}"
