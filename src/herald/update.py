"""Deciding what a re-seen article changes: pure, no store, no clock."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from herald.models import Article, TaggedArticle


class Outcome(Enum):
    """What happened to one article in one run."""

    NEW = "new"
    EDITED = "edited"
    RETAGGED = "retagged"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Decision:
    """What to write for one article; `article` is None when nothing is to be written."""

    outcome: Outcome
    article: TaggedArticle | None


def content_hash(article: Article) -> str:
    """A hash of what a reader sees; the view counter and the run time never enter it."""
    parts = [article.title, article.summary, article.content_html, article.url or ""]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def decide(incoming: TaggedArticle, stored: TaggedArticle | None, now: datetime) -> Decision:
    """New articles are written as they are; edited ones keep id and `published`.

    An edit moves `updated` to `now` (bulletins carry no edit time). A change of tags
    alone, after the rules were edited, is written without moving `updated`.
    """
    if stored is None:
        return Decision(Outcome.NEW, incoming)
    new, old = incoming.article, stored.article
    if content_hash(new) != content_hash(old) or new.has_images != old.has_images:
        edited = replace(new, id=old.id, published=old.published, updated=max(now, old.updated))
        return Decision(Outcome.EDITED, TaggedArticle(edited, incoming.tags))
    if incoming.tags != stored.tags:
        return Decision(Outcome.RETAGGED, TaggedArticle(old, incoming.tags))
    return Decision(Outcome.UNCHANGED, None)
