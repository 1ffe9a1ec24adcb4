-- Idempotency keys of POSTs, per token: the hash of the request and the
-- first answer, written in the same transaction as the write itself.
CREATE TABLE idempotency_keys (
    token_id     INTEGER NOT NULL REFERENCES api_tokens (id),
    key          TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash BLOB    NOT NULL,
    status       INTEGER NOT NULL,
    entity_id    INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (token_id, key)
) STRICT, WITHOUT ROWID;
