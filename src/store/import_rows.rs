//! An import's rows as the writer writes them: each chunk of a file (see
//! [`super::portable`]) is one step of one held write
//! ([`Store::write_held`]), run on the writer's thread, every statement
//! prepared once and kept (`prepare_cached`). Rows keep their own ids and
//! times; what they refer to must be stored (archived or not), in the
//! journal or earlier in the file. A refusal names its row
//! (`cases[2].machine_id`).
//!
//! Cases and attempts are written many at once (one statement for a
//! chunk's rows, bound as one JSON array); when that statement is refused
//! (a constraint), its savepoint is rolled back and the rows are written
//! again one by one, so that the refusal names its row.

use rusqlite::{params, Connection, OptionalExtension};

use super::chunk::{at_row, keep_or_undo};
use super::refs::{bad_reference_message, reference_on, Known, Refs};
use super::{cases, NewRow, Store, StoreError, Table};
use crate::domain::fields::name_key;
use crate::domain::{CaseStatus, FieldErrors, NewCase, NewFollowUp, NewLicense, NewMachine};
use crate::portable::{ImportedAttachment, ImportedAttempt, ImportedCase, ImportedChange, Row};

/// The most cases or attempts written in one statement (their JSON is
/// bound as one value: about 1 KiB an attempt).
const AT_ONCE: usize = 500;

const MACHINE: &str = "INSERT INTO machines (id, name, name_key, owner, notes, created_at, updated_at, archived_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
const HARDWARE_CHANGE: &str = "INSERT INTO hardware_changes (id, machine_id, changed_on, parts_replaced, parts_kept,
         os_reinstalled, notes, created_at, updated_at, archived_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const LICENSE: &str = "INSERT INTO licenses (id, product, edition, channel, purchased_from, purchased_on, box_colour,
         product_key_sealed, product_key_last5, product_key_checks, product_key_hint, notes,
         created_at, updated_at, archived_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const FOLLOW_UP: &str = "INSERT INTO follow_ups (id, machine_id, case_id, text, due_on, done,
         created_at, updated_at, archived_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
/// A stored case's machine and license.
const CASE_PAIR: &str = "SELECT machine_id, license_id FROM cases WHERE id = ?";
/// A stored hardware change's machine.
const CHANGE_MACHINE: &str = "SELECT machine_id FROM hardware_changes WHERE id = ?";
/// The live open case of a pair.
const OPEN_CASE: &str =
    "SELECT id FROM cases WHERE machine_id = ? AND license_id = ? AND status = 'open' AND archived_at IS NULL";

/// The statements of an import, for the writer's test.
pub(super) fn statements() -> Vec<String> {
    let mut out: Vec<String> =
        [MACHINE, HARDWARE_CHANGE, LICENSE, FOLLOW_UP, CASE_PAIR, CHANGE_MACHINE, OPEN_CASE, super::refs::READ_CASES]
            .map(String::from)
            .to_vec();
    out.extend(super::search::statements());
    out
}

/// A new row and its name in the file (`machines[0]`).
pub(super) type Named<T> = (String, Row<T>);

/// The new rows of one chunk of an import, in the order they are written
/// (each refers only to rows before it).
#[derive(Debug, Default)]
pub(super) struct NewRows {
    pub machines: Vec<Named<NewMachine>>,
    pub changes: Vec<Named<ImportedChange>>,
    pub licenses: Vec<Named<NewLicense>>,
    pub cases: Vec<Named<ImportedCase>>,
    pub attempts: Vec<Named<ImportedAttempt>>,
    pub follow_ups: Vec<Named<NewFollowUp>>,
    pub attachments: Vec<Named<ImportedAttachment>>,
}

impl NewRows {
    /// How many rows it holds.
    pub fn len(&self) -> usize {
        self.machines.len()
            + self.changes.len()
            + self.licenses.len()
            + self.cases.len()
            + self.attempts.len()
            + self.follow_ups.len()
            + self.attachments.len()
    }
}

