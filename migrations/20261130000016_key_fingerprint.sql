-- The key file is never silently replaced: the journal records the
-- fingerprint of the key its product keys are sealed with (one row), so
-- that `serve` and `restore` can tell a missing or different key file from
-- the right one before anything is sealed with a second key.
CREATE TABLE key_fingerprint (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT    NOT NULL CHECK (length(fingerprint) = 32),
    recorded_at TEXT    NOT NULL
) STRICT;
