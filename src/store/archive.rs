//! Archive and unarchive: the API never deletes, and a mistake is undone,
//! not typed again.
//!
//! Archiving a row leaves it in the database and in exports, and out of
//! lists and summaries. Rows that belong to it go with it:
//!
//! - a license's or a machine's cases and calls are archived *through* it
//!   (migration 35): only the license or machine is stamped, and every
//!   read of cases and calls (and of the copies kept from them: questions,
//!   case facts) leaves out those of an archived license or machine with
//!   [`LIVE_OWNERS`], and answers with their owner's stamp
//!   ([`OWN_OR_OWNERS`]). Archiving a license of 200,000 calls is one row.
//! - a case's calls and a machine's follow-ups (a few) are stamped with the
//!   same `archived_at`.
//!
//! Unarchiving brings back exactly the rows that went with it (those with
//! the same stamp, or archived through it), not rows archived on their own
//! before. A case or call of an archived license or machine is brought
//! back with it, not alone (409).
//!
//! What the database keeps copied from a call's or a case's own archived
//! state (each question's `attempt_archived`, each case's kept facts) is
//! brought in step here, once for all the rows a restamp touched, a
//! statement a set: no trigger watches `archived_at` (migration 33).
//!
//! Both writes run on the writer's rusqlite connection; [`statements`]
//! lists every statement they run, for their test.

use rusqlite::{params, Connection, OptionalExtension};

use super::refs::row_state_on;
use super::{attempts, statements, ConflictKind, Store, StoreError, Table, WriteCtx};
use crate::domain::{Page, PageRequest};

/// The condition, on a row of cases, attempts, `attempt_questions` or
/// `case_facts` (each holds its `license_id` and `machine_id`), that
/// neither its license nor its machine is archived. (The views are of
/// migration 35; a household has a few dozen licenses and machines, read
/// once a statement.) The compile-checked reads spell it out the same.
pub(super) const LIVE_OWNERS: &str = "license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines";

/// The archived stamp a case or a call answers with: its own, or else its
/// license's, or else its machine's.
pub(super) const OWN_OR_OWNERS: &str = "coalesce(\"archived_at\",
    (SELECT l.archived_at FROM licenses l WHERE l.id = license_id),
    (SELECT m.archived_at FROM machines m WHERE m.id = machine_id))";

/// Whether an attachment's entity is archived (its stamp, or `NULL`), on a
/// row of `attachments`: a license's or machine's own stamp, a case's or
/// call's own or its owners' ([`OWN_OR_OWNERS`]). An attachment is archived
/// through its entity, as a call is through its license: nothing is stamped
/// on it when its entity is archived, and it comes back with it.
macro_rules! entity_archived {
    () => {
        "CASE entity
          WHEN 'license' THEN (SELECT l.archived_at FROM licenses l WHERE l.id = entity_id)
          WHEN 'machine' THEN (SELECT m.archived_at FROM machines m WHERE m.id = entity_id)
          WHEN 'case' THEN (SELECT coalesce(c.archived_at,
                (SELECT l.archived_at FROM licenses l WHERE l.id = c.license_id),
                (SELECT m.archived_at FROM machines m WHERE m.id = c.machine_id)) FROM cases c WHERE c.id = entity_id)
          WHEN 'attempt' THEN (SELECT coalesce(a.archived_at,
                (SELECT l.archived_at FROM licenses l WHERE l.id = a.license_id),
                (SELECT m.archived_at FROM machines m WHERE m.id = a.machine_id)) FROM attempts a WHERE a.id = entity_id)
         END"
    };
}

/// The archived stamp an attachment answers with: its own, or else its
/// entity's ([`entity_archived`]).
pub(super) const ATTACHMENT_OWN_OR_ENTITY: &str = concat!("coalesce(\"archived_at\", ", entity_archived!(), ")");

