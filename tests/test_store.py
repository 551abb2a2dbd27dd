"""The stores: migrations, round trips, fetch state, coordination; each test that is not
about one store's own file or server runs against both SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from herald.errors import StoreError
from herald.models import Article, Evidence, Tag, TaggedArticle
from herald.store import FeedQuery
from herald.store.schema import MIGRATIONS
from herald.store.sql import SQLStore
from herald.store.sqlite import SQLiteStore
from herald.update import Outcome, decide

from .conftest import backends, together

WHEN = datetime(2026, 3, 10, 10, 12, tzinfo=UTC)


def article(
    article_id: str = "urn:uuid:1", title: str = "Title", body: str = "<p>x</p>"
) -> Article:
    return Article(
        id=article_id,
        source_id="s",
        key="k",
        title=title,
        published=WHEN,
        updated=WHEN,
        language="en",
        content_html=body,
        summary="x",
        paragraphs=("x",),
    )


TAGS = (
    Tag("country", "BE", "Belgium", 3.0, True, (Evidence("Flanders", "title", 3.0),)),
    Tag("country", "RW", "Rwanda", 1.0, False, (Evidence("Rwanda", "body", 1.0),)),
    Tag("topic", "trade-investment", "Trade and investment", 2.0, True, ()),
)


store_url = pytest.fixture(params=["sqlite", "postgresql"])(backends)


@pytest.fixture
def store(tmp_path: Path, store_url: str | None) -> Iterator[SQLStore]:
    """A new, empty store of each kind."""
    opened: SQLStore
    if store_url is None:
        opened = SQLiteStore(tmp_path / "h.sqlite")
    else:
        from herald.store.postgres import PostgresStore

        opened = PostgresStore(store_url)
    try:
        yield opened
    finally:
        opened.close()


def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "var" / "h.sqlite")
    store.close()
    db = sqlite3.connect(tmp_path / "var" / "h.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    sqlite3.connect(path).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(StoreError, match="schema v99 is newer than this Herald knows"):
        SQLiteStore(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(
        StoreError, match=r"the store cannot be read .* restore the last `herald backup` over it"
    ):
        SQLiteStore(path)


def test_put_notes_its_digest_and_generation_in_the_row_it_writes(store: SQLStore) -> None:
    """The digest of the raw item and the generation the write is noted at are what a
    later UPDATE would have made them; a put without a digest keeps the stored one."""
    store.put(TaggedArticle(article(), TAGS), WHEN, "first")
    assert store.raw_digests(["urn:uuid:1"]) == {"urn:uuid:1": "first"}
    assert store.generation() == 1
    assert store.changes(FeedQuery()) == [("urn:uuid:1", 1, 1)]
    with store.transaction():  # two writes in one transaction: one generation
        store.put(TaggedArticle(article(title="Edited"), TAGS), WHEN)
        store.put(TaggedArticle(article("urn:uuid:2"), TAGS), WHEN, "second")
    assert store.generation() == 2
    assert store.changes(FeedQuery()) == [("urn:uuid:1", 2, 1), ("urn:uuid:2", 2, 2)]
    assert store.raw_digests(["urn:uuid:1", "urn:uuid:2"]) == {
        "urn:uuid:1": "first",
        "urn:uuid:2": "second",
    }


def test_newest_update_and_terms_of_a_feed(store: SQLStore) -> None:
    """The newest update among a feed's articles (a language version after its first one
    is not in the first-language feeds), and the terms that make feeds, in order."""
    later = WHEN + timedelta(hours=2)
    store.put(TaggedArticle(article(), TAGS), WHEN)
    store.put(
        TaggedArticle(replace(article("urn:uuid:2"), updated=later - timedelta(hours=1)), TAGS[2:]),
        WHEN,
    )
    version = replace(article("urn:uuid:3"), updated=later, language="ru", group="urn:uuid:1")
    store.put(TaggedArticle(replace(article(), group="urn:uuid:1"), TAGS), WHEN)
    store.put(TaggedArticle(version, (TAGS[1], replace(TAGS[1], term="AM", passed=True))), WHEN)
    assert store.newest_update() == later - timedelta(hours=1)
    assert store.newest_update(FeedQuery(language="ru")) == later
    assert store.newest_update(FeedQuery(family="country", term="BE")) == WHEN
    assert store.terms("country") == ["AM", "BE"]  # RW never passed; AM did, once
    assert store.terms("topic") == ["trade-investment"]
    assert store.terms("organization") == []


def test_round_trip_with_tags_and_feed_queries(store: SQLStore) -> None:
    tagged = TaggedArticle(article(), TAGS)
    store.put(tagged, WHEN)
    assert store.get_many(["urn:uuid:1"]) == {"urn:uuid:1": tagged}
    assert store.get("uuid:1") == tagged
    assert store.terms("country") == ["BE"]  # the weak RW tag makes no feed
    shown = TaggedArticle(tagged.article, tuple(replace(t, evidence=()) for t in TAGS if t.passed))
    assert store.articles(FeedQuery(family="country", term="BE"), 10) == [shown]
    assert store.articles(FeedQuery(family="country", term="RW"), 10) == []
    assert store.articles(FeedQuery(source_id="s"), 10) == [shown]
    assert store.newest_update() == WHEN


# An article and its tags as the stores kept them before tags were kept as they are read
# (SQLite's migration 17, PostgreSQL's 3): a row per tag, weak ones too, evidence in each.
OLD_ARTICLE = (
    "INSERT INTO articles (id, source_id, key, title, url, published, updated, language,"
    " summary, content_html, paragraphs, has_images, first_seen, seq, revision, changed)"
    " VALUES ('urn:uuid:1', 's', 'k', 'Title', NULL, '2026-03-10T10:12:00+00:00',"
    " '2026-03-10T10:12:00+00:00', 'en', 'x', '<p>x</p>', '[\"x\"]', 0,"
    " '2026-03-10T10:12:00+00:00', 1, 1, 1)"
)
OLD_TAGS = [
    (
        "INSERT INTO tags (article_id, family, term, label, score, passed, evidence, seq,"
        f" published) VALUES ('urn:uuid:1', '{t.family}', '{t.term}', '{t.label}', {t.score},"
        f" {int(t.passed)}, '{json.dumps([dataclasses.asdict(e) for e in t.evidence])}', 1,"
        " '2026-03-10T10:12:00+00:00')"
    )
    for t in TAGS
]


def _old_store(tmp_path: Path, store_url: str | None) -> None:
    """A store at the schema before migration 17 (PostgreSQL's 3), holding OLD_ARTICLE."""
    if store_url is None:
        db = sqlite3.connect(tmp_path / "h.sqlite")
        for script in MIGRATIONS[:16]:
            db.executescript(script)
        for statement in [OLD_ARTICLE, *OLD_TAGS, "PRAGMA user_version = 16"]:
            db.execute(statement)
        db.commit()
        db.close()
        return
    import psycopg

    from herald.store.pg_schema import MIGRATIONS as PG_MIGRATIONS

    with psycopg.connect(store_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE herald_schema (version INTEGER NOT NULL)")
        for number, script in enumerate(PG_MIGRATIONS[:2], start=1):
            connection.execute(script)  # type: ignore[call-overload]
            connection.execute("INSERT INTO herald_schema VALUES (%s)", [number])
        for statement in [OLD_ARTICLE, *OLD_TAGS]:
            connection.execute(statement)  # type: ignore[call-overload]


def test_tags_stored_a_row_each_keep_their_evidence_and_feeds(
    tmp_path: Path, store_url: str | None
) -> None:
    """The migration that keeps tags as they are read loses no tag, no evidence, and no
    feed an article was in; the weak tag stays out of feeds and in `herald explain`."""
    _old_store(tmp_path, store_url)
    opened: SQLStore
    if store_url is None:
        opened = SQLiteStore(tmp_path / "h.sqlite")
    else:
        from herald.store.postgres import PostgresStore

        opened = PostgresStore(store_url)
    with closing(opened) as store:
        assert store.get("urn:uuid:1") == TaggedArticle(article(), TAGS)
        shown = TaggedArticle(article(), tuple(replace(t, evidence=()) for t in TAGS if t.passed))
        assert store.articles(FeedQuery(family="country", term="BE"), 10) == [shown]
        assert store.articles(FeedQuery(family="country", term="RW"), 10) == []
        assert store.entry_rows(FeedQuery(family="topic", term="trade-investment"), 1, 9)
        assert store.terms("country") == ["BE"]
        # Retagged after the migration: it leaves the feed of the tag it lost.
        store.put(TaggedArticle(article(), TAGS[1:]), WHEN)
        assert store.articles(FeedQuery(family="country", term="BE"), 10) == []
        assert store.terms("country") == []
        assert store.get("urn:uuid:1") == TaggedArticle(article(), TAGS[1:])


def test_an_article_written_again_is_in_exactly_the_feeds_of_its_new_tags(
    store: SQLStore,
) -> None:
    """A tag kept keeps the article where it was in that feed, with its new label; a tag
    lost takes it out of that feed, a tag gained puts it into another."""
    store.put(TaggedArticle(article(), TAGS), WHEN)
    trade = FeedQuery(family="topic", term="trade-investment")
    (before,) = store.entry_rows(trade, 1, 9)
    renamed = replace(TAGS[2], label="Trade")
    gained = Tag("country", "RW", "Rwanda", 3.0, True, (Evidence("Kigali", "title", 3.0),))
    store.put(TaggedArticle(article(title="Edited"), (gained, renamed)), WHEN)
    assert store.articles(FeedQuery(family="country", term="BE"), 10) == []
    (rwanda,) = store.articles(FeedQuery(family="country", term="RW"), 10)
    assert rwanda.article.title == "Edited"
    (after,) = store.entry_rows(trade, 1, 9)
    assert (after.seq, after.revision) == (before.seq, before.revision + 1)
    (shown,) = store.articles(trade, 10)
    assert [(t.term, t.label) for t in shown.tags] == [
        ("RW", "Rwanda"),
        ("trade-investment", "Trade"),
    ]
    assert store.terms("country") == ["RW"]
    assert store.label("topic", "trade-investment") == "Trade"


def test_decide_keeps_id_and_published_and_moves_updated() -> None:
    old = TaggedArticle(article(), TAGS)
    later = WHEN + timedelta(days=1)
    assert decide(old, old, later).outcome is Outcome.UNCHANGED
    assert decide(old, None, later).outcome is Outcome.NEW
    edited = TaggedArticle(article(body="<p>y</p>"), TAGS)
    decision = decide(edited, old, later)
    assert decision.outcome is Outcome.EDITED and decision.article is not None
    assert decision.article.article.updated == later
    assert decision.article.article.published == WHEN
    retagged = decide(TaggedArticle(article(), TAGS[:1]), old, later)
    assert retagged.outcome is Outcome.RETAGGED and retagged.article is not None
    assert retagged.article.article.updated == WHEN


def test_fetch_state_counts_failures_and_keeps_last_success(store: SQLStore) -> None:
    store.record_fetch("s", WHEN, None)
    store.record_fetch("s", WHEN + timedelta(hours=1), "file not found")
    store.record_fetch("s", WHEN + timedelta(hours=2), "file not found")
    (state,) = store.fetch_states()
    assert (state.failures, state.last_error, state.last_success) == (2, "file not found", WHEN)
    store.record_fetch("s", WHEN + timedelta(hours=3), None)
    (state,) = store.fetch_states()
    assert (state.failures, state.last_error) == (0, None)


def another(store: SQLStore, tmp_path: Path) -> SQLStore:
    """A second connection to the same store, as another worker would have."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(tmp_path / "h.sqlite")
    from herald.store.postgres import PostgresStore

    assert isinstance(store, PostgresStore)
    return PostgresStore(store._url)


LEASE = timedelta(seconds=30)
A, B = "host-a:1:aa", "host-b:2:bb"  # two workers on other machines: never known gone


def test_a_due_source_is_taken_by_one_worker_until_it_is_done_or_its_lease_expires(
    store: SQLStore, tmp_path: Path
) -> None:
    other = another(store, tmp_path)
    try:
        assert store.claim_sources(["s1", "s2", "s3"], A, WHEN, LEASE, 2) == ["s1", "s2"]
        assert other.claim_sources(["s1", "s2", "s3"], B, WHEN, LEASE, 5) == ["s3"]
        assert other.claim_sources(["s1", "s2", "s3"], B, WHEN, LEASE, 5) == []
        # Done: due again one interval later, and not before.
        store.finish_source("s1", A, WHEN + timedelta(minutes=30))
        later = WHEN + timedelta(minutes=29)
        assert other.claim_sources(["s1"], B, later, LEASE, 5) == []
        assert other.claim_sources(["s1"], B, later + timedelta(minutes=1), LEASE, 5) == ["s1"]
        # A's lease on s2 is renewed while A lives; once it expires, B takes s2 over.
        assert store.renew(A, WHEN + timedelta(seconds=20), LEASE) == 1
        assert other.claim_sources(["s2"], B, WHEN + timedelta(seconds=40), LEASE, 5) == []
        assert other.claim_sources(["s2"], B, WHEN + timedelta(seconds=51), LEASE, 5) == ["s2"]
        assert other.leases()["source:s2"][0] == B
    finally:
        other.close()


def test_the_leases_of_a_worker_whose_process_ended_are_free_at_once(
    store: SQLStore, tmp_path: Path
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = f"{socket.gethostname()}:{dead.pid}:00"
    assert store.claim_sources(["s1"], gone, WHEN, LEASE, 1) == ["s1"]
    assert store.take_lease("publish", gone, WHEN, LEASE)
    assert store.claim_sources(["s1"], A, WHEN, LEASE, 1) == ["s1"]
    assert store.take_lease("publish", A, WHEN, LEASE)
    assert {holder for holder, _ in store.leases().values()} == {A}


def test_one_publisher_at_a_time(store: SQLStore, tmp_path: Path) -> None:
    other = another(store, tmp_path)
    try:
        assert store.take_lease("publish", A, WHEN, LEASE)
        assert store.take_lease("publish", A, WHEN + timedelta(seconds=20), LEASE)  # kept
        assert not other.take_lease("publish", B, WHEN + timedelta(seconds=40), LEASE)
        assert other.take_lease("publish", B, WHEN + timedelta(seconds=51), LEASE)  # expired
        assert not store.take_lease("publish", A, WHEN + timedelta(seconds=52), LEASE)
        store.release("publish", A)  # not A's any more: nothing happens
        assert other.leases()["publish"][0] == B
        other.release("publish", B)
        assert store.take_lease("publish", A, WHEN + timedelta(seconds=53), LEASE)
    finally:
        other.close()


def test_a_text_is_sent_to_the_engine_by_one_worker(store: SQLStore, tmp_path: Path) -> None:
    other = another(store, tmp_path)
    keys = [("h1", "title"), ("h2", "title")]
    try:
        assert store.claim_translations("es", "apertium", keys, A, WHEN, LEASE) == set(keys)
        assert other.claim_translations("es", "apertium", keys, B, WHEN, LEASE) == set()
        store.save_translations("es", "apertium", [("h1", "title", "uno")], [], WHEN)
        later = WHEN + timedelta(seconds=31)  # A's claim on h2 expired; h1 is translated
        assert other.claim_translations("es", "apertium", keys, B, later, LEASE) == {keys[1]}
        assert other.translations("es", "apertium", keys) == {keys[0]: "uno"}
    finally:
        other.close()


def test_turns_at_a_host_are_spaced_across_workers(store: SQLStore, tmp_path: Path) -> None:
    stores = [store, another(store, tmp_path)]
    turns: list[float] = []
    guard = threading.Lock()

    def ask(which: SQLStore) -> None:
        for _ in range(5):
            turn = which.host_turn("portal.example", 1000.0, 0.5)
            with guard:
                turns.append(turn)

    try:
        together(*(partial(ask, s) for s in stores))
    finally:
        stores[1].close()
    assert sorted(turns) == [1000.0 + 0.5 * n for n in range(10)]
    assert store.host_turn("portal.example", 2000.0, 0.5) == 2000.0  # rested long since


def test_writers_in_parallel_keep_arrival_numbers_and_generations_whole(
    store: SQLStore, tmp_path: Path
) -> None:
    stores = [store, another(store, tmp_path)]

    def write(which: SQLStore, offset: int) -> None:
        for n in range(25):
            which.put(TaggedArticle(article(f"urn:uuid:{offset + n}"), TAGS), WHEN)

    try:
        together(*(partial(write, s, 100 * i) for i, s in enumerate(stores)))
    finally:
        stores[1].close()
    assert [seq for seq, _ in store.revisions(FeedQuery())] == list(range(1, 51))
    assert store.generation() == 50


def test_the_longest_due_source_is_taken_first_among_many(store: SQLStore) -> None:
    ids = [f"s{n:03d}" for n in range(600)]  # more than one query's worth of ids
    assert len(store.claim_sources(ids, A, WHEN, LEASE, 600)) == 600
    for source_id in ids:
        late = timedelta(minutes=1 if source_id == "s599" else 10)
        store.finish_source(source_id, A, WHEN + late)
    assert store.claim_sources(ids, B, WHEN + timedelta(minutes=5), LEASE, 4) == ["s599"]
    # B's lease on it expired unrenewed: still the longest due, then the rest in order.
    assert store.claim_sources(ids, B, WHEN + timedelta(minutes=20), LEASE, 2) == ["s599", "s000"]
