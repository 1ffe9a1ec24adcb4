//! The writer's statements, run on its thread's rusqlite connection (see
//! [`super::writer`]), each prepared once and kept (`prepare_cached`):
//! the audit row, the idempotency record and its replay and pruning, the
//! key file's check before a seal, and the search document of a row. The
//! statements of a table's own rows live with the table (attempts, cases,
//! questions), built from its column list ([`super::rows`]).
//!
//! [`all`] lists every statement the writer's writes run; a test prepares
//! each on a freshly migrated journal, which is their compile check.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::idempotency::Records;
use super::{Actor, Created, Store, StoreError, Table, WriteCtx};
use crate::domain::search::normalise;
use crate::secrets::SecretError;

const AUDIT: &str =
    "INSERT INTO audit_log (at, token_id, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)";

const REPLAY_API: &str =
    "SELECT request_hash, status, entity_id, body FROM idempotency_keys WHERE token_id = ? AND key = ?";
const REPLAY_CLI: &str = "SELECT request_hash, status, entity_id, body FROM cli_idempotency_keys WHERE key = ?";

const RECORD_API: &str =
    "INSERT INTO idempotency_keys (token_id, key, request_hash, status, entity_id, body, created_at)
     VALUES (?, ?, ?, 201, ?, ?, ?)";
const RECORD_CLI: &str = "INSERT INTO cli_idempotency_keys (key, request_hash, status, entity_id, body, created_at)
     VALUES (?, ?, 201, ?, ?, ?)";

const PRUNE_API: &str = "DELETE FROM idempotency_keys WHERE (token_id, key) IN
   (SELECT token_id, key FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)";
const PRUNE_CLI: &str = "DELETE FROM cli_idempotency_keys WHERE key IN
   (SELECT key FROM cli_idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)";

const ANYTHING_SEALED: &str = "SELECT EXISTS (SELECT 1 FROM licenses WHERE product_key_sealed IS NOT NULL)
     OR EXISTS (SELECT 1 FROM attempt_questions WHERE answer_sealed IS NOT NULL)
     OR EXISTS (SELECT 1 FROM attachments)";
const ONE_SEALED: &str = "SELECT product_key_sealed FROM licenses WHERE product_key_sealed IS NOT NULL
     UNION ALL
     SELECT answer_sealed FROM attempt_questions WHERE answer_sealed IS NOT NULL
     LIMIT 1";
const FINGERPRINT: &str = "SELECT fingerprint FROM key_fingerprint WHERE id = 1";
const RECORD_FINGERPRINT: &str = "INSERT INTO key_fingerprint (id, fingerprint, recorded_at) VALUES (1, ?1, ?2)
     ON CONFLICT (id) DO UPDATE SET fingerprint = ?1, recorded_at = ?2 WHERE fingerprint <> ?1";

pub(super) const SEARCH_TEXT_NEW: &str = "INSERT INTO search_text (rowid, body) VALUES (?, ?)";
const SEARCH_TEXT_AGAIN: &str =
    "UPDATE search_text SET body = ? WHERE rowid = (SELECT id FROM search_docs WHERE entity = ? AND entity_id = ?)";

/// Every statement the writer's writes run (those of this module, of the
/// searched tables' documents and of the tables' rows), for their test.
pub fn all() -> Vec<String> {
    let mut out: Vec<String> = [
        AUDIT,
        REPLAY_API,
        REPLAY_CLI,
        RECORD_API,
        RECORD_CLI,
        PRUNE_API,
        PRUNE_CLI,
        ANYTHING_SEALED,
        ONE_SEALED,
        FINGERPRINT,
        RECORD_FINGERPRINT,
        SEARCH_TEXT_NEW,
        SEARCH_TEXT_AGAIN,
    ]
    .map(String::from)
    .to_vec();
    for table in super::search::SEARCHED {
        if let Some((new, again)) = search_statements(table) {
            out.extend([new, again]);
        }
    }
    out.extend(super::licenses::statements());
    out.extend(super::hardware_changes::statements());
    out.extend(super::attempts::statements());
    out.extend(super::cases::statements());
    out.extend(super::machines::statements());
    out.extend(super::refs::statements());
    out.extend(super::follow_ups::statements());
    out.extend(super::attachments::statements());
    out.extend(super::archive::statements());
    out.extend(super::settings::statements());
    out.extend(super::tokens::statements());
    out.extend(super::import_rows::statements());
    out
}

