"""A feed as every format sees it: built once, rendered as Atom, RSS and JSON Feed alike.

Building the view is where Herald decides what a feed says; the renderers only spell it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from herald.models import TaggedArticle
from herald.render.feeds import FAMILY_DIRS, FeedSpec

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
    url: str | None
    language: str
    categories: tuple[Category, ...]


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

    def url(self, path: str, suffix: str) -> str:
        """The absolute URL of a document of this site."""
        return f"{self.base_url}{path}{suffix}"


def entry_view(tagged: TaggedArticle, base_url: str, source_names: Mapping[str, str]) -> EntryView:
    """An article as an entry: its tags that passed become categories."""
    a = tagged.article
    return EntryView(
        id=a.id,
        title=a.title,
        published=a.published,
        updated=a.updated,
        author=source_names.get(a.source_id, a.source_id),
        content_html=a.content_html,
        summary=a.summary,
        url=a.url,
        language=a.language,
        categories=tuple(
            Category(t.term, f"{base_url}{FAMILY_DIRS[t.family]}/", t.label)
            for t in tagged.tags
            if t.passed
        ),
    )


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
) -> FeedView:
    """The view of one feed document, newest entry first.

    `updated` is the newest entry's; `fallback_updated` serves only an empty feed, so
    nothing depends on the time of the run.
    """
    ordered = sorted(entries, key=lambda t: (t.article.published, t.article.id), reverse=True)
    languages = {t.article.language for t in ordered}
    return FeedView(
        id=spec.feed_id(base_url),
        title=spec.title,
        path=path or spec.path,
        base_url=base_url,
        updated=max((t.article.updated for t in ordered), default=fallback_updated),
        language=languages.pop() if len(languages) == 1 else None,
        author=author,
        entries=tuple(entry_view(t, base_url, source_names) for t in ordered),
        paging=paging,
    )


def archive_path(path: str, page: int) -> str:
    """Where page `page` (from 1, oldest first) of a feed's archive lives."""
    return f"archive/{path}/{page}"
