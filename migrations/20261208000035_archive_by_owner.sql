-- Archiving a license of 200,000 calls still took 13 s of CPU after
-- migration 33: restamping its calls and cases rewrote 280,000 rows and
-- took each out of four partial indexes. Now archiving a license or a
-- machine stamps that one row; its cases and calls are archived because
-- their owner is (every read of cases, calls, their questions and the kept
-- case facts leaves out the rows of an archived license or machine, through
-- the two lists below: a household has a few dozen of each). A case still
-- stamps its own calls (a few), and a machine its follow-ups.
CREATE VIEW archived_licenses AS SELECT id FROM licenses WHERE archived_at IS NOT NULL;
CREATE VIEW archived_machines AS SELECT id FROM machines WHERE archived_at IS NOT NULL;

-- The cases and calls stamped with their license's or machine's stamp went
-- with it: they are archived now through it, and stamped no longer. What
-- the questions and the kept facts copy from their archived state follows.
UPDATE attempts SET archived_at = NULL
WHERE archived_at IS NOT NULL
  AND (archived_at = (SELECT archived_at FROM licenses WHERE id = attempts.license_id)
       OR archived_at = (SELECT archived_at FROM machines WHERE id = attempts.machine_id));
UPDATE cases SET archived_at = NULL
WHERE archived_at IS NOT NULL
  AND (archived_at = (SELECT archived_at FROM licenses WHERE id = cases.license_id)
       OR archived_at = (SELECT archived_at FROM machines WHERE id = cases.machine_id));
UPDATE attempt_questions SET attempt_archived = 0
WHERE attempt_archived = 1 AND (SELECT archived_at FROM attempts WHERE id = attempt_id) IS NULL;
-- (Rebuilt whole, and only when something was archived with its owner.)
DELETE FROM case_facts WHERE EXISTS (SELECT 1 FROM archived_licenses UNION ALL SELECT 1 FROM archived_machines);
INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
WHERE EXISTS (SELECT 1 FROM archived_licenses UNION ALL SELECT 1 FROM archived_machines);
