//! SQL of attachments (migration 32): the row in `attachments`, its sealed
//! bytes and thumbnail in `attachment_contents`, so that a list never reads
//! a blob. The bytes are sealed with the key file in the write's own
//! transaction (after [`Store::ready_to_seal_on`]), and opened only when one
//! file is asked for.
//!
//! An upload and a caption's edit run on the writer's rusqlite connection
//! ([`statements`]); reads, the export and the import use sqlx.

use rusqlite::{params, Connection, OptionalExtension};
use sqlx::SqliteConnection;

use super::refs::reference_on;
use super::rows::Statement;
use super::{statements, stored, visible, Created, NewRow, Refs, Store, StoreError, Table, WriteCtx};
use crate::domain::time::now_system;
use crate::domain::{AttachedTo, Attachment, AttachmentPatch, NewAttachment, Page, PageRequest};

super::rows::by_name! {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        entity: String,
        entity_id: i64,
        caption: Option<String>,
        media_type: String,
        size: i64,
        has_thumbnail: bool,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

impl TryFrom<Row> for Attachment {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Attachment {
            id: r.id,
            entity: stored(&r.entity)?,
            entity_id: r.entity_id,
            caption: r.caption,
            media_type: stored(&r.media_type)?,
            size: r.size,
            thumbnail: r.has_thumbnail,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        })
    }
}

/// Which of an attachment's stored bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bytes {
    /// The file as stored (location data out).
    File,
    /// Its thumbnail (a JPEG).
    Thumbnail,
}

/// The table of the rows an attachment can be attached to.
pub(super) fn table_of(entity: AttachedTo) -> Table {
    match entity {
        AttachedTo::Machine => Table::Machines,
        AttachedTo::License => Table::Licenses,
        AttachedTo::Case => Table::Cases,
        AttachedTo::Attempt => Table::Attempts,
    }
}

/// One attachment by id, answered with its entity's stamp when that is
/// archived (it went with it); the expression is a constant, the id is bound.
static FETCH: Statement = Statement::new(|| {
    format!(
        "SELECT {COLUMNS}, {} AS archived_at FROM attachments WHERE id = ?",
        super::archive::ATTACHMENT_OWN_OR_ENTITY
    )
});

pub(super) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<Attachment>, StoreError> {
    sqlx::query_as::<_, Row>(&FETCH).bind(id).fetch_optional(conn).await?.map(Attachment::try_from).transpose()
}

const CREATE: &str = "INSERT INTO attachments
       (id, entity, entity_id, caption, media_type, size, has_thumbnail, created_at, updated_at, archived_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
const CREATE_CONTENTS: &str =
    "INSERT INTO attachment_contents (attachment_id, content_sealed, thumbnail_sealed) VALUES (?, ?, ?)";
const UPDATE_CAPTION: &str = "UPDATE attachments SET caption = ?, updated_at = ? WHERE id = ?";

/// The statements of attachments the writer's writes run on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    vec![FETCH.to_string(), CREATE.into(), CREATE_CONTENTS.into(), UPDATE_CAPTION.into()]
}

/// [`fetch`] on the writer's rusqlite connection.
pub(super) fn fetch_on(conn: &Connection, id: i64) -> Result<Option<Attachment>, StoreError> {
    conn.prepare_cached(&FETCH)?.query_row([id], Row::by_name).optional()?.map(Attachment::try_from).transpose()
}

/// An attachment's file and thumbnail as stored, and the file's size.
struct Sealed {
    content: Vec<u8>,
    thumbnail: Option<Vec<u8>>,
    size: i64,
}

/// An attachment's file and thumbnail sealed with the key file.
fn sealed(store: &Store, a: &NewAttachment) -> Result<Sealed, StoreError> {
    let content = store.secrets.seal_bytes(&a.content)?;
    let thumbnail = a.thumbnail.as_deref().map(|t| store.secrets.seal_bytes(t)).transpose()?;
    Ok(Sealed { content, thumbnail, size: size_of(a)? })
}

/// The file's size in bytes.
fn size_of(a: &NewAttachment) -> Result<i64, StoreError> {
    i64::try_from(a.content.len()).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// An attachment's columns but its archived stamp, as [`Row`] reads them.
const COLUMNS: &str = "id, entity, entity_id, caption, media_type, size, has_thumbnail, created_at, updated_at";

/// The rows after id `after`, at most `limit`, by id (an export's chunk).
pub(super) async fn chunk(conn: &mut SqliteConnection, after: i64, limit: i64) -> Result<Vec<Attachment>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", entity, entity_id, caption, media_type, size, has_thumbnail AS "has_thumbnail: bool",
                  created_at, updated_at, archived_at
           FROM attachments WHERE id > ? ORDER BY id LIMIT ?"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(Attachment::try_from)
    .collect()
}

/// An attachment's file, opened (an export with secrets).
pub(super) async fn file(store: &Store, conn: &mut SqliteConnection, id: i64) -> Result<Vec<u8>, StoreError> {
    let sealed = sqlx::query_scalar!("SELECT content_sealed FROM attachment_contents WHERE attachment_id = ?", id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("attachment {id} has no stored bytes")))?;
    Ok(store.secrets.open_bytes(&sealed)?)
}

