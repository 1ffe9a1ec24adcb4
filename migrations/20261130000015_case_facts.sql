-- The retries rule once, in Rust. Migration 13 kept each case's retries
-- line with `next_day` and `days_to_success` computed by SQL, and the dated
-- path of the summary computed them again in its own SQL. The kept rows now
-- carry raw facts only; summary::retried_case derives both from them, for
-- kept rows and dated ones alike.
--
-- `line` is `case_id|machine_id|license_id|attempts|first_attempt_at|
-- first_failure_reason|first_local_date|last_local_date|activated_at|
-- activated_local_date`, empty for null (no field holds a `|` or a newline:
-- times are RFC 3339, dates YYYY-MM-DD, the rest numbers and closed-set
-- names); src/store/summaries.rs decodes it. As before, the first attempt
-- and the activated one are the earliest by (started_utc, id), only
-- attempts that are not archived count, and an archived case has no line.
-- Lines stay pre-rendered: reading a few long texts of joined lines instead
-- of 300,000 rows is what keeps the summary fast at a million attempts.

DROP TRIGGER attempts_case_line_insert;
DROP TRIGGER attempts_case_line_update;
DROP TRIGGER attempts_case_line_delete;
DROP TRIGGER cases_case_line_archive;
DROP INDEX case_lines_retried;
DROP TABLE case_lines;
DROP VIEW case_lines_live;

CREATE VIEW case_facts_live AS
SELECT s.case_id, s.machine_id, s.license_id, s.attempts,
       s.case_id || '|' || s.machine_id || '|' || s.license_id || '|' || s.attempts || '|' || f.started_at || '|'
           || coalesce(f.failure_reason, '') || '|' || f.local_date || '|' || s.last_date || '|'
           || coalesce(v.started_at, '') || '|' || coalesce(v.local_date, '') AS line
FROM (SELECT case_id, min(machine_id) AS machine_id, min(license_id) AS license_id, count(*) AS attempts,
             max(local_date) AS last_date
      FROM attempts WHERE archived_at IS NULL GROUP BY case_id) s
JOIN cases c ON c.id = s.case_id AND c.archived_at IS NULL
JOIN attempts f ON f.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                           ORDER BY started_utc, id LIMIT 1)
LEFT JOIN attempts v ON v.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                                  AND result = 'activated' ORDER BY started_utc, id LIMIT 1);

CREATE TABLE case_facts (
    case_id    INTEGER PRIMARY KEY,
    machine_id INTEGER NOT NULL,
    license_id INTEGER NOT NULL,
    attempts   INTEGER NOT NULL CHECK (attempts > 0),
    line       TEXT    NOT NULL
) STRICT;

INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line)
SELECT case_id, machine_id, license_id, attempts, line FROM case_facts_live;

-- Each trigger renders the facts of the case(s) the change touched again; a
-- WHERE on case_id reaches into the view's grouping, so this reads only that
-- case's attempts through attempts_case.
CREATE TRIGGER attempts_case_facts_insert AFTER INSERT ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id = NEW.case_id;
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_facts_live WHERE case_id = NEW.case_id;
END;

CREATE TRIGGER attempts_case_facts_update
AFTER UPDATE OF case_id, machine_id, license_id, started_at, started_utc, local_date, result, failure_reason,
                archived_at ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_facts_live
    WHERE case_id IN (OLD.case_id, NEW.case_id);
END;

CREATE TRIGGER attempts_case_facts_delete AFTER DELETE ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id = OLD.case_id;
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_facts_live WHERE case_id = OLD.case_id;
END;

CREATE TRIGGER cases_case_facts_archive AFTER UPDATE OF archived_at ON cases
BEGIN
    DELETE FROM case_facts WHERE case_id = NEW.id;
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line)
    SELECT case_id, machine_id, license_id, attempts, line FROM case_facts_live WHERE case_id = NEW.id;
END;

-- How many cases the summary will list, counted before it reads them.
CREATE INDEX case_facts_retried ON case_facts (machine_id, license_id) WHERE attempts > 1;
