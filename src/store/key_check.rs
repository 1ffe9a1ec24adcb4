//! The key file's check: a journal holding sealed values opens only with
//! the key file they were sealed with, whose fingerprint it records.

use sqlx::SqliteConnection;

use super::{Store, StoreError};
use crate::secrets::SecretError;

/// Whether any product key or answer is sealed in the journal.
async fn anything_sealed(conn: &mut SqliteConnection) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT (EXISTS (SELECT 1 FROM licenses WHERE product_key_sealed IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM attempt_questions WHERE answer_sealed IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM attachments)) AS "sealed!: bool""#
    )
    .fetch_one(conn)
    .await?)
}

/// One sealed value, to try a key file on.
async fn one_sealed(conn: &mut SqliteConnection) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT product_key_sealed AS "sealed!" FROM licenses WHERE product_key_sealed IS NOT NULL
           UNION ALL
           SELECT answer_sealed AS "sealed!" FROM attempt_questions WHERE answer_sealed IS NOT NULL
           LIMIT 1"#
    )
    .fetch_optional(conn)
    .await?)
}

async fn recorded_fingerprint(conn: &mut SqliteConnection) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar!("SELECT fingerprint FROM key_fingerprint WHERE id = 1").fetch_optional(conn).await?)
}

async fn record_fingerprint(conn: &mut SqliteConnection, fingerprint: &str) -> Result<(), StoreError> {
    let now = crate::domain::time::now_system();
    sqlx::query!(
        "INSERT INTO key_fingerprint (id, fingerprint, recorded_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET fingerprint = ?1, recorded_at = ?2 WHERE fingerprint <> ?1",
        fingerprint,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// The key file's check, on `conn`: when the journal holds sealed values,
    /// the key file must be the one they were sealed with — the one whose
    /// fingerprint is recorded, or (in a journal sealed before fingerprints
    /// were kept) one that opens a sealed value, whose fingerprint is then
    /// recorded. With nothing sealed yet, any key file will do (one is made
    /// when `create` and there is none) and its fingerprint is recorded.
    /// A missing or different key file is never replaced silently.
    pub(super) async fn check_key(&self, conn: &mut SqliteConnection, create: bool) -> Result<(), StoreError> {
        let path = || self.secrets.path().to_path_buf();
        if anything_sealed(conn).await? {
            let Some(actual) = self.secrets.fingerprint()? else {
                return Err(SecretError::Missing(path()).into());
            };
            match recorded_fingerprint(conn).await? {
                Some(recorded) if recorded == actual => return Ok(()),
                Some(_) => return Err(SecretError::NotThisJournals(path()).into()),
                None => {
                    if let Some(sealed) = one_sealed(conn).await? {
                        self.secrets.open(&sealed).map_err(|_| SecretError::NotThisJournals(path()))?;
                    }
                    return record_fingerprint(conn, &actual).await;
                }
            }
        }
        let actual = if create { Some(self.secrets.fingerprint_or_create()?) } else { self.secrets.fingerprint()? };
        match actual {
            Some(fingerprint) => record_fingerprint(conn, &fingerprint).await,
            None => Ok(()),
        }
    }

    /// Before `serve`: refuse a key file that is missing or not this
    /// journal's while the journal holds sealed values (see [`Store::check_key`]).
    pub async fn check_key_file(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        self.check_key(&mut tx, false).await?;
        tx.commit().await?;
        Ok(())
    }
}
