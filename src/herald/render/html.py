"""Herald's pages for people: index.html, a page beside each feed, a page per article.

Written with Jinja2 (autoescaping on) from the templates beside this module, in the tree's
language (words.toml, CLDR names through babel), linked relatively so that a copy of the
directory works anywhere, offline too. Pure: views in, bytes out.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import SimpleNamespace
from typing import Any

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, PackageLoader, StrictUndefined

from herald.render.discovery import FORMATS, FeedGroup
from herald.render.view import EntryView, FeedView, article_path
from herald.store import FetchState

_ENV = Environment(
    loader=PackageLoader("herald.render", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    auto_reload=False,  # the templates ship with Herald: no stat of them on every page
)
_RESOURCES = files("herald.render")
# Files published as they are at the top of the served directory.
ASSETS = {
    name: _RESOURCES.joinpath(name).read_bytes()
    for name in ("style.css", "herald.js", "favicon.svg", "icon-64.png", "icon-512.png", "logo.png")
}
_WORDS: dict[str, dict[str, str]] = tomllib.loads(
    _RESOURCES.joinpath("words.toml").read_text(encoding="utf-8")
)
TIME = "%Y-%m-%d %H:%M UTC"
# What the pages are made from besides their inputs: a change re-renders every page.
TEMPLATES_DIGEST = hashlib.sha256(
    b"".join(
        item.read_bytes()
        for item in sorted(
            (*_RESOURCES.joinpath("templates").iterdir(), *_RESOURCES.iterdir()),
            key=lambda item: item.name,
        )
        if item.is_file() and item.name.endswith((".html", ".css", ".js", ".svg", ".png", ".toml"))
    )
).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Tree:
    """Where a page sits: the site, and the language tree it belongs to."""

    site_title: str
    base_url: str
    prefix: str = ""  # "" for the original tree, "es/" for Spanish
    language: str | None = None  # None: each article in its own language
    others: tuple[tuple[str | None, str], ...] = ()  # (language, prefix) of the other trees
    topics: tuple[tuple[str, str], ...] = ()  # (slug, label in this language) of every topic

    @property
    def lang(self) -> str:
        """The language the page's own words are in."""
        return self.language or "en"

    def words(self) -> Mapping[str, str]:
        return words(self.language)

    def said(self) -> SimpleNamespace:
        """The words as a template reads them: `t.copy`, not a dict's method of that name."""
        return SimpleNamespace(**self.words())

    def up(self, path: str) -> str:
        """From the page at `path` back to the top of the served directory."""
        return "../" * path.count("/")


@cache
def words(language: str | None) -> dict[str, str]:
    """The pages' words in a language, English where it has none."""
    return {**_WORDS["en"], **_WORDS.get(language or "en", {})}


@cache
def language_name(code: str | None, in_language: str | None) -> str:
    """A language's name as a reader of `in_language` writes it ("español" in Spanish)."""
    if code is None:
        return words(in_language)["original"]
    try:
        name = Locale.parse(code).get_display_name(in_language or "en")
    except (UnknownLocaleError, ValueError):
        return code
    return name or code


def _own_name(code: str | None, in_language: str | None) -> str:
    """How a language switcher names a language: in that language ("español")."""
    return language_name(code, code or in_language)


@cache
def country_name(code: str, language: str | None) -> str | None:
    """A country's name in a language, from CLDR; None where CLDR has none."""
    try:
        territories: Mapping[str, str] = Locale.parse(language or "en").territories
    except (UnknownLocaleError, ValueError):
        return None
    return territories.get(code.upper())