/// The archived stamp a row of `table` answers with, as an expression on
/// that table's row: its own, or through what it belongs to.
pub(super) fn stamp_of(table: Table) -> &'static str {
    match table {
        Table::Cases | Table::Attempts => OWN_OR_OWNERS,
        Table::Attachments => ATTACHMENT_OWN_OR_ENTITY,
        Table::Machines | Table::Licenses | Table::HardwareChanges | Table::FollowUps => "archived_at",
    }
}

/// The rows that are archived with a row of `table`: (table, column naming it).
fn followers(table: Table) -> &'static [(Table, &'static str)] {
    match table {
        // Its cases and calls are archived through it (LIVE_OWNERS).
        Table::Machines => &[(Table::FollowUps, "machine_id")],
        Table::Cases => &[(Table::Attempts, "case_id")],
        Table::Licenses | Table::HardwareChanges | Table::Attempts | Table::FollowUps | Table::Attachments => &[],
    }
}

/// The statement of [`restamp`] for the rows of `table` named by `column`.
fn restamp_sql((table, column): (Table, &str)) -> String {
    // Table and column names come from closed sets, never from input; the values are bound.
    format!("UPDATE {} SET archived_at = ?1, updated_at = ?2 WHERE {column} = ?3 AND archived_at IS ?4", table.name())
}

/// Set `archived_at` (and `updated_at`) of the rows of `table` whose
/// `column` is `id` and whose `archived_at` is `from` (`None`: live rows).
fn restamp(
    conn: &Connection,
    named: (Table, &str),
    id: i64,
    from: Option<&str>,
    to: Option<&str>,
    now: &str,
) -> Result<usize, StoreError> {
    Ok(conn.prepare_cached(&restamp_sql(named))?.execute(params![to, now, id, from])?)
}

/// The calls and the cases whose kept copies a restamp of row `?1` of
/// `table` may change, as conditions on `attempts a` and on `cases c`
/// (`None`: no kept copy changes: the copies hold the rows' own state, and
/// a license's or machine's cases and calls keep theirs).
fn touched(table: Table) -> Option<(&'static str, &'static str)> {
    match table {
        Table::Cases => Some(("a.case_id = ?1", "c.id = ?1")),
        Table::Attempts => Some(("a.id = ?1", "c.id = (SELECT case_id FROM attempts WHERE id = ?1)")),
        Table::Machines | Table::Licenses | Table::HardwareChanges | Table::FollowUps | Table::Attachments => None,
    }
}

/// The statements of [`bring_in_step`] for `table` (none when nothing
/// kept is touched).
fn in_step_sql(table: Table) -> Vec<String> {
    let Some((calls, cases)) = touched(table) else { return Vec::new() };
    // The conditions come from the closed set above, never from input; the id is bound.
    vec![
        format!(
            "UPDATE attempt_questions SET attempt_archived = a.archived_at IS NOT NULL FROM attempts a
             WHERE {calls} AND attempt_questions.attempt_id = a.id
               AND attempt_questions.attempt_archived <> (a.archived_at IS NOT NULL)"
        ),
        format!("DELETE FROM case_facts WHERE case_id IN (SELECT c.id FROM cases c WHERE {cases})"),
        // The rows of the view `case_facts_live` (migration 25) for these
        // cases only: SQLite does not push an `IN` of the cases into the
        // view's grouping, and would group every call of the journal. The
        // store's tests hold the two to the same rows.
        format!(
            "INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
             SELECT s.case_id, s.machine_id, s.license_id, s.attempts,
                    s.case_id || '|' || s.machine_id || '|' || s.license_id || '|' || s.attempts || '|'
                        || f.started_at || '|' || coalesce(f.failure_reason, '') || '|' || f.local_date || '|'
                        || s.last_date || '|' || coalesce(v.started_at, '') || '|' || coalesce(v.local_date, ''),
                    s.first_date, s.last_date
             FROM (SELECT a.case_id, min(a.machine_id) AS machine_id, min(a.license_id) AS license_id,
                          count(*) AS attempts, min(a.local_date) AS first_date, max(a.local_date) AS last_date
                   FROM cases c JOIN attempts a ON a.case_id = c.id AND a.archived_at IS NULL
                   WHERE {cases} AND c.archived_at IS NULL
                   GROUP BY a.case_id) s
             JOIN attempts f ON f.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                                        ORDER BY started_utc, id LIMIT 1)
             LEFT JOIN attempts v ON v.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                                               AND result = 'activated' ORDER BY started_utc, id LIMIT 1)"
        ),
    ]
}

