-- The timeline is paged in time order: a machine's cases are read from a
-- cursor on, by the time they opened.
CREATE INDEX cases_machine_opened ON cases (machine_id, opened_at, id);