def _page(template: str, tree: Tree, path: str, **values: Any) -> bytes:
    up = tree.up(path)
    others = [
        (_own_name(language, tree.language), f"{up}{prefix}index.html")
        for language, prefix in tree.others
    ]
    page = _ENV.get_template(template).render(
        lang=tree.lang,
        t=tree.said(),
        up=up,
        home=f"{up}{tree.prefix}index.html",
        site_title=tree.site_title,
        languages=values.pop("languages", others),
        discovery=values.pop("discovery", []),
        **values,
    )
    return page.encode()


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source as the index reports it."""

    name: str
    state: str  # "ok", "failed", "never"
    status: str
    error: str | None
    when: str


def source_health(
    tree: Tree, names: Mapping[str, str], states: Sequence[FetchState]
) -> list[SourceHealth]:
    """Each configured source: read, failing (with the error), or not read yet."""
    t, by_id = tree.words(), {s.source_id: s for s in states}
    rows = []
    for source_id, name in names.items():
        state = by_id.get(source_id)
        if state is None or state.last_attempt is None:
            rows.append(SourceHealth(name, "never", t["status_never"], None, "—"))
            continue
        failed = state.last_error is not None and state.failures > 0
        rows.append(
            SourceHealth(
                name,
                "failed" if failed else "ok",
                t["status_failed"] if failed else t["status_ok"],
                state.last_error if failed else None,
                state.last_attempt.strftime(TIME),
            )
        )
    return rows


def render_index(
    tree: Tree,
    title: str,
    groups: Sequence[FeedGroup],
    health: Sequence[SourceHealth],
    max_entries: int,
) -> bytes:
    """The page for people: every feed with what it holds, its page and its formats; the
    subscription lists and what each does to a reader; how each source is doing."""
    path = f"{tree.prefix}index.html"
    everything = sum(f.entries for g in groups if g.slug == "all" for f in g.feeds)
    each = sum(f.entries for g in groups for f in g.feeds)
    discovery = [
        {
            "media": media,
            "title": f"{feed.name} ({name})",
            "href": tree.base_url + feed.path + suffix,
        }
        for group in groups
        for feed in group.feeds
        for suffix, name, media in FORMATS
        if group.slug == "all" or suffix == ".atom"
    ]
    shown = [
        {
            "name": group.name,
            "slug": group.slug,
            "opml": group.slug in ("topics", "countries", "organizations"),
            "feeds": [
                {
                    "name": feed.name,
                    "local": feed.path.removeprefix(tree.prefix),
                    "shown": min(feed.entries, max_entries),
                    "updated": feed.updated.strftime(TIME) if feed.updated else "—",
                }
                for feed in group.feeds
            ],
        }
        for group in groups
    ]
    t = tree.words()
    terms = {
        group.slug: [(feed.path.rsplit("/", 1)[-1], feed.name) for feed in group.feeds]
        for group in groups
    }
    options = [
        ("topic", t["topics"], [(slug, label) for slug, label in tree.topics]),
        ("country", t["countries"], terms.get("countries", [])),
        ("organization", t["organizations"], terms.get("organizations", [])),
        ("source", t["sources"], terms.get("sources", [])),
    ]
    return _page(
        "index.html",
        tree,
        path,
        title=title,
        groups=shown,
        health=health,
        options=options,
        lang_param=tree.language,
        repeats=max(1, round(each / everything)) if everything else 1,
        discovery=discovery,
    )


def render_feed_page(tree: Tree, view: FeedView, name: str, total: int) -> bytes:
    """The page beside a feed: what it holds, its URL to copy, its formats, its newest
    entries linked to their pages."""
    path = f"{view.path}.html"
    up = tree.up(path)
    local = view.path.rsplit("/", 1)[-1]
    discovery = [
        {"media": media, "title": f"{view.title} ({label})", "href": view.url(view.path, suffix)}
        for suffix, label, media in FORMATS
    ]
    others = [
        (_own_name(language or None, tree.language), f"{up}{other}.html")
        for language, other in view.editions
    ]
    family, _, term = view.path.removeprefix(tree.prefix).partition("/")
    parameter = {
        "sources": "source",
        "topics": "topic",
        "countries": "country",
        "organizations": "organization",
    }.get(family)
    topics = [] if family == "topics" else list(tree.topics)
    return _page(
        "feed.html",
        tree,
        path,
        options=[("topic", tree.words()["topics"], topics)],
        fixed=(parameter, term) if parameter else None,
        lang_param=tree.language,
        title=view.title,
        name=name,
        about=view.subtitle,
        feed_url=view.url(view.path, ".atom"),
        local=local,
        formats=[(suffix, label) for suffix, label, _ in FORMATS],
        entries=[_relative_entry(entry, tree.base_url, up) for entry in view.entries],
        total=total,
        discovery=discovery,
        languages=others,
    )


def render_article_page(
    tree: Tree,
    entry: EntryView,
    source_id: str,
    feeds: frozenset[str],
    trees: Sequence[tuple[str | None, str]],
    source_language: str,
) -> bytes:
    """An article's own page: title, dates, source, its text, its tags linked to their
    feeds (those that exist), and its other language versions: the source's pages and
    Herald's page of it in the other trees `trees` ((language, prefix) pairs)."""
    path = tree.prefix + entry.page.removeprefix(tree.base_url).removeprefix(tree.prefix)
    up = tree.up(path)
    t = tree.words()
    topics = dict(tree.topics)  # labels in this tree's language
    tags = []
    for category in entry.categories:
        folder = category.scheme.removeprefix(tree.base_url).rstrip("/")
        term = category.term.lower() if folder == "countries" else category.term
        if f"{folder}/{term}" in feeds:
            label = topics.get(term) if folder == "topics" else None
            if folder == "countries":
                label = country_name(term, tree.language)
            label = label or category.label
            tags.append((label, f"{up}{tree.prefix}{folder}/{term}.html"))
    local = path.removeprefix(tree.prefix)  # the same page's path in every tree
    versions = [
        (language_name(language, tree.language), language, url)
        for language, url in entry.versions
        if url != entry.source_url
    ]
    versions += [
        (language_name(language, tree.language), language or "", f"{up}{prefix}{local}")
        for language, prefix in trees
        if prefix != tree.prefix
    ]
    machine = None
    if entry.translated_by:
        machine = t["machine"].format(
            engine=entry.translated_by, language=language_name(source_language, tree.language)
        )
    return _page(
        "article.html",
        tree,
        path,
        title=entry.title,
        entry=entry,
        source_page=f"{up}{tree.prefix}sources/{source_id}.html",
        tags=tags,
        versions=versions,
        machine=machine,
        languages=[],
    )


def _relative_entry(entry: EntryView, base_url: str, up: str) -> dict[str, Any]:
    page = entry.page
    if page.startswith(base_url):
        page = up + page.removeprefix(base_url)
    return {
        "title": entry.title,
        "page": page,
        "language": entry.language,
        "published": entry.published,
        "author": entry.author,
        "summary": entry.summary,
    }


def article_page_path(prefix: str, article_id: str) -> str:
    """Where an article's page is published in a tree."""
    return f"{prefix}{article_path(article_id)}.html"
