//! SQL of cases, including the one open case per machine and license.

use super::ConflictKind;
use sqlx::SqliteConnection;

use super::rows::{row, Statement};
use super::{statements, stored, visible, Created, NewRow, Refs, Store, StoreError, Table, WriteCtx};
use crate::domain::case::check_open_before_closed;
use crate::domain::time::{now_system, Zone};
use crate::domain::CallerTime;
use crate::domain::{Case, CasePatch, CaseStatus, FieldErrors, NewCase, Page, PageRequest, Trigger};
use rusqlite::{params, OptionalExtension};

super::rows::by_name! {
    pub(super) struct Row {
        id: i64,
        machine_id: i64,
        license_id: i64,
        trigger: String,
        hardware_change_id: Option<i64>,
        status: String,
        opened_at: String,
        closed_at: Option<String>,
        notes: Option<String>,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

impl TryFrom<Row> for Case {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Case {
            id: r.id,
            machine_id: r.machine_id,
            license_id: r.license_id,
            trigger: stored(&r.trigger)?,
            hardware_change_id: r.hardware_change_id,
            status: stored(&r.status)?,
            opened_at: r.opened_at,
            closed_at: r.closed_at,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        })
    }
}

/// What [`no_other_open_case_on`] reads: the pair of case `?1` when it is
/// open and the pair has another open live case.
const OTHER_OPEN_CASE: &str = "SELECT c.machine_id, c.license_id FROM cases c
     WHERE c.id = ?1 AND c.status = 'open'
       AND EXISTS (SELECT 1 FROM cases o WHERE o.machine_id = c.machine_id AND o.license_id = c.license_id
                   AND o.status = 'open' AND o.archived_at IS NULL)
     LIMIT 1";

/// One case as [`fetch`] reads it (its archived stamp its own or its owners').
const FETCH: &str =
    "SELECT id, machine_id, license_id, \"trigger\", hardware_change_id, status, opened_at, closed_at, notes,
            created_at, updated_at,
            coalesce(archived_at, (SELECT l.archived_at FROM licenses l WHERE l.id = license_id),
                     (SELECT m.archived_at FROM machines m WHERE m.id = machine_id)) AS archived_at
     FROM cases WHERE id = ?";

/// [`fetch`] on the writer's rusqlite connection.
pub(super) fn fetch_on(conn: &rusqlite::Connection, id: i64) -> Result<Option<Case>, StoreError> {
    conn.prepare_cached(FETCH)?.query_row([id], Row::by_name).optional()?.map(Case::try_from).transpose()
}

pub(super) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<Case>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, license_id, "trigger", hardware_change_id, status, opened_at, closed_at, notes,
                  created_at, updated_at,
                  coalesce(archived_at, (SELECT l.archived_at FROM licenses l WHERE l.id = license_id),
                           (SELECT m.archived_at FROM machines m WHERE m.id = machine_id)) AS "archived_at?: String"
           FROM cases WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .map(Case::try_from)
    .transpose()
}

/// The cases of a machine, archived ones too if asked (for the timeline),
/// each with the instant it opened (UTC milliseconds: the order, whatever
/// the offsets).
pub(super) async fn of_machine(
    conn: &mut SqliteConnection,
    machine_id: i64,
    include_archived: bool,
    after: &super::chunk::After,
) -> Result<Vec<(i64, Case)>, StoreError> {
    // Rank 1 among the timeline's kinds; its time is `opened_at`'s instant.
    let (at, rank, id, limit) = (after.at_millis, after.rank, after.id, after.limit);
    sqlx::query!(
        r#"SELECT opened_utc AS "opened_utc!: i64", id AS "id!", machine_id, license_id, "trigger", hardware_change_id,
                  status, opened_at, closed_at, notes, created_at, updated_at,
                  coalesce(archived_at, (SELECT l.archived_at FROM licenses l WHERE l.id = license_id),
                           (SELECT m.archived_at FROM machines m WHERE m.id = machine_id)) AS "archived_at?: String"
           FROM cases INDEXED BY cases_machine_opened
           WHERE machine_id = ?1
             AND (?2 OR (archived_at IS NULL AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines))
             AND opened_utc >= ?3 AND (opened_utc > ?3 OR 1 > ?4 OR (1 = ?4 AND id > ?5))
           ORDER BY opened_utc, id LIMIT ?6"#,
        machine_id,
        include_archived,
        at,
        rank,
        id,
        limit
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        let row = Row {
            id: r.id,
            machine_id: r.machine_id,
            license_id: r.license_id,
            trigger: r.trigger,
            hardware_change_id: r.hardware_change_id,
            status: r.status,
            opened_at: r.opened_at,
            closed_at: r.closed_at,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        };
        Ok((r.opened_utc, Case::try_from(row)?))
    })
    .collect()
}

