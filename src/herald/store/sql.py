"""What both stores say in SQL: the queries behind the `Store` protocol, written once.

A subclass brings the connection (`_rows`, `_tuples`, `_run`, `_runmany`, `_begin`) and
the few phrases the two dialects say differently. Queries are written with `?` for
parameters; times are ISO 8601 text in UTC, the same in both, so a store copied from one
into the other publishes the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from herald.models import Article, Evidence, Session, Tag, TaggedArticle, Validators
from herald.normalize.identity import Known
from herald.store import EVERYTHING, EntryRow, FeedQuery, FetchState, Selection
from herald.workers import is_gone

Row = Mapping[str, Any]
CHUNK = 500  # ids per IN (...) list


# An article's row, written whole: a stored one keeps its arrival number and when it was
# first seen, and its revision goes up.
UPSERT_ARTICLE = """
    INSERT INTO articles (id, source_id, key, title, url, published, updated, language,
        summary, content_html, paragraphs, has_images, first_seen, grp, note, raw_digest,
        changed, feed_tags, seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
        (SELECT coalesce(max(seq), 0) + 1 FROM articles))
    ON CONFLICT (id) DO UPDATE SET key = excluded.key, title = excluded.title,
        url = excluded.url, updated = excluded.updated, language = excluded.language,
        summary = excluded.summary, content_html = excluded.content_html,
        paragraphs = excluded.paragraphs, has_images = excluded.has_images,
        grp = excluded.grp, note = excluded.note, revision = articles.revision + 1,
        raw_digest = coalesce(excluded.raw_digest, articles.raw_digest),
        changed = excluded.changed, feed_tags = excluded.feed_tags
