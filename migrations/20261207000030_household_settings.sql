-- The household's settings kept in the journal, so that the server, the
-- CLI and every process on this file read the same ones. One row a
-- setting; today only `time_zone` (an IANA name, checked by the program:
-- SQLite knows no zone names). A flag or the environment wins over it
-- for one run; with neither, the system's zone is used.
CREATE TABLE household_settings (
    name       TEXT NOT NULL PRIMARY KEY CHECK (name IN ('time_zone')),
    value      TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 64),
    updated_at TEXT NOT NULL
) STRICT;
