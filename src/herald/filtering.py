"""Filtered feeds: slices no static file holds, built from the store when a reader asks.

`herald serve` answers `/filter.atom` (and `.rss`, `.json`) with any combination of
`topic`, `country`, `organization`, `source` (each may name several terms, comma-separated:
any of them), `lang` (a language tree) and a text `q`: articles with a tag of every family
named, from the sources named, whose title or text holds `q`. The newest `[feeds]
max_entries` at most; an ETag from the store's generation, so an unchanged answer is a
304; a 400 that names the unknown parameter or term.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlencode

import pycountry

from herald.classify import Classifier
from herald.normalize.identity import HERALD_NAMESPACE
from herald.render.atom import render_atom
from herald.render.feeds import FeedSpec
from herald.render.html import TEMPLATES_DIGEST, country_name, words
from herald.render.jsonfeed import render_json
from herald.render.rss import render_rss
from herald.render.view import Edition, FeedView, Paging
from herald.serve import etag_matches
from herald.settings import Settings
from herald.site import EntryCache, Site, editions
from herald.store import FeedQuery, Selection, Store
from herald.translate.labels import kept_labels
from herald.translate.texts import Translator

FAMILIES = {"topic": "topic", "country": "country", "organization": "organization"}
PARAMETERS = ("topic", "country", "organization", "source", "lang", "q")
MAX_TEXT = 200  # characters of `q`
MAX_TERMS = 20  # terms per parameter
FORMATS: Mapping[str, tuple[Callable[[FeedView], bytes], str]] = {
    ".atom": (render_atom, "application/atom+xml; charset=utf-8"),
    ".rss": (render_rss, "application/rss+xml; charset=utf-8"),
    ".json": (render_json, "application/feed+json; charset=utf-8"),
}
COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # an empty store's feed is updated then


class FilterError(ValueError):
    """A request a filtered feed cannot answer: says which parameter or term, and why."""


@dataclass(frozen=True, slots=True)
class FeedFilter:
    """What a reader asked for; terms sorted, so one slice has one address and one id."""

    topic: tuple[str, ...] = ()
    country: tuple[str, ...] = ()  # lower case, like the feeds' paths
    organization: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    lang: str | None = None
    q: str = ""

    def search(self) -> str:
        """The canonical query string, with its "?" (empty for no filter at all)."""
        pairs = [
            (name, ",".join(getattr(self, name)))
            for name in ("topic", "country", "organization", "source")
            if getattr(self, name)
        ]
        pairs += [(name, value) for name, value in (("lang", self.lang), ("q", self.q)) if value]
        return "?" + urlencode(pairs) if pairs else ""

    def selection(self) -> Selection:
        terms = tuple(
            (family, tuple(t.upper() if family == "country" else t for t in getattr(self, name)))
            for name, family in FAMILIES.items()
            if getattr(self, name)
        )
        return Selection(terms, self.source, self.q)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The terms a filter may name."""

    topics: frozenset[str]
    organizations: frozenset[str]
    sources: frozenset[str]
    languages: frozenset[str]  # the language trees besides the original


