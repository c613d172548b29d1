-- How many linked names the tagger gave each type, so that an entity's type is the one most of
-- them had, not the first one seen: which article came first must not decide whether "Arsenal" is
-- a place (the cluster stage weighs places down). Stores made before knew only the type they
-- kept, so each of an entity's article links counts for that type.
ALTER TABLE entities ADD COLUMN type_counts TEXT NOT NULL DEFAULT '{}';

UPDATE entities SET type_counts = (
    SELECT json_object(entities.type, count(*)) FROM article_entities ae WHERE ae.entity_id = entities.id
) WHERE EXISTS (SELECT 1 FROM article_entities ae WHERE ae.entity_id = entities.id);
