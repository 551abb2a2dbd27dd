"""PostgreSQL's own: its migrations, its errors, several workers on one database, and
moving a SQLite store over (`herald migrate`)."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from herald.app import load, open_pipeline
from herald.errors import StoreError
from herald.store.pg_schema import MIGRATIONS
from herald.translate.stage import TranslationReport

from .conftest import NOW, SAMPLE, Site, bulletin_source, installed, together, write_config
from .pg import Cluster
from .servers import running
from .test_cli import herald
from .translation_servers import translation_services

psycopg = pytest.importorskip("psycopg", reason="pip install -e '.[postgres]'")


def test_postgresql_schema_newer_than_herald_is_refused(postgres_cluster: Cluster) -> None:
    from herald.store.postgres import PostgresStore

    url = postgres_cluster.create_database()
    PostgresStore(url).close()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("INSERT INTO herald_schema VALUES (99)")
    with pytest.raises(StoreError, match="schema v99 is newer than this Herald knows"):
        PostgresStore(url)


def test_postgresql_workers_starting_together_migrate_once(postgres_cluster: Cluster) -> None:
    from herald.store.postgres import PostgresStore

    url = postgres_cluster.create_database()
    opened: list[PostgresStore] = []
    together(*[lambda: opened.append(PostgresStore(url))] * 3)
    for store in opened:
        store.close()
    assert len(opened) == 3
    with psycopg.connect(url) as connection:
        versions = connection.execute("SELECT version FROM herald_schema").fetchall()
    assert sorted(v for (v,) in versions) == list(range(1, len(MIGRATIONS) + 1))  # each once


def test_postgresql_out_of_reach_is_one_clear_line(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    from herald.store.postgres import PostgresStore

    url = f"postgresql://herald:secret@/herald?host={tmp_path}&port=5999&connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        PostgresStore(url)
    message = str(caught.value)
    assert message.startswith("postgresql://herald:***@/herald?host=")
    assert "cannot connect to PostgreSQL" in message and "secret" not in message


def test_postgresql_without_the_extra_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from herald.store.postgres import PostgresStore

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(StoreError, match=r"needs psycopg: pip install 'herald\[postgres\]'"):
        PostgresStore("postgresql://herald@db.example.test/herald")


def test_migrate_copies_a_sqlite_store_and_publishes_the_same_bytes(
    tmp_path: Path, postgres_cluster: Cluster
) -> None:
    installed("apertium", packages="apertium apertium-eng-spa")
    extra = '[translate]\ntargets = ["es"]\nengine = "apertium"'
    listing = tmp_path / "listing.txt"
    listing.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "old").mkdir()
    old = Site(
        tmp_path / "old",
        write_config(tmp_path / "old", [bulletin_source(listing)], extra=extra, store_url=None),
    )
    old.run_once()
    url = postgres_cluster.create_database()

    code, out, err = herald("migrate", "--config", str(old.config), "--to", url)
    assert code == 0, err
    assert out.startswith(f"copied {old.folder / 'var' / 'herald.sqlite'} into {url}:")
    assert re.search(r"articles +9 rows", out) and re.search(r"translations +\d\d+ rows", out)
    # A second migration into the same database refuses, and changes nothing.
    code, _, err = herald("migrate", "--config", str(old.config), "--to", url)
    assert code == 1 and "already holds a Herald store; migrate into an empty database" in err

    (tmp_path / "new").mkdir()
    new = Site(
        tmp_path / "new",
        write_config(tmp_path / "new", [bulletin_source(listing)], extra=extra, store_url=url),
    )
    pipeline = new.pipeline()
    try:
        assert pipeline.publish().written
        # Validators (here the listing's digest) and the translate stage's mark came along:
        # the same bytes are not read again, nothing is sent to the engine again. (The
        # Spanish feeds below are the same bytes: the translations came along too.)
        (report,) = [pipeline.update_source(s, NOW) for s in pipeline.settings.sources]
        assert report.not_modified
        assert pipeline.translate(NOW) == []  # its mark came too: all is translated
    finally:
        pipeline.store.close()
    before = published(old.feeds)
    after = published(new.feeds)
    assert sorted(after) == sorted(before) and len(before) > 50
    assert [path for path in before if before[path] != after[path]] == []


def published(folder: Path) -> dict[str, bytes]:
    """Every published file's bytes (Herald's own records aside)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def test_migrate_from_no_store_says_so(tmp_path: Path, postgres_cluster: Cluster) -> None:
    config = write_config(tmp_path, [bulletin_source(SAMPLE)], store_url=None)
    code, _, err = herald("migrate", "--config", str(config), "--to", postgres_cluster.url())
    assert code == 1 and "no store there to migrate" in err


def test_workers_translating_at_once_send_each_text_once(
    tmp_path: Path, postgres_cluster: Cluster
) -> None:
    app, state = translation_services()
    state.pause = 1.0  # the first worker's request is still out when the second looks
    with running(app) as url:
        extra = (
            f'[translate]\ntargets = ["es"]\nengine = "libretranslate"\nurl = "{url}"\n'
            'fields = ["title", "summary"]'
        )
        config = write_config(
            tmp_path,
            [bulletin_source(SAMPLE)],
            extra=extra,
            store_url=postgres_cluster.create_database(),
        )
        workers = [open_pipeline(load(config)) for _ in range(2)]
        try:
            workers[0].update_source(workers[0].settings.sources[0], NOW)
            reports: list[TranslationReport] = []
            together(*(lambda w=w: reports.extend(w.translate(NOW)) for w in workers))
            again = workers[1].translate(NOW + timedelta(hours=1))
        finally:
            for worker in workers:
                worker.store.close()
    sent = [text for body in state.requests for text in body["q"]]
    assert sent and len(sent) == len(set(sent))  # each text went to the engine once
    assert sum(r.translated for r in reports) == len(sent)
    assert sum(r.left_for_later for r in reports) > 0  # the other worker left them
    # ... to the one that sent them, whose whole pass left the store marked translated.
    assert again == []


def test_a_lost_connection_is_one_clear_error_and_the_next_call_reconnects(
    postgres_cluster: Cluster,
) -> None:
    from herald.store.postgres import PostgresStore

    url = postgres_cluster.create_database()
    store = PostgresStore(url, size=1)
    try:
        store.record_fetch("s", datetime(2026, 3, 12, tzinfo=UTC), None)
        with psycopg.connect(url, autocommit=True) as admin:  # the server drops Herald
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid != pg_backend_pid()"
            )
        with pytest.raises(StoreError, match=r"^postgresql://postgres@/t_\w+\?host=.*: "):
            store.generation()
        assert [s.source_id for s in store.fetch_states()] == ["s"]  # a new connection
    finally:
        store.close()
