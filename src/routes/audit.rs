//! `/audit`: the audit log, newest first (write scope: it tells who did what).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::int;
use super::responses::WriteScopeListErrors;
use super::{ok, page, resource, Params};
use crate::auth::Writer;
use crate::domain::fields::range;
use crate::domain::fields::{id_filter, Check};
use crate::domain::time::TimeBound;
use crate::domain::{AuditEntity, Page};
use crate::error::ApiError;
use crate::store::{AuditEntry, AuditFilter, Store};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/audit", "GET").route(web::get().to(list)));
}

/// Filters and paging of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "int")]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    #[param(value_type = Option<AuditEntity>)]
    pub entity: Option<AuditEntity>,
    #[param(minimum = 1)]
    #[serde(default, deserialize_with = "int")]
    pub entity_id: Option<i64>,
    /// A token's name (`cli` for the command line).
    #[param(min_length = 1)]
    pub token: Option<String>,
    /// A UTC date (`2014-05-09`, inclusive) or an RFC 3339 time.
    pub from: Option<String>,
    /// A UTC date (`2014-05-10`, inclusive) or an RFC 3339 time.
    pub to: Option<String>,
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, ApiError> {
        let mut c = Check::default();
        let (from, to) = range(&mut c, self.from.as_deref(), self.to.as_deref(), TimeBound::parse);
        let entity_id = id_filter(&mut c, "entity_id", self.entity_id);
        let token = self.token.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        if self.token.is_some() && token.is_none() {
            c.push("token", crate::i18n::Msg::new("msg.empty"));
        }
        c.finish().map_err(ApiError::bad_params)?;
        Ok(AuditFilter { entity: self.entity, entity_id, token, from, to })
    }
}

/// The audit log, newest first: every write and every key reveal, who and
/// what (field names, never values).
#[utoipa::path(get, operation_id = "audit_log", path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), WriteScopeListErrors), security(("bearer" = [])))]
pub async fn list(store: web::Data<Store>, _: Writer, Params(q): Params<AuditQuery>) -> Result<HttpResponse, ApiError> {
    let filter = q.filter()?;
    let page = page(q.limit, q.cursor.as_deref(), None)?;
    Ok(ok(&store.audit_log(&page, &filter).await?))
}