row! {
    /// A case's row as written, by column name: one list for a case opened
    /// (by itself or by a call) and for an import's chunks.
    #[derive(serde::Serialize)]
    pub(super) struct Written in "cases" {
        id: Option<i64>,
        machine_id: i64,
        license_id: i64,
        trigger: &'static str,
        hardware_change_id: Option<i64>,
        status: &'static str,
        opened_at: String,
        closed_at: Option<String>,
        notes: Option<String>,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

pub(super) fn case_row(row: &NewRow, c: &NewCase, closed_at: Option<&str>) -> Written {
    Written {
        id: row.id,
        machine_id: c.machine_id,
        license_id: c.license_id,
        trigger: c.trigger.as_str(),
        hardware_change_id: c.hardware_change_id,
        status: c.status.as_str(),
        opened_at: c.opened_at.clone().unwrap_or_else(|| row.created_at.clone()),
        closed_at: closed_at.map(str::to_string),
        notes: c.notes.clone(),
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
        archived_at: row.archived_at.clone(),
    }
}

/// Insert cases given as one JSON array of [`Written`] rows (an id of null
/// is given one), in one statement: the one insert of cases, of one opened
/// and of an import's hundreds alike. Returns their ids.
/// The one insert of cases: rows given as one JSON array of [`Written`].
static INSERT: Statement = Statement::new(|| format!("{} RETURNING id", Written::COLUMNS.insert()));

/// The machine of a hardware change a case names, if it is live.
const CHANGE_OWNER: &str = "SELECT machine_id FROM hardware_changes WHERE id = ? AND archived_at IS NULL";
/// The open live case of a pair.
const OPEN_CASE_OF: &str =
    "SELECT id FROM cases WHERE machine_id = ? AND license_id = ? AND status = 'open' AND archived_at IS NULL";
const UPDATE: &str = r#"UPDATE cases SET "trigger" = ?1, hardware_change_id = ?2, status = ?3, opened_at = ?4,
       closed_at = ?5, notes = ?6, updated_at = ?7 WHERE id = ?8"#;

/// The statements of cases the writer's writes run on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    let mut out = vec![INSERT.to_string()];
    out.extend([FETCH, OTHER_OPEN_CASE, CHANGE_OWNER, OPEN_CASE_OF, UPDATE].map(String::from));
    out
}

/// [`check_refs`] of a case written by hand (its references live), on the
/// writer's rusqlite connection.
fn check_refs_on(conn: &rusqlite::Connection, c: &NewCase) -> Result<(), StoreError> {
    let mut errors = FieldErrors::default();
    for (table, field, id) in
        [(Table::Machines, "machine_id", c.machine_id), (Table::Licenses, "license_id", c.license_id)]
    {
        match super::refs::reference_on(conn, Refs::Live, table, field, id) {
            Ok(()) => {}
            Err(StoreError::Invalid(e)) => errors.0.extend(e.0),
            Err(other) => return Err(other),
        }
    }
    let owner = match c.hardware_change_id {
        Some(h) => conn.prepare_cached(CHANGE_OWNER)?.query_row([h], |r| r.get(0)).optional()?,
        None => None,
    };
    refs_refused(errors, c, owner)
}

/// [`only_open_case`] on the writer's rusqlite connection.
fn only_open_case_on(conn: &rusqlite::Connection, c: &NewCase, this: Option<i64>) -> Result<(), StoreError> {
    if c.status != CaseStatus::Open {
        return Ok(());
    }
    let other = conn.prepare_cached(OPEN_CASE_OF)?.query_row([c.machine_id, c.license_id], |r| r.get(0)).optional()?;
    open_case_clash(other, c, this)
}

/// [`insert`] on the writer's rusqlite connection.
pub(super) fn insert_on(
    conn: &rusqlite::Connection,
    row: &NewRow,
    c: &NewCase,
    closed_at: Option<&str>,
) -> Result<i64, StoreError> {
    match insert_rows_on(conn, &[case_row(row, c, closed_at)])?.as_slice() {
        [id] => Ok(*id),
        _ => Err(StoreError::Corrupt("an insert of one case did not give back one id".into())),
    }
}

/// [`insert_rows`] on the writer's rusqlite connection.
pub(super) fn insert_rows_on(conn: &rusqlite::Connection, rows: &[Written]) -> Result<Vec<i64>, StoreError> {
    let rows = serde_json::to_string(rows).map_err(|e| StoreError::Corrupt(format!("a case as JSON: {e}")))?;
    Ok(conn.prepare_cached(&INSERT)?.query_map([rows], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?)
}

/// The refusal of a case's references, if any: `errors` of its machine
/// and license, and of its hardware change, whose machine is `owner`
/// (`None`: there is no such change, or it may not be named).
fn refs_refused(mut errors: FieldErrors, c: &NewCase, owner: Option<i64>) -> Result<(), StoreError> {
    if let Some(h) = c.hardware_change_id {
        if let Some(message) = change_refused(h, owner, c.machine_id) {
            errors.0.extend(FieldErrors::one("hardware_change_id", message).0);
        }
    }
    if errors.0.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// What is wrong with a case's hardware change `h` of machine `owner`
/// (`None`: not there) for a case of `machine_id`.
pub(super) fn change_refused(h: i64, owner: Option<i64>, machine_id: i64) -> Option<crate::i18n::Msg> {
    match owner {
        None => Some(super::refs::bad_reference_message(Table::HardwareChanges, h, false)),
        Some(m) if m != machine_id => Some(
            crate::i18n::Msg::new("msg.change_of_other_machine").arg("id", h).arg("machine", m).arg("not", machine_id),
        ),
        Some(_) => None,
    }
}

/// Before an archived case comes back: it is not open while its pair has
/// another open case. (A license's or machine's cases are archived through
/// it and never leave the pair's open case index, so only a case's own
/// unarchive can clash.)
/// (On the writer's rusqlite connection.)
pub(super) fn no_other_open_case_on(conn: &rusqlite::Connection, id: i64) -> Result<(), StoreError> {
    let clash: Option<(i64, i64)> = conn
        .prepare_cached(OTHER_OPEN_CASE)?
        .query_row([id], |r| Ok((r.get("machine_id")?, r.get("license_id")?)))
        .optional()?;
    match clash {
        Some((m, l)) => Err(StoreError::Conflict(
            ConflictKind::OpenCaseExists,
            crate::i18n::Msg::new("msg.pair_has_open_case").arg("machine", m).arg("license", l),
        )),
        None => Ok(()),
    }
}

/// What a case says when its pair has the open case `other` already.
pub(super) fn already_open(other: i64, c: &NewCase) -> crate::i18n::Msg {
    crate::i18n::Msg::new("msg.case_already_open")
        .arg("case", other)
        .arg("machine", c.machine_id)
        .arg("license", c.license_id)
}

/// The refusal of an open case `c` when its pair's open case is `other`
/// and that is not `this` (the case itself, on update).
fn open_case_clash(other: Option<i64>, c: &NewCase, this: Option<i64>) -> Result<(), StoreError> {
    match other {
        Some(other) if Some(other) != this => {
            Err(StoreError::Conflict(ConflictKind::OpenCaseExists, already_open(other, c)))
        }
        _ => Ok(()),
    }
}

/// A time a case is given by hand (opened or closed with no call to say
/// when): now, in whole seconds, with the household's offset at it.
fn by_hand(zone: &Zone) -> String {
    use chrono::SubsecRound as _;
    in_household(zone, chrono::Utc::now().trunc_subsecs(0))
}

/// An instant as a case's time with the household's offset at it (canonical).
fn in_household(zone: &Zone, at: chrono::DateTime<chrono::Utc>) -> String {
    CallerTime::from_instant(zone.at(at)).text().to_string()
}

impl Store {
    /// Open a case. Without `opened_at` it opens now, and a case created
    /// closed closes now, with the household's offset.
    pub async fn create_case(&self, ctx: &WriteCtx<'_>, c: &NewCase) -> Result<Created<Case>, StoreError> {
        on_thread!(self, ctx, [c], |conn, this| {
            if let Some(r) = statements::replay(conn, ctx)? {
                return Ok(r);
            }
            check_refs_on(conn, c)?;
            only_open_case_on(conn, c, None)?;
            let row = NewRow::now();
            let now = by_hand(&this.zone());
            let c = &NewCase { opened_at: Some(c.opened_at.clone().unwrap_or_else(|| now.clone())), ..c.clone() };
            let closed_at = (c.status != CaseStatus::Open).then_some(now.as_str());
            if let Some(opened_at) = &c.opened_at {
                check_open_before_closed(opened_at, closed_at).map_err(StoreError::Invalid)?;
            }
            let id = insert_on(conn, &row, c, closed_at)?;
            let value = visible(fetch_on(conn, id)?, false, Table::Cases, id)?;
            statements::finish_create(conn, ctx, Table::Cases, id, value)
        })
    }

    /// One case.
    pub async fn case(&self, id: i64, include_archived: bool) -> Result<Case, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::Cases, id)
    }

    /// Cases by id, optionally of one machine, license or status.
    pub async fn cases(
        &self,
        page: &PageRequest,
        machine_id: Option<i64>,
        license_id: Option<i64>,
        status: Option<CaseStatus>,
    ) -> Result<Page<Case>, StoreError> {
        let limit = page.limit + 1;
        let status = status.map(|s| s.as_str());
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id AS "id!", machine_id, license_id, "trigger", hardware_change_id, status, opened_at, closed_at, notes,
                      created_at, updated_at,
                      coalesce(archived_at, (SELECT l.archived_at FROM licenses l WHERE l.id = license_id),
                               (SELECT m.archived_at FROM machines m WHERE m.id = machine_id)) AS "archived_at?: String"
               FROM cases
               WHERE id > ?
                 AND (? OR (archived_at IS NULL AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines))
                 AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4) AND (?5 IS NULL OR status = ?5)
               ORDER BY id LIMIT ?6"#,
            page.after.0,
            page.include_archived,
            machine_id,
            license_id,
            status,
            limit
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(Case::try_from)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(rows, page.limit, |c| c.id))
    }

    /// Change the fields a patch names. Closing a case stamps `closed_at`
    /// (now, with the household's offset); reopening clears it (and needs
    /// the pair to have no other open case).
    pub async fn update_case(&self, ctx: &WriteCtx<'_>, id: i64, patch: &CasePatch) -> Result<Case, StoreError> {
        on_thread!(self, ctx, [patch], |conn, this| {
            let current = visible(fetch_on(conn, id)?, false, Table::Cases, id)?;
            ctx.check_version(&current)?;
            let c = NewCase::from(&current).patched(patch).map_err(StoreError::Invalid)?;
            check_refs_on(conn, &c)?;
            only_open_case_on(conn, &c, Some(id))?;
            let closing = by_hand(&this.zone());
            let closed_at = match (current.status, c.status) {
                (_, CaseStatus::Open) => None,
                (CaseStatus::Open, _) => Some(closing),
                (_, _) => current.closed_at.clone().or(Some(closing)),
            };
            let opened_at = c.opened_at.clone().unwrap_or_else(|| current.opened_at.clone());
            check_open_before_closed(&opened_at, closed_at.as_deref()).map_err(StoreError::Invalid)?;
            conn.prepare_cached(UPDATE)?.execute(params![
                c.trigger.as_str(),
                c.hardware_change_id,
                c.status.as_str(),
                opened_at,
                closed_at,
                c.notes,
                now_system(),
                id
            ])?;
            statements::finish_update(fetch_on(conn, id)?, conn, ctx, Table::Cases, id, &patch.fields())
        })
    }

    /// Archive a case.
    pub async fn archive_case(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::Cases, id).await
    }
}

