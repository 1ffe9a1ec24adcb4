//! SQL of machines.

use super::ConflictKind;
use super::{statements, visible, Created, Store, StoreError, Table, WriteCtx};
use crate::domain::fields::name_key;
use crate::domain::time::now_system;
use crate::domain::{Machine, MachinePatch, NewMachine, Page, PageRequest};
use rusqlite::{params, Connection, OptionalExtension};
use sqlx::SqliteConnection;

/// A name already used by the live machine named `taken`.
fn name_taken(name: &str, taken: &str) -> StoreError {
    StoreError::Conflict(ConflictKind::NameTaken, name_taken_msg(name, taken))
}

/// What [`name_taken`] says.
pub(super) fn name_taken_msg(name: &str, taken: &str) -> crate::i18n::Msg {
    if name == taken {
        crate::i18n::Msg::new("msg.machine_name_taken").arg("name", name)
    } else {
        crate::i18n::Msg::new("msg.machine_name_like").arg("name", name).arg("taken", taken)
    }
}

pub(super) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<Machine>, StoreError> {
    Ok(sqlx::query_as!(
        Machine,
        "SELECT id AS \"id!\", name, owner, notes, created_at, updated_at, archived_at FROM machines WHERE id = ?",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// Give every machine without one its `name_key` (rows from before
/// migration 19, whose key SQL cannot compute). Run when the store opens.
pub(super) async fn key_names(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let rows =
        sqlx::query!(r#"SELECT id AS "id!", name FROM machines WHERE name_key IS NULL"#).fetch_all(&mut *conn).await?;
    for r in rows {
        let key = name_key(&r.name);
        sqlx::query!("UPDATE machines SET name_key = ? WHERE id = ?", key, r.id).execute(&mut *conn).await?;
    }
    Ok(())
}

const FETCH: &str = "SELECT id, name, owner, notes, created_at, updated_at, archived_at FROM machines WHERE id = ?";
const NAME_IN_USE: &str = "SELECT name FROM machines WHERE name_key = ? AND archived_at IS NULL AND id <> ? LIMIT 1";
const CREATE: &str = "INSERT INTO machines (name, name_key, owner, notes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id, name, owner, notes, created_at, updated_at, archived_at";
const UPDATE: &str = "UPDATE machines SET name = ?, name_key = ?, owner = ?, notes = ?, updated_at = ? WHERE id = ?
     RETURNING id, name, owner, notes, created_at, updated_at, archived_at";

/// The statements of machines the writer's writes run on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    [FETCH, NAME_IN_USE, CREATE, UPDATE].map(String::from).to_vec()
}

/// A machine read as [`FETCH`], [`CREATE`] and [`UPDATE`] list its columns.
fn machine_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Machine> {
    Ok(Machine {
        id: r.get(0)?,
        name: r.get(1)?,
        owner: r.get(2)?,
        notes: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        archived_at: r.get(6)?,
    })
}

/// [`fetch`] on the writer's rusqlite connection.
pub(super) fn fetch_on(conn: &Connection, id: i64) -> Result<Option<Machine>, StoreError> {
    Ok(conn.prepare_cached(FETCH)?.query_row([id], machine_of).optional()?)
}

/// A machine brought back must not share its name with a live one.
pub(super) fn name_free_on(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let Some(m) = fetch_on(conn, id)? else { return Err(Table::Machines.not_found(id)) };
    if let Some(taken) = name_in_use_on(conn, &m.name, id)? {
        return Err(name_taken(&m.name, &taken));
    }
    Ok(())
}

/// Whether a live machine other than `except` has this name, compared as
/// [`name_key`] compares names (`pc1`, `ＰＣ１` and `PC1` are one name).
/// A household has a handful of machines: they are compared here, in Rust,
/// where NFKC is.
pub(super) fn name_in_use_on(conn: &Connection, name: &str, except: i64) -> Result<Option<String>, StoreError> {
    Ok(conn.prepare_cached(NAME_IN_USE)?.query_row(params![name_key(name), except], |r| r.get(0)).optional()?)
}

impl Store {
    /// Add a machine.
    pub async fn create_machine(&self, ctx: &WriteCtx<'_>, m: &NewMachine) -> Result<Created<Machine>, StoreError> {
        on_thread!(self, ctx, [m], |conn, this| {
            if let Some(r) = statements::replay(conn, ctx)? {
                return Ok(r);
            }
            if let Some(taken) = name_in_use_on(conn, &m.name, 0)? {
                return Err(name_taken(&m.name, &taken));
            }
            let now = now_system();
            let value = conn
                .prepare_cached(CREATE)?
                .query_row(params![m.name, name_key(&m.name), m.owner, m.notes, now, now], machine_of)?;
            statements::finish_create(conn, ctx, Table::Machines, value.id, value)
        })
    }

    /// One machine; an archived one only when `include_archived`.
    pub async fn machine(&self, id: i64, include_archived: bool) -> Result<Machine, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::Machines, id)
    }

    /// The live machine with this name, compared as names are ([`name_key`]:
    /// `pc 1` finds `PC 1`).
    pub async fn machine_named(&self, name: &str) -> Result<Option<Machine>, StoreError> {
        let key = name_key(name);
        Ok(sqlx::query_as!(
            Machine,
            "SELECT id AS \"id!\", name, owner, notes, created_at, updated_at, archived_at FROM machines
             WHERE name_key = ? AND archived_at IS NULL ORDER BY id LIMIT 1",
            key
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Machines by id.
    pub async fn machines(&self, page: &PageRequest) -> Result<Page<Machine>, StoreError> {
        let limit = page.limit + 1;
        let rows = sqlx::query_as!(
            Machine,
            "SELECT id AS \"id!\", name, owner, notes, created_at, updated_at, archived_at FROM machines
             WHERE id > ? AND (? OR archived_at IS NULL) ORDER BY id LIMIT ?",
            page.after.0,
            page.include_archived,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page.limit, |m| m.id))
    }

    /// Change the fields a patch names.
    pub async fn update_machine(
        &self,
        ctx: &WriteCtx<'_>,
        id: i64,
        patch: &MachinePatch,
    ) -> Result<Machine, StoreError> {
        on_thread!(self, ctx, [patch], |conn, this| {
            let current = visible(fetch_on(conn, id)?, false, Table::Machines, id)?;
            ctx.check_version(&current)?;
            let m = NewMachine::from(&current).patched(patch);
            if let Some(taken) = name_in_use_on(conn, &m.name, id)? {
                return Err(name_taken(&m.name, &taken));
            }
            let updated = conn
                .prepare_cached(UPDATE)?
                .query_row(params![m.name, name_key(&m.name), m.owner, m.notes, now_system(), id], machine_of)
                .optional()?;
            statements::finish_update(updated, conn, ctx, Table::Machines, id, &patch.fields())
        })
    }

    /// Archive a machine (it stays in the database and in exports).
    pub async fn archive_machine(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::Machines, id).await
    }
}

/// Up to `limit` machines after id `after`, archived ones too (for export).
pub(super) async fn chunk(conn: &mut SqliteConnection, after: i64, limit: i64) -> Result<Vec<Machine>, StoreError> {
    Ok(sqlx::query_as!(
        Machine,
        "SELECT id AS \"id!\", name, owner, notes, created_at, updated_at, archived_at FROM machines
         WHERE id > ? ORDER BY id LIMIT ?",
        after,
        limit
    )
    .fetch_all(conn)
    .await?)
}
