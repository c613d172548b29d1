-- What the cluster stage adds: events (one happening, many articles), stories
-- (threads of events), each one's context entities, and ranked related events.
-- An article's event and story are articles.event_id / articles.story_id.
CREATE TABLE stories (
    id         TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    first_date TEXT,
    last_date  TEXT,
    keyphrases TEXT NOT NULL DEFAULT '[]',
    -- Sums of its events' term and entity vectors ({"terms": {...}, "entities": {...}}, heaviest
    -- entries only): what new events are compared with.
    vector     TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    date            TEXT,
    granularity     TEXT,
    headline        TEXT NOT NULL,
    story_id        TEXT REFERENCES stories(id),
    first_published TEXT,
    last_published  TEXT,
    -- First and last day the event's articles point at (event dates, else publication days):
    -- the window the clusterer reopens when new articles arrive near it.
    first_day       TEXT,
    last_day        TEXT,
    keyphrases      TEXT NOT NULL DEFAULT '[]',
    -- Its articles' mean term and entity vectors ({"terms": {...}, "entities": {...}}, heaviest
    -- entries only): what stories are matched on.
    vector          TEXT NOT NULL DEFAULT '{}',
    -- The summarize stage's record (headline, cited summary, source comparison) as JSON.
    summary         TEXT,
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_days ON events(first_day, last_day);
CREATE INDEX events_story ON events(story_id);
-- 0 until the cluster stage has placed the article's current analysis (a re-analysed article,
-- say one that gained a date, is placed again, and the event it was in is regrouped).
ALTER TABLE articles ADD COLUMN clustered INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_unclustered ON articles(id) WHERE clustered = 0;
CREATE INDEX articles_event ON articles(event_id);
CREATE INDEX articles_story ON articles(story_id);

-- Context: the canonical entities that matter most in an event / a story, ranked.
CREATE TABLE event_entities (
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    rank      INTEGER NOT NULL,
    articles  INTEGER NOT NULL,
    PRIMARY KEY (event_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX event_entities_entity ON event_entities(entity_id);

CREATE TABLE story_entities (
    story_id  TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    rank      INTEGER NOT NULL,
    articles  INTEGER NOT NULL,
    PRIMARY KEY (story_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX story_entities_entity ON story_entities(entity_id);

CREATE TABLE related_events (
    event_id   TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    related_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    rank       INTEGER NOT NULL,
    score      REAL NOT NULL,
    shared     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (event_id, related_id)
) WITHOUT ROWID;
CREATE INDEX related_events_related ON related_events(related_id);
