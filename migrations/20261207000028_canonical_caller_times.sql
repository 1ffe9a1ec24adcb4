-- Callers' times are kept canonical RFC 3339 from now on (`T`, `Z` for
-- UTC): the ones stored as they were sent get the same form, so that every
-- client can parse what the API answers. Only the text changes; the
-- instant (started_utc, ended_utc) and the local date, hour and weekday
-- stay as they are.
UPDATE attempts SET started_at = substr(started_at, 1, 10) || 'T' || substr(started_at, 12)
    WHERE substr(started_at, 11, 1) IN (' ', 't');
UPDATE attempts SET ended_at = substr(ended_at, 1, 10) || 'T' || substr(ended_at, 12)
    WHERE substr(ended_at, 11, 1) IN (' ', 't');
UPDATE attempts SET started_at = substr(started_at, 1, length(started_at) - 1) || 'Z'
    WHERE started_at LIKE '%z';
UPDATE attempts SET ended_at = substr(ended_at, 1, length(ended_at) - 1) || 'Z'
    WHERE ended_at LIKE '%z';
UPDATE attempts SET started_at = substr(started_at, 1, length(started_at) - 6) || 'Z'
    WHERE started_at LIKE '%+00:00' OR started_at LIKE '%-00:00';
UPDATE attempts SET ended_at = substr(ended_at, 1, length(ended_at) - 6) || 'Z'
    WHERE ended_at LIKE '%+00:00' OR ended_at LIKE '%-00:00';
