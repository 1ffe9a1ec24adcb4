//! References between rows: whether a row a write names exists (and is
//! live, or at least stored), every failing one named at once, and what an
//! import has already found stored.
//!
//! Each check has a form on the writer's rusqlite connection (`…_on`),
//! for the writes that run there, and one on a sqlx connection, for the
//! reads and the import.

use rusqlite::{Connection, OptionalExtension};
use sqlx::SqliteConnection;

use super::{StoreError, Table};
use crate::domain::FieldErrors;

/// Whether a row exists: `None` when it does not, else its `archived_at`
/// (a case's or a call's own, or else its license's or machine's: see
/// [`super::archive`]).
pub(super) async fn row_state(
    conn: &mut SqliteConnection,
    table: Table,
    id: i64,
) -> Result<Option<Option<String>>, StoreError> {
    Ok(sqlx::query_scalar(&row_state_sql(table)).bind(id).fetch_optional(conn).await?)
}

/// The statement of [`row_state`] for `table`: its archived stamp ([`super::archive::stamp_of`]) by id.
fn row_state_sql(table: Table) -> String {
    // The table name and the expression come from closed sets, never from input; the id is bound.
    format!("SELECT {} FROM {} WHERE id = ?", super::archive::stamp_of(table), table.name())
}

/// The statements of this module the writer runs (one a table).
pub(super) fn statements() -> Vec<String> {
    Table::ALL.into_iter().map(row_state_sql).collect()
}

/// [`row_state`] on the writer's rusqlite connection.
pub(super) fn row_state_on(conn: &Connection, table: Table, id: i64) -> Result<Option<Option<String>>, StoreError> {
    Ok(conn.prepare_cached(&row_state_sql(table))?.query_row([id], |r| r.get(0)).optional()?)
}

/// [`reference`] on the writer's rusqlite connection.
pub(super) fn reference_on(
    conn: &Connection,
    refs: Refs,
    table: Table,
    field: &str,
    id: i64,
) -> Result<(), StoreError> {
    let live = row_state_on(conn, table, id)?.map(|archived_at| archived_at.is_none());
    match refused(refs, table, id, live) {
        None => Ok(()),
        Some(message) => Err(StoreError::Invalid(FieldErrors::one(field, message))),
    }
}

/// What a reference must name: a live row (every write of the API), or any
/// stored row, archived or not (an import keeps archived rows' references).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refs {
    Live,
    Stored,
}

/// A reference that must name a row as `refs` says, or a field error naming it.
pub(super) async fn reference(
    conn: &mut SqliteConnection,
    refs: Refs,
    table: Table,
    field: &str,
    id: i64,
) -> Result<(), StoreError> {
    let live = row_state(conn, table, id).await?.map(|archived_at| archived_at.is_none());
    refuse(refs, table, field, id, live)
}

/// [`refused`] as the field error of `field`.
fn refuse(refs: Refs, table: Table, field: &str, id: i64, live: Option<bool>) -> Result<(), StoreError> {
    match refused(refs, table, id, live) {
        None => Ok(()),
        Some(message) => Err(StoreError::Invalid(FieldErrors::one(field, message))),
    }
}

/// What is wrong with a reference to row `id` of `table` as `refs` says it
/// must be, given whether the row is there and live (`None`: not there).
pub(super) fn refused(refs: Refs, table: Table, id: i64, live: Option<bool>) -> Option<crate::i18n::Msg> {
    match live {
        Some(live) if live || refs == Refs::Stored => None,
        found => Some(bad_reference_message(table, id, found.is_some())),
    }
}

/// The field error of a reference to a row that is not there, or
/// (`archived`) is there but archived.
pub(super) fn bad_reference(table: Table, field: &str, id: i64, archived: bool) -> StoreError {
    StoreError::Invalid(FieldErrors::one(field, bad_reference_message(table, id, archived)))
}

/// What [`bad_reference`] says.
pub(super) fn bad_reference_message(table: Table, id: i64, archived: bool) -> crate::i18n::Msg {
    let key = if archived { "msg.is_archived" } else { "msg.there_is_no" };
    crate::i18n::Msg::new(key).noun("what", table.noun()).arg("id", id)
}

/// Rows an import found stored, so that the rows after them that refer to
/// them need not look again (each look-up is a statement, and an export
/// lists rows that refer to the same one close together): ids of machines
/// and licenses, and the machine and license of cases.
/// Rows are never deleted and a case's machine and license never change,
/// so what is known stays true. At most [`Known::MAX`] of each, forgotten
/// all at once when full.
#[derive(Debug, Default)]
pub(super) struct Known {
    rows: std::collections::HashSet<(Table, i64)>,
    cases: std::collections::HashMap<i64, (i64, i64)>,
}

impl Known {
    pub(super) const MAX: usize = 10_000;

    pub(super) fn has(&self, table: Table, id: i64) -> bool {
        self.rows.contains(&(table, id))
    }

    pub(super) fn add(&mut self, table: Table, id: i64) {
        if self.rows.len() >= Self::MAX {
            self.rows.clear();
        }
        self.rows.insert((table, id));
    }

    /// A case's `(machine_id, license_id)`.
    pub(super) fn case(&self, id: i64) -> Option<(i64, i64)> {
        self.cases.get(&id).copied()
    }

    pub(super) fn add_case(&mut self, id: i64, pair: (i64, i64)) {
        if self.cases.len() >= Self::MAX {
            self.cases.clear();
        }
        self.cases.insert(id, pair);
    }

    /// Learn, in one statement, the pairs of the cases `ids` names (a chunk
    /// of an import: a chunk's worth, bound as one JSON array) that are not
    /// known yet. A case that is not stored stays unknown, for the row that
    /// names it to be refused as one row's reference is.
    pub(super) fn read_cases(
        &mut self,
        conn: &rusqlite::Connection,
        ids: impl Iterator<Item = i64>,
    ) -> Result<(), StoreError> {
        let ids: Vec<i64> = ids.collect();
        if self.cases.len() + ids.len() > Self::MAX {
            self.cases.clear();
        }
        let missing: std::collections::BTreeSet<i64> =
            ids.into_iter().filter(|id| !self.cases.contains_key(id)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let list = serde_json::to_string(&missing).unwrap_or_else(|_| "[]".into());
        let mut read = conn.prepare_cached(READ_CASES)?;
        let rows = read.query_map([list], |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?))))?;
        for row in rows {
            let (id, pair) = row?;
            self.cases.insert(id, pair);
        }
        Ok(())
    }
}

/// The machine and license of the cases of a JSON array of ids ([`Known::read_cases`]).
pub(super) const READ_CASES: &str =
    "SELECT id, machine_id, license_id FROM cases WHERE id IN (SELECT value FROM json_each(?))";
