-- A dated `retries` (`from`/`to`) grouped every attempt in its range and
-- found each case's first and activated call again: 2.3 s over a million
-- attempts. Most cases' calls lie wholly inside the range or wholly outside,
-- and for a case wholly inside, the dated line is the kept one. So the kept
-- facts now say the earliest and latest local date of the case's calls
-- (`min_date`, `max_date`, of calls that are not archived, as the rest):
-- a dated summary reads the kept lines of the cases wholly inside, and
-- groups the attempts only of the cases that straddle `from` or `to`,
-- which the two indexes find (those ending on or after `from` that began
-- before it; those beginning on or before `to` that end after it), each
-- read without touching the table. Only cases with more than one call are
-- listed by the summary, and only they are indexed.

ALTER TABLE case_facts ADD COLUMN min_date TEXT;
ALTER TABLE case_facts ADD COLUMN max_date TEXT;

DROP TRIGGER attempts_case_facts_insert;
DROP TRIGGER attempts_case_facts_update;
DROP TRIGGER attempts_case_facts_delete;
DROP TRIGGER cases_case_facts_archive;
DROP VIEW case_facts_live;

CREATE VIEW case_facts_live AS
SELECT s.case_id, s.machine_id, s.license_id, s.attempts,
       s.case_id || '|' || s.machine_id || '|' || s.license_id || '|' || s.attempts || '|' || f.started_at || '|'
           || coalesce(f.failure_reason, '') || '|' || f.local_date || '|' || s.last_date || '|'
           || coalesce(v.started_at, '') || '|' || coalesce(v.local_date, '') AS line,
       s.first_date AS min_date, s.last_date AS max_date
FROM (SELECT case_id, min(machine_id) AS machine_id, min(license_id) AS license_id, count(*) AS attempts,
             min(local_date) AS first_date, max(local_date) AS last_date
      FROM attempts WHERE archived_at IS NULL GROUP BY case_id) s
JOIN cases c ON c.id = s.case_id AND c.archived_at IS NULL
JOIN attempts f ON f.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                           ORDER BY started_utc, id LIMIT 1)
LEFT JOIN attempts v ON v.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                                  AND result = 'activated' ORDER BY started_utc, id LIMIT 1);

UPDATE case_facts
SET (min_date, max_date) = (SELECT min(local_date), max(local_date) FROM attempts
                            WHERE case_id = case_facts.case_id AND archived_at IS NULL);

CREATE TRIGGER attempts_case_facts_insert AFTER INSERT ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id = NEW.case_id;
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
    SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
    WHERE case_id = NEW.case_id;
END;

CREATE TRIGGER attempts_case_facts_update
AFTER UPDATE OF case_id, machine_id, license_id, started_at, started_utc, local_date, result, failure_reason,
                archived_at ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
    SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
    WHERE case_id IN (OLD.case_id, NEW.case_id);
END;

CREATE TRIGGER attempts_case_facts_delete AFTER DELETE ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id = OLD.case_id;
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
    SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
    WHERE case_id = OLD.case_id;
END;

CREATE TRIGGER cases_case_facts_archive AFTER UPDATE OF archived_at ON cases
BEGIN
    DELETE FROM case_facts WHERE case_id = NEW.id;
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
    SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
    WHERE case_id = NEW.id;
END;

CREATE INDEX case_facts_starts ON case_facts (min_date, max_date) WHERE attempts > 1;
CREATE INDEX case_facts_ends ON case_facts (max_date, min_date) WHERE attempts > 1;