/// One audit-log row, in the write's own transaction.
pub(super) fn audit(
    conn: &Connection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    fields: &[&str],
) -> Result<(), StoreError> {
    let at = crate::domain::time::now_system();
    let detail = serde_json::to_string(fields).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(AUDIT)?.execute(params![at, actor.token_id, actor.name, action, entity, entity_id, detail])?;
    Ok(())
}

/// The first answer to an earlier request with this idempotency key, if any:
/// a token's keys are its own; the command line's (no token) are kept apart.
pub(super) fn replay<T>(conn: &Connection, ctx: &WriteCtx<'_>) -> Result<Option<Created<T>>, StoreError> {
    let Some(idem) = &ctx.idempotency else {
        return Ok(None);
    };
    type Found = (Vec<u8>, i64, i64, String);
    let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Found> { Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)) };
    let row = match ctx.actor.token_id {
        Some(token_id) => conn.prepare_cached(REPLAY_API)?.query_row(params![token_id, idem.key], read).optional()?,
        None => conn.prepare_cached(REPLAY_CLI)?.query_row(params![idem.key], read).optional()?,
    };
    match row {
        None => Ok(None),
        Some((hash, status, entity_id, body)) if hash == idem.request_hash => {
            Ok(Some(Created::Replay { status: u16::try_from(status).unwrap_or(201), entity_id, body }))
        }
        Some(_) => Err(StoreError::IdempotencyMismatch),
    }
}

