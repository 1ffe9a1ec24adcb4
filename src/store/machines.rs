//! SQL of machines.

use super::ConflictKind;
use super::{finish_create, finish_update, replay, visible, Created, NewRow, Store, StoreError, Table, WriteCtx};
use crate::domain::fields::name_key;
use crate::domain::time::now_system;
use crate::domain::{FieldErrors, Machine, MachinePatch, NewMachine, Page, PageRequest};
use crate::portable::Row;
use sqlx::SqliteConnection;

/// A name already used by the live machine named `taken`.
fn name_taken(name: &str, taken: &str) -> StoreError {
    StoreError::Conflict(ConflictKind::NameTaken, name_taken_msg(name, taken))
}

/// What [`name_taken`] says.
fn name_taken_msg(name: &str, taken: &str) -> crate::i18n::Msg {
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

/// Whether a live machine other than `except` has this name, compared as
/// [`name_key`] compares names (`pc1`, `ＰＣ１` and `PC1` are one name).
/// A household has a handful of machines: they are compared here, in Rust,
/// where NFKC is.
async fn name_in_use(conn: &mut SqliteConnection, name: &str, except: i64) -> Result<Option<String>, StoreError> {
    let key = name_key(name);
    Ok(sqlx::query_scalar!(
        "SELECT name FROM machines WHERE name_key = ? AND archived_at IS NULL AND id <> ? LIMIT 1",
        key,
        except
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

/// A machine brought back must not share its name with a live one.
pub(super) async fn name_free(conn: &mut SqliteConnection, id: i64) -> Result<(), StoreError> {
    let Some(m) = fetch(conn, id).await? else { return Err(Table::Machines.not_found(id)) };
    if let Some(taken) = name_in_use(conn, &m.name, id).await? {
        return Err(name_taken(&m.name, &taken));
    }
    Ok(())
}

impl Store {
    /// Add a machine.
    pub async fn create_machine(&self, ctx: &WriteCtx<'_>, m: &NewMachine) -> Result<Created<Machine>, StoreError> {
        on_writer!(self, ctx, [m], |tx, this| {
            if let Some(r) = replay(&mut *tx, ctx).await? {
                return Ok(r);
            }
            if let Some(taken) = name_in_use(&mut *tx, &m.name, 0).await? {
                return Err(name_taken(&m.name, &taken));
            }
            let id = insert(&mut *tx, &NewRow::now(), m).await?;
            let value = visible(fetch(&mut *tx, id).await?, false, Table::Machines, id)?;
            finish_create(tx, ctx, Table::Machines, id, value).await
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
        on_writer!(self, ctx, [patch], |tx, this| {
            let current = visible(fetch(&mut *tx, id).await?, false, Table::Machines, id)?;
            ctx.check_version(&current)?;
            let m = NewMachine::from(&current).patched(patch);
            if let Some(taken) = name_in_use(&mut *tx, &m.name, id).await? {
                return Err(name_taken(&m.name, &taken));
            }
            let now = now_system();
            let key = name_key(&m.name);
            sqlx::query!(
                "UPDATE machines SET name = ?, name_key = ?, owner = ?, notes = ?, updated_at = ? WHERE id = ?",
                m.name,
                key,
                m.owner,
                m.notes,
                now,
                id
            )
            .execute(&mut *tx)
            .await?;
            finish_update(fetch(&mut *tx, id).await?, tx, ctx, Table::Machines, id, &patch.fields()).await
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

/// Insert a machine whose name was checked.
async fn insert(conn: &mut SqliteConnection, row: &NewRow, m: &NewMachine) -> Result<i64, StoreError> {
    let key = name_key(&m.name);
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO machines (id, name, name_key, owner, notes, created_at, updated_at, archived_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
        row.id,
        m.name,
        key,
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
    let taken = if s.archived_at.is_none() { name_in_use(conn, &m.name, s.id).await? } else { None };
    if let Some(taken) = taken {
        return Err(StoreError::Invalid(FieldErrors::one("name", name_taken_msg(&m.name, &taken))));
    }
    insert(conn, &NewRow::from(s), m).await.map(|_| ())
}
