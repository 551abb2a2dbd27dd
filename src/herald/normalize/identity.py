"""Permanent ids, and matching an edited item to its earlier self."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from difflib import SequenceMatcher

from herald.models import Article
from herald.normalize.text import fold

# Fixed forever: changing it would change every id Herald has ever published.
HERALD_NAMESPACE = uuid.UUID("46a3ff64-14e1-4cba-862b-26cee35909ee")

# How alike two titles at the same minute must be to count as one edited article.
SIMILAR_TITLE = 0.8


def article_id(source_id: str, key: str) -> str:
    """The permanent id of an item: a name-based UUID of its source and its own key.

    The base URL and anything else about where the feed is served never enter it.
    """
    return f"urn:uuid:{uuid.uuid5(HERALD_NAMESPACE, source_id + chr(31) + fold(key))}"


@dataclass(frozen=True, slots=True)
class Known:
    """What the store knows of an article, enough to recognize it edited."""

    id: str
    title: str
    published: datetime
    language: str | None = None  # None: any


def title_similarity(a: str, b: str) -> float:
    """Similarity of two titles from 0 to 1, ignoring case and homoglyphs."""
    return SequenceMatcher(None, fold(a), fold(b)).ratio()


def resolve_ids(articles: Sequence[Article], known: Iterable[Known]) -> list[Article]:
    """Give each article the id of its earlier self when its title was edited.

    An article whose own id is known keeps it. Otherwise it takes the id of a known article
    of the same source, time and language with a similar title, that no other article has
    claimed (a language version of an article is another article, not an edit of it).
    """
    known = list(known)
    known_ids = {k.id for k in known}
    claimed = {a.id for a in articles if a.id in known_ids}
    resolved: list[Article] = []
    for article in articles:
        if article.id not in known_ids:
            scored = [
                (title_similarity(k.title, article.title), k.id)
                for k in known
                if k.id not in claimed
                and k.published == article.published
                and k.language in (None, article.language)
            ]
            best = max(scored, default=None)
            if best is not None and best[0] >= SIMILAR_TITLE:
                claimed.add(best[1])
                article = replace(article, id=best[1])
        resolved.append(article)
    return resolved


def first_of_each(articles: Iterable[Article]) -> list[Article]:
    """Drop repeats of an article within one listing, keeping the first."""
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    return unique
