-- The questions summary counts questions by topic and license, filtered like
-- every summary by their attempt's local date, machine, license and archived
-- state. Joining 1.5 million questions to their attempts for that took half a
-- second at a million attempts; a copy of those four attempt columns on each
-- question, kept by the triggers below on every write path (API, import,
-- archive), makes it one scan of one narrow index.
ALTER TABLE attempt_questions ADD COLUMN license_id INTEGER;
ALTER TABLE attempt_questions ADD COLUMN machine_id INTEGER;
ALTER TABLE attempt_questions ADD COLUMN local_date TEXT;
ALTER TABLE attempt_questions ADD COLUMN attempt_archived INTEGER NOT NULL DEFAULT 0 CHECK (attempt_archived IN (0, 1));

UPDATE attempt_questions
SET (license_id, machine_id, local_date, attempt_archived) =
    (SELECT a.license_id, a.machine_id, a.local_date, a.archived_at IS NOT NULL
     FROM attempts a WHERE a.id = attempt_questions.attempt_id);

CREATE TRIGGER attempt_questions_copy_attempt AFTER INSERT ON attempt_questions
BEGIN
    UPDATE attempt_questions
    SET (license_id, machine_id, local_date, attempt_archived) =
        (SELECT a.license_id, a.machine_id, a.local_date, a.archived_at IS NOT NULL
         FROM attempts a WHERE a.id = NEW.attempt_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER attempts_copy_to_questions AFTER UPDATE OF license_id, machine_id, local_date, archived_at ON attempts
BEGIN
    UPDATE attempt_questions
    SET license_id = NEW.license_id, machine_id = NEW.machine_id, local_date = NEW.local_date,
        attempt_archived = NEW.archived_at IS NOT NULL
    WHERE attempt_id = NEW.id;
END;

CREATE INDEX attempt_questions_summary ON attempt_questions (topic, license_id, local_date, machine_id)
    WHERE attempt_archived = 0;

-- The join this replaces needed this index; nothing reads it any more.
DROP INDEX attempts_question_join;
