"""The store keeps every article ever seen, its tags, and fetch state per source.

Herald talks to it through the small `Store` protocol: SQLiteStore (one machine) and
PostgresStore (workers on several machines) implement it, with the same queries
(store/sql.py); coordination between workers is part of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from herald.models import Session, TaggedArticle, Validators
from herald.normalize.identity import Known


@dataclass(frozen=True, slots=True)
class FeedQuery:
    """Which articles a feed holds: all, one source's, or one tag's; in one language tree.

    The original tree (`language` None) holds each article once, in its first language.
    A language tree holds the articles written in that language (the portal's own
    versions); with `machine`, also every original that has no version in that language,
    to be machine-translated.
    """

    source_id: str | None = None
    family: str | None = None
    term: str | None = None
    language: str | None = None
    machine: bool = True


EVERYTHING = FeedQuery()


@dataclass(frozen=True, slots=True)
class Selection:
    """A slice no feed holds: articles with a tag of each family named (any of its terms),
    from any of the sources named, whose text contains `text` (case folded)."""

    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (family, any of these terms)
    sources: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True, slots=True)
class EntryRow:
    """What a feed document's head needs of an article, without the article."""

    id: str
    published: datetime
    updated: datetime
    language: str
    seq: int  # the arrival number
    revision: int


@dataclass(frozen=True, slots=True)
class FetchState:
    """How reading one source went."""

    source_id: str
    last_attempt: datetime | None
    last_success: datetime | None
    failures: int
    last_error: str | None


class Store(Protocol):
    """What Herald needs from a store."""

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes so they land together or not at all."""

    def known(self, source_id: str, published: Iterable[datetime]) -> list[Known]:
        """Articles of a source published at any of these times."""

    def get_many(self, ids: Iterable[str], *, evidence: bool = True) -> dict[str, TaggedArticle]:
        """Stored articles by id, with their tags (as feeds show them, without evidence)."""

    def get(self, article_id: str) -> TaggedArticle | None:
        """One article, by its full id or a unique part of it."""

    def put(self, tagged: TaggedArticle, now: datetime, raw_digest: str | None = None) -> None:
        """Insert or replace an article and its tags, with the digest of the raw item it
        was made from (see `save_raw_digests`)."""

    def articles(self, query: FeedQuery, limit: int) -> list[TaggedArticle]:
        """A feed's newest articles by `published`, at most `limit`, as feeds show them:
        only tags that passed, without evidence."""

    def newest_rows(self, query: FeedQuery, limit: int) -> list[EntryRow]:
        """What `articles` would return, without the articles."""

    def entry_rows(self, query: FeedQuery, first: int, last: int) -> list[EntryRow]:
        """A feed's articles that arrived from number `first` to `last`, by arrival; found
        by key, so reading any part of a long history costs the same."""

    def revisions(self, query: FeedQuery, *, since: int = 0) -> list[tuple[int, int]]:
        """(arrival number, revision) of a feed's articles in the order they arrived, from
        arrival number `since` on: cheaply, without the articles."""

    def selected(self, selection: Selection, query: FeedQuery, limit: int) -> list[TaggedArticle]:
        """The newest articles of a tree (`query`'s language) in a selection, at most
        `limit`, as feeds show them."""

    def changes(self, query: FeedQuery, since: int = -1) -> list[tuple[str, int, int]]:
        """(id, generation at which it last changed, arrival number) of every article of a
        feed that changed after generation `since` (every one, by default), by arrival."""

    def terms(self, family: str) -> list[str]:
        """Terms of a tag family that put at least one article into a feed."""

    def label(self, family: str, term: str) -> str:
        """The label stored with a tag (the newest, should it have changed)."""

    def newest_update(self, query: FeedQuery = EVERYTHING) -> datetime | None:
        """The latest `updated` of the articles of a feed (of all, by default)."""

    def record_fetch(self, source_id: str, now: datetime, error: str | None) -> None:
        """Note an attempt to read a source, and its error if it failed."""

    def validators(self, url: str) -> Validators | None:
        """The ETag and Last-Modified stored for a URL."""

    def save_validators(self, url: str, validators: Validators) -> None:
        """Remember the ETag and Last-Modified a server sent with a URL."""

    def raw_digests(self, ids: Iterable[str]) -> dict[str, str]:
        """The digest of the raw item each of these articles was last made from."""

    def save_raw_digests(self, digests: Iterable[tuple[str, str]]) -> None:
        """Remember (article id, digest) of the raw items articles were made from."""

    def generation(self) -> int:
        """A number that every write changing a published document increases."""

    def mark(self, key: str) -> int | None:
        """A number kept under `key` (a generation a stage got to)."""

    def set_mark(self, key: str, value: int) -> None:
        """Keep a number under `key`."""

    def feed_changes(self) -> dict[str, tuple[int, int]]:
        """By feed key ("all", "source:<id>", "<family>:<term>"): the generation at which
        the feed last changed, and at which it last changed other than by new articles
        at its end."""

    def session(self, source_id: str) -> Session | None:
        """The session headers kept for a source."""

    def save_session(self, source_id: str, session: Session) -> None:
        """Keep a source's session headers for later runs."""

    def siblings(self, groups: Iterable[str]) -> dict[str, list[TaggedArticle]]:
        """The language versions stored for each group, as feeds show them."""

    def translation_keys(self, target: str, engine: str) -> set[tuple[str, str]]:
        """(text hash, field) of every translation kept for a target and engine."""

    def translations(
        self, target: str, engine: str, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """The kept translations among `keys` ((text hash, field) pairs)."""

    def save_translations(
        self,
        target: str,
        engine: str,
        rows: Iterable[tuple[str, str, str]],
        article_ids: Iterable[str],
        now: datetime,
    ) -> None:
        """Keep (text hash, field, text) translations; the articles' documents re-render."""

    def pending_pings(self, add: Iterable[str] = ()) -> list[str]:
        """Feeds still to announce to the WebSub hub, after adding `add`."""

    def pings_done(self, urls: Iterable[str]) -> None:
        """Forget feeds the hub has accepted."""

    def fetch_states(self) -> Iterator[FetchState]:
        """Fetch state of every source ever read."""

    # Coordination between workers that share a store: leases expire unless renewed, so
    # a worker that dies leaves its sources (and the publisher's lease) to another.

    def claim_translations(
        self,
        target: str,
        engine: str,
        keys: Iterable[tuple[str, str]],
        holder: str,
        now: datetime,
        ttl: timedelta,
    ) -> set[tuple[str, str]]:
        """Of these (text hash, field) keys, the ones this holder may send to the engine:
        not translated yet, and not being translated by another holder."""

    def claim_sources(
        self, ids: Sequence[str], holder: str, now: datetime, ttl: timedelta, limit: int
    ) -> list[str]:
        """Take the lease of up to `limit` of these sources that are due and that no other
        holder is reading."""

    def finish_source(self, source_id: str, holder: str, due: datetime) -> None:
        """A reading is done: the source is next due at `due`, and its lease ends."""

    def take_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take (or keep) the lease called `name` unless another holder has it."""

    def release(self, name: str, holder: str) -> None:
        """Give a lease up, if this holder has it."""

    def renew(self, holder: str, now: datetime, ttl: timedelta) -> int:
        """Extend every lease and claim this holder has by `ttl` from now; how many."""

    def leases(self) -> dict[str, tuple[str, float]]:
        """Every lease: its holder and when it expires (seconds since the epoch)."""

    def host_turn(self, host: str, now: float, delay: float) -> float:
        """When (seconds since the epoch) this caller may send its request to `host`."""

    def close(self) -> None:
        """Release the connection."""