/// Write a chunk's new rows, on the writer's connection (`known`: what the
/// import found stored so far).
pub(super) fn write(store: &Store, conn: &Connection, known: &mut Known, rows: &NewRows) -> Result<(), StoreError> {
    for (at, row) in &rows.machines {
        machine(conn, row).map_err(|e| at_row(e, at))?;
    }
    for (at, row) in &rows.changes {
        reference_on(conn, Refs::Stored, Table::Machines, "machine_id", row.value.machine_id)
            .and_then(|()| hardware_change(conn, row))
            .map_err(|e| at_row(e, at))?;
    }
    for (at, row) in &rows.licenses {
        license(store, conn, row).map_err(|e| at_row(e, at))?;
    }
    for chunk in rows.cases.chunks(AT_ONCE) {
        cases(conn, known, chunk)?;
    }
    for chunk in rows.attempts.chunks(AT_ONCE) {
        store.import_attempts(conn, known, chunk)?;
    }
    for (at, row) in &rows.follow_ups {
        follow_up(conn, row).map_err(|e| at_row(e, at))?;
    }
    for (at, row) in &rows.attachments {
        attachment(store, conn, row).map_err(|e| at_row(e, at))?;
    }
    Ok(())
}

/// A machine; a live one needs a name no other live machine has.
fn machine(conn: &Connection, row: &Row<NewMachine>) -> Result<(), StoreError> {
    let (s, m) = (&row.stamps, &row.value);
    if s.archived_at.is_none() {
        if let Some(taken) = super::machines::name_in_use_on(conn, &m.name, s.id)? {
            return Err(StoreError::Invalid(FieldErrors::one(
                "name",
                super::machines::name_taken_msg(&m.name, &taken),
            )));
        }
    }
    let key = name_key(&m.name);
    conn.prepare_cached(MACHINE)?.execute(params![
        s.id,
        m.name,
        key,
        m.owner,
        m.notes,
        s.created_at,
        s.updated_at,
        s.archived_at
    ])?;
    Ok(())
}

/// A hardware change whose machine was checked.
fn hardware_change(conn: &Connection, row: &Row<ImportedChange>) -> Result<(), StoreError> {
    let (s, h) = (&row.stamps, &row.value.change);
    conn.prepare_cached(HARDWARE_CHANGE)?.execute(params![
        s.id,
        row.value.machine_id,
        h.changed_on.to_string(),
        h.parts_replaced.bits(),
        h.parts_kept.bits(),
        h.os_reinstalled,
        h.notes,
        s.created_at,
        s.updated_at,
        s.archived_at
    ])?;
    Ok(())
}

/// A license; its key, if it has one, is sealed first.
fn license(store: &Store, conn: &Connection, row: &Row<NewLicense>) -> Result<(), StoreError> {
    let (s, l) = (&row.stamps, &row.value);
    let key = store.key_to_store(conn, &l.product_key)?.unwrap_or(super::licenses::SealedKey::NONE);
    conn.prepare_cached(LICENSE)?.execute(params![
        s.id,
        l.product,
        l.edition,
        l.channel.as_str(),
        l.purchased_from,
        l.purchased_on.map(|d| d.to_string()),
        l.box_colour,
        key.sealed,
        key.last5,
        key.checks,
        key.hint,
        l.notes,
        s.created_at,
        s.updated_at,
        s.archived_at
    ])?;
    Ok(())
}

/// A chunk of cases in one statement, or, when it is refused, one by one
/// to name the row at fault.
fn cases(conn: &Connection, known: &mut Known, rows: &[Named<ImportedCase>]) -> Result<(), StoreError> {
    let mut written = Vec::with_capacity(rows.len());
    for (at, row) in rows {
        let c = &row.value.case;
        case_refs(conn, known, c).map_err(|e| at_row(e, at))?;
        written.push(cases::case_row(&NewRow::from(&row.stamps), c, row.value.closed_at.as_deref()));
    }
    let refused = keep_or_undo(conn, || cases::insert_rows_on(conn, &written).map(|_| ()))?;
    let Some(refused) = refused else { return Ok(()) };
    for (at, row) in rows {
        case(conn, known, row).map_err(|e| at_row(e, at))?;
    }
    // Written a row at a time, nothing was refused: the chunk's refusal stands.
    Err(refused)
}

