-- New articles are added to the full-text index once per transaction, not row by row.
-- An FTS5 write inside a per-row trigger flushes the index's pending data at every statement, so
-- each article became a segment of its own and merging them cost more than storing the article.
-- The store now fills articles_fts for the rows a transaction inserted, with one INSERT ... SELECT
-- just before COMMIT (SQLiteStore.transaction), so a committed article is always indexed.

DROP TRIGGER articles_fts_insert;

-- An update or delete may meet an article of the open transaction that is not indexed yet: then
-- there is nothing to take out (a 'delete' of unindexed values would corrupt the index), and the
-- fill at commit indexes the row as it is by then. An indexed row has a docsize entry.
DROP TRIGGER articles_fts_delete;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
WHEN EXISTS (SELECT 1 FROM articles_fts_docsize WHERE id = old.rowid) BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
DROP TRIGGER articles_fts_update;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles
WHEN EXISTS (SELECT 1 FROM articles_fts_docsize WHERE id = old.rowid) BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
