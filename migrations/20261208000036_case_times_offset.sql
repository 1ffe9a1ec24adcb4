-- A case's times keep an offset, as callers' times do: opened by a call,
-- it carries that call's start as the call gave it; closed by a call, the
-- closing call's end (or start); opened or closed by hand, the household's
-- offset at that moment. Until now they were UTC system times.
--
-- Times with different offsets do not sort as text: the instants, in UTC
-- milliseconds, are columns of their own (computed by SQLite from the
-- text, so that no write can let them disagree), and the indexes that
-- ordered or ranged over the text order over them. julianday() rather
-- than unixepoch(…, 'subsec'), which SQLite before 3.42 does not know:
-- SQLite keeps whole milliseconds, and round() undoes the division.
ALTER TABLE cases ADD COLUMN opened_utc INTEGER
    GENERATED ALWAYS AS (CAST(round((julianday(opened_at) - 2440587.5) * 86400000) AS INTEGER)) VIRTUAL;
ALTER TABLE cases ADD COLUMN closed_utc INTEGER
    GENERATED ALWAYS AS (CAST(round((julianday(closed_at) - 2440587.5) * 86400000) AS INTEGER)) VIRTUAL;

DROP INDEX cases_machine_opened;
CREATE INDEX cases_machine_opened ON cases (machine_id, opened_utc, id);
DROP INDEX cases_closed;
CREATE INDEX cases_closed ON cases (machine_id, license_id, closed_utc)
    WHERE archived_at IS NULL AND status <> 'open';

-- The cases whose times no call gave: the program gives them the
-- household's offset (SQLite knows no zones) when it next opens the
-- journal, and empties this table; without a zone kept in the journal
-- they stay in UTC (`Z`).
CREATE TABLE cases_unzoned (
    id     INTEGER PRIMARY KEY,
    opened INTEGER NOT NULL CHECK (opened IN (0, 1)),
    closed INTEGER NOT NULL CHECK (closed IN (0, 1))
) STRICT;
INSERT INTO cases_unzoned (id, opened, closed)
SELECT id, opened, closed FROM (
    SELECT c.id,
           NOT EXISTS (SELECT 1 FROM attempts a WHERE a.case_id = c.id AND a.started_utc = c.opened_utc) AS opened,
           c.closed_at IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM attempts a WHERE a.case_id = c.id AND a.result = 'activated'
                   AND coalesce(a.ended_utc, a.started_utc) = c.closed_utc) AS closed
    FROM cases c)
WHERE opened OR closed;

-- The cases a call opened or closed take that call's time, with its offset.
UPDATE cases SET opened_at = (
    SELECT a.started_at FROM attempts a WHERE a.case_id = cases.id AND a.started_utc = cases.opened_utc
    ORDER BY a.archived_at IS NOT NULL, a.id LIMIT 1)
WHERE id NOT IN (SELECT id FROM cases_unzoned WHERE opened);
UPDATE cases SET closed_at = (
    SELECT coalesce(a.ended_at, a.started_at) FROM attempts a
    WHERE a.case_id = cases.id AND a.result = 'activated' AND coalesce(a.ended_utc, a.started_utc) = cases.closed_utc
    ORDER BY a.archived_at IS NOT NULL, a.id LIMIT 1)
WHERE closed_at IS NOT NULL AND id NOT IN (SELECT id FROM cases_unzoned WHERE closed);
