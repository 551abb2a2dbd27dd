"""The SQLite store: one file, WAL journal, migrations on open."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from herald.errors import StoreError
from herald.models import Article, Evidence, Session, Tag, TaggedArticle, Validators
from herald.normalize.identity import Known
from herald.store import EVERYTHING, EntryRow, FeedQuery, FetchState, Selection
from herald.store.schema import MIGRATIONS


@dataclass
class _Pending:
    """What a transaction changed, noted on the feeds when it commits."""

    appended: set[str] = field(default_factory=set)
    rewritten: set[str] = field(default_factory=set)
    also: set[str] = field(default_factory=set)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class SQLiteStore:
    """Store articles in a SQLite database file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._pending = _Pending()
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.create_function("herald_contains", 2, _contains, deterministic=True)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA busy_timeout = 10000")
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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes so they land together or not at all."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._note_changes()
        except BaseException:
            self._db.execute("ROLLBACK")
            self._pending = _Pending()
            raise
        self._db.execute("COMMIT")

    @property
    def total_changes(self) -> int:
        """Rows changed through this connection since it opened."""
        return self._db.total_changes

    def known(self, source_id: str, published: Iterable[datetime]) -> list[Known]:
        """Articles of a source published at any of these times."""
        times = sorted({_iso(p) for p in published})
        if not times:
            return []
        marks = ",".join("?" * len(times))
        rows = self._db.execute(
            f"SELECT id, title, published, language FROM articles "
            f"WHERE source_id = ? AND published IN ({marks}) ORDER BY id",
            [source_id, *times],
        )
        return [
            Known(r["id"], r["title"], datetime.fromisoformat(r["published"]), r["language"])
            for r in rows
        ]

    def get_many(self, ids: Iterable[str], *, evidence: bool = True) -> dict[str, TaggedArticle]:
        """Stored articles by id, with their tags (as feeds show them, without evidence)."""
        ids = list(ids)
        found: dict[str, TaggedArticle] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk)
            tagged = self._with_tags(list(rows), evidence=evidence)
            found.update((t.article.id, t) for t in tagged)
        return found

    def get(self, article_id: str) -> TaggedArticle | None:
        """One article, by its full id or a unique part of it."""
        rows = self._db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchall()
        if not rows:
            pattern = "%" + article_id.replace("%", "").replace("_", "") + "%"
            rows = self._db.execute(
                "SELECT * FROM articles WHERE id LIKE ? LIMIT 2", [pattern]
            ).fetchall()
        if len(rows) != 1:
            return None
        return self._with_tags(rows)[0]

    def put(self, tagged: TaggedArticle, now: datetime) -> None:
        """Insert or replace an article and its tags, keeping when it was first seen."""
        a = tagged.article
        with self.transaction():
            existed = self._db.execute("SELECT 1 FROM articles WHERE id = ?", [a.id]).fetchone()
            self._db.execute(
                """
                INSERT INTO articles (id, source_id, key, title, url, published, updated,
                    language, summary, content_html, paragraphs, has_images, first_seen,
                    grp, note, seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                    (SELECT coalesce(max(seq), 0) + 1 FROM articles))
                ON CONFLICT (id) DO UPDATE SET key = excluded.key, title = excluded.title,
                    url = excluded.url, updated = excluded.updated,
                    language = excluded.language, summary = excluded.summary,
                    content_html = excluded.content_html, paragraphs = excluded.paragraphs,
                    has_images = excluded.has_images, grp = excluded.grp,
                    note = excluded.note, revision = revision + 1
                """,
                [
                    a.id,
                    a.source_id,
                    a.key,
                    a.title,
                    a.url,
                    _iso(a.published),
                    _iso(a.updated),
                    a.language,
                    a.summary,
                    a.content_html,
                    json.dumps(a.paragraphs, ensure_ascii=False),
                    int(a.has_images),
                    _iso(now),
                    a.group,
                    a.note,
                ],
            )
            touched = [a.id]
            if a.group is not None:
                # The other versions link to this one: their documents render again.
                siblings = self._tuples(
                    "SELECT id FROM articles WHERE grp = ? AND id != ?", [a.group, a.id]
                )
                touched += [row[0] for row in siblings]
                self._db.executemany(
                    "UPDATE articles SET revision = revision + 1 WHERE id = ?",
                    [(i,) for i in touched[1:]],
                )
            leaving: set[str] = set()
            if existed:  # its old tags go; the feeds it may leave change too
                leaving = self._feeds_of([a.id])
                self._db.execute("DELETE FROM tags WHERE article_id = ?", [a.id])
            seq = self._db.execute("SELECT seq FROM articles WHERE id = ?", [a.id]).fetchone()[0]
            self._db.executemany(
                "INSERT INTO tags (article_id, family, term, label, score, passed, evidence,"
                " seq, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        a.id,
                        t.family,
                        t.term,
                        t.label,
                        t.score,
                        int(t.passed),
                        _evidence_json(t),
                        seq,
                        _iso(a.published),
                    )
                    for t in tagged.tags
                ],
            )
            if existed:  # rewritten where it is, and in the feeds it left
                self._changed(rewritten=touched, also=leaving)
            else:  # a new article: added at the end of its feeds
                self._changed(appended=[a.id], rewritten=touched[1:])

    def articles(self, query: FeedQuery, limit: int) -> list[TaggedArticle]:
        """A feed's newest articles by `published`, at most `limit`, as feeds show them:
        only tags that passed, without evidence."""
        sql, params = _feed_sql("a.*", query)
        sql += f" ORDER BY {_newest(query)} LIMIT ?"
        rows = self._db.execute(sql, [*params, limit]).fetchall()
        return self._with_tags(rows, evidence=False)

    def entry_rows(self, query: FeedQuery, first: int, last: int) -> list[EntryRow]:
        """A feed's articles that arrived from number `first` to `last`, by arrival; found
        by key, so reading any part of a long history costs the same."""
        sql, params = _feed_sql(_ROW, query)
        sql += " AND {key}.seq BETWEEN ? AND ? ORDER BY {key}.seq".format(key=_key(query))
        return _entry_rows(self._tuples(sql, [*params, first, last]))

    def newest_rows(self, query: FeedQuery, limit: int) -> list[EntryRow]:
        """What `articles` would return, without the articles."""
        sql, params = _feed_sql(_ROW, query)
        sql += f" ORDER BY {_newest(query)} LIMIT ?"
        return _entry_rows(self._tuples(sql, [*params, limit]))

    def revisions(self, query: FeedQuery, *, since: int = 0) -> list[tuple[int, int]]:
        """(arrival number, revision) of a feed's articles in the order they arrived, from
        arrival number `since` on: cheaply, without the articles."""
        sql, params = _feed_sql("a.seq, a.revision", query)
        sql += " AND {key}.seq >= ? ORDER BY {key}.seq".format(key=_key(query))
        return self._tuples(sql, [*params, since])

    def selected(self, selection: Selection, query: FeedQuery, limit: int) -> list[TaggedArticle]:
        """The newest articles of a tree (`query`'s language) in a selection, at most
        `limit`, as feeds show them."""
        sql, params = _feed_sql("a.*", replace(query, family=None, term=None, source_id=None))
        for family, terms in selection.terms:
            sql += (
                " AND EXISTS (SELECT 1 FROM tags t WHERE t.article_id = a.id AND t.family = ?"
                f" AND t.passed = 1 AND t.term IN ({','.join('?' * len(terms))}))"
            )
            params += [family, *terms]
        if selection.sources:
            sql += f" AND a.source_id IN ({','.join('?' * len(selection.sources))})"
            params += selection.sources
        if selection.text:
            sql += (
                " AND herald_contains(a.title || ' ' || coalesce(a.summary, '') || ' '"
                " || coalesce(a.content_html, ''), ?)"
            )
            params.append(selection.text.casefold())
        rows = self._db.execute(sql + f" ORDER BY {_newest(query)} LIMIT ?", [*params, limit])
        return self._with_tags(rows.fetchall(), evidence=False)

    def changes(self, query: FeedQuery, since: int = -1) -> list[tuple[str, int]]:
        """(id, generation at which it last changed) of every article of a feed that
        changed after generation `since` (every one, by default)."""
        sql, params = _feed_sql("a.id, a.changed", query)
        return self._tuples(sql + " AND a.changed > ? ORDER BY a.seq", [*params, since])

    def _tuples(self, sql: str, params: list[Any]) -> list[Any]:
        """Rows as plain tuples: many times faster to read in bulk than sqlite3.Row."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        rows: list[Any] = cursor.execute(sql, params).fetchall()
        return rows

    def terms(self, family: str) -> list[str]:
        """Terms of a tag family that put at least one article into a feed."""
        rows = self._db.execute(
            "SELECT DISTINCT term FROM tags WHERE family = ? AND passed = 1 ORDER BY term",
            [family],
        )
        return [r["term"] for r in rows]

    def label(self, family: str, term: str) -> str:
        """The label stored with a tag (the newest, should it have changed)."""
        row = self._db.execute(
            "SELECT t.label FROM tags t JOIN articles a ON a.id = t.article_id"
            " WHERE t.family = ? AND t.term = ? ORDER BY a.updated DESC LIMIT 1",
            [family, term],
        ).fetchone()
        return row[0] if row else term

    def newest_update(self, query: FeedQuery = EVERYTHING) -> datetime | None:
        """The latest `updated` of the articles of a feed (of all, by default)."""
        sql, params = _feed_sql("max(a.updated)", query)
        return _time(self._db.execute(sql, params).fetchone()[0])

    def record_fetch(self, source_id: str, now: datetime, error: str | None) -> None:
        """Note an attempt to read a source, and its error if it failed."""
        with self.transaction():
            self._db.execute(
                """
                INSERT INTO fetch_state (source_id, last_attempt, last_success, failures,
                    last_error)
                VALUES (?1, ?2, CASE WHEN ?3 IS NULL THEN ?2 END, ?3 IS NOT NULL, ?3)
                ON CONFLICT (source_id) DO UPDATE SET last_attempt = ?2,
                    last_success = CASE WHEN ?3 IS NULL THEN ?2 ELSE last_success END,
                    failures = CASE WHEN ?3 IS NULL THEN 0 ELSE failures + 1 END,
                    last_error = ?3
                """,
                [source_id, _iso(now), error],
            )

    def validators(self, url: str) -> Validators | None:
        """The ETag and Last-Modified stored for a URL."""
        row = self._db.execute(
            "SELECT etag, last_modified, digest FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        return Validators(row["etag"], row["last_modified"], row["digest"]) if row else None

    def save_validators(self, url: str, validators: Validators) -> None:
        """Remember the ETag and Last-Modified a server sent with a URL."""
        with self.transaction():
            if validators == Validators():
                self._db.execute("DELETE FROM http_cache WHERE url = ?", [url])
            else:
                self._db.execute(
                    "INSERT OR REPLACE INTO http_cache VALUES (?, ?, ?, ?)",
                    [url, validators.etag, validators.last_modified, validators.digest],
                )

    def raw_digests(self, ids: Iterable[str]) -> dict[str, str]:
        """The digest of the raw item each of these articles was last made from."""
        wanted = list(ids)
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, raw_digest FROM articles WHERE id IN ({marks})"
            found.update((i, d) for i, d in self._tuples(sql, chunk) if d is not None)
        return found

    def save_raw_digests(self, digests: Iterable[tuple[str, str]]) -> None:
        """Remember (article id, digest) of the raw items articles were made from."""
        with self.transaction():
            self._db.executemany(
                "UPDATE articles SET raw_digest = ? WHERE id = ?", [(d, i) for i, d in digests]
            )

    def generation(self) -> int:
        """A number that every write changing a published document increases."""
        value: int = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[
            0
        ]
        return value

    def mark(self, key: str) -> int | None:
        """A number kept under `key` (a generation a stage got to)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return int(row[0]) if row else None

    def set_mark(self, key: str, value: int) -> None:
        """Keep a number under `key`."""
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def feed_changes(self) -> dict[str, tuple[int, int]]:
        """By feed key ("all", "source:<id>", "<family>:<term>"): the generation at which
        the feed last changed, and at which it last changed other than by new articles
        at its end."""
        rows = self._tuples("SELECT feed, generation, rewritten FROM feed_changes", [])
        return {feed: (generation, rewritten) for feed, generation, rewritten in rows}

    def _changed(
        self,
        *,
        appended: list[str] | None = None,
        rewritten: list[str] | None = None,
        also: set[str] | None = None,
    ) -> None:
        """Note for the end of the transaction that these articles changed: new ones
        (`appended`) or others (`rewritten`, and the feeds in `also`)."""
        self._pending.appended.update(appended or ())
        self._pending.rewritten.update(rewritten or ())
        self._pending.also.update(also or ())

    def _note_changes(self) -> None:
        """Start a new generation, and note it on every feed that holds the articles the
        transaction changed: whether only by new articles at its end, or otherwise."""
        pending, self._pending = self._pending, _Pending()
        if not (pending.appended or pending.rewritten or pending.also):
            return
        self._db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
        generation = self.generation()
        touched = sorted(pending.appended | pending.rewritten)
        for start in range(0, len(touched), 500):
            chunk = touched[start : start + 500]
            self._db.execute(
                f"UPDATE articles SET changed = ? WHERE id IN ({','.join('?' * len(chunk))})",
                [generation, *chunk],
            )
        grown = self._feeds_of(sorted(pending.appended))
        changed = self._feeds_of(sorted(pending.rewritten)) if pending.rewritten else set()
        changed |= pending.also
        self._db.executemany(
            "INSERT INTO feed_changes VALUES (?, ?, ?) ON CONFLICT (feed) DO UPDATE SET"
            " generation = excluded.generation,"
            " rewritten = max(feed_changes.rewritten, excluded.rewritten)",
            [(feed, generation, generation if feed in changed else 0) for feed in grown | changed],
        )

    def _feeds_of(self, ids: list[str]) -> set[str]:
        """The keys of the feeds that hold these articles."""
        feeds = {"all"}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            feeds.update(
                row[0]
                for row in self._tuples(
                    f"SELECT 'source:' || source_id FROM articles WHERE id IN ({marks})"
                    f" UNION SELECT family || ':' || term FROM tags"
                    f" WHERE article_id IN ({marks}) AND passed",
                    [*chunk, *chunk],
                )
            )
        return feeds

    def session(self, source_id: str) -> Session | None:
        """The session headers kept for a source."""
        row = self._db.execute(
            "SELECT headers, obtained FROM sessions WHERE source_id = ?", [source_id]
        ).fetchone()
        if row is None:
            return None
        return Session(json.loads(row["headers"]), datetime.fromisoformat(row["obtained"]))

    def save_session(self, source_id: str, session: Session) -> None:
        """Keep a source's session headers for later runs."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?)",
                [source_id, json.dumps(dict(session.headers)), _iso(session.obtained)],
            )

    def siblings(self, groups: Iterable[str]) -> dict[str, list[TaggedArticle]]:
        """The language versions stored for each group, as feeds show them."""
        wanted = sorted(set(groups))
        found: dict[str, list[TaggedArticle]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT * FROM articles WHERE grp IN ({marks}) ORDER BY language, id", chunk
            ).fetchall()
            for tagged in self._with_tags(rows, evidence=False):
                found.setdefault(tagged.article.group or "", []).append(tagged)
        return found

    def translation_keys(self, target: str, engine: str) -> set[tuple[str, str]]:
        """(text hash, field) of every translation kept for a target and engine."""
        rows = self._db.execute(
            "SELECT hash, field FROM translations WHERE target = ? AND engine = ?",
            [target, engine],
        )
        return {(r[0], r[1]) for r in rows}

    def translations(
        self, target: str, engine: str, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """The kept translations among `keys` ((text hash, field) pairs)."""
        found: dict[tuple[str, str], str] = {}
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), 400):
            chunk = wanted[start : start + 400]
            hashes = sorted({h for h, _ in chunk})
            marks = ",".join("?" * len(hashes))
            rows = self._db.execute(
                f"SELECT hash, field, text FROM translations WHERE target = ? AND engine = ?"
                f" AND hash IN ({marks})",
                [target, engine, *hashes],
            )
            found.update(((r[0], r[1]), r[2]) for r in rows if (r[0], r[1]) in set(chunk))
        return found

    def save_translations(
        self,
        target: str,
        engine: str,
        rows: Iterable[tuple[str, str, str]],
        article_ids: Iterable[str],
        now: datetime,
    ) -> None:
        """Keep (text hash, field, text) translations; the articles' documents re-render."""
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)",
                [(h, f, target, engine, text, _iso(now)) for h, f, text in rows],
            )
            ids = sorted(set(article_ids))
            self._db.executemany(
                "UPDATE articles SET revision = revision + 1 WHERE id = ?", [(i,) for i in ids]
            )
            self._changed(rewritten=ids)

    def pending_pings(self, add: Iterable[str] = ()) -> list[str]:
        """Feeds still to announce to the WebSub hub, after adding `add`."""
        with self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO websub_pending VALUES (?)", [(u,) for u in add]
            )
        return [r[0] for r in self._db.execute("SELECT url FROM websub_pending ORDER BY url")]

    def pings_done(self, urls: Iterable[str]) -> None:
        """Forget feeds the hub has accepted."""
        with self.transaction():
            self._db.executemany("DELETE FROM websub_pending WHERE url = ?", [(u,) for u in urls])

    def fetch_states(self) -> Iterator[FetchState]:
        """Fetch state of every source ever read."""
        for r in self._db.execute("SELECT * FROM fetch_state ORDER BY source_id"):
            yield FetchState(
                r["source_id"],
                _time(r["last_attempt"]),
                _time(r["last_success"]),
                r["failures"],
                r["last_error"],
            )

    def close(self) -> None:
        """Release the connection."""
        self._db.close()

    def _with_tags(self, rows: list[sqlite3.Row], *, evidence: bool = True) -> list[TaggedArticle]:
        """Attach tags to article rows; feeds show no evidence, so they may skip reading it."""
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        tags: dict[str, list[Tag]] = {i: [] for i in ids}
        for t in self._db.execute(
            f"SELECT * FROM tags WHERE article_id IN ({marks}) AND (? OR passed)"
            " ORDER BY family, term",
            [*ids, evidence],
        ):
            found = tuple(Evidence(**e) for e in json.loads(t["evidence"])) if evidence else ()
            tags[t["article_id"]].append(
                Tag(t["family"], t["term"], t["label"], t["score"], bool(t["passed"]), found)
            )
        return [TaggedArticle(_article(r), tuple(tags[r["id"]])) for r in rows]


