-- What the portal's pages and lists need, kept ready so that no request aggregates the whole
-- store: how many articles and events each day has, how many events name each entity, and the
-- newest-first order of events. Triggers keep the counts in step with every write (as 0004 does
-- for search), so no writer has to remember them.

-- Articles published and events dated to the day, per day (rows may fall to zero; readers skip those).
CREATE TABLE day_counts (
    day      TEXT PRIMARY KEY,
    articles INTEGER NOT NULL DEFAULT 0,
    events   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO day_counts (day, articles)
    SELECT substr(published, 1, 10), count(*) FROM articles WHERE published IS NOT NULL GROUP BY 1;
INSERT INTO day_counts (day, events)
    SELECT date, count(*) FROM events WHERE granularity = 'day' AND date IS NOT NULL GROUP BY date
    ON CONFLICT(day) DO UPDATE SET events = excluded.events;

CREATE TRIGGER day_counts_article_insert AFTER INSERT ON articles WHEN new.published IS NOT NULL BEGIN
    INSERT INTO day_counts (day, articles) VALUES (substr(new.published, 1, 10), 1)
        ON CONFLICT(day) DO UPDATE SET articles = articles + 1;
END;
CREATE TRIGGER day_counts_article_delete AFTER DELETE ON articles WHEN old.published IS NOT NULL BEGIN
    UPDATE day_counts SET articles = articles - 1 WHERE day = substr(old.published, 1, 10);
END;
CREATE TRIGGER day_counts_article_update AFTER UPDATE OF published ON articles BEGIN
    UPDATE day_counts SET articles = articles - 1 WHERE old.published IS NOT NULL AND day = substr(old.published, 1, 10);
    INSERT INTO day_counts (day, articles) SELECT substr(new.published, 1, 10), 1 WHERE new.published IS NOT NULL
        ON CONFLICT(day) DO UPDATE SET articles = articles + 1;
END;

CREATE TRIGGER day_counts_event_insert AFTER INSERT ON events
WHEN new.granularity = 'day' AND new.date IS NOT NULL BEGIN
    INSERT INTO day_counts (day, events) VALUES (new.date, 1) ON CONFLICT(day) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER day_counts_event_delete AFTER DELETE ON events
WHEN old.granularity = 'day' AND old.date IS NOT NULL BEGIN
    UPDATE day_counts SET events = events - 1 WHERE day = old.date;
END;
CREATE TRIGGER day_counts_event_update AFTER UPDATE OF date, granularity ON events BEGIN
    UPDATE day_counts SET events = events - 1 WHERE old.granularity = 'day' AND day = old.date;
    INSERT INTO day_counts (day, events) SELECT new.date, 1 WHERE new.granularity = 'day' AND new.date IS NOT NULL
        ON CONFLICT(day) DO UPDATE SET events = events + 1;
END;

-- Events naming each entity in their context: the entities list, most events first, read from an index.
ALTER TABLE entities ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
UPDATE entities SET event_count = (SELECT count(*) FROM event_entities x WHERE x.entity_id = entities.id);
CREATE INDEX entities_by_events ON entities(event_count DESC, name, id) WHERE event_count > 0;

CREATE TRIGGER entity_event_count_insert AFTER INSERT ON event_entities BEGIN
    UPDATE entities SET event_count = event_count + 1 WHERE id = new.entity_id;
END;
CREATE TRIGGER entity_event_count_delete AFTER DELETE ON event_entities BEGIN
    UPDATE entities SET event_count = event_count - 1 WHERE id = old.entity_id;
END;
CREATE TRIGGER entity_event_count_update AFTER UPDATE OF entity_id ON event_entities BEGIN
    UPDATE entities SET event_count = event_count - 1 WHERE id = old.entity_id;
    UPDATE entities SET event_count = event_count + 1 WHERE id = new.entity_id;
END;

-- Events newest first (undated last): the API's and the feeds' order, walked in the index.
CREATE INDEX events_recent ON events(date IS NULL, date DESC, last_published DESC, id);

-- What an outlet carried: its page and the search filter by outlet.
CREATE INDEX article_copies_source ON article_copies(source_id);
