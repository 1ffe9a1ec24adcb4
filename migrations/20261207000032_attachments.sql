-- Attachments (issue 26): a photo or PDF of a license, machine, case or
-- attempt (the box, the licence sticker, the receipt, the activation
-- screen), kept inside the journal so that backup, restore, export/import
-- and replication carry them. The row says what it is; its bytes, sealed
-- with the key file (a sticker shows the product key), are in a table of
-- their own, so that listing attachments never reads a blob.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    entity        TEXT    NOT NULL CHECK (entity IN ('machine', 'license', 'case', 'attempt')),
    entity_id     INTEGER NOT NULL CHECK (entity_id > 0),
    caption       TEXT    CHECK (caption IS NULL OR length(caption) BETWEEN 1 AND 200),
    media_type    TEXT    NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size          INTEGER NOT NULL CHECK (size BETWEEN 1 AND 20971520),
    has_thumbnail INTEGER NOT NULL CHECK (has_thumbnail IN (0, 1)),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    archived_at   TEXT
) STRICT;

CREATE INDEX attachments_entity ON attachments (entity, entity_id, id);

-- The sealed bytes (`1 ‖ nonce ‖ ciphertext+tag`, src/secrets.rs) of the
-- file as stored (location data stripped) and of its thumbnail (a JPEG;
-- none for a PDF or an image that did not decode).
CREATE TABLE attachment_contents (
    attachment_id    INTEGER PRIMARY KEY REFERENCES attachments (id),
    content_sealed   BLOB    NOT NULL,
    thumbnail_sealed BLOB
) STRICT;

-- Captions are found by search: the search documents' entities take
-- `attachment` too (SQLite changes a CHECK only by making the table anew;
-- ids are kept, as they are the full-text rows' rowids).
CREATE TABLE search_docs_new (
    id        INTEGER PRIMARY KEY,
    entity    TEXT    NOT NULL CHECK (entity IN ('machine', 'license', 'case', 'attempt', 'follow_up', 'attachment')),
    entity_id INTEGER NOT NULL,
    UNIQUE (entity, entity_id)
) STRICT;

INSERT INTO search_docs_new (id, entity, entity_id) SELECT id, entity, entity_id FROM search_docs;
DROP TABLE search_docs;
ALTER TABLE search_docs_new RENAME TO search_docs;