/// A new case for an attempt that named only its machine and license.
pub(super) fn for_attempt(machine_id: i64, license_id: i64, trigger: Trigger, opened_at: String) -> NewCase {
    NewCase {
        machine_id,
        license_id,
        trigger,
        hardware_change_id: None,
        status: CaseStatus::Open,
        opened_at: Some(opened_at),
        notes: None,
    }
}

/// Give the cases whose times no call gave (listed by the migration that
/// gave cases' times offsets) the household's offset kept in the journal,
/// a page at a time; without one they stay in UTC. Returns how many
/// cases were changed.
pub(super) async fn zone_unzoned(conn: &mut SqliteConnection) -> Result<u64, StoreError> {
    let kept = sqlx::query_scalar!("SELECT value FROM household_settings WHERE name = 'time_zone'")
        .fetch_optional(&mut *conn)
        .await?;
    let zone = kept.and_then(|name| Zone::parse(&name).ok());
    let Some(zone) = zone else { return finish_unzoned(conn, 0).await };
    let (mut changed, mut after) = (0, 0);
    loop {
        let page = sqlx::query!(
            r#"SELECT u.id AS "id!", u.opened AS "opened: bool", u.closed AS "closed: bool", c.opened_at, c.closed_at
               FROM cases_unzoned u JOIN cases c ON c.id = u.id WHERE u.id > ? ORDER BY u.id LIMIT 500"#,
            after
        )
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let zoned = |text: String| match CallerTime::parse_stored(&text) {
            Ok(t) => in_household(&zone, t.at().to_utc()),
            Err(_) => text,
        };
        for u in page {
            let opened_at = if u.opened { zoned(u.opened_at) } else { u.opened_at };
            let closed_at = if u.closed { u.closed_at.map(zoned) } else { u.closed_at };
            sqlx::query!("UPDATE cases SET opened_at = ?, closed_at = ? WHERE id = ?", opened_at, closed_at, u.id)
                .execute(&mut *conn)
                .await?;
            changed += 1;
        }
    }
    finish_unzoned(conn, changed).await
}

/// Empty the list of cases to give the household's offset: done.
async fn finish_unzoned(conn: &mut SqliteConnection, changed: u64) -> Result<u64, StoreError> {
    sqlx::query!("DELETE FROM cases_unzoned").execute(&mut *conn).await?;
    Ok(changed)
}

/// Every case, archived ones too (for export).
pub(super) async fn chunk(conn: &mut SqliteConnection, after: i64, limit: i64) -> Result<Vec<Case>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, license_id, "trigger", hardware_change_id, status, opened_at, closed_at, notes,
                  created_at, updated_at, archived_at
           FROM cases WHERE id > ? ORDER BY id LIMIT ?"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(Case::try_from)
    .collect()
}
