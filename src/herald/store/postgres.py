"""The PostgreSQL store: the SQLite store's tables and queries on a shared server, for
several workers on one or several machines (`pip install 'herald[postgres]'`).

Connections come from a pool (psycopg_pool). Writers take turns on one transaction-level
advisory lock, as SQLite's writers take turns on its file: an article's arrival number
and the generation counter are then never contended, and every write keeps the meaning
it has in SQLite. Reads run beside the writers, each on a pooled connection.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from herald.errors import StoreError
from herald.store.pg_schema import MIGRATIONS
from herald.store.sql import UPSERT_ARTICLE, UPSERT_DETAILS, Row, SQLStore, _json, _Pending

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg_pool import ConnectionPool

INSTALL = "pip install 'herald[postgres]'"
WRITES = 0x4845_5241_4C44  # the advisory lock writers take turns on ("HERALD")


def redacted(url: str) -> str:
    """A connection URL fit for a message: without a password, should it carry one."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


class PostgresStore(SQLStore):
    """Store articles in a PostgreSQL database, shared by every worker that names it."""

    def __init__(
        self,
        url: str,
        password: str | None = None,
        *,
        size: int = 4,
        shared: PostgresStore | None = None,
    ) -> None:
        self._url = url
        self._local = threading.local()
        self.total_changes = 0  # rows changed through this store since it opened
        self._scheduled = set()
        self._fold: str
        if shared is not None:  # another view on the same pool, for another thread
            self._pool: ConnectionPool[Any] = shared._pool
            self._owner = False
            self._fold = shared._fold
            return
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError(
                f"[store] url names PostgreSQL, which needs psycopg: {INSTALL}"
            ) from None
        extra: dict[str, Any] = {"autocommit": True}
        if password is not None:
            extra["password"] = password
        try:  # one connection first: its error says why, where a pool would only wait
            psycopg.connect(url, **extra).close()
        except psycopg.Error as exc:
            raise StoreError(
                f"{redacted(url)}: cannot connect to PostgreSQL: {_reason(exc)}"
            ) from None
        self._pool = ConnectionPool(
            url, min_size=1, max_size=size, kwargs=extra, open=False, timeout=30
        )
        self._pool.open(wait=True, timeout=30)
        self._owner = True
        try:
            self._migrate()
            self._fold = self._folding_collation()
        except StoreError:
            self._pool.close()
            raise

    def shared(self) -> PostgresStore:
        """A store on this one's pool, for another thread (its own transactions)."""
        return PostgresStore(self._url, shared=self)

    def _migrate(self) -> None:
        """Run the migrations the database has not had, under the writers' lock, so that
        workers starting together run each once."""
        with self.transaction():
            self._run("CREATE TABLE IF NOT EXISTS herald_schema (version INTEGER NOT NULL)")
            version = self._scalar("SELECT max(version) FROM herald_schema") or 0
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"{redacted(self._url)}: database schema v{version} is newer than this "
                    f"Herald knows (v{len(MIGRATIONS)}); upgrade Herald"
                )
            for number in range(version, len(MIGRATIONS)):
                self._run(MIGRATIONS[number])
                self._run("INSERT INTO herald_schema VALUES (?)", [number + 1])

    def _folding_collation(self) -> str:
        """A collation whose lower() folds every script (ICU's, where the server has it)."""
        icu = self._scalar("SELECT collname FROM pg_collation WHERE collname = 'und-x-icu'")
        return '"und-x-icu"' if icu else '"default"'

    @property
    def _pending(self) -> _Pending:
        pending: _Pending | None = getattr(self._local, "pending", None)
        if pending is None:
            pending = self._local.pending = _Pending()
        return pending

    @_pending.setter
    def _pending(self, value: _Pending) -> None:
        self._local.pending = value

    def _in_transaction(self) -> bool:
        return getattr(self._local, "connection", None) is not None

    @contextmanager
    def _begin(self) -> Iterator[None]:
        import psycopg

        try:
            with self._pool.connection() as connection:
                self._local.connection = connection
                try:
                    with connection.transaction():
                        connection.execute("SELECT pg_advisory_xact_lock(%s)", [WRITES])
                        yield
                finally:
                    self._local.connection = None
        except psycopg.Error as exc:  # taking the lock, or the commit
            raise StoreError(f"{redacted(self._url)}: {_reason(exc)}") from exc

    @contextmanager
    def _connection(self) -> Iterator[Connection[Any]]:
        """The transaction's connection, or one from the pool; a database error becomes
        a StoreError that says where and what (the server gone, a timeout)."""
        import psycopg

        try:
            current: Connection[Any] | None = getattr(self._local, "connection", None)
            if current is not None:
                yield current
                return
            with self._pool.connection() as connection:
                yield connection
        except psycopg.Error as exc:
            raise StoreError(f"{redacted(self._url)}: {_reason(exc)}") from exc

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        from psycopg.rows import dict_row

        with self._connection() as connection:
            cursor = connection.cursor(row_factory=dict_row)
            return list(cursor.execute(_dialect(sql), params).fetchall())

    def _tuples(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._connection() as connection:
            return connection.execute(_dialect(sql), params).fetchall()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._connection() as connection:
            # Without parameters, a migration's several statements go as one.
            count = connection.execute(_dialect(sql), params or None).rowcount
        self.total_changes += max(count, 0)
        return count

    def _runmany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self._connection() as connection:
                cursor = connection.cursor()
                cursor.executemany(_dialect(sql), rows)
                self.total_changes += max(cursor.rowcount, 0)

    def _write_article(
        self, values: list[Any], feed_tags: list[list[Any]], details: str
    ) -> list[Any] | None:
        """What SQLite does in five statements, in one round trip. Every part of a
        statement sees the rows as they were before it: `before` reads the old feed tags
        while the row is written, and the old tag rows are found by their key from them
        (those that stay are updated, the others deleted: apart)."""
        encoded = _json(feed_tags)
        rows = self._tuples(
            f"""
            WITH before AS (SELECT feed_tags FROM articles WHERE id = ?),
                written AS ({UPSERT_ARTICLE} RETURNING seq),
                details AS ({UPSERT_DETAILS.format(rows="SELECT seq, ? FROM written")}),
                tagged AS (SELECT t->>0 AS family, t->>1 AS term, t->>2 AS label
                    FROM json_array_elements(?::json) t),
                old AS (SELECT t->>0 AS family, t->>1 AS term
                    FROM before, json_array_elements(before.feed_tags::json) t),
                gone AS (DELETE FROM tags USING written, old
                    WHERE tags.family = old.family AND tags.term = old.term
                    AND tags.seq = written.seq
                    AND (old.family, old.term) NOT IN (SELECT family, term FROM tagged)),
                added AS (INSERT INTO tags (family, term, seq, published, article_id, label)
                    SELECT tagged.family, tagged.term, written.seq, ?, ?, tagged.label
                    FROM written, tagged
                    ON CONFLICT (family, term, seq) DO UPDATE
                    SET published = excluded.published, label = excluded.label)
            SELECT (SELECT feed_tags FROM before) FROM written
            """,
            [values[0], *values, encoded, details, encoded, values[5], values[0]],
        )
        ((before,),) = rows
        return json.loads(before) if before is not None else None

    def _contains(self, expression: str, text: str) -> tuple[str, str]:
        return f"strpos(lower(({expression}) COLLATE {self._fold}), ?) > 0", text.lower()

    def is_empty(self) -> bool:
        """Whether nothing was ever stored here (a database `herald migrate` may fill)."""
        return self.generation() == 0 and not self._tuples(
            "SELECT 1 FROM articles UNION ALL SELECT 1 FROM fetch_state LIMIT 1"
        )

    def load_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Make a table hold these rows (with COPY), in the current transaction; how many."""
        count = 0
        with self._connection() as connection:
            cursor = connection.cursor()
            cursor.execute(f"DELETE FROM {table}")
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count

    def close(self) -> None:
        """Release the pool (a shared view leaves it to its owner)."""
        if self._owner:
            self._pool.close()


def _dialect(sql: str) -> str:
    """The shared queries' `?` parameters as psycopg's."""
    return sql.replace("?", "%s")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