/// Finish a create: search document, audit row, idempotency record (the
/// writer commits).
pub(super) fn finish_create<T: Serialize>(
    conn: &Connection,
    ctx: &WriteCtx<'_>,
    table: Table,
    id: i64,
    value: T,
) -> Result<Created<T>, StoreError> {
    index(conn, table, id)?;
    audit(conn, ctx.actor, "create", table.entity(), Some(id), &[])?;
    if let Some(idem) = &ctx.idempotency {
        let body = serde_json::to_string(&value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = crate::domain::time::now_system();
        let records = match ctx.actor.token_id {
            Some(token_id) => {
                conn.prepare_cached(RECORD_API)?.execute(params![
                    token_id,
                    idem.key,
                    idem.request_hash,
                    id,
                    body,
                    now
                ])?;
                Records::Api
            }
            None => {
                conn.prepare_cached(RECORD_CLI)?.execute(params![idem.key, idem.request_hash, id, body, now])?;
                Records::Cli
            }
        };
        prune_batch(
            conn,
            records,
            &super::idempotency::cutoff(chrono::Utc::now()),
            super::idempotency::BESIDE_A_CREATE,
        )?;
    }
    Ok(Created::New(value))
}

/// The end of an update: the row as it now stands (`fetched` in the
/// update's own transaction), indexed for search and audited with the
/// fields the patch named, handed back as the answer.
pub(super) fn finish_update<T: super::Archivable>(
    fetched: Option<T>,
    conn: &Connection,
    ctx: &WriteCtx<'_>,
    table: Table,
    id: i64,
    fields: &[&str],
) -> Result<T, StoreError> {
    let value = super::visible(fetched, false, table, id)?;
    index(conn, table, id)?;
    audit(conn, ctx.actor, "update", table.entity(), Some(id), fields)?;
    Ok(value)
}

/// Delete at most `limit` records of `records` made before `before`,
/// oldest first; how many were deleted.
pub(super) fn prune_batch(conn: &Connection, records: Records, before: &str, limit: i64) -> Result<u64, StoreError> {
    let sql = match records {
        Records::Api => PRUNE_API,
        Records::Cli => PRUNE_CLI,
    };
    Ok(conn.prepare_cached(sql)?.execute(params![before, limit])? as u64)
}

/// The statements that index a new row of `table` (a document and its
/// text read in one) and that read a row's text again; `None` for tables
/// that are not searched.
fn search_statements(table: Table) -> Option<(String, String)> {
    let (_, body) = super::search::body_of(table)?;
    let name = table.name();
    Some((
        format!(
            "INSERT INTO search_docs (entity, entity_id) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM {name} WHERE id = ?2)
             ON CONFLICT DO NOTHING RETURNING id AS doc, (SELECT {body} FROM {name} t WHERE t.id = ?2) AS body"
        ),
        format!("SELECT {body} FROM {name} t WHERE t.id = ?"),
    ))
}

/// Index a row as it is now (see [`super::search::index`]).
pub(super) fn index(conn: &Connection, table: Table, id: i64) -> Result<(), StoreError> {
    let Some((entity, _)) = super::search::body_of(table) else { return Ok(()) };
    let Some((new, again)) = search_statements(table) else { return Ok(()) };
    let doc: Option<(i64, Option<String>)> =
        conn.prepare_cached(&new)?.query_row(params![entity, id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    if let Some((doc, text)) = doc {
        conn.prepare_cached(SEARCH_TEXT_NEW)?.execute(params![doc, normalise(text.as_deref().unwrap_or(""))])?;
        return Ok(());
    }
    let text: Option<Option<String>> = conn.prepare_cached(&again)?.query_row([id], |r| r.get(0)).optional()?;
    if let Some(text) = text {
        conn.prepare_cached(SEARCH_TEXT_AGAIN)?.execute(params![
            normalise(text.as_deref().unwrap_or("")),
            entity,
            id
        ])?;
    }
    Ok(())
}

impl Store {
    /// Before a write seals something, in its transaction: the key file's
    /// check ([`Store::key_check_on`]), a key file made when there is none
    /// and nothing is sealed yet.
    pub(super) fn ready_to_seal_on(&self, conn: &Connection) -> Result<(), StoreError> {
        self.key_check_on(conn, true)
    }

    /// The key file's check, in the write's transaction: when the journal
    /// holds sealed values, the key file must be the one they were sealed
    /// with — the one whose fingerprint is recorded, or (in a journal sealed
    /// before fingerprints were kept) one that opens a sealed value, whose
    /// fingerprint is then recorded. With nothing sealed yet, any key file
    /// will do (one is made when `create` and there is none) and its
    /// fingerprint is recorded. A missing or different key file is never
    /// replaced silently.
    pub(super) fn key_check_on(&self, conn: &Connection, create: bool) -> Result<(), StoreError> {
        let path = || self.secrets.path().to_path_buf();
        let recorded = || -> Result<Option<String>, StoreError> {
            Ok(conn.prepare_cached(FINGERPRINT)?.query_row([], |r| r.get(0)).optional()?)
        };
        let record = |fingerprint: &str| -> Result<(), StoreError> {
            let now = crate::domain::time::now_system();
            conn.prepare_cached(RECORD_FINGERPRINT)?.execute(params![fingerprint, now])?;
            Ok(())
        };
        let sealed: bool = conn.prepare_cached(ANYTHING_SEALED)?.query_row([], |r| r.get(0))?;
        if sealed {
            let Some(actual) = self.secrets.fingerprint()? else {
                return Err(SecretError::Missing(path()).into());
            };
            return match recorded()? {
                Some(recorded) if recorded == actual => Ok(()),
                Some(_) => Err(SecretError::NotThisJournals(path()).into()),
                None => {
                    let one: Option<Vec<u8>> =
                        conn.prepare_cached(ONE_SEALED)?.query_row([], |r| r.get(0)).optional()?;
                    if let Some(one) = one {
                        self.secrets.open(&one).map_err(|_| SecretError::NotThisJournals(path()))?;
                    }
                    record(&actual)
                }
            };
        }
        let actual = if create { Some(self.secrets.fingerprint_or_create()?) } else { self.secrets.fingerprint()? };
        match actual {
            Some(fingerprint) => record(&fingerprint),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every statement of the writer compiles against the migrated schema
    /// (SQLite checks tables, columns and functions when it prepares).
    #[tokio::test]
    async fn every_write_statement_prepares_on_a_migrated_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.db");
        let store = Store::open(&path, &dir.path().join("journal.db.key")).await.unwrap();
        store.close().await;
        let conn = Connection::open(&path).unwrap();
        let statements = all();
        assert!(statements.len() >= 25, "{} statements", statements.len());
        for sql in &statements {
            if let Err(e) = conn.prepare(sql) {
                panic!("{e}: {sql}");
            }
        }
    }
}
