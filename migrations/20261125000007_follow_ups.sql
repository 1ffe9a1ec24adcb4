-- Follow-ups on a machine or a case; machine_id is always filled (from the
-- case when only the case was given) so a machine's timeline finds them.
CREATE TABLE follow_ups (
    id          INTEGER PRIMARY KEY,
    machine_id  INTEGER NOT NULL REFERENCES machines (id),
    case_id     INTEGER REFERENCES cases (id),
    text        TEXT    NOT NULL CHECK (length(text) >= 1),
    due_on      TEXT    CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    archived_at TEXT
) STRICT;

CREATE INDEX follow_ups_machine ON follow_ups (machine_id, id);
CREATE INDEX follow_ups_case ON follow_ups (case_id) WHERE case_id IS NOT NULL;
