"""The SQLite store: one file, WAL journal, migrations on open."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from herald.errors import StoreError
from herald.store.schema import MIGRATIONS
from herald.store.sql import Row, SQLStore, _Pending

BUSY_TIMEOUT_MS = 10_000


class SQLiteStore(SQLStore):
    """Store articles in a SQLite database file."""

    def __init__(self, path: Path) -> None:
        if sqlite3.sqlite_version_info < (3, 35):  # RETURNING
            raise StoreError(
                f"{path}: Herald needs SQLite 3.35 or newer; this Python has "
                f"{sqlite3.sqlite_version}"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        self._pending = _Pending()
        self._scheduled = set()
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.create_function("herald_contains", 2, _contains, deterministic=True)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _enter_wal(self._db)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate(path)
        except sqlite3.DatabaseError as exc:
            raise damaged(path, exc) from exc
        self._path = path

    def _migrate(self, path: Path) -> None:
        """Run the migrations the file has not had, each in the transaction that reads the
        version, so that several processes opening a new store at once run each once."""
        while True:
            with self.transaction():
                version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"{path}: database schema v{version} is newer than this Herald knows "
                        f"(v{len(MIGRATIONS)}); upgrade Herald"
                    )
                if version == len(MIGRATIONS):
                    return
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    def _in_transaction(self) -> bool:
        return self._db.in_transaction

    @contextmanager
    def _begin(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        rows: list[Row] = self._db.execute(sql, params).fetchall()
        return rows

    def _tuples(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor = self._db.cursor()
        cursor.row_factory = None
        rows: list[Any] = cursor.execute(sql, params).fetchall()
        return rows

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._db.execute(sql, params).rowcount

    def _runmany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def _contains(self, expression: str, text: str) -> tuple[str, str]:
        return f"herald_contains({expression}, ?)", text.casefold()

    @property
    def total_changes(self) -> int:
        """Rows changed through this connection since it opened."""
        return self._db.total_changes

    def close(self) -> None:
        """Release the connection."""
        self._db.close()


def _enter_wal(db: sqlite3.Connection) -> None:
    """Switch the file to the WAL journal (a no-op once it is). The switch upgrades a read lock
    to an exclusive one, and SQLite answers "locked" at once, without waiting, when two
    connections do that together (each would wait for the other), as when several processes
    open a new store at once: so retry within the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01 + random.random() * 0.04)


def _contains(text: str | None, folded: str) -> bool:
    """Whether a text holds a case-folded piece of text, in any script (SQLite's own LIKE
    folds only ASCII)."""
    return text is not None and folded in text.casefold()


def damaged(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """What to say of a store SQLite cannot read, and the way back."""
    return StoreError(
        f"{path}: the store cannot be read ({exc}); restore the last `herald backup` over it "
        "(see README, Backups), or move it away to start a new store from the sources"
    )


def backup(database: Path, target: Path) -> int:
    """Copy a store into `target` consistently while other processes use it (SQLite's online
    backup), through a temporary file beside the target; the copy's size in bytes."""
    if not database.is_file():
        raise StoreError(f"{database}: no store there to back up")
    if target.resolve() == database.resolve():
        raise StoreError(f"{target}: that is the store itself; name another file")
    partial = target.with_name(f".{target.name}.partial")
    try:
        source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                checked = copy.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                copy.close()
        finally:
            source.close()
        if checked != "ok":
            raise StoreError(f"{database}: the copy does not check out ({checked}); kept nothing")
        partial.replace(target)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{database}: cannot back up: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"{target}: cannot write the backup: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size
