-- Full-text search over articles (title, text) and events (headline, summary) with SQLite FTS5.
-- Triggers keep both indexes in step with every write, whichever stage makes it, so no
-- store method has to remember them. Porter stemming lets "withdraws" find "withdrawal".

-- Articles: an external-content index (the text is stored once, in articles).
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text,
    content = 'articles', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

-- Events: the summary is the summarize stage's JSON record, so the index holds its text
-- values (sentences, quotes), never its keys; it stores its own copy to stay exact.
CREATE VIRTUAL TABLE events_fts USING fts5(
    headline, summary,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, headline, summary) VALUES (
        new.rowid, new.headline,
        (SELECT group_concat(value, ' ') FROM json_tree(coalesce(new.summary, '{}')) WHERE type = 'text')
    );
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF headline, summary ON events BEGIN
    DELETE FROM events_fts WHERE rowid = old.rowid;
    INSERT INTO events_fts (rowid, headline, summary) VALUES (
        new.rowid, new.headline,
        (SELECT group_concat(value, ' ') FROM json_tree(coalesce(new.summary, '{}')) WHERE type = 'text')
    );
END;
INSERT INTO events_fts (rowid, headline, summary)
    SELECT rowid, headline, (SELECT group_concat(value, ' ') FROM json_tree(coalesce(summary, '{}')) WHERE type = 'text')
    FROM events;
