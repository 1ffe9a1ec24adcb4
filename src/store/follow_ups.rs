//! SQL of follow-ups. Their writes run on the writer's rusqlite
//! connection ([`statements`]); reads, the export and the import use sqlx.

use rusqlite::{params, Connection, OptionalExtension};
use sqlx::SqliteConnection;

use super::refs::reference_on;
use super::{statements, stored_date, visible, Created, Refs, Store, StoreError, Table, WriteCtx};
use crate::domain::time::now_system;
use crate::domain::{FieldErrors, FollowUp, FollowUpPatch, NewFollowUp, Page, PageRequest};

super::rows::by_name! {
    struct Row {
        id: i64,
        machine_id: i64,
        case_id: Option<i64>,
        text: String,
        due_on: Option<String>,
        done: bool,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

impl TryFrom<Row> for FollowUp {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(FollowUp {
            id: r.id,
            machine_id: r.machine_id,
            case_id: r.case_id,
            text: r.text,
            due_on: r.due_on.as_deref().map(stored_date).transpose()?,
            done: r.done,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        })
    }
}

pub(super) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<FollowUp>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, case_id, text, due_on, done AS "done: bool", created_at, updated_at, archived_at
           FROM follow_ups WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .map(FollowUp::try_from)
    .transpose()
}

/// The follow-ups of a machine, archived ones too if asked (for the timeline).
pub(super) async fn of_machine(
    conn: &mut SqliteConnection,
    machine_id: i64,
    include_archived: bool,
    after: &super::chunk::After,
) -> Result<Vec<FollowUp>, StoreError> {
    // Rank 3 among the timeline's kinds; its time is the household's local
    // midnight of the day it is due (compared by day: `After::day`), or,
    // with no day, its creation. Two reads, each in its own order; the
    // timeline merges them.
    let (at, rank, id, limit) = (&after.at, after.rank, after.id, after.limit);
    let (day, at_midnight) = (&after.day, after.at_midnight);
    let mut rows = sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, case_id, text, due_on, done AS "done: bool", created_at, updated_at, archived_at
           FROM follow_ups
           WHERE machine_id = ?1 AND (?2 OR archived_at IS NULL) AND due_on IS NOT NULL
             AND (due_on > ?3 OR (due_on = ?3 AND ?7 AND (3 > ?4 OR (3 = ?4 AND id > ?5))))
           ORDER BY due_on, id LIMIT ?6"#,
        machine_id,
        include_archived,
        day,
        rank,
        id,
        limit,
        at_midnight
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.extend(
        sqlx::query_as!(
            Row,
            r#"SELECT id AS "id!", machine_id, case_id, text, due_on, done AS "done: bool", created_at, updated_at, archived_at
               FROM follow_ups
               WHERE machine_id = ?1 AND (?2 OR archived_at IS NULL) AND due_on IS NULL
                 AND (created_at > ?3 OR (created_at = ?3 AND (3 > ?4 OR (3 = ?4 AND id > ?5))))
               ORDER BY created_at, id LIMIT ?6"#,
            machine_id,
            include_archived,
            at,
            rank,
            id,
            limit
        )
        .fetch_all(&mut *conn)
        .await?,
    );
    rows.into_iter().map(FollowUp::try_from).collect()
}

/// Follow-ups not done, of one machine or all (for the `open` summary).
pub(super) async fn pending(conn: &mut SqliteConnection, machine_id: Option<i64>) -> Result<Vec<FollowUp>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, case_id, text, due_on, done AS "done: bool", created_at, updated_at, archived_at
           FROM follow_ups WHERE done = 0 AND archived_at IS NULL AND (?1 IS NULL OR machine_id = ?1)
           ORDER BY due_on IS NULL, due_on, id"#,
        machine_id
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(FollowUp::try_from)
    .collect()
}

const FETCH: &str = "SELECT id, machine_id, case_id, text, due_on, done, created_at, updated_at, archived_at
     FROM follow_ups WHERE id = ?";
const CREATE: &str =
    "INSERT INTO follow_ups (machine_id, case_id, text, due_on, done, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     RETURNING id, machine_id, case_id, text, due_on, done, created_at, updated_at, archived_at";
const UPDATE: &str =
    "UPDATE follow_ups SET machine_id = ?, case_id = ?, text = ?, due_on = ?, done = ?, updated_at = ? WHERE id = ?
     RETURNING id, machine_id, case_id, text, due_on, done, created_at, updated_at, archived_at";

/// The statements of follow-ups the writer's writes run on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    [FETCH, CREATE, UPDATE].map(String::from).to_vec()
}

/// [`fetch`] on the writer's rusqlite connection.
pub(super) fn fetch_on(conn: &Connection, id: i64) -> Result<Option<FollowUp>, StoreError> {
    conn.prepare_cached(FETCH)?.query_row([id], Row::by_name).optional()?.map(FollowUp::try_from).transpose()
}

