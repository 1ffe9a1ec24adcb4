//! SQL of hardware changes.

use rusqlite::{params, Connection, OptionalExtension};
use sqlx::SqliteConnection;

use super::refs::reference_on;
use super::{reference, statements, stored_date, visible, Created, Refs, Store, StoreError, Table, WriteCtx};
use crate::domain::enums::PartSet;
use crate::domain::time::now_system;
use crate::domain::{HardwareChange, HardwareChangePatch, NewHardwareChange, Page, PageRequest};

super::rows::by_name! {
    struct Row {
        id: i64,
        machine_id: i64,
        changed_on: String,
        parts_replaced: i64,
        parts_kept: i64,
        os_reinstalled: bool,
        notes: Option<String>,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

impl TryFrom<Row> for HardwareChange {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(HardwareChange {
            id: r.id,
            machine_id: r.machine_id,
            changed_on: stored_date(&r.changed_on)?,
            parts_replaced: PartSet::from_bits(r.parts_replaced).parts(),
            parts_kept: PartSet::from_bits(r.parts_kept).parts(),
            os_reinstalled: r.os_reinstalled,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        })
    }
}

pub(super) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<HardwareChange>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, changed_on, parts_replaced, parts_kept, os_reinstalled AS "os_reinstalled: bool",
                  notes, created_at, updated_at, archived_at
           FROM hardware_changes WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .map(HardwareChange::try_from)
    .transpose()
}

/// The columns of a hardware change as every read of one gives them.
macro_rules! columns {
    () => {
        "id, machine_id, changed_on, parts_replaced, parts_kept, os_reinstalled, notes, created_at, updated_at,
         archived_at"
    };
}

const FETCH: &str = concat!("SELECT ", columns!(), " FROM hardware_changes WHERE id = ?");
const CREATE: &str = concat!(
    "INSERT INTO hardware_changes (machine_id, changed_on, parts_replaced, parts_kept, os_reinstalled, notes,
                                   created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
    columns!()
);
const UPDATE: &str = concat!(
    "UPDATE hardware_changes SET changed_on = ?, parts_replaced = ?, parts_kept = ?, os_reinstalled = ?, notes = ?,
         updated_at = ? WHERE id = ? RETURNING ",
    columns!()
);

/// The statements of hardware changes the writer's writes run on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    [FETCH, CREATE, UPDATE].map(String::from).to_vec()
}

/// [`fetch`] on the writer's rusqlite connection.
pub(super) fn fetch_on(conn: &Connection, id: i64) -> Result<Option<HardwareChange>, StoreError> {
    one(conn, FETCH, [id])
}