/// Insert an attachment whose entity was checked, sealing its bytes, on
/// the writer's rusqlite connection. Returns its id.
pub(super) fn insert_on(store: &Store, conn: &Connection, row: &NewRow, a: &NewAttachment) -> Result<i64, StoreError> {
    store.ready_to_seal_on(conn)?;
    let Sealed { content, thumbnail, size } = sealed(store, a)?;
    let id: i64 = conn.prepare_cached(CREATE)?.query_row(
        params![
            row.id,
            a.entity.as_str(),
            a.entity_id,
            a.caption,
            a.media_type.as_str(),
            size,
            a.thumbnail.is_some(),
            row.created_at,
            row.updated_at,
            row.archived_at
        ],
        |r| r.get("id"),
    )?;
    conn.prepare_cached(CREATE_CONTENTS)?.execute(params![id, content, thumbnail])?;
    Ok(id)
}

impl Store {
    /// Attach a file to a live license, machine, case or attempt.
    pub async fn create_attachment(
        &self,
        ctx: &WriteCtx<'_>,
        a: &NewAttachment,
    ) -> Result<Created<Attachment>, StoreError> {
        on_thread!(self, ctx, [a], |conn, this| {
            if let Some(r) = statements::replay(conn, ctx)? {
                return Ok(r);
            }
            reference_on(conn, Refs::Live, table_of(a.entity), "entity_id", a.entity_id)?;
            let id = insert_on(&this, conn, &NewRow::now(), a)?;
            let value = visible(fetch_on(conn, id)?, false, Table::Attachments, id)?;
            statements::finish_create(conn, ctx, Table::Attachments, id, value)
        })
    }

    /// Change a live attachment's caption (if it is still at the version
    /// the write names); its search document follows.
    pub async fn update_attachment(
        &self,
        ctx: &WriteCtx<'_>,
        id: i64,
        patch: &AttachmentPatch,
    ) -> Result<Attachment, StoreError> {
        on_thread!(self, ctx, [patch], |conn, this| {
            let current = visible(fetch_on(conn, id)?, false, Table::Attachments, id)?;
            ctx.check_version(&current)?;
            let caption = patch.caption.clone().unwrap_or(current.caption);
            conn.prepare_cached(UPDATE_CAPTION)?.execute(params![caption, now_system(), id])?;
            statements::finish_update(fetch_on(conn, id)?, conn, ctx, Table::Attachments, id, &patch.fields())
        })
    }

    /// One attachment's row.
    pub async fn attachment(&self, id: i64, include_archived: bool) -> Result<Attachment, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::Attachments, id)
    }

    /// The attachments of one row, by id; the row must be stored (archived
    /// or not), or it is not found.
    pub async fn attachments(
        &self,
        entity: AttachedTo,
        entity_id: i64,
        page: &PageRequest,
    ) -> Result<Page<Attachment>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let table = table_of(entity);
        if super::row_state(&mut conn, table, entity_id).await?.is_none() {
            return Err(table.not_found(entity_id));
        }
        let (entity, limit) = (entity.as_str(), page.limit + 1);
        // Those of an archived entity went with it: listed only with the
        // archived, answered with its stamp. The expression is a constant.
        let sql = format!(
            "SELECT * FROM (SELECT {COLUMNS}, {} AS archived_at FROM attachments
                           WHERE entity = ?1 AND entity_id = ?2 AND id > ?3)
             WHERE ?4 OR archived_at IS NULL ORDER BY id LIMIT ?5",
            super::archive::ATTACHMENT_OWN_OR_ENTITY
        );
        let rows = sqlx::query_as::<_, Row>(&sql)
            .bind(entity)
            .bind(entity_id)
            .bind(page.after.0)
            .bind(page.include_archived)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(Attachment::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(rows, page.limit, |a| a.id))
    }

    /// A live attachment with its file or thumbnail opened (`None`: it
    /// has no thumbnail).
    pub async fn attachment_bytes(&self, id: i64, which: Bytes) -> Result<(Attachment, Option<Vec<u8>>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let a = visible(fetch(&mut conn, id).await?, false, Table::Attachments, id)?;
        let sealed = match which {
            Bytes::File => {
                sqlx::query_scalar!("SELECT content_sealed FROM attachment_contents WHERE attachment_id = ?", id)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            Bytes::Thumbnail => {
                sqlx::query_scalar!("SELECT thumbnail_sealed FROM attachment_contents WHERE attachment_id = ?", id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .flatten()
            }
        };
        let plain = sealed.map(|s| self.secrets.open_bytes(&s)).transpose()?;
        if which == Bytes::File && plain.is_none() {
            return Err(StoreError::Corrupt(format!("attachment {id} has no stored bytes")));
        }
        Ok((a, plain))
    }

    /// Archive an attachment.
    pub async fn archive_attachment(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::Attachments, id).await
    }
}
