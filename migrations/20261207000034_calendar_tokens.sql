-- Tokens gain the scope 'calendar': read-only and good for the calendar feed
-- alone (/calendar.ics), the one place a token may ride in a URL. SQLite
-- cannot change a CHECK in place, so the table is made anew with the wider
-- list and its rows put back, ids kept. Other tables refer to it (audit_log,
-- idempotency_keys, web_sessions): with foreign keys deferred to the commit,
-- dropping it leaves their rows orphaned only until the same ids are
-- inserted again, and the commit checks that none is left.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE api_tokens_copy AS SELECT id, name, scope, token_hash, created_at, revoked_at FROM api_tokens;

DROP TABLE api_tokens;

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope      TEXT    NOT NULL CHECK (scope IN ('read', 'write', 'calendar')),
    token_hash BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at TEXT    NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

INSERT INTO api_tokens (id, name, scope, token_hash, created_at, revoked_at)
SELECT id, name, scope, token_hash, created_at, revoked_at FROM api_tokens_copy;

DROP TABLE api_tokens_copy;
