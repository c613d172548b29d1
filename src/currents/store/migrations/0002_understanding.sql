-- What the understanding stage adds: sentences, canonical entities and the
-- keys that find them, each article's entities, time expressions, event date,
-- dated facts and keyphrases.
ALTER TABLE articles ADD COLUMN event_date TEXT;
ALTER TABLE articles ADD COLUMN event_date_granularity TEXT;
ALTER TABLE articles ADD COLUMN event_date_confidence REAL;
ALTER TABLE articles ADD COLUMN event_date_evidence TEXT;
ALTER TABLE articles ADD COLUMN keyphrases TEXT NOT NULL DEFAULT '[]';
ALTER TABLE articles ADD COLUMN analysed INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sentences (
    article_id TEXT NOT NULL REFERENCES articles(id),
    idx        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;

CREATE TABLE entities (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    type    TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]'
);

-- Lookup keys (normalised names, acronyms, surnames) -> entities; several entities may share a key.
CREATE TABLE entity_keys (
    key       TEXT NOT NULL,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    PRIMARY KEY (key, entity_id)
) WITHOUT ROWID;

CREATE TABLE article_entities (
    article_id   TEXT NOT NULL REFERENCES articles(id),
    entity_id    TEXT NOT NULL REFERENCES entities(id),
    name         TEXT NOT NULL,
    surfaces     TEXT NOT NULL,
    mentions     INTEGER NOT NULL,
    first_offset INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX article_entities_entity ON article_entities(entity_id);

CREATE TABLE time_expressions (
    article_id  TEXT NOT NULL REFERENCES articles(id),
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    sentence    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    value       TEXT,
    granularity TEXT,
    relative    INTEGER NOT NULL,
    note        TEXT
);
CREATE INDEX time_expressions_article ON time_expressions(article_id);

CREATE TABLE dated_facts (
    article_id  TEXT NOT NULL REFERENCES articles(id),
    date        TEXT NOT NULL,
    granularity TEXT NOT NULL,
    sentence    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    entities    TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX dated_facts_article ON dated_facts(article_id);
CREATE INDEX dated_facts_date ON dated_facts(date);