/// Bring the questions' copy of their call's archived state and the kept
/// facts of the cases touched by restamping row `id` of `table` (and the
/// rows that went with it) in step with the rows as they are now.
fn bring_in_step(conn: &Connection, table: Table, id: i64) -> Result<(), StoreError> {
    for sql in in_step_sql(table) {
        conn.prepare_cached(&sql)?.execute([id])?;
    }
    Ok(())
}

/// The archived entity of an attachment, if it is.
const ARCHIVED_ENTITY: &str = concat!(
    "SELECT entity AS owner, entity_id AS owner_id FROM attachments WHERE id = ?1 AND (",
    entity_archived!(),
    ") IS NOT NULL"
);

/// The statement of [`archived_owner`] for a row of `table`, if a row of
/// it can be archived through another.
fn owner_sql(table: Table) -> Option<String> {
    match table {
        Table::Attachments => Some(ARCHIVED_ENTITY.to_string()),
        // The table's name comes from a closed set, never from input; the id is bound.
        Table::Cases | Table::Attempts => Some(format!(
            "SELECT CASE WHEN license_id IN archived_licenses THEN 'license' ELSE 'machine' END AS owner, \
                    CASE WHEN license_id IN archived_licenses THEN license_id ELSE machine_id END AS owner_id
             FROM {} WHERE id = ?1 AND NOT ({LIVE_OWNERS})",
            table.name()
        )),
        Table::Machines | Table::Licenses | Table::HardwareChanges | Table::FollowUps => None,
    }
}

/// The archived license or machine of a case or a call, or the archived
/// row an attachment is attached to, if there is one: the row is archived
/// through it, and comes back with it, not alone.
fn archived_owner(conn: &Connection, table: Table, id: i64) -> Result<Option<(Table, i64)>, StoreError> {
    let Some(sql) = owner_sql(table) else { return Ok(None) };
    let owner: Option<(String, i64)> =
        conn.prepare_cached(&sql)?.query_row([id], |r| Ok((r.get("owner")?, r.get("owner_id")?))).optional()?;
    // Both statements name the owner by its entity's name (`license`, `machine`, …).
    owner.map(|(entity, id)| Ok((super::attachments::table_of(super::stored(&entity)?), id))).transpose()
}

/// The statements the archive and unarchive of every table run, for their test.
pub(super) fn statements() -> Vec<String> {
    let mut out = Vec::new();
    for table in Table::ALL {
        out.push(restamp_sql((table, "id")));
        out.extend(followers(table).iter().map(|f| restamp_sql(*f)));
        out.extend(in_step_sql(table));
        out.extend(owner_sql(table));
    }
    out
}

impl Store {
    /// Archive one row and the rows that go with it. A row that is already
    /// archived is a conflict that says how to bring it back. (The API's
    /// `archive_<entity>` name the table; the pages and the command line,
    /// which know the table already, call this as they call [`Store::unarchive`].)
    pub async fn archive(&self, ctx: &WriteCtx<'_>, table: Table, id: i64) -> Result<(), StoreError> {
        on_thread!(self, ctx, [], |conn, this| {
            match row_state_on(conn, table, id)? {
                None => return Err(table.not_found(id)),
                Some(Some(_)) => {
                    return Err(StoreError::Conflict(
                        ConflictKind::AlreadyArchived,
                        crate::i18n::Msg::new("msg.already_archived").noun("what", table.noun()).arg("id", id),
                    ))
                }
                Some(None) => {}
            }
            ctx.check_version_on(conn, table, id)?;
            let now = crate::domain::time::now_system();
            restamp(conn, (table, "id"), id, None, Some(&now), &now)?;
            for follower in followers(table) {
                restamp(conn, *follower, id, None, Some(&now), &now)?;
            }
            bring_in_step(conn, table, id)?;
            if table == Table::Attempts {
                attempts::sync_case_on(conn, attempts::case_of_on(conn, id)?)?;
            }
            statements::audit(conn, ctx.actor, "archive", table.entity(), Some(id), &[])
        })
    }

