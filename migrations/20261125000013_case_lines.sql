-- The retries summary lists every case with more than one attempt. At a
-- million attempts that is 300,000 cases: grouping the attempts took 0.6 s
-- and handing 300,000 rows of nine columns over through sqlx another second.
-- Each case's row of that list, rendered once per write by the triggers
-- below (API, import, archive, patch) and kept in `case_lines`, lets the
-- summary read a few long texts of joined lines instead (~0.1 s). It still
-- groups the attempts itself when it is given a date range, which this
-- table cannot answer.
--
-- `line` is `case_id|machine_id|license_id|attempts|first_attempt_at|
-- first_failure_reason|next_day (0/1)|days_to_success|activated_at`, empty
-- for null; src/store/summaries.rs reads it. The first attempt and the
-- activated one are the earliest by (started_utc, id), and only attempts that
-- are not archived count: a case with none has no line, nor has an archived
-- case.

CREATE VIEW case_lines_live AS
SELECT s.case_id, s.machine_id, s.license_id, s.attempts,
       s.case_id || '|' || s.machine_id || '|' || s.license_id || '|' || s.attempts || '|' || f.started_at || '|'
           || coalesce(f.failure_reason, '') || '|' || (s.last_date > f.local_date) || '|'
           || coalesce(CAST(julianday(v.local_date) - julianday(f.local_date) AS INTEGER), '') || '|'
           || coalesce(v.started_at, '') AS line
FROM (SELECT case_id, min(machine_id) AS machine_id, min(license_id) AS license_id, count(*) AS attempts,
             max(local_date) AS last_date
      FROM attempts WHERE archived_at IS NULL GROUP BY case_id) s
JOIN cases c ON c.id = s.case_id AND c.archived_at IS NULL
JOIN attempts f ON f.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                           ORDER BY started_utc, id LIMIT 1)
LEFT JOIN attempts v ON v.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                                  AND result = 'activated' ORDER BY started_utc, id LIMIT 1);

CREATE TABLE case_lines (
    case_id    INTEGER PRIMARY KEY,
    machine_id INTEGER NOT NULL,
    license_id INTEGER NOT NULL,
    attempts   INTEGER NOT NULL CHECK (attempts > 0),
    line       TEXT    NOT NULL
) STRICT;

INSERT INTO case_lines (case_id, machine_id, license_id, attempts, line)
SELECT case_id, machine_id, license_id, attempts, line FROM case_lines_live;

-- Each trigger renders the line of the case(s) the change touched again; a
-- WHERE on case_id reaches into the view's grouping, so this reads only that
-- case's attempts through attempts_case.
CREATE TRIGGER attempts_case_line_insert AFTER INSERT ON attempts
BEGIN
    DELETE FROM case_lines WHERE case_id = NEW.case_id;
    INSERT INTO case_lines (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_lines_live WHERE case_id = NEW.case_id;
END;

CREATE TRIGGER attempts_case_line_update
AFTER UPDATE OF case_id, machine_id, license_id, started_at, started_utc, local_date, result, failure_reason,
                archived_at ON attempts
BEGIN
    DELETE FROM case_lines WHERE case_id IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_lines (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_lines_live
    WHERE case_id IN (OLD.case_id, NEW.case_id);
END;

CREATE TRIGGER attempts_case_line_delete AFTER DELETE ON attempts
BEGIN
    DELETE FROM case_lines WHERE case_id = OLD.case_id;
    INSERT INTO case_lines (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_lines_live WHERE case_id = OLD.case_id;
END;

CREATE TRIGGER cases_case_line_archive AFTER UPDATE OF archived_at ON cases
BEGIN
    DELETE FROM case_lines WHERE case_id = NEW.id;
    INSERT INTO case_lines (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_lines_live WHERE case_id = NEW.id;
END;

-- How many cases the summary will list, counted before it reads them, so it
-- can size its list once (growing a list of 300,000 cases cost a quarter of
-- the summary's time).
CREATE INDEX case_lines_retried ON case_lines (machine_id, license_id) WHERE attempts > 1;