"""
# An article's tags with their evidence, from `rows` (its arrival number, the JSON list).
UPSERT_DETAILS = (
    "INSERT INTO tag_details (seq, tags) {rows}"
    " ON CONFLICT (seq) DO UPDATE SET tags = excluded.tags"
)


@dataclass
class _Pending:
    """What a transaction changed, noted on the feeds when it commits."""

    appended: set[str] = field(default_factory=set)
    rewritten: set[str] = field(default_factory=set)
    also: set[str] = field(default_factory=set)
    generation: int | None = None  # the one the transaction's changes will be noted at


def iso(moment: datetime) -> str:
    """A time as the stores keep it: ISO 8601, UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class SQLStore:
    """Articles, tags, fetch state, translations and coordination, in SQL tables."""

    _pending: _Pending
    _scheduled: set[str]  # sources known to have a schedule row (rows are never removed)

    # -- what a subclass brings -------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query, by column name."""
        raise NotImplementedError

    def _tuples(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row of a query as a plain tuple (faster to read in bulk)."""
        raise NotImplementedError

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; how many rows it changed."""
        raise NotImplementedError

    def _runmany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run a statement once per row of parameters."""
        raise NotImplementedError

    def _in_transaction(self) -> bool:
        raise NotImplementedError

    def _begin(self) -> AbstractContextManager[None]:
        """A write transaction: commits when the block ends, rolls back if it raises;
        writers take turns."""
        raise NotImplementedError

    def _contains(self, expression: str, text: str) -> tuple[str, str]:
        """A condition that `expression` holds `text`, ignoring case in every script, and
        the parameter it takes."""
        raise NotImplementedError

    # -- transactions -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes so they land together or not at all."""
        if self._in_transaction():
            yield
            return
        with self._begin():
            try:
                yield
                self._note_changes()
            except BaseException:
                self._pending = _Pending()
                raise

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self._tuples(sql, params)
        return rows[0][0] if rows else None

    # -- articles ---------------------------------------------------------------------

    def known(self, source_id: str, published: Iterable[datetime]) -> list[Known]:
        """Articles of a source published at any of these times."""
        times = sorted({iso(p) for p in published})
        if not times:
            return []
        rows = self._tuples(
            f"SELECT id, title, published, language FROM articles "
            f"WHERE source_id = ? AND published IN ({_marks(times)}) ORDER BY id",
            [source_id, *times],
        )
        return [Known(i, t, datetime.fromisoformat(p), lang) for i, t, p, lang in rows]

    def get_many(self, ids: Iterable[str], *, evidence: bool = True) -> dict[str, TaggedArticle]:
        """Stored articles by id, with their tags (as feeds show them, without evidence)."""
        found: dict[str, TaggedArticle] = {}
        for chunk in _chunks(list(ids)):
            rows = self._rows(f"SELECT * FROM articles WHERE id IN ({_marks(chunk)})", chunk)
            found.update((t.article.id, t) for t in self._with_tags(rows, evidence=evidence))
        return found

    def get(self, article_id: str) -> TaggedArticle | None:
        """One article, by its full id or a unique part of it."""
        rows = self._rows("SELECT * FROM articles WHERE id = ?", [article_id])
        if not rows:
            pattern = "%" + article_id.lower().replace("%", "").replace("_", "") + "%"
            rows = self._rows("SELECT * FROM articles WHERE lower(id) LIKE ? LIMIT 2", [pattern])
        if len(rows) != 1:
            return None
        return self._with_tags(rows)[0]

    def put(self, tagged: TaggedArticle, now: datetime, raw_digest: str | None = None) -> None:
        """Insert or replace an article and its tags, keeping when it was first seen, with
        the digest of the raw item it was made from (see `save_raw_digests`)."""
        a = tagged.article
        tags = sorted(tagged.tags, key=lambda t: (t.family, t.term))
        with self.transaction():
            # One step stores it (a stored one's revision goes up) with its tags, says where
            # it arrived and the feeds it was in, if it was there. The row also carries what
            # the end of the transaction would write (the generation it changed at, the
            # digest): an article's row is large, and each later UPDATE of it is another
            # write of it all.
            before = self._write_article(
                [
                    a.id,
                    a.source_id,
                    a.key,
                    a.title,
                    a.url,
                    iso(a.published),
                    iso(a.updated),
                    a.language,
                    a.summary,
                    a.content_html,
                    _json(a.paragraphs),
                    int(a.has_images),
                    iso(now),
                    a.group,
                    a.note,
                    raw_digest,
                    self._next_generation(),
                ],
                [[t.family, t.term, t.label, t.score] for t in tags if t.passed],
                _json([_detail(t) for t in tags]),
            )
            touched = [a.id]
            if a.group is not None:
                # The other versions link to this one: their documents render again.
                siblings = self._tuples(
                    "SELECT id FROM articles WHERE grp = ? AND id != ?", [a.group, a.id]
                )
                touched += [row[0] for row in siblings]
                self._runmany(
                    "UPDATE articles SET revision = revision + 1, changed = ? WHERE id = ?",
                    [(self._next_generation(), i) for i in touched[1:]],
                )
            if before is not None:  # rewritten where it is, and in the feeds it left
                self._changed(rewritten=touched, also=_feeds(a.source_id, before))
            else:  # a new article: added at the end of its feeds
                self._changed(appended=[a.id], rewritten=touched[1:])

    def _write_article(
        self, values: list[Any], feed_tags: list[list[Any]], details: str
    ) -> list[Any] | None:
        """Insert or update an article's row (`values` as `UPSERT_ARTICLE` takes them, its
        feed tags aside), its tags' details and the rows of its feed tags (family, term,
        label, score: the tags that put it into feeds); its feed tags as they were, None for
        a new article. Five statements, which cost SQLite no round trips."""
        article_id, published = values[0], values[5]
        found = self._tuples("SELECT feed_tags FROM articles WHERE id = ?", [article_id])
        before: list[Any] | None = json.loads(found[0][0]) if found else None
        row = [*values, _json(feed_tags)]
        ((seq,),) = self._tuples(UPSERT_ARTICLE + " RETURNING seq", row)
        self._run(UPSERT_DETAILS.format(rows="VALUES (?, ?)"), [seq, details])
        if before is not None:
            self._runmany(
                "DELETE FROM tags WHERE family = ? AND term = ? AND seq = ?",
                [(family, term, seq) for family, term, *_ in before],
            )
        self._runmany(
            "INSERT INTO tags (family, term, seq, published, article_id, label)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (family, term, seq, published, article_id, label)
                for family, term, label, _ in feed_tags
            ],
        )
        return before

    def articles(self, query: FeedQuery, limit: int) -> list[TaggedArticle]:
        """A feed's newest articles by `published`, at most `limit`, as feeds show them:
        only tags that passed, without evidence."""
        sql, params = _feed_sql("a.*", query)
        rows = self._rows(sql + f" ORDER BY {_newest(query)} LIMIT ?", [*params, limit])
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
        return [(seq, revision) for seq, revision in self._tuples(sql, [*params, since])]

    def selected(self, selection: Selection, query: FeedQuery, limit: int) -> list[TaggedArticle]:
        """The newest articles of a tree (`query`'s language) in a selection, at most
        `limit`, as feeds show them."""
        sql, params = _feed_sql("a.*", replace(query, family=None, term=None, source_id=None))
        for family, terms in selection.terms:
            sql += (
                " AND EXISTS (SELECT 1 FROM tags t WHERE t.family = ?"
                f" AND t.term IN ({_marks(terms)}) AND t.seq = a.seq)"
            )
            params += [family, *terms]
        if selection.sources:
            sql += f" AND a.source_id IN ({_marks(selection.sources)})"
            params += selection.sources
        if selection.text:
            condition, text = self._contains(
                "a.title || ' ' || coalesce(a.summary, '') || ' ' || coalesce(a.content_html, '')",
                selection.text,
            )
            sql += " AND " + condition
            params.append(text)
        rows = self._rows(sql + f" ORDER BY {_newest(query)} LIMIT ?", [*params, limit])
        return self._with_tags(rows, evidence=False)

    def changes(self, query: FeedQuery, since: int = -1) -> list[tuple[str, int, int]]:
        """(id, generation at which it last changed, arrival number) of every article of a
        feed that changed after generation `since` (every one, by default), by arrival."""
        sql, params = _feed_sql("a.id, a.changed, a.seq", query)
        # The few articles changed since a generation are found by the index of changes
        # and then sorted ("+" keeps the planner from walking every article in order).
        order = "+a.seq" if since >= 0 else "a.seq"
        rows = self._tuples(sql + f" AND a.changed > ? ORDER BY {order}", [*params, since])
        return [(i, changed, seq) for i, changed, seq in rows]

    def terms(self, family: str) -> list[str]:
        """Terms of a tag family that put at least one article into a feed: found one after
        the other down the index of tags (a few hundred steps, where DISTINCT would read
        every tag of the family)."""
        rows = self._tuples(
            """
            WITH RECURSIVE found (term) AS (
                SELECT min(term) FROM tags WHERE family = ?
                UNION ALL
                SELECT (SELECT min(t.term) FROM tags t WHERE t.family = ? AND t.term > found.term)
                FROM found WHERE found.term IS NOT NULL
            )
            SELECT term FROM found WHERE term IS NOT NULL ORDER BY term
            """,
            [family, family],
        )
        return [r[0] for r in rows]

    def label(self, family: str, term: str) -> str:
        """The label stored with a tag (the newest, should it have changed)."""
        found = self._scalar(
            "SELECT t.label FROM tags t JOIN articles a ON a.id = t.article_id"
            " WHERE t.family = ? AND t.term = ? ORDER BY a.updated DESC LIMIT 1",
            [family, term],
        )
        return str(found) if found is not None else term

    def newest_update(self, query: FeedQuery = EVERYTHING) -> datetime | None:
        """The latest `updated` of the articles of a feed (of all, by default): read down
        the index of updates, which stops at the first that belongs."""
        sql, params = _feed_sql("a.updated", query)
        return _time(self._scalar(sql + " ORDER BY a.updated DESC LIMIT 1", params))

    def siblings(self, groups: Iterable[str]) -> dict[str, list[TaggedArticle]]:
        """The language versions stored for each group, as feeds show them."""
        found: dict[str, list[TaggedArticle]] = {}
        for chunk in _chunks(sorted(set(groups))):
            rows = self._rows(
                f"SELECT * FROM articles WHERE grp IN ({_marks(chunk)}) ORDER BY language, id",
                chunk,
            )
            for tagged in self._with_tags(rows, evidence=False):
                found.setdefault(tagged.article.group or "", []).append(tagged)
        return found

    def raw_digests(self, ids: Iterable[str]) -> dict[str, str]:
        """The digest of the raw item each of these articles was last made from."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(ids)):
            sql = f"SELECT id, raw_digest FROM articles WHERE id IN ({_marks(chunk)})"
            found.update((i, d) for i, d in self._tuples(sql, chunk) if d is not None)
        return found

    def save_raw_digests(self, digests: Iterable[tuple[str, str]]) -> None:
        """Remember (article id, digest) of the raw items articles were made from."""
        with self.transaction():
            self._runmany(
                "UPDATE articles SET raw_digest = ? WHERE id = ?", [(d, i) for i, d in digests]
            )

    def _with_tags(self, rows: list[Row], *, evidence: bool = True) -> list[TaggedArticle]:
        """Attach tags to article rows: those that put it into feeds, from the row itself
        (feeds show no evidence); with `evidence`, every tag with its evidence."""
        if not evidence:
            return [
                TaggedArticle(
                    _article(r),
                    tuple(Tag(f, t, label, float(score), True) for f, t, label, score in _list(r)),
                )
                for r in rows
            ]
        details: dict[int, tuple[Tag, ...]] = {}
        for chunk in _chunks([r["seq"] for r in rows]):
            details.update(
                (seq, tuple(_tag(*t) for t in json.loads(tags)))
                for seq, tags in self._tuples(
                    f"SELECT seq, tags FROM tag_details WHERE seq IN ({_marks(chunk)})", chunk
                )
            )
        return [TaggedArticle(_article(r), details.get(r["seq"], ())) for r in rows]

    # -- generations and what changed -------------------------------------------------

    def generation(self) -> int:
        """A number that every write changing a published document increases."""
        return int(self._scalar("SELECT value FROM meta WHERE key = 'generation'"))

    def mark(self, key: str) -> int | None:
        """A number kept under `key` (a generation a stage got to)."""
        value = self._scalar("SELECT value FROM meta WHERE key = ?", [key])
        return int(value) if value is not None else None

    def set_mark(self, key: str, value: int) -> None:
        """Keep a number under `key`."""
        with self.transaction():
            self._run(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def feed_changes(self) -> dict[str, tuple[int, int]]:
        """By feed key ("all", "source:<id>", "<family>:<term>"): the generation at which
        the feed last changed, and at which it last changed other than by new articles
        at its end."""
        rows = self._tuples("SELECT feed, generation, rewritten FROM feed_changes")
        return {feed: (generation, rewritten) for feed, generation, rewritten in rows}

    def _changed(
        self,
        *,
        appended: Iterable[str] = (),
        rewritten: Iterable[str] = (),
        also: Iterable[str] = (),
    ) -> None:
        """Note for the end of the transaction that these articles changed: new ones
        (`appended`) or others (`rewritten`, and the feeds in `also`)."""
        self._pending.appended.update(appended)
        self._pending.rewritten.update(rewritten)
        self._pending.also.update(also)

    def _next_generation(self) -> int:
        """The generation this transaction's changes will be noted at (writers take turns,
        so no other can start one first)."""
        if self._pending.generation is None:
            self._pending.generation = self.generation() + 1
        return self._pending.generation

    def _note_changes(self) -> None:
        """Start a new generation, and note it on every feed that holds the articles the
        transaction changed: whether only by new articles at its end, or otherwise."""
        pending, self._pending = self._pending, _Pending()
        if not (pending.appended or pending.rewritten or pending.also):
            return
        self._run("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
        generation = self.generation()
        for chunk in _chunks(sorted(pending.appended | pending.rewritten)):
            # The rows `put` wrote already say so: they are not written again.
            self._run(
                f"UPDATE articles SET changed = ? WHERE id IN ({_marks(chunk)}) AND changed != ?",
                [generation, *chunk, generation],
            )
        grown = self._feeds_of(sorted(pending.appended))
        changed = self._feeds_of(sorted(pending.rewritten)) if pending.rewritten else set()
        changed |= pending.also
        self._runmany(
            "INSERT INTO feed_changes (feed, generation, rewritten) VALUES (?, ?, ?)"
            " ON CONFLICT (feed) DO UPDATE SET generation = excluded.generation,"
            " rewritten = CASE WHEN excluded.rewritten > feed_changes.rewritten"
            " THEN excluded.rewritten ELSE feed_changes.rewritten END",
            [(feed, generation, generation if feed in changed else 0) for feed in grown | changed],
        )

    def _feeds_of(self, ids: list[str]) -> set[str]:
        """The keys of the feeds that hold these articles."""
        feeds = {"all"}
        for chunk in _chunks(ids):
            sql = f"SELECT source_id, feed_tags FROM articles WHERE id IN ({_marks(chunk)})"
            for source_id, tags in self._tuples(sql, chunk):
                feeds |= _feeds(source_id, json.loads(tags))
        return feeds

    # -- sources: fetch state, validators, sessions ------------------------------------

    def record_fetch(self, source_id: str, now: datetime, error: str | None) -> None:
        """Note an attempt to read a source, and its error if it failed."""
        with self.transaction():
            self._run(
                """
                INSERT INTO fetch_state (source_id, last_attempt, last_success, failures,
                    last_error)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (source_id) DO UPDATE SET last_attempt = excluded.last_attempt,
                    last_success = coalesce(excluded.last_success, fetch_state.last_success),
                    failures = CASE WHEN excluded.last_error IS NULL THEN 0
                        ELSE fetch_state.failures + 1 END,
                    last_error = excluded.last_error
                """,
                [source_id, iso(now), None if error else iso(now), int(bool(error)), error],
            )

    def fetch_states(self) -> Iterator[FetchState]:
        """Fetch state of every source ever read."""
        for r in self._rows("SELECT * FROM fetch_state ORDER BY source_id"):
            yield FetchState(
                r["source_id"],
                _time(r["last_attempt"]),
                _time(r["last_success"]),
                r["failures"],
                r["last_error"],
            )

    def validators(self, url: str) -> Validators | None:
        """The ETag and Last-Modified stored for a URL, and the digest and reading of the
        bytes they came with."""
        rows = self._tuples(
            "SELECT etag, last_modified, digest, reading FROM http_cache WHERE url = ?", [url]
        )
        return Validators(*rows[0]) if rows else None

    def save_validators(self, url: str, validators: Validators) -> None:
        """Remember the ETag and Last-Modified a server sent with a URL."""
        with self.transaction():
            if validators == Validators():
                self._run("DELETE FROM http_cache WHERE url = ?", [url])
                return
            self._run(
                "INSERT INTO http_cache (url, etag, last_modified, digest, reading)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified, digest = excluded.digest,"
                " reading = excluded.reading",
                [
                    url,
                    validators.etag,
                    validators.last_modified,
                    validators.digest,
                    validators.reading,
                ],
            )

    def session(self, source_id: str) -> Session | None:
        """The session headers kept for a source."""
        rows = self._tuples(
            "SELECT headers, obtained FROM sessions WHERE source_id = ?", [source_id]
        )
        if not rows:
            return None
        headers, obtained = rows[0]
        return Session(json.loads(headers), datetime.fromisoformat(obtained))

    def save_session(self, source_id: str, session: Session) -> None:
        """Keep a source's session headers for later runs."""
        with self.transaction():
            self._run(
                "INSERT INTO sessions (source_id, headers, obtained) VALUES (?, ?, ?)"
                " ON CONFLICT (source_id) DO UPDATE SET headers = excluded.headers,"
                " obtained = excluded.obtained",
                [source_id, json.dumps(dict(session.headers)), iso(session.obtained)],
            )

    # -- translations -----------------------------------------------------------------

    def translation_keys(self, target: str, engine: str) -> set[tuple[str, str]]:
        """(text hash, field) of every translation kept for a target and engine."""
        rows = self._tuples(
            "SELECT hash, field FROM translations WHERE target = ? AND engine = ?",
            [target, engine],
        )
        return {(h, f) for h, f in rows}

    def translations(
        self, target: str, engine: str, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """The kept translations among `keys` ((text hash, field) pairs)."""
        found: dict[tuple[str, str], str] = {}
        for chunk in _chunks(sorted(set(keys))):
            wanted = set(chunk)
            hashes = sorted({h for h, _ in chunk})
            rows = self._tuples(
                f"SELECT hash, field, text FROM translations WHERE target = ? AND engine = ?"
                f" AND hash IN ({_marks(hashes)})",
                [target, engine, *hashes],
            )
            found.update(((h, f), text) for h, f, text in rows if (h, f) in wanted)
        return found

    def save_translations(
        self,
        target: str,
        engine: str,
        rows: Iterable[tuple[str, str, str]],
        article_ids: Iterable[str],
        now: datetime,
    ) -> None:
        """Keep (text hash, field, text) translations; the articles' documents re-render.
        Claims on those texts end."""
        rows = list(rows)
        with self.transaction():
            self._runmany(
                "INSERT INTO translations (hash, field, target, engine, text, created)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash, field, target, engine)"
                " DO UPDATE SET text = excluded.text, created = excluded.created",
                [(h, f, target, engine, text, iso(now)) for h, f, text in rows],
            )
            self._runmany(
                "DELETE FROM translation_claims WHERE hash = ? AND field = ? AND target = ?"
                " AND engine = ?",
                [(h, f, target, engine) for h, f, _ in rows],
            )
            ids = sorted(set(article_ids))
            self._runmany(
                "UPDATE articles SET revision = revision + 1 WHERE id = ?", [(i,) for i in ids]
            )
            self._changed(rewritten=ids)

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
        not translated yet, and not being translated by another holder (whose claim
        lasts `ttl` unless it saves the translation first)."""
        wanted = sorted(set(keys))
        mine: set[tuple[str, str]] = set()
        with self.transaction():
            done = self.translations(target, engine, wanted)
            moment = now.timestamp()
            for h, f in wanted:
                if (h, f) in done:
                    continue
                taken = self._run(
                    "INSERT INTO translation_claims (hash, field, target, engine, holder,"
                    " expires) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (hash, field, target, engine) DO UPDATE SET"
                    " holder = excluded.holder, expires = excluded.expires"
                    " WHERE translation_claims.expires <= ?"
                    " OR translation_claims.holder = excluded.holder",
                    [h, f, target, engine, holder, moment + ttl.total_seconds(), moment],
                )
                if taken:
                    mine.add((h, f))
        return mine

    # -- coordination between workers --------------------------------------------------

    def claim_sources(
        self, ids: Sequence[str], holder: str, now: datetime, ttl: timedelta, limit: int
    ) -> list[str]:
        """Take the lease of up to `limit` of these sources that are due (never read, or
        their next reading's time has come) and that no other holder is reading; the
        lease lasts `ttl` unless renewed. The longest due first."""
        moment = now.timestamp()
        due: list[tuple[float, str]] = []
        new = [i for i in ids if i not in self._scheduled]
        with self.transaction():
            self._forget_gone()
            self._runmany(
                "INSERT INTO schedule (source_id, due) VALUES (?, ?)"
                " ON CONFLICT (source_id) DO NOTHING",
                [(i, moment) for i in new],
            )
            for chunk in _chunks(list(ids)) if limit > 0 else ():
                due += self._tuples(
                    "SELECT s.due, s.source_id FROM schedule s LEFT JOIN leases l"
                    " ON l.name = 'source:' || s.source_id"
                    f" WHERE s.source_id IN ({_marks(chunk)}) AND s.due <= ?"
                    " AND (l.name IS NULL OR l.expires <= ?) ORDER BY s.due, s.source_id LIMIT ?",
                    [*chunk, moment, moment, limit],
                )
            claimed = [source_id for _, source_id in sorted(due)[:limit]]
            for source_id in claimed:
                self._take(f"source:{source_id}", holder, moment + ttl.total_seconds(), moment)
        self._scheduled.update(new)  # their rows are there now: not inserted again
        return claimed

    def finish_source(self, source_id: str, holder: str, due: datetime) -> None:
        """A reading is done: the source is next due at `due`, and its lease ends."""
        with self.transaction():
            self._run(
                "UPDATE schedule SET due = ? WHERE source_id = ?", [due.timestamp(), source_id]
            )
            self.release(f"source:{source_id}", holder)

    def take_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take (or keep) the lease called `name` unless another holder has it; it lasts
        `ttl` unless renewed."""
        with self.transaction():
            self._forget_gone()
            moment = now.timestamp()
            return self._take(name, holder, moment + ttl.total_seconds(), moment)

    def _forget_gone(self) -> None:
        """End the leases and claims of workers known to have ended (on this machine)."""
        holders = {h for (h,) in self._tuples("SELECT DISTINCT holder FROM leases")}
        for holder in sorted(h for h in holders if is_gone(h)):
            self._run("DELETE FROM leases WHERE holder = ?", [holder])
            self._run("DELETE FROM translation_claims WHERE holder = ?", [holder])

    def _take(self, name: str, holder: str, expires: float, moment: float) -> bool:
        return bool(
            self._run(
                "INSERT INTO leases (name, holder, expires) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " expires = excluded.expires"
                " WHERE leases.expires <= ? OR leases.holder = excluded.holder",
                [name, holder, expires, moment],
            )
        )

    def release(self, name: str, holder: str) -> None:
        """Give a lease up, if this holder has it."""
        with self.transaction():
            self._run("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder])

    def renew(self, holder: str, now: datetime, ttl: timedelta) -> int:
        """Extend every lease and claim this holder has by `ttl` from now; how many."""
        expires = now.timestamp() + ttl.total_seconds()
        with self.transaction():
            count = self._run("UPDATE leases SET expires = ? WHERE holder = ?", [expires, holder])
            self._run(
                "UPDATE translation_claims SET expires = ? WHERE holder = ?", [expires, holder]
            )
        return count

    def leases(self) -> dict[str, tuple[str, float]]:
        """Every lease: its holder and when it expires (seconds since the epoch)."""
        rows = self._tuples("SELECT name, holder, expires FROM leases ORDER BY name")
        return {name: (holder, expires) for name, holder, expires in rows}

    def host_turn(self, host: str, now: float, delay: float) -> float:
        """When (seconds since the epoch) this caller may send its request to `host`: no
        sooner than `delay` after the turn before, whoever took it."""
        with self.transaction():
            self._run(
                "INSERT INTO hosts (host, next_turn) VALUES (?, ?) ON CONFLICT (host) DO UPDATE"
                " SET next_turn = CASE WHEN hosts.next_turn > ? THEN hosts.next_turn + ?"
                " ELSE ? END",
                [host, now + delay, now, delay, now + delay],
            )
            turn: float = self._scalar("SELECT next_turn FROM hosts WHERE host = ?", [host])
        return turn - delay

    # -- WebSub -----------------------------------------------------------------------

    def pending_pings(self, add: Iterable[str] = ()) -> list[str]:
        """Feeds still to announce to the WebSub hub, after adding `add`."""
        with self.transaction():
            self._runmany(
                "INSERT INTO websub_pending (url) VALUES (?) ON CONFLICT (url) DO NOTHING",
                [(u,) for u in add],
            )
        return [r[0] for r in self._tuples("SELECT url FROM websub_pending ORDER BY url")]

    def pings_done(self, urls: Iterable[str]) -> None:
        """Forget feeds the hub has accepted."""
        with self.transaction():
            self._runmany("DELETE FROM websub_pending WHERE url = ?", [(u,) for u in urls])


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
        where.append("t.family = ? AND t.term = ?")
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


def _article(row: Row) -> Article:
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


def _feeds(source_id: str, feed_tags: list[Any]) -> set[str]:
    """The keys of the feeds an article is in, by its source and its feed tags."""
    return {"all", f"source:{source_id}", *(f"{family}:{term}" for family, term, *_ in feed_tags)}


def _list(row: Row) -> list[Any]:
    """The tags that put an article into feeds, as its row keeps them."""
    found: list[Any] = json.loads(row["feed_tags"])
    return found


def _detail(tag: Tag) -> list[Any]:
    """A tag with its evidence, as `tag_details` keeps it."""
    evidence = [[e.matched, e.where, e.weight] for e in tag.evidence]
    return [tag.family, tag.term, tag.label, tag.score, int(tag.passed), evidence]


def _tag(family: str, term: str, label: str, score: float, passed: int, evidence: list[Any]) -> Tag:
    found = tuple(Evidence(m, w, float(weight)) for m, w, weight in evidence)
    return Tag(family, term, label, float(score), bool(passed), found)


# One encoder for every article's paragraphs and tags: json.dumps with options makes a new
# one each call, a tenth of a store's time on a first run.
_json = json.JSONEncoder(ensure_ascii=False).encode
