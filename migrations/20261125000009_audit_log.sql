-- The audit log: every write and every product-key reveal, with when, who
-- (a token, or the command line) and what (the entity, its id and the names
-- of the fields written — never a value, so never a secret).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    token_id  INTEGER REFERENCES api_tokens (id),
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL CHECK (action IN ('create', 'update', 'archive', 'reveal_product_key', 'import',
                                                 'token_create', 'token_revoke')),
    entity    TEXT    NOT NULL,
    entity_id INTEGER,
    detail    TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(detail))
) STRICT;

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
