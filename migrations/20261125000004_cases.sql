-- Cases: one goal, license L activated on machine M. At most one open case
-- per pair, so that an attempt without case_id finds exactly one.
CREATE TABLE cases (
    id                 INTEGER PRIMARY KEY,
    machine_id         INTEGER NOT NULL REFERENCES machines (id),
    license_id         INTEGER NOT NULL REFERENCES licenses (id),
    "trigger"          TEXT    NOT NULL DEFAULT 'other'
                               CHECK ("trigger" IN ('hardware_change', 'reinstall', 'new_install', 'key_change', 'other')),
    hardware_change_id INTEGER REFERENCES hardware_changes (id),
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'activated', 'abandoned')),
    opened_at          TEXT    NOT NULL,
    closed_at          TEXT,
    notes              TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    archived_at        TEXT,
    CHECK ((status = 'open') = (closed_at IS NULL))
) STRICT;

CREATE UNIQUE INDEX cases_one_open_per_pair ON cases (machine_id, license_id)
    WHERE status = 'open' AND archived_at IS NULL;
-- The target of attempts' (case, machine, license) foreign key.
CREATE UNIQUE INDEX cases_identity ON cases (id, machine_id, license_id);
CREATE INDEX cases_license ON cases (license_id);
CREATE INDEX cases_hardware_change ON cases (hardware_change_id) WHERE hardware_change_id IS NOT NULL;
