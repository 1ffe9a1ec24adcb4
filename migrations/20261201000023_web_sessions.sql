-- Browser sessions of the web pages (DESIGN.md, Security): signing in with
-- a token makes a random session id, kept in an HttpOnly cookie and stored
-- here only as its SHA-256. A session acts as its token: a revoked token's
-- sessions are deleted with it and never match (the look-up joins the live
-- token). `last_seen` (Unix seconds) ends a session after 30 days unused.
-- `csrf` is the session's anti-forgery token, sent in every form.
CREATE TABLE web_sessions (
    id           INTEGER PRIMARY KEY,
    session_hash BLOB    NOT NULL UNIQUE,
    token_id     INTEGER NOT NULL REFERENCES api_tokens (id),
    csrf         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_seen    INTEGER NOT NULL
) STRICT;

CREATE INDEX web_sessions_token ON web_sessions (token_id);