def parse_filter(pairs: Sequence[tuple[str, str]], known: Vocabulary) -> FeedFilter:
    """A filter from a query string's (name, value) pairs; FilterError for anything unknown."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        if name not in PARAMETERS:
            raise FilterError(f'unknown parameter "{name}"; use {", ".join(PARAMETERS)}')
        if name in ("lang", "q"):
            if name in values:
                raise FilterError(f'"{name}" is given twice; give it once')
            values[name] = [value.strip()]
            continue
        values.setdefault(name, []).extend(t.strip() for t in value.split(",") if t.strip())
    vocabularies = {
        "topic": known.topics,
        "country": COUNTRIES,
        "organization": known.organizations,
        "source": known.sources,
    }
    found: dict[str, tuple[str, ...]] = {}
    for name, allowed in vocabularies.items():
        terms = sorted({t.lower() if name == "country" else t for t in values.get(name, ())})
        if len(terms) > MAX_TERMS:
            raise FilterError(f'"{name}" names {len(terms)} terms; at most {MAX_TERMS}')
        for term in terms:
            if name == "country" and term.upper() not in allowed:
                raise FilterError(f'unknown country "{term}"; use ISO 3166 codes, e.g. "de"')
            if name != "country" and term not in allowed:
                choices = ", ".join(sorted(allowed)[:30])
                raise FilterError(f'unknown {name} "{term}"; known: {choices}')
        found[name] = tuple(terms)
    lang = (values.get("lang") or [""])[0] or None
    if lang is not None and lang not in known.languages:
        trees = ", ".join(sorted(known.languages)) or "none besides the original"
        raise FilterError(f'unknown lang "{lang}"; this site\'s language trees: {trees}')
    text = (values.get("q") or [""])[0]
    if len(text) > MAX_TEXT:
        raise FilterError(f'"q" is {len(text)} characters long; at most {MAX_TEXT}')
    return FeedFilter(lang=lang, q=text, **found)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server sends back."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class FilteredFeeds:
    """Answers filtered feeds from a store, one request at a time (the store's connection is
    not shared between threads at once)."""

    def __init__(
        self,
        settings: Settings,
        classifier: Classifier,
        translator: Translator | None,
        store: Store,
    ) -> None:
        self.settings = settings
        self.store = store
        self.translator = translator
        self.topics = classifier.topic_rules
        self.cache_control = f"public, max-age={settings.serve.max_age}"
        self._editions = {e.language: e for e in editions(translator, settings)}
        self.known = Vocabulary(
            topics=frozenset(t.slug for t in self.topics.topics),
            organizations=frozenset(classifier.organizations),
            sources=frozenset(s.id for s in self.settings.sources),
            languages=frozenset(code for code in self._editions if code is not None),
        )
        self._lock = threading.Lock()

    def answer(
        self, suffix: str, pairs: Sequence[tuple[str, str]], if_none_match: str | None
    ) -> Answer:
        """The filtered feed in one format, a 304 if the reader has it, or a 400."""
        render, media_type = FORMATS[suffix]
        try:
            wanted = parse_filter(pairs, self.known)
        except FilterError as exc:
            return Answer(
                400, (("content-type", "text/plain; charset=utf-8"),), f"{exc}\n".encode()
            )
        with self._lock:
            generation = self.store.generation()
            stamp = f"{generation}\0{wanted.search()}\0{suffix}\0{TEMPLATES_DIGEST}".encode()
            etag = f'W/"{hashlib.sha256(stamp).hexdigest()[:32]}"'
            headers = (
                ("cache-control", self.cache_control),
                ("etag", etag),
                ("vary", "Accept-Encoding"),
            )
            if if_none_match is not None and etag_matches(etag, if_none_match):
                return Answer(304, headers, b"")
            body = render(self._view(wanted))
        return Answer(200, (*headers, ("content-type", media_type)), body)

    def _view(self, wanted: FeedFilter) -> FeedView:
        settings, store = self.settings, self.store
        edition = self._editions[wanted.lang]
        tree = FeedQuery(language=edition.language, machine=edition.engine is not None)
        entries = store.selected(wanted.selection(), tree, settings.feeds.max_entries)
        site = Site(
            settings,
            store,
            {s.id: s.name for s in settings.sources},
            store.newest_update() or EPOCH,
            self.translator,
            EntryCache(0),
            None,
            0,
            {},
            self.topics,
            kept_labels(store, self.translator, self.topics),
        )
        name = self._describe(wanted, edition, site)
        spec = FeedSpec(
            "filter",
            name,
            f"{settings.site.title}: {name}",
            tree,
            words(edition.language)["filter_about"].format(name=name),
        )
        view = site.view(spec, entries, Paging(), edition)
        search = wanted.search()
        base = settings.site.base_url
        return replace(
            view,
            id=f"urn:uuid:{uuid.uuid5(HERALD_NAMESPACE, 'filter' + chr(31) + base + search)}",
            search=search,
            home=f"{base}{edition.prefix}index.html",
            editions=(),
        )

    def _describe(self, wanted: FeedFilter, edition: Edition, site: Site) -> str:
        """The slice in words: its terms' names, in the tree's language."""
        language = edition.language
        parts = [" / ".join(site.topic_label(t, language) for t in wanted.topic)]
        parts.append(" / ".join(country_name(c, language) or c.upper() for c in wanted.country))
        parts.append(" / ".join(self.store.label("organization", o) for o in wanted.organization))
        names = {s.id: s.name for s in self.settings.sources}
        parts.append(" / ".join(names[s] for s in wanted.source))
        if wanted.q:
            parts.append(f"“{wanted.q}”")
        return " · ".join(p for p in parts if p) or words(language)["everything"]
