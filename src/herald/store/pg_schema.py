"""The PostgreSQL schema as numbered migrations; `herald_schema` says which have run.

The tables and columns are the SQLite store's (schema.py), so that one set of queries
serves both and `herald migrate` copies rows as they are. Text that is compared or sorted
uses the "C" collation, byte order, as SQLite does: feeds list ties, terms and ids in the
same order from either store.
"""

TEXT = 'TEXT COLLATE "C"'

MIGRATIONS: tuple[str, ...] = (
    # 1: the SQLite store's schema as of its migration 15.
    f"""
    CREATE TABLE articles (
        id           {TEXT} PRIMARY KEY,
        source_id    {TEXT} NOT NULL,
        key          {TEXT} NOT NULL,
        title        TEXT NOT NULL,
        url          TEXT,
        published    {TEXT} NOT NULL,
        updated      {TEXT} NOT NULL,
        language     {TEXT} NOT NULL,
        summary      TEXT NOT NULL,
        content_html TEXT NOT NULL,
        paragraphs   TEXT NOT NULL,
        has_images   INTEGER NOT NULL,
        first_seen   TEXT NOT NULL,
        seq          BIGINT NOT NULL UNIQUE,
        revision     BIGINT NOT NULL DEFAULT 1,
        grp          {TEXT},
        note         TEXT,
        raw_digest   TEXT,
        changed      BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX articles_by_source ON articles (source_id, published);
    CREATE INDEX articles_by_time ON articles (published DESC, id);
    CREATE INDEX articles_by_group ON articles (grp) WHERE grp IS NOT NULL;
    CREATE INDEX articles_by_source_arrival ON articles (source_id, seq);
    CREATE INDEX articles_by_change ON articles (changed);
    CREATE TABLE tags (
        article_id {TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        family     {TEXT} NOT NULL,
        term       {TEXT} NOT NULL,
        label      TEXT NOT NULL,
        score      DOUBLE PRECISION NOT NULL,
        passed     INTEGER NOT NULL,
        evidence   TEXT NOT NULL,
        seq        BIGINT,
        published  {TEXT},
        PRIMARY KEY (article_id, family, term)
    );
    CREATE INDEX tags_by_arrival ON tags (family, term, passed, seq);
    CREATE INDEX tags_by_time ON tags (family, term, passed, published, article_id);
    CREATE TABLE fetch_state (
        source_id    {TEXT} PRIMARY KEY,
        last_attempt TEXT,
        last_success TEXT,
        failures     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT
    );
    CREATE TABLE http_cache (
        url           {TEXT} PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT,
        digest        TEXT
    );
    CREATE TABLE translations (
        hash    {TEXT} NOT NULL,
        field   {TEXT} NOT NULL,
        target  {TEXT} NOT NULL,
        engine  {TEXT} NOT NULL,
        text    TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (hash, field, target, engine)
    );
    CREATE TABLE websub_pending (
        url {TEXT} PRIMARY KEY
    );
    CREATE TABLE sessions (
        source_id {TEXT} PRIMARY KEY,
        headers   TEXT NOT NULL,
        obtained  TEXT NOT NULL
    );
    CREATE TABLE meta (
        key   {TEXT} PRIMARY KEY,
        value BIGINT NOT NULL
    );
    INSERT INTO meta VALUES ('generation', 0);
    CREATE TABLE feed_changes (
        feed       {TEXT} PRIMARY KEY,
        generation BIGINT NOT NULL,
        rewritten  BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE leases (
        name    {TEXT} PRIMARY KEY,
        holder  {TEXT} NOT NULL,
        expires DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX leases_by_holder ON leases (holder);
    CREATE TABLE schedule (
        source_id {TEXT} PRIMARY KEY,
        due       DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE hosts (
        host      {TEXT} PRIMARY KEY,
        next_turn DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE translation_claims (
        hash    {TEXT} NOT NULL,
        field   {TEXT} NOT NULL,
        target  {TEXT} NOT NULL,
        engine  {TEXT} NOT NULL,
        holder  {TEXT} NOT NULL,
        expires DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (hash, field, target, engine)
    );
    """,
    # 2: the SQLite store's migration 16, articles by their last update.
    """
    CREATE INDEX articles_by_update ON articles (updated);
    """,
    # 3: the SQLite store's migration 17, tags kept as they are read.
    f"""
    ALTER TABLE articles ADD COLUMN feed_tags TEXT NOT NULL DEFAULT '[]';
    UPDATE articles a SET feed_tags = t.list FROM (
        SELECT article_id,
            json_agg(json_build_array(family, term, label, score) ORDER BY family, term)::text
            AS list
        FROM tags WHERE passed = 1 GROUP BY article_id) t
    WHERE a.id = t.article_id;
    CREATE TABLE tag_details (
        seq  BIGINT PRIMARY KEY,
        tags TEXT NOT NULL
    );
    INSERT INTO tag_details SELECT a.seq, coalesce((
        SELECT json_agg(json_build_array(t.family, t.term, t.label, t.score, t.passed, (
            SELECT coalesce(json_agg(json_build_array(e->>'matched', e->>'where',
                (e->>'weight')::double precision)), '[]'::json)
            FROM json_array_elements(t.evidence::json) e)) ORDER BY t.family, t.term)
        FROM tags t WHERE t.article_id = a.id)::text, '[]')
    FROM articles a;
    CREATE TABLE feed_tags (
        family     {TEXT} NOT NULL,
        term       {TEXT} NOT NULL,
        seq        BIGINT NOT NULL,
        published  {TEXT} NOT NULL,
        article_id {TEXT} NOT NULL,
        label      TEXT NOT NULL,
        PRIMARY KEY (family, term, seq)
    );
    INSERT INTO feed_tags SELECT family, term, seq, published, article_id, label
        FROM tags WHERE passed = 1;
    DROP TABLE tags;
    ALTER TABLE feed_tags RENAME TO tags;
    CREATE INDEX tags_by_time ON tags (family, term, published, article_id);
    """,
    # 4: the SQLite store's migration 18, the reading validators were stored under.
    """
    ALTER TABLE http_cache ADD COLUMN reading TEXT;
    """,
)

# What `herald migrate` copies, table by table, in an order that keeps references whole.
TABLES: tuple[str, ...] = (
    "articles",
    "tags",
    "tag_details",
    "fetch_state",
    "http_cache",
    "translations",
    "websub_pending",
    "sessions",
    "meta",
    "feed_changes",
    "schedule",
)
