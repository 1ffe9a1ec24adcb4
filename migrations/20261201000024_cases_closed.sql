-- A call recorded after the fact belongs to the case of its pair that was
-- closed after it began: the case an attempt joins when its pair has no
-- open case is looked up by (machine, license, closed_at). Without this
-- index SQLite read every case of the license and sorted them (54 ms a
-- new case at a million attempts, in the writer, which every other write
-- waits behind); with it, one index descent.
CREATE INDEX cases_closed ON cases (machine_id, license_id, closed_at) WHERE archived_at IS NULL AND status <> 'open';