/// The row [`FETCH`] or [`UPDATE`] (`sql`) gives, if there is one.
fn one(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Option<HardwareChange>, StoreError> {
    conn.prepare_cached(sql)?.query_row(params, Row::by_name).optional()?.map(HardwareChange::try_from).transpose()
}

/// A machine's not found, as a write under it says it (not a field error).
fn machine_not_found(e: StoreError, machine_id: i64) -> StoreError {
    match e {
        StoreError::Invalid(_) => StoreError::NotFound { entity: "machine", id: machine_id },
        other => other,
    }
}

/// The hardware changes of a machine, archived ones too if asked (for the timeline).
pub(super) async fn of_machine(
    conn: &mut SqliteConnection,
    machine_id: i64,
    include_archived: bool,
    after: &super::chunk::After,
) -> Result<Vec<HardwareChange>, StoreError> {
    // Rank 0 among the timeline's kinds; its time is the household's local
    // midnight of its day (compared by day: `After::day`).
    let (day, at_midnight, rank, id, limit) = (&after.day, after.at_midnight, after.rank, after.id, after.limit);
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, changed_on, parts_replaced, parts_kept, os_reinstalled AS "os_reinstalled: bool",
                  notes, created_at, updated_at, archived_at
           FROM hardware_changes
           WHERE machine_id = ?1 AND (?2 OR archived_at IS NULL)
             AND (changed_on > ?3 OR (changed_on = ?3 AND ?7 AND (0 > ?4 OR (0 = ?4 AND id > ?5))))
           ORDER BY changed_on, id LIMIT ?6"#,
        machine_id,
        include_archived,
        day,
        rank,
        id,
        limit,
        at_midnight
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(HardwareChange::try_from)
    .collect()
}

impl Store {
    /// Record a hardware change of a machine.
    pub async fn create_hardware_change(
        &self,
        ctx: &WriteCtx<'_>,
        machine_id: i64,
        h: &NewHardwareChange,
    ) -> Result<Created<HardwareChange>, StoreError> {
        on_thread!(self, ctx, [h], |conn, this| {
            if let Some(r) = statements::replay(conn, ctx)? {
                return Ok(r);
            }
            reference_on(conn, Refs::Live, Table::Machines, "machine_id", machine_id)
                .map_err(|e| machine_not_found(e, machine_id))?;
            let now = now_system();
            let (replaced, kept) = (h.parts_replaced.bits(), h.parts_kept.bits());
            let value = HardwareChange::try_from(conn.prepare_cached(CREATE)?.query_row(
                params![machine_id, h.changed_on.to_string(), replaced, kept, h.os_reinstalled, h.notes, now, now],
                Row::by_name,
            )?)?;
            statements::finish_create(conn, ctx, Table::HardwareChanges, value.id, value)
        })
    }

    /// 404 unless the machine exists and is not archived.
    async fn machine_live(&self, conn: &mut SqliteConnection, machine_id: i64) -> Result<(), StoreError> {
        reference(conn, Refs::Live, Table::Machines, "machine_id", machine_id)
            .await
            .map_err(|e| machine_not_found(e, machine_id))
    }

    /// One hardware change.
    pub async fn hardware_change(&self, id: i64, include_archived: bool) -> Result<HardwareChange, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::HardwareChanges, id)
    }

    /// The hardware changes of a machine, by id.
    pub async fn hardware_changes(
        &self,
        machine_id: i64,
        page: &PageRequest,
    ) -> Result<Page<HardwareChange>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        self.machine_live(&mut conn, machine_id).await?;
        let limit = page.limit + 1;
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id AS "id!", machine_id, changed_on, parts_replaced, parts_kept, os_reinstalled AS "os_reinstalled: bool",
                      notes, created_at, updated_at, archived_at
               FROM hardware_changes
               WHERE machine_id = ? AND id > ? AND (? OR archived_at IS NULL) ORDER BY id LIMIT ?"#,
            machine_id,
            page.after.0,
            page.include_archived,
            limit
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(HardwareChange::try_from)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(rows, page.limit, |h| h.id))
    }

    /// Change the fields a patch names.
    pub async fn update_hardware_change(
        &self,
        ctx: &WriteCtx<'_>,
        id: i64,
        patch: &HardwareChangePatch,
    ) -> Result<HardwareChange, StoreError> {
        on_thread!(self, ctx, [patch], |conn, this| {
            let current = visible(fetch_on(conn, id)?, false, Table::HardwareChanges, id)?;
            ctx.check_version(&current)?;
            let h = NewHardwareChange::from(&current).patched(patch).map_err(StoreError::Invalid)?;
            let (replaced, kept) = (h.parts_replaced.bits(), h.parts_kept.bits());
            let updated = one(
                conn,
                UPDATE,
                params![h.changed_on.to_string(), replaced, kept, h.os_reinstalled, h.notes, now_system(), id],
            )?;
            statements::finish_update(updated, conn, ctx, Table::HardwareChanges, id, &patch.fields())
        })
    }

    /// Archive a hardware change.
    pub async fn archive_hardware_change(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::HardwareChanges, id).await
    }
}

/// Every hardware change, archived ones too (for export).
pub(super) async fn chunk(
    conn: &mut SqliteConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<HardwareChange>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", machine_id, changed_on, parts_replaced, parts_kept, os_reinstalled AS "os_reinstalled: bool",
                  notes, created_at, updated_at, archived_at
           FROM hardware_changes WHERE id > ? ORDER BY id LIMIT ?"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(HardwareChange::try_from)
    .collect()
}
