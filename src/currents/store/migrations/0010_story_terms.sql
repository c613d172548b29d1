-- The heaviest terms of each story, to find the stored stories a new event may join by the words
-- they share: story_entities finds them only by names, and a report on one side of a thread
-- (a match of a league's season) often shares its words but none of its names. The cluster stage
-- writes a story's `cluster.lookup_keys` heaviest terms; stores made before are filled with 12,
-- that setting's default.
CREATE TABLE story_terms (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    term     TEXT NOT NULL,
    PRIMARY KEY (story_id, term)
) WITHOUT ROWID;
CREATE INDEX story_terms_term ON story_terms(term);

INSERT INTO story_terms (story_id, term)
    SELECT id, key FROM (
        SELECT s.id, t.key, row_number() OVER (PARTITION BY s.id ORDER BY t.value DESC, t.key) AS position
        FROM stories s, json_each(s.vector, '$.terms') t
    ) WHERE position <= 12;
