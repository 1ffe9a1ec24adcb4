//! SQL of licenses, and the sealing of their product keys.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use sqlx::SqliteConnection;

use super::{statements, stored, stored_date, visible, Created, Store, StoreError, Table, WriteCtx};
use crate::domain::ids::mask_last_five;
use crate::domain::license::KeyChange;
use crate::domain::time::now_system;
use crate::domain::{License, LicensePatch, NewLicense, Page, PageRequest};
use crate::portable::LicenseRow;

super::rows::by_name! {
    struct Row {
        id: i64,
        product: String,
        edition: Option<String>,
        channel: String,
        purchased_from: Option<String>,
        purchased_on: Option<String>,
        box_colour: Option<String>,
        product_key_last5: Option<String>,
        product_key_checks: Option<bool>,
        notes: Option<String>,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

impl TryFrom<Row> for License {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(License {
            id: r.id,
            product: r.product,
            edition: r.edition,
            channel: stored(&r.channel)?,
            purchased_from: r.purchased_from,
            purchased_on: r.purchased_on.as_deref().map(stored_date).transpose()?,
            box_colour: r.box_colour,
            product_key_masked: r.product_key_last5.as_deref().map(mask_last_five),
            product_key_checks: r.product_key_checks,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        })
    }
}

pub(super) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<License>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", product, edition, channel, purchased_from, purchased_on, box_colour,
                      coalesce(product_key_last5, product_key_hint) AS product_key_last5,
                  product_key_checks AS "product_key_checks: bool", notes, created_at, updated_at, archived_at
           FROM licenses WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .map(License::try_from)
    .transpose()
}

/// The columns of a license as every read of one gives them (the key's
/// last five, or the hint an export without secrets left).
macro_rules! columns {
    () => {
        "id, product, edition, channel, purchased_from, purchased_on, box_colour,
         coalesce(product_key_last5, product_key_hint) AS product_key_last5, product_key_checks, notes,
         created_at, updated_at, archived_at"
    };
}

const FETCH: &str = concat!("SELECT ", columns!(), " FROM licenses WHERE id = ?");
const CREATE: &str = concat!(
    "INSERT INTO licenses (product, edition, channel, purchased_from, purchased_on, box_colour, notes, created_at,
                           updated_at, product_key_sealed, product_key_last5, product_key_checks, product_key_hint)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12) RETURNING ",
    columns!()
);
const UPDATE: &str = "UPDATE licenses SET product = ?1, edition = ?2, channel = ?3, purchased_from = ?4,
     purchased_on = ?5, box_colour = ?6, notes = ?7, updated_at = ?8 WHERE id = ?9";
const UPDATE_KEY: &str = "UPDATE licenses SET product_key_sealed = ?, product_key_last5 = ?, product_key_checks = ?,
     product_key_hint = ? WHERE id = ?";
const SEALED_KEY: &str = "SELECT product_key_sealed, archived_at FROM licenses WHERE id = ?";

/// The statements of licenses the writer's writes run on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    [FETCH, CREATE, UPDATE, UPDATE_KEY, SEALED_KEY].map(String::from).to_vec()
}

/// A license's fields as [`CREATE`] and [`UPDATE`] bind them (`?1` to
/// `?8`; `stored` its channel and purchase date as stored, and its time of
/// change), then `rest` (the key, or the id).
fn bind<'a>(
    l: &'a NewLicense,
    stored: &'a (&'static str, Option<String>, String),
    rest: &[&'a dyn rusqlite::ToSql],
) -> impl rusqlite::Params + 'a {
    let (channel, purchased_on, now) = stored;
    let fields: [&dyn rusqlite::ToSql; 8] =
        [&l.product, &l.edition, channel, &l.purchased_from, purchased_on, &l.box_colour, &l.notes, now];
    rusqlite::params_from_iter(fields.into_iter().chain(rest.iter().copied()).collect::<Vec<_>>())
}

/// What [`bind`] binds of `l` as stored, changed at `now`.
fn stored_fields(l: &NewLicense, now: String) -> (&'static str, Option<String>, String) {
    (l.channel.as_str(), l.purchased_on.map(|d| d.to_string()), now)
}

/// [`fetch`] on the writer's rusqlite connection.
pub(super) fn fetch_on(conn: &Connection, id: i64) -> Result<Option<License>, StoreError> {
    conn.prepare_cached(FETCH)?.query_row([id], Row::by_name).optional()?.map(License::try_from).transpose()
}

/// The sealed key, its last five characters and its check, ready to store.
/// What is stored of a key: sealed with its last five and whether it
/// checks, or (from an export without secrets) its last five alone.
pub(super) struct SealedKey {
    pub sealed: Option<Vec<u8>>,
    pub last5: Option<String>,
    pub checks: Option<bool>,
    pub hint: Option<String>,
}

impl SealedKey {
    pub(super) const NONE: SealedKey = SealedKey { sealed: None, last5: None, checks: None, hint: None };
}

impl Store {
    /// [`Store::seal_key`] on the writer's rusqlite connection, after the
    /// key file's check when a key is to be sealed.
    pub(super) fn key_to_store(&self, conn: &Connection, change: &KeyChange) -> Result<Option<SealedKey>, StoreError> {
        if matches!(change, KeyChange::Set(_)) {
            self.ready_to_seal_on(conn)?;
        }
        self.seal_key(change)
    }

