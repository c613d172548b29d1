-- How many articles named each entity in each spelling, so that its name is the spelling most of
-- them used ("François Hollande", not the "Francois Hollande" of whichever article came first).
-- Stores made before count each stored article link under the name that article gave it.
ALTER TABLE entities ADD COLUMN name_counts TEXT NOT NULL DEFAULT '{}';

UPDATE entities SET name_counts = (
    SELECT json_group_object(name, n) FROM (
        SELECT ae.name AS name, count(*) AS n FROM article_entities ae WHERE ae.entity_id = entities.id GROUP BY ae.name
    )
) WHERE EXISTS (SELECT 1 FROM article_entities ae WHERE ae.entity_id = entities.id);