_ROW = "a.id, a.published, a.updated, a.language, a.seq, a.revision"


def _entry_rows(rows: list[Any]) -> list[EntryRow]:
    parse = datetime.fromisoformat
    return [EntryRow(r[0], parse(r[1]), parse(r[2]), r[3], r[4], r[5]) for r in rows]


def _key(query: FeedQuery) -> str:
    """The table whose index orders a feed: its tags' for a tag feed, else the articles'."""
    return "t" if query.family is not None else "a"


def _newest(query: FeedQuery) -> str:
    """Newest first, ties by id, in the terms of the table that orders the feed."""
    return "t.published DESC, t.article_id" if query.family else "a.published DESC, a.id"


def _feed_sql(columns: str, query: FeedQuery) -> tuple[str, list[Any]]:
    """The SELECT of a feed's articles, without order. A tag feed is read through its
    tags, which are indexed by arrival and by publication, like the articles."""
    params: list[Any] = []
    where = []
    if query.family is not None:
        sql = f"SELECT {columns} FROM tags t JOIN articles a ON a.id = t.article_id"
        where.append("t.family = ? AND t.term = ? AND t.passed = 1")
        params += [query.family, query.term]
    else:
        sql = f"SELECT {columns} FROM articles a"
    if query.source_id is not None:
        where.append("a.source_id = ?")
        params.append(query.source_id)
    if query.language is None:
        where.append("(a.grp IS NULL OR a.grp = a.id)")
    elif query.machine:
        where.append(
            "(a.language = ? OR ((a.grp IS NULL OR a.grp = a.id) AND NOT EXISTS"
            " (SELECT 1 FROM articles v WHERE v.grp = a.grp AND v.language = ?)))"
        )
        params += [query.language, query.language]
    else:
        where.append("a.language = ?")
        params.append(query.language)
    return sql + " WHERE " + " AND ".join(where), params


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        source_id=row["source_id"],
        key=row["key"],
        title=row["title"],
        published=datetime.fromisoformat(row["published"]),
        updated=datetime.fromisoformat(row["updated"]),
        language=row["language"],
        content_html=row["content_html"],
        summary=row["summary"],
        paragraphs=tuple(json.loads(row["paragraphs"])),
        url=row["url"],
        has_images=bool(row["has_images"]),
        group=row["grp"],
        note=row["note"],
    )


def _contains(text: str | None, folded: str) -> bool:
    """Whether a text holds a case-folded piece of text, in any script (SQLite's own LIKE
    folds only ASCII)."""
    return text is not None and folded in text.casefold()


def _evidence_json(tag: Tag) -> str:
    return json.dumps(
        [{"matched": e.matched, "where": e.where, "weight": e.weight} for e in tag.evidence],
        ensure_ascii=False,
    )


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
