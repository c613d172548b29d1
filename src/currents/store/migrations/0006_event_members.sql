-- An event's articles in publication order, with their outlets, read from the index alone (every
-- event read lists its members; an outlet's page asks each event for its first one). It replaces
-- the index on event_id alone, which it begins with. (IF EXISTS: some development stores got this
-- index by hand before this migration existed.)
DROP INDEX IF EXISTS articles_event;
CREATE INDEX IF NOT EXISTS articles_event_members ON articles(event_id, published, id, source_id);