    /// Bring back an archived row and the rows archived with it. Refused
    /// (409) when that would break a rule: a machine name now in use, a
    /// second open case for a pair, an attempt of a case that is archived.
    pub async fn unarchive(&self, ctx: &WriteCtx<'_>, table: Table, id: i64) -> Result<(), StoreError> {
        on_thread!(self, ctx, [], |conn, this| {
            let archived_at = match row_state_on(conn, table, id)? {
                None => return Err(table.not_found(id)),
                Some(None) => {
                    return Err(StoreError::Conflict(
                        ConflictKind::NotArchived,
                        crate::i18n::Msg::new("msg.not_archived").noun("what", table.noun()).arg("id", id),
                    ));
                }
                Some(Some(at)) => at,
            };
            ctx.check_version_on(conn, table, id)?;
            if let Some((owner, owner_id)) = archived_owner(conn, table, id)? {
                return Err(StoreError::Conflict(
                    ConflictKind::ParentArchived,
                    crate::i18n::Msg::new("msg.owner_archived")
                        .noun("what", table.noun())
                        .arg("id", id)
                        .noun("owner", owner.noun())
                        .arg("owner_id", owner_id),
                ));
            }
            // Checked before anything is back: the database's unique indexes
            // would refuse it too, with a vaguer message.
            if table == Table::Machines {
                super::machines::name_free_on(conn, id)?;
            }
            if table == Table::Cases {
                super::cases::no_other_open_case_on(conn, id)?;
            }
            let now = crate::domain::time::now_system();
            restamp(conn, (table, "id"), id, Some(&archived_at), None, &now)?;
            for follower in followers(table) {
                restamp(conn, *follower, id, Some(&archived_at), None, &now)?;
            }
            bring_in_step(conn, table, id)?;
            still_valid(conn, table, id)?;
            statements::audit(conn, ctx.actor, "unarchive", table.entity(), Some(id), &[])
        })
    }
}

/// The rules a row brought back must keep that are checked once it is back.
fn still_valid(conn: &Connection, table: Table, id: i64) -> Result<(), StoreError> {
    match table {
        Table::Machines | Table::Cases | Table::Licenses => Ok(()),
        Table::Attempts => {
            let case_id = attempts::case_of_on(conn, id)?;
            if matches!(row_state_on(conn, Table::Cases, case_id)?, Some(Some(_))) {
                return Err(StoreError::Conflict(
                    ConflictKind::ParentArchived,
                    crate::i18n::Msg::new("msg.parent_archived").arg("id", id).arg("case", case_id),
                ));
            }
            attempts::sync_case_on(conn, case_id)
        }
        Table::HardwareChanges | Table::FollowUps | Table::Attachments => Ok(()),
    }
}

impl Store {
    /// The ids of the archived rows of `table`, a page at a time (by id):
    /// what the pages offer to bring back.
    pub async fn archived(&self, table: Table, page: &PageRequest) -> Result<Page<i64>, StoreError> {
        // The table's name comes from a closed set, never from input; the values are bound.
        let sql =
            format!("SELECT id FROM {} WHERE archived_at IS NOT NULL AND id > ?1 ORDER BY id LIMIT ?2", table.name());
        let ids: Vec<i64> =
            sqlx::query_scalar(&sql).bind(page.after.0).bind(page.limit + 1).fetch_all(&self.pool).await?;
        Ok(Page::from_rows(ids, page.limit, |id| *id))
    }
}
