-- Outlets, articles, every copy (URL/outlet/file) of an article, and the
-- MinHash band keys that find near-duplicates without scanning the store.
CREATE TABLE sources (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    domain  TEXT,
    aliases TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE articles (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    url          TEXT,
    source_id    TEXT REFERENCES sources(id),
    author       TEXT,
    published    TEXT,
    file         TEXT,
    format       TEXT NOT NULL,
    language     TEXT,
    metadata     TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL UNIQUE,
    minhash      BLOB,
    event_id     TEXT,
    story_id     TEXT,
    ingested_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX articles_published ON articles(substr(published, 1, 10));
CREATE INDEX articles_source ON articles(source_id);

CREATE TABLE article_copies (
    article_id TEXT NOT NULL REFERENCES articles(id),
    url        TEXT,
    source_id  TEXT REFERENCES sources(id),
    file       TEXT,
    seen_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX article_copies_article ON article_copies(article_id);
CREATE UNIQUE INDEX article_copies_url ON article_copies(url) WHERE url IS NOT NULL;

CREATE TABLE article_bands (
    band       INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id)
);
CREATE INDEX article_bands_band ON article_bands(band);
