"""The SQLite schema as numbered migrations; PRAGMA user_version says which have run."""

MIGRATIONS: tuple[str, ...] = (
    # 1: articles, their tags, and fetch state per source.
    """
    CREATE TABLE articles (
        id           TEXT PRIMARY KEY,
        source_id    TEXT NOT NULL,
        key          TEXT NOT NULL,
        title        TEXT NOT NULL,
        url          TEXT,
        published    TEXT NOT NULL,
        updated      TEXT NOT NULL,
        language     TEXT NOT NULL,
        summary      TEXT NOT NULL,
        content_html TEXT NOT NULL,
        paragraphs   TEXT NOT NULL,
        has_images   INTEGER NOT NULL,
        first_seen   TEXT NOT NULL
    );
    CREATE INDEX articles_by_source ON articles (source_id, published);
    CREATE INDEX articles_by_time ON articles (published DESC, id);
    CREATE TABLE tags (
        article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        family     TEXT NOT NULL,
        term       TEXT NOT NULL,
        label      TEXT NOT NULL,
        score      REAL NOT NULL,
        passed     INTEGER NOT NULL,
        evidence   TEXT NOT NULL,
        PRIMARY KEY (article_id, family, term)
    );
    CREATE INDEX tags_by_feed ON tags (family, term, passed);
    CREATE TABLE fetch_state (
        source_id    TEXT PRIMARY KEY,
        last_attempt TEXT,
        last_success TEXT,
        failures     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT
    );
    """,
    # 2: a permanent arrival order, for archive pages that never reshuffle. (rowid is not
    # permanent: VACUUM may renumber it in a table without an INTEGER PRIMARY KEY.)
    """
    ALTER TABLE articles ADD COLUMN seq INTEGER;
    UPDATE articles SET seq = rowid;
    CREATE UNIQUE INDEX articles_by_arrival ON articles (seq);
    """,
    # 3: a revision per article, bumped by every write, so a published document can tell
    # cheaply whether any of its entries changed since it was rendered.
    """
    ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
    """,
    # 4: validators per URL for conditional GETs (ETag, Last-Modified).
    """
    CREATE TABLE http_cache (
        url           TEXT PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT
    );
    """,
    # 5: translations, each text translated once per field, target language and engine.
    """
    CREATE TABLE translations (
        hash    TEXT NOT NULL,
        field   TEXT NOT NULL,
        target  TEXT NOT NULL,
        engine  TEXT NOT NULL,
        text    TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (hash, field, target, engine)
    );
    """,
    # 6: feeds whose change a WebSub hub has not yet accepted.
    """
    CREATE TABLE websub_pending (
        url TEXT PRIMARY KEY
    );
    """,
    # 7: session headers per source (gov.kz's hash and token); language versions of one
    # article share a group; a note on entries Herald made itself (split from another).
    """
    CREATE TABLE sessions (
        source_id TEXT PRIMARY KEY,
        headers   TEXT NOT NULL,
        obtained  TEXT NOT NULL
    );
    ALTER TABLE articles ADD COLUMN grp TEXT;
    ALTER TABLE articles ADD COLUMN note TEXT;
    CREATE INDEX articles_by_group ON articles (grp) WHERE grp IS NOT NULL;
    """,
    # 8: a digest of the last bytes read from a URL (with what reads them), so an unchanged
    # listing is not parsed again; a generation counter bumped by every write that changes
    # a document, so a publish with nothing new does nothing.
    """
    ALTER TABLE http_cache ADD COLUMN digest TEXT;
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    INSERT INTO meta VALUES ('generation', 0);
    """,
    # 9: a feed's articles found by key in the order they arrived or were published: tags
    # carry their article's arrival number and publication time (neither ever changes),
    # indexed per feed; a source's articles indexed by arrival.
    """
    ALTER TABLE tags ADD COLUMN seq INTEGER;
    ALTER TABLE tags ADD COLUMN published TEXT;
    UPDATE tags SET seq = (SELECT a.seq FROM articles a WHERE a.id = tags.article_id),
        published = (SELECT a.published FROM articles a WHERE a.id = tags.article_id);
    CREATE INDEX tags_by_arrival ON tags (family, term, passed, seq);
    CREATE INDEX tags_by_time ON tags (family, term, passed, published, article_id);
    CREATE INDEX articles_by_source_arrival ON articles (source_id, seq);
    """,
    # 10: a digest of the raw item an article was last made from (with what made it), so
    # that re-reading a grown listing normalizes and classifies only what is new or changed.
    """
    ALTER TABLE articles ADD COLUMN raw_digest TEXT;
    """,
    # 11: the generation at which each feed last changed ("all", "source:<id>",
    # "<family>:<term>"), so a publish looks only at the feeds that did.
    """
    CREATE TABLE feed_changes (
        feed       TEXT PRIMARY KEY,
        generation INTEGER NOT NULL
    );
    """,
    # 12: the generation at which each feed last changed other than by new articles at its
    # end (an edit, a retag, a translation), so a feed that only grew is published by its
    # last pages.
    """
    ALTER TABLE feed_changes ADD COLUMN rewritten INTEGER NOT NULL DEFAULT 0;
    UPDATE feed_changes SET rewritten = generation;
    """,
    # 13: tags_by_arrival begins with the same columns as tags_by_feed, which every insert
    # paid for.
    """
    DROP INDEX tags_by_feed;
    """,
    # 14: the generation at which each article last changed (stored, edited, retagged,
    # translated, or a language version of it), so a publish renders the pages of those.
    """
    ALTER TABLE articles ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_by_change ON articles (changed);
    """,
    # 15: coordination between workers: leases (a source being read, the publisher),
    # when each source is next due, each host's next turn, and texts being translated.
    # Times here are seconds since the epoch.
    """
    CREATE TABLE leases (
        name    TEXT PRIMARY KEY,
        holder  TEXT NOT NULL,
        expires REAL NOT NULL
    );
    CREATE INDEX leases_by_holder ON leases (holder);
    CREATE TABLE schedule (
        source_id TEXT PRIMARY KEY,
        due       REAL NOT NULL
    );
    CREATE TABLE hosts (
        host      TEXT PRIMARY KEY,
        next_turn REAL NOT NULL
    );
    CREATE TABLE translation_claims (
        hash    TEXT NOT NULL,
        field   TEXT NOT NULL,
        target  TEXT NOT NULL,
        engine  TEXT NOT NULL,
        holder  TEXT NOT NULL,
        expires REAL NOT NULL,
        PRIMARY KEY (hash, field, target, engine)
    );
    """,
    # 16: articles by their last update, so the newest is found without reading them all
    # (every publish and every filtered feed asks).
    """
    CREATE INDEX articles_by_update ON articles (updated);
    """,
    # 17: tags kept as they are read. The tags that put an article into feeds are a JSON
    # list in its row (feeds read them with it); the tags table holds only those, keyed by
    # feed and arrival, so that it is itself the index a feed is read down (a weak tag had
    # three index entries and was never looked up by one). Every tag with its evidence, for
    # `herald explain` and for telling a retag, is one JSON list per article in
    # tag_details, by arrival number (rows that large belong in a rowid table).
    """
    ALTER TABLE articles ADD COLUMN feed_tags TEXT NOT NULL DEFAULT '[]';
    UPDATE articles SET feed_tags = (
        SELECT json_group_array(json(one)) FROM (
            SELECT json_array(t.family, t.term, t.label, t.score) AS one
            FROM tags t WHERE t.article_id = articles.id AND t.passed = 1
            ORDER BY t.family, t.term));
    CREATE TABLE tag_details (
        seq  INTEGER PRIMARY KEY,
        tags TEXT NOT NULL
    );
    INSERT INTO tag_details SELECT a.seq, (
        SELECT json_group_array(json(one)) FROM (
            SELECT json_array(t.family, t.term, t.label, t.score, t.passed, json((
                SELECT json_group_array(json_array(json_extract(e.value, '$.matched'),
                    json_extract(e.value, '$.where'), json_extract(e.value, '$.weight')))
                FROM json_each(t.evidence) e))) AS one
            FROM tags t WHERE t.article_id = a.id ORDER BY t.family, t.term))
    FROM articles a;
    CREATE TABLE feed_tags (
        family     TEXT NOT NULL,
        term       TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        published  TEXT NOT NULL,
        article_id TEXT NOT NULL,
        label      TEXT NOT NULL,
        PRIMARY KEY (family, term, seq)
    ) WITHOUT ROWID;
    INSERT INTO feed_tags SELECT family, term, seq, published, article_id, label
        FROM tags WHERE passed = 1;
    DROP TABLE tags;
    ALTER TABLE feed_tags RENAME TO tags;
    CREATE INDEX tags_by_time ON tags (family, term, published, article_id);
    """,
    # 18: the reading (Herald, the rules, the source's settings) a URL's validators were
    # stored under: a server's 304 says the bytes did not change, not that they were read
    # as they would be read now.
    """
    ALTER TABLE http_cache ADD COLUMN reading TEXT;
    """,
)
