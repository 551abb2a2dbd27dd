"""What the last publish left of each feed, and how much of it a publish can keep.

A publish notes, per feed and language tree, up to which store generation the feed's files
are current, under which context (settings, rules), how many articles it held, its last
update, and where its last archive page starts. With the store's note of when each feed
last changed, and whether only by new articles at its end, the next publish keeps:

- the whole feed, when nothing in it changed: its files are not even read;
- every full archive page, when it only grew: full pages never change, so only the last
  page onwards is looked at;
- nothing, otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from herald.render.view import ARCHIVE_PAGE
from herald.store import FeedQuery


def archive_pages(total: int, max_entries: int) -> int:
    """How many archive pages a feed of `total` articles has: none while its current
    document holds it whole; else full pages and one that is never full."""
    return total // ARCHIVE_PAGE + 1 if total > max_entries else 0


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """What a publish knew of one feed."""

    generation: int  # the store's generation the feed's files reflect
    total: int  # articles in the feed
    updated: datetime | None  # the feed's own <updated>
    context: str  # the fingerprint of everything else its documents show
    tail: int  # the arrival number of its last archive page's first article, or 0

    def text(self) -> str:
        """The record as one line of the manifest."""
        updated = self.updated.isoformat() if self.updated else "-"
        return f"{self.generation} {self.total} {updated} {self.context} {self.tail}"

    @classmethod
    def parse(cls, text: str | None) -> FeedRecord | None:
        """A record from its line, or None for a missing or foreign one."""
        parts = (text or "").split(" ")
        if len(parts) != 5 or not all(parts[i].isdigit() for i in (0, 1, 4)):
            return None
        updated = None if parts[2] == "-" else datetime.fromisoformat(parts[2])
        return cls(int(parts[0]), int(parts[1]), updated, parts[3], int(parts[4]))


class Keep(Enum):
    """How much of a feed's last publish a publish keeps."""

    NOTHING = "nothing"
    FULL_PAGES = "full pages"
    EVERYTHING = "everything"


def feed_key(query: FeedQuery) -> str:
    """The key under which the store notes a feed's changes."""
    if query.family is not None:
        return f"{query.family}:{query.term}"
    return f"source:{query.source_id}" if query.source_id is not None else "all"


def what_to_keep(
    record: FeedRecord | None,
    context: str,
    changes: tuple[int, int] | None,
    max_entries: int,
) -> Keep:
    """How much of a feed's files, as `record` describes them, are still what the feed is:
    `changes` is the store's (generation of its last change, of its last change other
    than new articles at its end)."""
    if record is None or record.context != context:
        return Keep.NOTHING
    changed, rewritten = changes or (0, 0)
    if changed <= record.generation:
        return Keep.EVERYTHING
    if rewritten <= record.generation and archive_pages(record.total, max_entries):
        return Keep.FULL_PAGES
    return Keep.NOTHING
