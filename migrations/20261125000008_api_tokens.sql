-- API tokens: only the SHA-256 of a token is kept (tokens are 256 random
-- bits, so a slow hash adds nothing). A name is unique among live tokens.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope      TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
    token_hash BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at TEXT    NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;
