//! SQL of browser sessions (the web pages). A session id is 256 random bits
//! kept by the browser; only its SHA-256 is stored. A session stands for
//! the token it was opened with: it ends when signed out, when unused for
//! [`SESSION_IDLE`], or when its token is revoked.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use super::{stored, Actor, Store, StoreError};
use crate::domain::time::now_system;
use crate::domain::Scope;

/// How long a session lives unused.
pub const SESSION_IDLE: i64 = 30 * 24 * 3600;

/// A session's `last_seen` is written again at most this often (a page view
/// is not a write).
const TOUCH_EVERY: i64 = 3600;

/// A signed-in browser: who it acts as and its anti-forgery token.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
}

/// A session just opened: the only time its id exists.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub session: Session,
}

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn digest(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// Open a session for the live token `token`; `None` when it is not
    /// one, or is a calendar token (it opens the calendar feed alone).
    pub async fn open_session(&self, token: &str) -> Result<Option<NewSession>, StoreError> {
        let Some(actor) = self.authenticate(token).await? else { return Ok(None) };
        if actor.scope == Scope::Calendar {
            return Ok(None);
        }
        let Some(token_id) = actor.token_id else { return Ok(None) };
        let (id, csrf) = (random_token(), random_token());
        let (hash, now, seen) = (digest(&id), now_system(), unix_now());
        sqlx::query!(
            "INSERT INTO web_sessions (session_hash, token_id, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
            hash,
            token_id,
            csrf,
            now,
            seen
        )
        .execute(&self.pool)
        .await?;
        Ok(Some(NewSession { id, session: Session { actor, csrf } }))
    }

    /// The live session with this id, if any (its token live, used within
    /// [`SESSION_IDLE`]); its `last_seen` is moved on now and then.
    pub async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let (hash, now) = (digest(id), unix_now());
        let oldest = now - SESSION_IDLE;
        let row = sqlx::query!(
            r#"SELECT s.id AS "id!", s.csrf, s.last_seen, t.id AS "token_id!", t.name, t.scope
               FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id
               WHERE s.session_hash = ? AND t.revoked_at IS NULL AND s.last_seen > ?"#,
            hash,
            oldest
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        // A journal opened for reading only keeps its sessions as they are.
        if now - r.last_seen > TOUCH_EVERY && !self.is_read_only() {
            sqlx::query!("UPDATE web_sessions SET last_seen = ? WHERE id = ?", now, r.id).execute(&self.pool).await?;
        }
        Ok(Some(Session {
            actor: Actor { token_id: Some(r.token_id), name: r.name, scope: stored(&r.scope)? },
            csrf: r.csrf,
        }))
    }

    /// End the session with this id (signing out), and any session unused
    /// for too long.
    pub async fn close_session(&self, id: &str) -> Result<(), StoreError> {
        let (hash, oldest) = (digest(id), unix_now() - SESSION_IDLE);
        sqlx::query!("DELETE FROM web_sessions WHERE session_hash = ? OR last_seen <= ?", hash, oldest)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
