"""`herald migrate`: copy a SQLite store into an empty PostgreSQL database, whole.

Rows go over as they are (the two schemas have the same tables and columns, and times
are the same text), in one transaction on each side: a reader of the SQLite file sees
one moment of it, and the PostgreSQL database has all of it or nothing. Leases, claims
and hosts' turns are not copied: they belong to running workers.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from herald.errors import StoreError
from herald.store.pg_schema import TABLES
from herald.store.postgres import PostgresStore, redacted
from herald.store.sqlite import SQLiteStore, damaged


def copy_to_postgres(database: Path, url: str, password: str | None) -> dict[str, int]:
    """Copy every table of the store at `database` into the (empty) database at `url`;
    how many rows each table had."""
    if not database.is_file():
        raise StoreError(f"{database}: no store there to migrate")
    SQLiteStore(database).close()  # brought to this Herald's schema first
    target = PostgresStore(url, password)
    try:
        if not target.is_empty():
            raise StoreError(
                f"{redacted(url)}: the database already holds a Herald store; migrate into "
                "an empty database"
            )
        source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            source.execute("BEGIN")  # one moment of the file, while Herald may write
            counts: dict[str, int] = {}
            with target.transaction():
                for table in TABLES:
                    columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
                    rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
                    counts[table] = target.load_rows(table, columns, rows)
            source.rollback()
        except sqlite3.DatabaseError as exc:
            raise damaged(database, exc) from exc
        finally:
            source.close()
    finally:
        target.close()
    return counts
