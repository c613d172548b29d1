-- A sentence embedding of what each article reports (title and lead), computed once when the article
-- is analysed, for the cluster stage: headlines of one happening often share no word, yet a sentence
-- encoder places them close. Stored as little-endian float16 (768 bytes for 384 dimensions); `model`
-- names the encoder, so vectors of two encoders are never compared.
CREATE TABLE article_embeddings (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    model      TEXT NOT NULL,
    vector     BLOB NOT NULL
) WITHOUT ROWID;
