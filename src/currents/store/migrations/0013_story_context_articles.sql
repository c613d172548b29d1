-- A story's context kept, under `articles`, how many of its events had the entity in their context.
-- It now counts the story's articles that name the entity, as an event's context does, and ranks
-- entities that as many events have by that count. The entities kept are those the old count chose.
UPDATE story_entities SET articles = recount.named, rank = recount.position FROM (
    SELECT story_id, entity_id, named,
           row_number() OVER (PARTITION BY story_id ORDER BY events DESC, named DESC, entity_id) - 1 AS position
    FROM (
        SELECT se.story_id, se.entity_id, se.articles AS events, (
            SELECT count(*) FROM articles a JOIN article_entities ae ON ae.article_id = a.id
            WHERE a.story_id = se.story_id AND ae.entity_id = se.entity_id
        ) AS named
        FROM story_entities se
    )
) AS recount
WHERE recount.story_id = story_entities.story_id AND recount.entity_id = story_entities.entity_id;
