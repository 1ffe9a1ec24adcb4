-- Undo is audited like every write: the audit log's actions gain
-- 'unarchive'. SQLite cannot change a CHECK in place, so the table is made
-- anew with the wider list and its rows copied over, ids kept.
CREATE TABLE audit_log_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    token_id  INTEGER REFERENCES api_tokens (id),
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL CHECK (action IN ('create', 'update', 'archive', 'unarchive', 'reveal_product_key',
                                                 'import', 'token_create', 'token_revoke')),
    entity    TEXT    NOT NULL,
    entity_id INTEGER,
    detail    TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(detail))
) STRICT;

INSERT INTO audit_log_new (id, at, token_id, actor, action, entity, entity_id, detail)
SELECT id, at, token_id, actor, action, entity, entity_id, detail FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
