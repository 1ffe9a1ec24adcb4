//! `/summary/{name}`: the journal's answers (see `crate::summary`).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::int;
use super::responses::ReadErrors;
use super::{ok, resource, Params};
use crate::auth::Reader;
use crate::error::ApiError;
use crate::store::Store;
use crate::summary::{summary_page, Summary, SummaryFilter, SummaryName};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/summary/{name}", "GET").route(web::get().to(summary)));
}

/// The filters every summary takes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// First local date, inclusive (`2014-05-09`).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last local date, inclusive.
    #[param(format = Date)]
    pub to: Option<String>,
    #[param(minimum = 1)]
    #[serde(default, deserialize_with = "int")]
    pub machine_id: Option<i64>,
    #[param(minimum = 1)]
    #[serde(default, deserialize_with = "int")]
    pub license_id: Option<i64>,
    /// `retries` only: cases a page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "int")]
    pub limit: Option<i64>,
    /// `retries` only: `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// One summary: `overview`, `retries`, `wait-times`, `hours`, `questions`, `licenses` or `open`.
#[utoipa::path(get, operation_id = "summary", path = "/api/v1/summary/{name}", tag = "summaries",
    params(("name" = SummaryName, Path, description = "overview, retries, wait-times, hours, questions, licenses or open"),
           SummaryQuery),
    responses((status = 200, body = Summary), ReadErrors), security(("bearer" = [])))]
pub async fn summary(
    store: web::Data<Store>,
    _: Reader,
    req: HttpRequest,
    Params(q): Params<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let raw = req.match_info().get("name").unwrap_or("");
    let name: SummaryName = raw.parse().map_err(|_| {
        ApiError::NotFound(format!("there is no summary {raw:?}; there are {}", SummaryName::expected()))
    })?;
    let filter = SummaryFilter::parse(q.from.as_deref(), q.to.as_deref(), q.machine_id, q.license_id)
        .map_err(ApiError::bad_params)?;
    let page = summary_page(name, q.limit, q.cursor.as_deref()).map_err(ApiError::bad_params)?;
    Ok(ok(&store.summary(name, &filter, &page, chrono::Utc::now()).await?))
}
