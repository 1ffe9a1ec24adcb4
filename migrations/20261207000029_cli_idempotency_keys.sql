-- Idempotency keys of the command line's writes (`call --resume` stores a
-- call once, whatever happened to the first try): the command line has no
-- token, so its keys are kept apart, keyed by the key alone.
CREATE TABLE cli_idempotency_keys (
    key          TEXT    NOT NULL PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    request_hash BLOB    NOT NULL,
    status       INTEGER NOT NULL,
    entity_id    INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
