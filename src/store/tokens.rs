//! SQL of API tokens. A token is 256 random bits shown once; only its
//! SHA-256 is stored.
//!
//! Checking a token costs no database round trip: the live tokens are kept
//! in memory ([`TokenCache`]) and read again only when the token stamp —
//! a small file beside the database (`<db>.tokens`) that every token
//! change replaces, whichever process made it (`token revoke` on the
//! command line while the server runs) — is not the one the cache was read
//! under, or after a minute. So a revoked token is refused on the very next
//! request. A token the cache does not know is looked up in the database
//! (it may be newer than the cache), and a hit reads the cache again.

use super::ConflictKind;
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::{stored, Actor, Store, StoreError};
use crate::domain::fields::NAME_MAX;
use crate::domain::shape::{FieldDecl, Kind};
use crate::domain::time::now_system;
use crate::domain::{FieldErrors, Scope};

/// A token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A token just made: the only time its text exists.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub info: TokenInfo,
    pub token: String,
}

/// The digest a token is kept and looked up by.
fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// What identifies one version of the token stamp file.
type Stamp = Option<(SystemTime, u64, u64)>;

/// How long the cache is trusted even when the stamp did not change (a
/// stamp that could not be written, a token changed by hand).
const CACHE_AT_MOST: Duration = Duration::from_secs(60);

/// The live tokens, by digest, as read under one stamp.
#[derive(Debug, Default)]
pub(super) struct TokenCache {
    read: RwLock<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    stamp: Stamp,
    at: Instant,
    actors: HashMap<Vec<u8>, Actor>,
}

/// The stamp file of the database at `db`.
pub(super) fn stamp_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".tokens");
    PathBuf::from(p)
}

fn stamp_of(path: &Path) -> Stamp {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len(), m.ino()))
}

const NAME_TAKEN: &str = "SELECT count(*) FROM api_tokens WHERE name = ? AND revoked_at IS NULL";
const CREATE: &str = "INSERT INTO api_tokens (name, scope, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id";
const REVOKE: &str = "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL RETURNING id";
const END_SESSIONS: &str = "DELETE FROM web_sessions WHERE token_id = ?";

/// The statements of tokens the writer runs on its rusqlite connection
/// (making and revoking one).
pub(super) fn statements() -> Vec<String> {
    [NAME_TAKEN, CREATE, REVOKE, END_SESSIONS].map(String::from).to_vec()
}

impl Store {
    /// Say that tokens changed: replace the stamp file (a new file, so a
    /// new inode, whatever the clock's resolution).
    fn tokens_changed(&self) {
        let path = &self.token_stamp;
        let tmp = path.with_extension("tokens.new");
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        if let Err(e) = std::fs::write(&tmp, hex::encode(bytes)).and_then(|()| std::fs::rename(&tmp, path)) {
            tracing::warn!(error = %e, file = %path.display(),
                "could not write the token stamp: a running server sees the change within a minute");
        }
    }

    /// Make a token. Its text is returned once and never stored.
    pub async fn create_token(&self, actor: &Actor, name: &str, scope: Scope) -> Result<NewToken, StoreError> {
        const NAME: FieldDecl =
            FieldDecl { name: "name", kind: Kind::Line { max: NAME_MAX }, required: true, label: "field.name" };
        let name = NAME.text()(&name.to_string()).map_err(|m| StoreError::Invalid(FieldErrors::one("name", m)))?;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = format!("aj_{}", URL_SAFE_NO_PAD.encode(bytes));
        let hash = digest(&token);
        let now = now_system();
        let scope_name = scope.as_str();
        let (who, named, at) = (actor.clone(), name.clone(), now.clone());
        let id = self
            .write(move |conn| {
                let taken: i64 = conn.prepare_cached(NAME_TAKEN)?.query_row([&named], |r| r.get(0))?;
                if taken > 0 {
                    return Err(StoreError::Conflict(
                        ConflictKind::NameTaken,
                        crate::i18n::Msg::new("msg.token_name_taken").arg("name", format!("{named:?}")),
                    ));
                }
                let id: i64 =
                    conn.prepare_cached(CREATE)?.query_row(params![named, scope_name, hash, at], |r| r.get("id"))?;
                super::statements::audit(conn, &who, "token_create", "api_token", Some(id), &["name", "scope"])?;
                Ok(id)
            })
            .await?;
        self.tokens_changed();
        Ok(NewToken { info: TokenInfo { id, name, scope, created_at: now, revoked_at: None }, token })
    }

    /// Every token, revoked ones too.
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        sqlx::query!("SELECT id AS \"id!\", name, scope, created_at, revoked_at FROM api_tokens ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.id,
                    name: r.name,
                    scope: stored(&r.scope)?,
                    created_at: r.created_at,
                    revoked_at: r.revoked_at,
                })
            })
            .collect()
    }

    /// How many tokens are not revoked.
    pub async fn live_token_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar!("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Revoke the live token with this name.
    pub async fn revoke_token(&self, actor: &Actor, name: &str) -> Result<(), StoreError> {
        let now = now_system();
        let (who, name) = (actor.clone(), name.to_string());
        self.write(move |conn| {
            let id: Option<i64> =
                conn.prepare_cached(REVOKE)?.query_row(params![now, name], |r| r.get("id")).optional()?;
            let Some(id) = id else {
                return Err(StoreError::Missing(
                    crate::i18n::Msg::new("msg.no_such_token").arg("name", format!("{name:?}")),
                ));
            };
            // Its browser sessions end with it.
            conn.prepare_cached(END_SESSIONS)?.execute([id])?;
            super::statements::audit(conn, &who, "token_revoke", "api_token", Some(id), &[])
        })
        .await?;
        self.tokens_changed();
        Ok(())
    }

    /// The actor a bearer token stands for, if it is live: from memory
    /// while the token stamp is unchanged (see the module's documentation).
    pub async fn authenticate(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        let hash = digest(token);
        let stamp = stamp_of(&self.token_stamp);
        if let Ok(read) = self.tokens.read.read() {
            if let Some(c) = read.as_ref().filter(|c| c.stamp == stamp && c.at.elapsed() < CACHE_AT_MOST) {
                if let Some(actor) = c.actors.get(&hash) {
                    return Ok(Some(actor.clone()));
                }
            }
        }
        // Not known under this stamp: read every live token again.
        let rows =
            sqlx::query!("SELECT id AS \"id!\", name, scope, token_hash FROM api_tokens WHERE revoked_at IS NULL")
                .fetch_all(&self.pool)
                .await?;
        let mut actors = HashMap::with_capacity(rows.len());
        for r in rows {
            actors.insert(r.token_hash, Actor { token_id: Some(r.id), name: r.name, scope: stored(&r.scope)? });
        }
        let found = actors.get(&hash).cloned();
        if let Ok(mut write) = self.tokens.read.write() {
            *write = Some(Cached { stamp, at: Instant::now(), actors });
        }
        Ok(found)
    }
}
