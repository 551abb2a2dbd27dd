"""The stores: migrations, round trips, fetch state, coordination; each test that is not
about one store's own file or server runs against both SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from herald.errors import StoreError
from herald.models import Article, Evidence, Tag, TaggedArticle
from herald.store import FeedQuery
from herald.store.schema import MIGRATIONS
from herald.store.sql import SQLStore
from herald.store.sqlite import SQLiteStore
from herald.update import Outcome, decide

from .conftest import backends

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
