-- How loaded each outlet's telling of each event is, taken out of the event's summary
-- (comparison.framing) so that an outlet's page can chart its framing over time without
-- reading every summary it appears in. A trigger keeps it in step with events.summary:
-- every write of a summary (or its reset to NULL when the event changes) rewrites the rows.

CREATE TABLE outlet_framing (
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL,
    -- The outlet's sentences in the event's articles, and how many of them use loaded words.
    sentences INTEGER NOT NULL,
    loaded    INTEGER NOT NULL,
    PRIMARY KEY (event_id, source_id)
) WITHOUT ROWID;
CREATE INDEX outlet_framing_source ON outlet_framing (source_id);

-- An outlet's framing entry names its articles; the first one says which stored outlet it is.
CREATE TRIGGER outlet_framing_summary AFTER UPDATE OF summary ON events BEGIN
    DELETE FROM outlet_framing WHERE event_id = new.id;
    INSERT INTO outlet_framing (event_id, source_id, sentences, loaded)
        SELECT new.id, a.source_id, sum(json_extract(f.value, '$.sentences')),
               sum(CAST(round(json_extract(f.value, '$.loaded_share') * json_extract(f.value, '$.sentences')) AS INTEGER))
        FROM json_each(new.summary, '$.comparison.framing') f
        JOIN articles a ON a.id = json_extract(f.value, '$.article_ids[0]')
        WHERE a.source_id IS NOT NULL
        GROUP BY a.source_id;
END;

-- Summaries written before this migration: rewriting each in place runs the trigger.
UPDATE events SET summary = summary WHERE summary IS NOT NULL;
