-- Attempts. started_at/ended_at keep the caller's RFC 3339 text as given;
-- *_utc are Unix milliseconds for ordering and ranges; local_date,
-- local_hour and local_weekday (0 = Monday) are taken at the caller's own
-- offset, for grouping. machine_id and license_id repeat the case's, tied
-- to it by a foreign key, so that filters and summaries need no join.
CREATE TABLE attempts (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL,
    machine_id       INTEGER NOT NULL,
    license_id       INTEGER NOT NULL,
    started_at       TEXT    NOT NULL,
    started_utc      INTEGER NOT NULL,
    utc_offset       INTEGER NOT NULL CHECK (utc_offset BETWEEN -86400 AND 86400),
    local_date       TEXT    NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    local_hour       INTEGER NOT NULL CHECK (local_hour BETWEEN 0 AND 23),
    local_weekday    INTEGER NOT NULL CHECK (local_weekday BETWEEN 0 AND 6),
    ended_at         TEXT,
    ended_utc        INTEGER,
    method           TEXT    NOT NULL DEFAULT 'phone' CHECK (method IN ('phone', 'online', 'sms_link', 'chat', 'other')),
    number_kind      TEXT    CHECK (number_kind IN ('toll_free', 'toll')),
    called_from      TEXT    CHECK (called_from IN ('mobile', 'landline', 'other')),
    country          TEXT    CHECK (country GLOB '[A-Z][A-Z]'),
    ivr_product      TEXT    CHECK (ivr_product IN ('windows', 'office', 'other')),
    installation_id  TEXT    CHECK (length(installation_id) IN (50, 54, 63) AND installation_id NOT GLOB '*[^0-9]*'),
    ivr_result       TEXT    CHECK (ivr_result IN ('confirmed', 'not_confirmed', 'input_error', 'not_offered', 'skipped')),
    groups_reentered TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(groups_reentered)),
    operator_outcome TEXT    CHECK (operator_outcome IN ('not_needed', 'unavailable', 'reached', 'abandoned')),
    wait_seconds     INTEGER CHECK (wait_seconds >= 0),
    operator_rating  INTEGER CHECK (operator_rating BETWEEN 1 AND 5),
    confirmation_id  TEXT    CHECK (length(confirmation_id) IN (42, 48) AND confirmation_id NOT GLOB '*[^0-9]*'),
    result           TEXT    CHECK (result IN ('activated', 'not_activated')),
    failure_reason   TEXT    CHECK (failure_reason IN ('ivr_not_confirmed', 'operator_unavailable', 'line_closed',
                                                       'wait_too_long', 'rejected', 'caller_gave_up', 'other')),
    notes            TEXT,
    warnings         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    archived_at      TEXT,
    FOREIGN KEY (case_id, machine_id, license_id) REFERENCES cases (id, machine_id, license_id),
    CHECK (ended_utc IS NULL OR ended_utc >= started_utc),
    CHECK ((ended_at IS NULL) = (ended_utc IS NULL)),
    CHECK ((result = 'not_activated') = (failure_reason IS NOT NULL) OR (result IS NULL AND failure_reason IS NULL))
) STRICT;

CREATE INDEX attempts_case ON attempts (case_id, started_utc);
CREATE INDEX attempts_machine ON attempts (machine_id, started_utc);
CREATE INDEX attempts_license ON attempts (license_id, started_utc);
CREATE INDEX attempts_started ON attempts (started_utc);
CREATE INDEX attempts_local ON attempts (local_date, local_hour);
CREATE INDEX attempts_installation_id ON attempts (installation_id) WHERE installation_id IS NOT NULL;
