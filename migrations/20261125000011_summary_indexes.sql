-- Summaries scan every live attempt. These partial indexes hold only the
-- columns those scans read (archived_at too, so that they cover), so the
-- scans read narrow indexes instead of the whole table: by local hour for
-- hours and wait-times and overview, by result and license for the
-- licenses summary, and cases by status for overview.
CREATE INDEX attempts_summary ON attempts (
    local_hour, local_weekday, wait_seconds, operator_outcome, result, ivr_result, local_date, machine_id, license_id,
    archived_at
) WHERE archived_at IS NULL;

CREATE INDEX attempts_activations ON attempts (result, license_id, machine_id, started_utc, local_date, archived_at)
    WHERE archived_at IS NULL;

CREATE INDEX cases_status ON cases (status, machine_id, license_id, archived_at) WHERE archived_at IS NULL;

-- overview counts attempts grouped by these three outcomes, in index order.
CREATE INDEX attempts_outcomes ON attempts (result, ivr_result, operator_outcome, local_date, machine_id, license_id,
                                            archived_at) WHERE archived_at IS NULL;

-- questions joins each question to its attempt's filter columns without
-- reading the attempt's row.
CREATE INDEX attempts_question_join ON attempts (id, license_id, machine_id, local_date, archived_at)
    WHERE archived_at IS NULL;
