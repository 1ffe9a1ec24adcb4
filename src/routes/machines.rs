//! `/machines`: the PCs of the household.

use actix_web::{web, HttpResponse};

use super::openapi::{ArchiveErrors, ListErrors, ReadErrors, WriteErrors};
use super::{
    created, no_content, ok, page, resource, IdempotencyKey, JsonBody, ListQuery, NoParams, Params, PathId, ShowQuery,
};
use crate::auth::{Reader, Writer};
use crate::domain::{Machine, Page, TimePageRequest};
use crate::error::ApiError;
use crate::store::{Store, Timeline, WriteCtx};
use crate::wire::{MachineCreate, MachineFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/machines", "GET, POST").route(web::get().to(list)).route(web::post().to(create)));
    cfg.service(
        resource("/machines/{id}", "GET, PATCH, DELETE")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(archive)),
    );
    cfg.service(resource("/machines/{id}/timeline", "GET").route(web::get().to(timeline)));
}

/// List machines.
#[utoipa::path(get, operation_id = "list_machines", path = "/api/v1/machines", tag = "machines", params(ListQuery),
    responses((status = 200, body = Page<Machine>), ListErrors), security(("bearer" = [])))]
pub async fn list(store: web::Data<Store>, _: Reader, Params(q): Params<ListQuery>) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    Ok(ok(&store.machines(&page).await?))
}

/// Add a machine.
#[utoipa::path(post, operation_id = "create_machine", path = "/api/v1/machines", tag = "machines", request_body = inline(MachineCreate),
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer", nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    responses((status = 201, body = Machine), WriteErrors), security(("bearer" = [])))]
pub async fn create(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    key: IdempotencyKey,
    body: JsonBody<MachineCreate>,
) -> Result<HttpResponse, ApiError> {
    let result = store.create_machine(&key.ctx(&actor, &body), &body.parsed()?).await?;
    Ok(created(result, "/machines", |m| m.id))
}

/// One machine.
#[utoipa::path(get, operation_id = "get_machine", path = "/api/v1/machines/{id}", tag = "machines", params(("id" = i64, Path), ShowQuery),
    responses((status = 200, body = Machine), ReadErrors), security(("bearer" = [])))]
pub async fn show(
    store: web::Data<Store>,
    _: Reader,
    PathId(id): PathId,
    Params(q): Params<ShowQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.machine(id, q.include_archived.unwrap_or(false)).await?))
}

/// Change a machine (only the fields sent; `null` clears one).
#[utoipa::path(patch, operation_id = "update_machine", path = "/api/v1/machines/{id}", tag = "machines", params(("id" = i64, Path)),
    request_body = inline(MachineFields), responses((status = 200, body = Machine), WriteErrors), security(("bearer" = [])))]
pub async fn update(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
    body: JsonBody<MachineFields>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.update_machine(&WriteCtx::new(&actor), id, &body.parsed()?).await?))
}

/// Archive a machine.
#[utoipa::path(delete, operation_id = "archive_machine", path = "/api/v1/machines/{id}", tag = "machines", params(("id" = i64, Path)),
    responses((status = 204, description = "archived"), ArchiveErrors), security(("bearer" = [])))]
pub async fn archive(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    store.archive_machine(&WriteCtx::new(&actor), id).await?;
    Ok(no_content())
}

/// A machine's hardware changes, cases, attempts and follow-ups in time
/// order, a page at a time (with `include_archived=true`, an archived
/// machine's, archived rows too).
#[utoipa::path(get, operation_id = "machine_timeline", path = "/api/v1/machines/{id}/timeline", tag = "machines",
    params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = Timeline), ReadErrors), security(("bearer" = [])))]
pub async fn timeline(
    store: web::Data<Store>,
    _: Reader,
    PathId(id): PathId,
    Params(q): Params<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = TimePageRequest::parse(q.limit, q.cursor.as_deref(), q.include_archived.unwrap_or(false))
        .map_err(ApiError::bad_params)?;
    Ok(ok(&store.timeline(id, &page).await?))
}
