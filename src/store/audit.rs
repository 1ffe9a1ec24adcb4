//! Reading the audit log: every write and every key reveal, newest first.
//! Rows name fields, never values, so no product key is ever in it.

use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite};
use utoipa::ToSchema;

use super::{stored, Store, StoreError};
use crate::domain::time::{system_from_millis, TimeBound};
use crate::domain::{AuditAction, AuditEntity, Page, PageRequest};

/// The filters of the audit log. A date bound is a UTC date (the log's
/// times are the system's, not a caller's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity: Option<AuditEntity>,
    pub entity_id: Option<i64>,
    /// A token's name (`cli` for the command line).
    pub token: Option<String>,
    pub from: Option<TimeBound>,
    pub to: Option<TimeBound>,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// The token's name, or `cli`.
    pub actor: String,
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: Option<i64>,
    /// The names of the fields written (never their values).
    pub fields: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    detail: String,
}

impl Store {
    /// A page of the audit log, newest first (the cursor is the last id seen).
    pub async fn audit_log(&self, page: &PageRequest, f: &AuditFilter) -> Result<Page<AuditEntry>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log WHERE 1 = 1",
        );
        if page.after.0 > 0 {
            q.push(" AND id < ").push_bind(page.after.0);
        }
        if let Some(e) = f.entity {
            q.push(" AND entity = ").push_bind(e.as_str());
        }
        if let Some(id) = f.entity_id {
            q.push(" AND entity_id = ").push_bind(id);
        }
        if let Some(t) = &f.token {
            q.push(" AND actor = ").push_bind(t.clone());
        }
        // System times are one fixed-width format: they compare as text.
        match f.from {
            Some(TimeBound::Date(d)) => {
                q.push(" AND at >= ").push_bind(format!("{d}T00:00:00.000000Z"));
            }
            Some(TimeBound::Instant(ms)) => {
                q.push(" AND at >= ").push_bind(system_from_millis(ms));
            }
            None => {}
        }
        match f.to {
            Some(TimeBound::Date(d)) => {
                q.push(" AND at < ").push_bind(format!("{}T00:00:00.000000Z", d.succ_opt().unwrap_or(d)));
            }
            Some(TimeBound::Instant(ms)) => {
                q.push(" AND at <= ").push_bind(system_from_millis(ms));
            }
            None => {}
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(page.limit + 1);
        let rows: Vec<Row> = q.build_query_as().fetch_all(&self.pool).await?;
        let entries = rows
            .into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.id,
                    at: r.at,
                    actor: r.actor,
                    action: stored(&r.action)?,
                    entity: stored(&r.entity)?,
                    entity_id: r.entity_id,
                    fields: serde_json::from_str(&r.detail)
                        .map_err(|e| StoreError::Corrupt(format!("an audit row's fields: {e}")))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Page::from_rows(entries, page.limit, |e| e.id))
    }
}
