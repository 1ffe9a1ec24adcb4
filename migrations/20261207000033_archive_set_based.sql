-- Archiving a license of 200,000 calls took 14 s in one transaction: three
-- triggers ran for each row restamped (each call copied its state to its
-- questions and recomputed its case's kept facts from the view, a case of
-- four calls four times over; each case recomputed its own again). Only the
-- store's archive and unarchive (store/archive.rs) change `archived_at`,
-- and they now bring the questions' copy and the kept facts in step once
-- for all the rows they restamp, a statement a set. So these triggers stop
-- watching `archived_at`; every other column they watched they still do.
DROP TRIGGER attempts_copy_to_questions;
DROP TRIGGER attempts_case_facts_update;
DROP TRIGGER cases_case_facts_archive;

CREATE TRIGGER attempts_copy_to_questions AFTER UPDATE OF license_id, machine_id, local_date ON attempts
BEGIN
    UPDATE attempt_questions
    SET license_id = NEW.license_id, machine_id = NEW.machine_id, local_date = NEW.local_date
    WHERE attempt_id = NEW.id;
END;

CREATE TRIGGER attempts_case_facts_update
AFTER UPDATE OF case_id, machine_id, license_id, started_at, started_utc, local_date, result, failure_reason
ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
    SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
    WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
