-- `retries` is paged now: it no longer counts the retried cases up front to
-- size one list of all of them, so the partial index that counted them
-- (migration 15) serves no query, and every write of an attempt paid for it.
DROP INDEX case_facts_retried;
