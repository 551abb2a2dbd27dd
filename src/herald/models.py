"""The values that flow between stages, named by the stage that makes them.

Fetched (fetch) -> RawItem (parse) -> Article (normalize) -> TaggedArticle (classify),
which the store keeps and hands to render as StoredArticle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Fetched:
    """Bytes a source returned, with what is known of where they came from."""

    url: str
    content: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304: nothing changed since the validators were stored


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about the last copy it sent, for a conditional GET, and a digest
    of that copy's bytes together with everything that reads them (Herald's version, the
    source's settings, the rules): equal digests mean reading again would change nothing."""

    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None
    reading: str | None = None  # what read those bytes: validators hold only for that


@dataclass(frozen=True, slots=True)
class Session:
    """Request headers a source's API wants, as a browser obtained them, and when."""

    headers: Mapping[str, str]
    obtained: datetime


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item as the source states it, before cleaning.

    `published` may be naive, meaning local time in the source's time zone.
    Exactly one of `paragraphs` (plain text) and `html` carries the body.
    """

    key: str
    title: str
    published: datetime
    line: int | None = None
    url: str | None = None
    paragraphs: tuple[str, ...] = ()
    html: str | None = None
    has_images: bool = False
    image: str | None = None  # the article's own picture, shown above its body
    # Relative links in `url` and `html` are resolved against this address.
    base_url: str | None = None
    # Where the full text is, when the listing holds only a teaser: read once per new item.
    details_url: str | None = None
    # The portal's own id of an article published in several languages, and this item's one.
    group_key: str | None = None
    language: str | None = None
    # Set when this item was found glued inside another entry and split off from it.
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Why one item of a source was skipped."""

    line: int | None
    reason: str

    def describe(self, source_id: str) -> str:
        """Render as a log line naming the source and the place."""
        where = f", line {self.line}" if self.line is not None else ""
        return f'source "{source_id}"{where}: skipped entry: {self.reason}'


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Items a parser read, and the ones it had to skip."""

    items: tuple[RawItem, ...]
    problems: tuple[ParseProblem, ...] = ()
    next_url: str | None = None  # the next page of the listing, when it has one


@dataclass(frozen=True, slots=True)
class Article:
    """A clean item: permanent id, UTC dates, sanitized HTML and its plain-text paragraphs."""

    id: str
    source_id: str
    key: str
    title: str
    published: datetime
    updated: datetime
    language: str
    content_html: str
    summary: str
    paragraphs: tuple[str, ...] = ()
    url: str | None = None
    has_images: bool = False
    # The id shared by the language versions of one article (the portal's editions), if any.
    group: str | None = None
    note: str | None = None  # how Herald came to this entry, when it is not plain (a split)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of text that supports a tag."""

    matched: str
    where: str  # "title", "lead" or "body"
    weight: float


@dataclass(frozen=True, slots=True)
class Tag:
    """A country or topic an article is about, with the evidence and its verdict."""

    family: str  # "country" or "topic"
    term: str  # ISO 3166-1 alpha-2 code or topic slug
    label: str
    score: float
    passed: bool
    evidence: tuple[Evidence, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class TaggedArticle:
    """An article with its tags, as it goes into the store and comes out of it."""

    article: Article
    tags: tuple[Tag, ...] = ()

    def passed(self, family: str) -> tuple[Tag, ...]:
        """The tags of one family that put the article into that family's feeds."""
        return tuple(t for t in self.tags if t.family == family and t.passed)