/// The machine a follow-up belongs to: the one given, or its case's. Both
/// must name rows as `refs` says (live for a write of the API or the
/// command line, stored for an import).
pub(super) fn machine_of_on(conn: &Connection, f: &NewFollowUp, refs: Refs) -> Result<i64, StoreError> {
    let case = match f.case_id {
        Some(case_id) => Some(cases_machine_on(conn, case_id, refs)?),
        None => None,
    };
    match (f.machine_id, case) {
        (Some(m), Some((case_id, machine_id))) if machine_id != m => Err(other_machine(case_id, machine_id, m)),
        (_, Some((_, machine_id))) => Ok(machine_id),
        (Some(m), None) => {
            reference_on(conn, refs, Table::Machines, "machine_id", m)?;
            Ok(m)
        }
        (None, None) => Err(no_machine()),
    }
}

/// The machine of the case `case_id` names (live, or only stored as
/// `refs` says), or the field error of `case_id`.
fn cases_machine_on(conn: &Connection, case_id: i64, refs: Refs) -> Result<(i64, i64), StoreError> {
    let found: Option<(i64, bool)> = conn
        .prepare_cached(super::attempts::CASE_OF_CALL)?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(2)?)))
        .optional()?;
    match found {
        Some((machine_id, live)) if live || refs == Refs::Stored => Ok((case_id, machine_id)),
        found => Err(super::refs::bad_reference(Table::Cases, "case_id", case_id, found.is_some())),
    }
}

/// A follow-up naming a machine and a case of another machine.
fn other_machine(case_id: i64, machine_id: i64, named: i64) -> StoreError {
    StoreError::Invalid(FieldErrors::one(
        "machine_id",
        crate::i18n::Msg::new("msg.case_of_other_machine")
            .arg("case", case_id)
            .arg("machine", machine_id)
            .arg("not", named),
    ))
}

/// A follow-up naming neither a machine nor a case.
fn no_machine() -> StoreError {
    StoreError::Invalid(FieldErrors::one("machine_id", crate::i18n::Msg::new("msg.machine_or_case")))
}

impl Store {
    /// Add a follow-up.
    pub async fn create_follow_up(&self, ctx: &WriteCtx<'_>, f: &NewFollowUp) -> Result<Created<FollowUp>, StoreError> {
        on_thread!(self, ctx, [f], |conn, this| {
            if let Some(r) = statements::replay(conn, ctx)? {
                return Ok(r);
            }
            let machine_id = machine_of_on(conn, f, Refs::Live)?;
            let now = now_system();
            let due_on = f.due_on.map(|d| d.to_string());
            let row = conn
                .prepare_cached(CREATE)?
                .query_row(params![machine_id, f.case_id, f.text, due_on, f.done, now, now], Row::by_name)?;
            let value = FollowUp::try_from(row)?;
            statements::finish_create(conn, ctx, Table::FollowUps, value.id, value)
        })
    }

    /// One follow-up.
    pub async fn follow_up(&self, id: i64, include_archived: bool) -> Result<FollowUp, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::FollowUps, id)
    }

    /// Follow-ups by id, optionally of a machine or case, done or not.
    pub async fn follow_ups(
        &self,
        page: &PageRequest,
        machine_id: Option<i64>,
        case_id: Option<i64>,
        done: Option<bool>,
    ) -> Result<Page<FollowUp>, StoreError> {
        let limit = page.limit + 1;
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id AS "id!", machine_id, case_id, text, due_on, done AS "done: bool", created_at, updated_at, archived_at
               FROM follow_ups
               WHERE id > ?1 AND (?2 OR archived_at IS NULL) AND (?3 IS NULL OR machine_id = ?3)
                 AND (?4 IS NULL OR case_id = ?4) AND (?5 IS NULL OR done = ?5)
               ORDER BY id LIMIT ?6"#,
            page.after.0,
            page.include_archived,
            machine_id,
            case_id,
            done,
            limit
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(FollowUp::try_from)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(rows, page.limit, |f| f.id))
    }

    /// Change the fields a patch names.
    pub async fn update_follow_up(
        &self,
        ctx: &WriteCtx<'_>,
        id: i64,
        patch: &FollowUpPatch,
    ) -> Result<FollowUp, StoreError> {
        on_thread!(self, ctx, [patch], |conn, this| {
            let current = visible(fetch_on(conn, id)?, false, Table::FollowUps, id)?;
            ctx.check_version(&current)?;
            let f = NewFollowUp::from(&current).patched(patch).map_err(StoreError::Invalid)?;
            let machine_id = machine_of_on(conn, &f, Refs::Live)?;
            let due_on = f.due_on.map(|d| d.to_string());
            let updated = conn
                .prepare_cached(UPDATE)?
                .query_row(params![machine_id, f.case_id, f.text, due_on, f.done, now_system(), id], Row::by_name)
                .optional()?
                .map(FollowUp::try_from)
                .transpose()?;
            statements::finish_update(updated, conn, ctx, Table::FollowUps, id, &patch.fields())
        })
    }

    /// Archive a follow-up.
    pub async fn archive_follow_up(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::FollowUps, id).await
    }
}

/// Every follow-up, archived ones too (for export).
pub(super) async fn chunk(conn: &mut SqliteConnection, after: i64, limit: i64) -> Result<Vec<FollowUp>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, case_id, text, due_on, done AS "done: bool", created_at, updated_at, archived_at
           FROM follow_ups WHERE id > ? ORDER BY id LIMIT ?"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(FollowUp::try_from)
    .collect()
}