/// One case; a live open case must be its pair's only one.
fn case(conn: &Connection, known: &mut Known, row: &Row<ImportedCase>) -> Result<(), StoreError> {
    let (s, c) = (&row.stamps, &row.value.case);
    case_refs(conn, known, c)?;
    if s.archived_at.is_none() && c.status == CaseStatus::Open {
        let open: Option<i64> =
            conn.prepare_cached(OPEN_CASE)?.query_row([c.machine_id, c.license_id], |r| r.get(0)).optional()?;
        if let Some(other) = open {
            return Err(StoreError::Invalid(FieldErrors::one("status", cases::already_open(other, c))));
        }
    }
    cases::insert_on(conn, &NewRow::from(s), c, row.value.closed_at.as_deref()).map(|_| ())
}

/// A case's machine, license and hardware change must be stored (the
/// change of that machine), unless its machine and license are known to be
/// stored and it names no hardware change.
fn case_refs(conn: &Connection, known: &mut Known, c: &NewCase) -> Result<(), StoreError> {
    let pair = [(Table::Machines, "machine_id", c.machine_id), (Table::Licenses, "license_id", c.license_id)];
    if c.hardware_change_id.is_none() && pair.iter().all(|(t, _, id)| known.has(*t, *id)) {
        return Ok(());
    }
    let mut errors = FieldErrors::default();
    for (table, field, id) in pair {
        match reference_on(conn, Refs::Stored, table, field, id) {
            Ok(()) => {}
            Err(StoreError::Invalid(e)) => errors.0.extend(e.0),
            Err(other) => return Err(other),
        }
    }
    if let Some(h) = c.hardware_change_id {
        let machine: Option<i64> = conn.prepare_cached(CHANGE_MACHINE)?.query_row([h], |r| r.get(0)).optional()?;
        if let Some(message) = cases::change_refused(h, machine, c.machine_id) {
            errors.0.extend(FieldErrors::one("hardware_change_id", message).0);
        }
    }
    if !errors.0.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    for (table, _, id) in pair {
        known.add(table, id);
    }
    Ok(())
}

/// The machine and license of the stored case `field` names.
pub(super) fn case_pair(conn: &Connection, case_id: i64, field: &str) -> Result<(i64, i64), StoreError> {
    let pair = conn.prepare_cached(CASE_PAIR)?.query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    pair.ok_or_else(|| {
        StoreError::Invalid(FieldErrors::one(field, bad_reference_message(Table::Cases, case_id, false)))
    })
}

/// A follow-up; its machine is the one given or its case's, both stored.
fn follow_up(conn: &Connection, row: &Row<NewFollowUp>) -> Result<(), StoreError> {
    let (s, f) = (&row.stamps, &row.value);
    let machine_id = super::follow_ups::machine_of_on(conn, f, Refs::Stored)?;
    conn.prepare_cached(FOLLOW_UP)?.execute(params![
        s.id,
        machine_id,
        f.case_id,
        f.text,
        f.due_on.map(|d| d.to_string()),
        f.done,
        s.created_at,
        s.updated_at,
        s.archived_at
    ])?;
    Ok(())
}

/// An attachment and its file, sealed as an upload's is; what it is
/// attached to must be stored. A row without its file is not written.
fn attachment(store: &Store, conn: &Connection, row: &Row<ImportedAttachment>) -> Result<(), StoreError> {
    let s = &row.stamps;
    let Some(a) = &row.value.file else { return Ok(()) };
    reference_on(conn, Refs::Stored, super::attachments::table_of(a.entity), "entity_id", a.entity_id)?;
    super::attachments::insert_on(store, conn, &NewRow::from(s), a)?;
    Ok(())
}
