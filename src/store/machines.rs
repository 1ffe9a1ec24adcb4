//! SQL of machines.

use super::{finish_create, finish_write, replay, visible, Created, NewRow, Store, StoreError, Table, WriteCtx};
use crate::domain::time::now_system;
use crate::domain::{FieldErrors, Machine, MachinePatch, NewMachine, Page, PageRequest};
use crate::portable::Row;
use sqlx::SqliteConnection;

fn name_taken(name: &str) -> StoreError {
    StoreError::Conflict(format!("a machine named {name:?} already exists"))
}

async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<Machine>, StoreError> {
    Ok(sqlx::query_as!(
        Machine,
        "SELECT id AS \"id!\", name, owner, notes, created_at, updated_at, archived_at FROM machines WHERE id = ?",
        id
    )
    .fetch_optional(conn)
    .await?)
}

async fn name_in_use(conn: &mut SqliteConnection, name: &str, except: i64) -> Result<bool, StoreError> {
    let n = sqlx::query_scalar!(
        "SELECT count(*) FROM machines WHERE name = ? AND archived_at IS NULL AND id <> ?",
        name,
        except
    )
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// A machine brought back must not share its name with a live one.
pub(super) async fn name_free(conn: &mut SqliteConnection, id: i64) -> Result<(), StoreError> {
    let Some(m) = fetch(conn, id).await? else { return Err(Table::Machines.not_found(id)) };
    if name_in_use(conn, &m.name, id).await? {
        return Err(name_taken(&m.name));
    }
    Ok(())
}

impl Store {
    /// Add a machine.
    pub async fn create_machine(&self, ctx: &WriteCtx<'_>, m: &NewMachine) -> Result<Created<Machine>, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(r) = replay(&mut tx, ctx).await? {
            return Ok(r);
        }
        if name_in_use(&mut tx, &m.name, 0).await? {
            return Err(name_taken(&m.name));
        }
        let id = insert(&mut tx, &NewRow::now(), m).await?;
        let value = visible(fetch(&mut tx, id).await?, false, Table::Machines, id)?;
        finish_create(tx, ctx, "machine", id, value).await
    }

    /// One machine; an archived one only when `include_archived`.
    pub async fn machine(&self, id: i64, include_archived: bool) -> Result<Machine, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::Machines, id)
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
        let mut tx = self.begin_write().await?;
        let current = visible(fetch(&mut tx, id).await?, false, Table::Machines, id)?;
        let m = NewMachine::from(&current).patched(patch);
        if name_in_use(&mut tx, &m.name, id).await? {
            return Err(name_taken(&m.name));
        }
        let now = now_system();
        sqlx::query!(
            "UPDATE machines SET name = ?, owner = ?, notes = ?, updated_at = ? WHERE id = ?",
            m.name,
            m.owner,
            m.notes,
            now,
            id
        )
        .execute(&mut *tx)
        .await?;
        let value = visible(fetch(&mut tx, id).await?, false, Table::Machines, id)?;
        finish_write(tx, ctx.actor, "update", "machine", id, &patch.fields()).await?;
        Ok(value)
    }

    /// Archive a machine (it stays in the database and in exports).
    pub async fn archive_machine(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::Machines, id).await
    }
}

/// Every machine, archived ones too (for export).
pub(super) async fn all(conn: &mut SqliteConnection) -> Result<Vec<Machine>, StoreError> {
    Ok(sqlx::query_as!(
        Machine,
        "SELECT id AS \"id!\", name, owner, notes, created_at, updated_at, archived_at FROM machines ORDER BY id"
    )
    .fetch_all(conn)
    .await?)
}

/// Insert a machine whose name was checked.
async fn insert(conn: &mut SqliteConnection, row: &NewRow, m: &NewMachine) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO machines (id, name, owner, notes, created_at, updated_at, archived_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
        row.id,
        m.name,
        m.owner,
        m.notes,
        row.created_at,
        row.updated_at,
        row.archived_at
    )
    .fetch_one(conn)
    .await?)
}

/// Insert an imported machine with its own id and times; a live one needs
/// a name no other live machine has.
pub(super) async fn import(conn: &mut SqliteConnection, row: &Row<NewMachine>) -> Result<(), StoreError> {
    let (s, m) = (&row.stamps, &row.value);
    if s.archived_at.is_none() && name_in_use(conn, &m.name, s.id).await? {
        return Err(StoreError::Invalid(FieldErrors::one("name", name_taken(&m.name).to_string())));
    }
    insert(conn, &NewRow::from(s), m).await.map(|_| ())
}