    /// What a key change stores (`None`: the key is kept as it is).
    fn seal_key(&self, change: &KeyChange) -> Result<Option<SealedKey>, StoreError> {
        Ok(match change {
            KeyChange::Keep => None,
            KeyChange::Clear => Some(SealedKey::NONE),
            KeyChange::LastFive(last5) => Some(SealedKey { hint: Some(last5.clone()), ..SealedKey::NONE }),
            KeyChange::Set(key) => Some(SealedKey {
                sealed: Some(self.secrets.seal(&key.expose_secret())?),
                last5: Some(key.last_five()),
                checks: key.checks(),
                hint: None,
            }),
        })
    }

    /// Add a license; its product key is sealed before it is stored.
    pub async fn create_license(&self, ctx: &WriteCtx<'_>, l: &NewLicense) -> Result<Created<License>, StoreError> {
        on_thread!(self, ctx, [l], |conn, this| {
            if let Some(r) = statements::replay(conn, ctx)? {
                return Ok(r);
            }
            let key = this.key_to_store(conn, &l.product_key)?.unwrap_or(SealedKey::NONE);
            let stored = stored_fields(l, now_system());
            let params = bind(l, &stored, &[&key.sealed, &key.last5, &key.checks, &key.hint]);
            let value = License::try_from(conn.prepare_cached(CREATE)?.query_row(params, Row::by_name)?)?;
            statements::finish_create(conn, ctx, Table::Licenses, value.id, value)
        })
    }

    /// One license.
    pub async fn license(&self, id: i64, include_archived: bool) -> Result<License, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::Licenses, id)
    }

    /// Licenses by id.
    pub async fn licenses(&self, page: &PageRequest) -> Result<Page<License>, StoreError> {
        let limit = page.limit + 1;
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id AS "id!", product, edition, channel, purchased_from, purchased_on, box_colour,
                      coalesce(product_key_last5, product_key_hint) AS product_key_last5,
                      product_key_checks AS "product_key_checks: bool", notes, created_at, updated_at, archived_at
               FROM licenses WHERE id > ? AND (? OR archived_at IS NULL) ORDER BY id LIMIT ?"#,
            page.after.0,
            page.include_archived,
            limit
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(License::try_from)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(rows, page.limit, |l| l.id))
    }

    /// Change the fields a patch names; the key is kept unless the patch names it.
    pub async fn update_license(
        &self,
        ctx: &WriteCtx<'_>,
        id: i64,
        patch: &LicensePatch,
    ) -> Result<License, StoreError> {
        on_thread!(self, ctx, [patch], |conn, this| {
            let current = visible(fetch_on(conn, id)?, false, Table::Licenses, id)?;
            ctx.check_version(&current)?;
            let l = NewLicense::from(&current).patched(patch);
            let stored = stored_fields(&l, now_system());
            conn.prepare_cached(UPDATE)?.execute(bind(&l, &stored, &[&id]))?;
            if let Some(key) = this.key_to_store(conn, &l.product_key)? {
                conn.prepare_cached(UPDATE_KEY)?.execute(params![key.sealed, key.last5, key.checks, key.hint, id])?;
            }
            statements::finish_update(fetch_on(conn, id)?, conn, ctx, Table::Licenses, id, &patch.fields())
        })
    }

    /// Archive a license.
    pub async fn archive_license(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::Licenses, id).await
    }

    /// The product key in clear (`None` when the license has none). Writes
    /// an audit row (in a write transaction) before answering.
    pub async fn reveal_product_key(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<Option<String>, StoreError> {
        on_thread!(self, ctx, [], |conn, this| {
            let row: Option<(Option<Vec<u8>>, Option<String>)> =
                conn.prepare_cached(SEALED_KEY)?.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            let sealed = match row {
                Some((sealed, None)) => sealed,
                _ => return Err(Table::Licenses.not_found(id)),
            };
            let key = sealed.map(|s| this.secrets.open(&s)).transpose()?;
            statements::audit(conn, ctx.actor, "reveal_product_key", "license", Some(id), &["product_key"])?;
            Ok(key)
        })
    }
}

impl Store {
    /// Up to `limit` licenses after id `after`, archived ones too, as
    /// exported: keys in clear only when `secrets` (the caller audits that).
    pub(super) async fn export_licenses(
        &self,
        conn: &mut SqliteConnection,
        secrets: bool,
        after: i64,
        limit: i64,
    ) -> Result<Vec<LicenseRow>, StoreError> {
        let licenses = sqlx::query_as!(
            Row,
            r#"SELECT id AS "id!", product, edition, channel, purchased_from, purchased_on, box_colour,
                      coalesce(product_key_last5, product_key_hint) AS product_key_last5,
                      product_key_checks AS "product_key_checks: bool", notes, created_at, updated_at, archived_at
               FROM licenses WHERE id > ? ORDER BY id LIMIT ?"#,
            after,
            limit
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut keys = HashMap::new();
        if secrets {
            let sealed = sqlx::query!(
                r#"SELECT id AS "id!", product_key_sealed AS "sealed!" FROM licenses
                   WHERE product_key_sealed IS NOT NULL AND id > ? ORDER BY id LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&mut *conn)
            .await?;
            for k in sealed {
                keys.insert(k.id, self.secrets.open(&k.sealed)?);
            }
        }
        licenses
            .into_iter()
            .map(|r| {
                // With secrets every license says what key it has, none included.
                let key = secrets.then(|| keys.remove(&r.id));
                Ok(LicenseRow::new(License::try_from(r)?, key))
            })
            .collect()
    }
}
