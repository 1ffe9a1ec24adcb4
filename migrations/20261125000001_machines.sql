-- Machines: the PCs whose licenses get activated. A name is unique among
-- machines that are not archived, so an archived name can be used again.
CREATE TABLE machines (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    owner       TEXT,
    notes       TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    archived_at TEXT
) STRICT;

CREATE UNIQUE INDEX machines_live_name ON machines (name) WHERE archived_at IS NULL;
