//! SQL of licenses, and the sealing of their product keys.

use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::{
    audit, finish_create, finish_update, replay, stored, stored_date, visible, Created, NewRow, Store, StoreError,
    Table, WriteCtx,
};
use crate::domain::ids::mask_last_five;
use crate::domain::license::KeyChange;
use crate::domain::time::now_system;
use crate::domain::{License, LicensePatch, NewLicense, Page, PageRequest};
use crate::portable::LicenseRow;

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

/// The sealed key, its last five characters and its check, ready to store.
/// What is stored of a key: sealed with its last five and whether it
/// checks, or (from an export without secrets) its last five alone.
struct SealedKey {
    sealed: Option<Vec<u8>>,
    last5: Option<String>,
    checks: Option<bool>,
    hint: Option<String>,
}

impl SealedKey {
    const NONE: SealedKey = SealedKey { sealed: None, last5: None, checks: None, hint: None };
}

impl Store {
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
        on_writer!(self, ctx, [l], |tx, this| {
            if let Some(r) = replay(&mut *tx, ctx).await? {
                return Ok(r);
            }
            let id = this.insert_license(&mut *tx, &NewRow::now(), l).await?;
            let value = visible(fetch(&mut *tx, id).await?, false, Table::Licenses, id)?;
            finish_create(tx, ctx, Table::Licenses, id, value).await
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
        on_writer!(self, ctx, [patch], |tx, this| {
            let current = visible(fetch(&mut *tx, id).await?, false, Table::Licenses, id)?;
            ctx.check_version(&current)?;
            let l = NewLicense::from(&current).patched(patch);
            let now = now_system();
            let channel = l.channel.as_str();
            let purchased_on = l.purchased_on.map(|d| d.to_string());
            sqlx::query!(
                "UPDATE licenses SET product = ?, edition = ?, channel = ?, purchased_from = ?, purchased_on = ?,
                    box_colour = ?, notes = ?, updated_at = ? WHERE id = ?",
                l.product,
                l.edition,
                channel,
                l.purchased_from,
                purchased_on,
                l.box_colour,
                l.notes,
                now,
                id
            )
            .execute(&mut *tx)
            .await?;
            if matches!(l.product_key, KeyChange::Set(_)) {
                this.ready_to_seal(&mut *tx).await?;
            }
            if let Some(key) = this.seal_key(&l.product_key)? {
                sqlx::query!(
                    "UPDATE licenses SET product_key_sealed = ?, product_key_last5 = ?, product_key_checks = ?,
                        product_key_hint = ? WHERE id = ?",
                    key.sealed,
                    key.last5,
                    key.checks,
                    key.hint,
                    id
                )
                .execute(&mut *tx)
                .await?;
            }
            finish_update(fetch(&mut *tx, id).await?, tx, ctx, Table::Licenses, id, &patch.fields()).await
        })
    }

    /// Archive a license.
    pub async fn archive_license(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::Licenses, id).await
    }

    /// The product key in clear (`None` when the license has none). Writes
    /// an audit row (in a write transaction) before answering.
    pub async fn reveal_product_key(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<Option<String>, StoreError> {
        on_writer!(self, ctx, [], |tx, this| {
            let row = sqlx::query!("SELECT product_key_sealed, archived_at FROM licenses WHERE id = ?", id)
                .fetch_optional(&mut *tx)
                .await?;
            let sealed = match row {
                Some(r) if r.archived_at.is_none() => r.product_key_sealed,
                _ => return Err(Table::Licenses.not_found(id)),
            };
            let key = sealed.map(|s| this.secrets.open(&s)).transpose()?;
            audit(&mut *tx, ctx.actor, "reveal_product_key", "license", Some(id), &["product_key"]).await?;
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

    /// Insert a license; its key, if it has one, is sealed first.
    pub(super) async fn insert_license(
        &self,
        conn: &mut SqliteConnection,
        row: &NewRow,
        l: &NewLicense,
    ) -> Result<i64, StoreError> {
        if matches!(l.product_key, KeyChange::Set(_)) {
            self.ready_to_seal(conn).await?;
        }
        let key = self.seal_key(&l.product_key)?.unwrap_or(SealedKey::NONE);
        let channel = l.channel.as_str();
        let purchased_on = l.purchased_on.map(|d| d.to_string());
        Ok(sqlx::query_scalar!(
            r#"INSERT INTO licenses (id, product, edition, channel, purchased_from, purchased_on, box_colour,
                                    product_key_sealed, product_key_last5, product_key_checks, product_key_hint, notes,
                                    created_at, updated_at, archived_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
            row.id,
            l.product,
            l.edition,
            channel,
            l.purchased_from,
            purchased_on,
            l.box_colour,
            key.sealed,
            key.last5,
            key.checks,
            key.hint,
            l.notes,
            row.created_at,
            row.updated_at,
            row.archived_at
        )
        .fetch_one(conn)
        .await?)
    }
}
