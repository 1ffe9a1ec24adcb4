//! `/follow-ups`: things to do later on a machine or a case.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{flag, int};
use super::openapi::{ListErrors, ReadErrors, WriteErrors};
use super::{created, id_filters, ok, page, resource, IdempotencyKey, JsonBody, NoParams, Params, PathId, ShowQuery};
use crate::auth::{Reader, Writer};
use crate::domain::{FollowUp, Page};
use crate::error::ApiError;
use crate::store::{Store, WriteCtx};
use crate::wire::{FollowUpCreate, FollowUpFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/follow-ups", "GET, POST").route(web::get().to(list)).route(web::post().to(create)));
    cfg.service(
        resource("/follow-ups/{id}", "GET, PATCH, DELETE")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(super::archive::archive_follow_up)),
    );
}

/// Filters and paging of the follow-ups list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
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
    pub case_id: Option<i64>,
    #[serde(default, deserialize_with = "flag")]
    pub done: Option<bool>,
}

/// List follow-ups.
#[utoipa::path(get, operation_id = "list_follow_ups", path = "/api/v1/follow-ups", tag = "follow-ups", params(FollowUpQuery),
    responses((status = 200, body = Page<FollowUp>), ListErrors), security(("bearer" = [])))]
pub async fn list(
    store: web::Data<Store>,
    _: Reader,
    Params(q): Params<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    let [machine_id, case_id] = id_filters([("machine_id", q.machine_id), ("case_id", q.case_id)])?;
    Ok(ok(&store.follow_ups(&page, machine_id, case_id, q.done).await?))
}

/// Add a follow-up.
#[utoipa::path(post, operation_id = "create_follow_up", path = "/api/v1/follow-ups", tag = "follow-ups", request_body = inline(FollowUpCreate),
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer", nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    responses((status = 201, body = FollowUp), WriteErrors), security(("bearer" = [])))]
pub async fn create(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    key: IdempotencyKey,
    body: JsonBody<FollowUpCreate>,
) -> Result<HttpResponse, ApiError> {
    let result = store.create_follow_up(&key.ctx(&actor, &body), &body.parsed()?).await?;
    Ok(created(result, "/follow-ups", |f| f.id))
}

/// One follow-up.
#[utoipa::path(get, operation_id = "get_follow_up", path = "/api/v1/follow-ups/{id}", tag = "follow-ups", params(("id" = i64, Path), ShowQuery),
    responses((status = 200, body = FollowUp), ReadErrors), security(("bearer" = [])))]
pub async fn show(
    store: web::Data<Store>,
    _: Reader,
    PathId(id): PathId,
    Params(q): Params<ShowQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.follow_up(id, q.include_archived.unwrap_or(false)).await?))
}

/// Change a follow-up (e.g. mark it done).
#[utoipa::path(patch, operation_id = "update_follow_up", path = "/api/v1/follow-ups/{id}", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = inline(FollowUpFields), responses((status = 200, body = FollowUp), WriteErrors), security(("bearer" = [])))]
pub async fn update(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
    body: JsonBody<FollowUpFields>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.update_follow_up(&WriteCtx::new(&actor), id, &body.parsed()?).await?))
}
