//! SQL of API tokens. A token is 256 random bits shown once; only its
//! SHA-256 is stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::{audit, stored, Actor, Store, StoreError};
use crate::domain::fields::{text, NAME_MAX};
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

impl Store {
    /// Make a token. Its text is returned once and never stored.
    pub async fn create_token(&self, actor: &Actor, name: &str, scope: Scope) -> Result<NewToken, StoreError> {
        let name = text(NAME_MAX)(&name.to_string()).map_err(|m| StoreError::Invalid(FieldErrors::one("name", m)))?;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = format!("aj_{}", URL_SAFE_NO_PAD.encode(bytes));
        let hash = digest(&token);
        let now = now_system();
        let scope_name = scope.as_str();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query_scalar!("SELECT count(*) FROM api_tokens WHERE name = ? AND revoked_at IS NULL", name)
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::Conflict(format!("a token named {name:?} already exists; revoke it first")));
        }
        let id = sqlx::query_scalar!(
            "INSERT INTO api_tokens (name, scope, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id AS \"id!\"",
            name,
            scope_name,
            hash,
            now
        )
        .fetch_one(&mut *tx)
        .await?;
        audit(&mut tx, actor, "token_create", "api_token", Some(id), &["name", "scope"]).await?;
        tx.commit().await?;
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
        let mut tx = self.begin_write().await?;
        let id = sqlx::query_scalar!(
            "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL RETURNING id AS \"id!\"",
            now,
            name
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Err(StoreError::Missing(format!("there is no live token named {name:?}")));
        };
        audit(&mut tx, actor, "token_revoke", "api_token", Some(id), &[]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor a bearer token stands for, if it is live.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        let hash = digest(token);
        let row = sqlx::query!(
            "SELECT id AS \"id!\", name, scope FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
            hash
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(Actor { token_id: Some(r.id), name: r.name, scope: stored(&r.scope)? })).transpose()
    }
}
