-- Hardware changes. Parts are sets kept as bit masks: bit 0 motherboard,
-- 1 cpu, 2 memory, 3 gpu, 4 storage, 5 optical, 6 network, 7 other (the
-- order of domain::Part); a part cannot be both replaced and kept.
CREATE TABLE hardware_changes (
    id             INTEGER PRIMARY KEY,
    machine_id     INTEGER NOT NULL REFERENCES machines (id),
    changed_on     TEXT    NOT NULL CHECK (changed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    parts_replaced INTEGER NOT NULL DEFAULT 0 CHECK (parts_replaced BETWEEN 0 AND 255),
    parts_kept     INTEGER NOT NULL DEFAULT 0 CHECK (parts_kept BETWEEN 0 AND 255),
    os_reinstalled INTEGER NOT NULL DEFAULT 0 CHECK (os_reinstalled IN (0, 1)),
    notes          TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    archived_at    TEXT,
    CHECK ((parts_replaced & parts_kept) = 0)
) STRICT;

CREATE INDEX hardware_changes_machine ON hardware_changes (machine_id, id);
