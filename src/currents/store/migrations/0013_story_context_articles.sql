-- A story's context kept, under `articles`, how many of its events had the entity in their context.
-- It now adds up those events' own counts of articles naming it, and ranks entities that as many
-- events have by that sum. The entities kept are those the old count chose.
UPDATE story_entities SET articles = recount.articles, rank = recount.position FROM (
    SELECT story_id, entity_id, articles,
           row_number() OVER (PARTITION BY story_id ORDER BY events DESC, articles DESC, entity_id) - 1 AS position
    FROM (
        SELECT e.story_id, ee.entity_id, count(*) AS events, sum(ee.articles) AS articles
        FROM event_entities ee JOIN events e ON e.id = ee.event_id
        WHERE EXISTS (SELECT 1 FROM story_entities se WHERE se.story_id = e.story_id AND se.entity_id = ee.entity_id)
        GROUP BY e.story_id, ee.entity_id
    )
) AS recount
WHERE recount.story_id = story_entities.story_id AND recount.entity_id = story_entities.entity_id;
