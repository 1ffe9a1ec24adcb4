//! `/cases`: activation goals (license L on machine M).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{flag, int};
use super::openapi::{ListErrors, ReadErrors, WriteErrors};
use super::{created, id_filters, ok, page, resource, IdempotencyKey, JsonBody, NoParams, Params, PathId, ShowQuery};
use crate::auth::{Reader, Writer};
use crate::domain::{Case, CaseStatus, Page};
use crate::error::ApiError;
use crate::store::{Store, WriteCtx};
use crate::wire::{CaseCreate, CaseFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/cases", "GET, POST").route(web::get().to(list)).route(web::post().to(create)));
    cfg.service(
        resource("/cases/{id}", "GET, PATCH, DELETE")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(super::archive::archive_case)),
    );
}

/// Filters and paging of the cases list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "int")]
    pub limit: Option<i64>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    pub include_archived: Option<bool>,
    #[param(minimum = 1)]
    #[serde(default, deserialize_with = "int")]
    pub machine_id: Option<i64>,
    #[param(minimum = 1)]
    #[serde(default, deserialize_with = "int")]
    pub license_id: Option<i64>,
    #[param(value_type = Option<CaseStatus>)]
    pub status: Option<CaseStatus>,
}

/// List cases.
#[utoipa::path(get, operation_id = "list_cases", path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = Page<Case>), ListErrors), security(("bearer" = [])))]
pub async fn list(store: web::Data<Store>, _: Reader, Params(q): Params<CaseQuery>) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    let [machine_id, license_id] = id_filters([("machine_id", q.machine_id), ("license_id", q.license_id)])?;
    Ok(ok(&store.cases(&page, machine_id, license_id, q.status).await?))
}

/// Open a case.
#[utoipa::path(post, operation_id = "create_case", path = "/api/v1/cases", tag = "cases", request_body = inline(CaseCreate),
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer", nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    responses((status = 201, body = Case), WriteErrors), security(("bearer" = [])))]
pub async fn create(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    key: IdempotencyKey,
    body: JsonBody<CaseCreate>,
) -> Result<HttpResponse, ApiError> {
    let result = store.create_case(&key.ctx(&actor, &body), &body.parsed()?).await?;
    Ok(created(result, "/cases", |c| c.id))
}

/// One case.
#[utoipa::path(get, operation_id = "get_case", path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path), ShowQuery),
    responses((status = 200, body = Case), ReadErrors), security(("bearer" = [])))]
pub async fn show(
    store: web::Data<Store>,
    _: Reader,
    PathId(id): PathId,
    Params(q): Params<ShowQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.case(id, q.include_archived.unwrap_or(false)).await?))
}

/// Change a case: its trigger, hardware change, status (`abandoned`, or `open` again) or notes.
#[utoipa::path(patch, operation_id = "update_case", path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)),
    request_body = inline(CaseFields), responses((status = 200, body = Case), WriteErrors), security(("bearer" = [])))]
pub async fn update(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
    body: JsonBody<CaseFields>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.update_case(&WriteCtx::new(&actor), id, &body.parsed()?).await?))
}
