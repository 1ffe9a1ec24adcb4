//! What the entity files share with the readers and writers across
//! entities (`timeline`, `portable`), so that neither side reads the other
//! for it: where a timeline page's source starts, and how an import chunk's
//! savepoint ends and names the row at fault.

use super::StoreError;
use crate::domain::FieldErrors;

/// Where each source of a timeline page starts: after the cursor's event,
/// ordered by (time, rank of the kind, id), at most `limit` rows (one more
/// than the page, to know whether there is more).
pub(super) struct After {
    /// The cursor's time (a system time; empty: from the start).
    pub at: String,
    /// The same, in UTC milliseconds (attempts are indexed by those).
    pub at_millis: i64,
    pub rank: i64,
    pub id: i64,
    pub limit: i64,
    /// For the sources dated by a day (placed at the household's local
    /// midnight): the household's local date of the cursor's time
    /// (`0000-00-00` from the start) ...
    pub day: String,
    /// ... and whether the cursor's time is that day's midnight: a day
    /// sorts after the cursor when it is later, or the same day exactly at
    /// the cursor's time with a later (rank, id). Midnight grows with the
    /// day, so SQL compares days and needs to know no zone.
    pub at_midnight: bool,
}

/// Run an import chunk's `write` in a savepoint of its own: kept when it
/// succeeded (`None`); rolled back when it was refused, and the refusal
/// handed back, for the caller to write the chunk again a row at a time
/// and name the row at fault.
pub(super) fn keep_or_undo(
    conn: &rusqlite::Connection,
    write: impl FnOnce() -> Result<(), StoreError>,
) -> Result<Option<StoreError>, StoreError> {
    conn.execute_batch("SAVEPOINT chunk")?;
    match write() {
        Ok(()) => {
            conn.execute_batch("RELEASE chunk")?;
            Ok(None)
        }
        Err(refused) => {
            conn.execute_batch("ROLLBACK TO chunk; RELEASE chunk")?;
            Ok(Some(refused))
        }
    }
}

/// A refusal while writing one row, named after the row: its field errors
/// get the row's name before them (`cases[2].machine_id`), and any other
/// refusal is the row's own.
pub(super) fn at_row(e: StoreError, at: &str) -> StoreError {
    match e {
        StoreError::Invalid(errors) => StoreError::Invalid(errors.prefixed(&format!("{at}."))),
        StoreError::Conflict(_, message) => StoreError::Invalid(FieldErrors::one(at, message)),
        other => other,
    }
}
