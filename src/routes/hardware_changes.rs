//! `/machines/{id}/hardware-changes` and `/hardware-changes/{id}`.

use actix_web::{web, HttpResponse};

use super::openapi::{ArchiveErrors, ReadErrors, WriteErrors};
use super::{
    created, no_content, ok, page, resource, IdempotencyKey, JsonBody, ListQuery, NoParams, Params, PathId, ShowQuery,
};
use crate::auth::{Reader, Writer};
use crate::domain::{HardwareChange, Page};
use crate::error::ApiError;
use crate::store::{Store, WriteCtx};
use crate::wire::{HardwareChangeCreate, HardwareChangeFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/machines/{id}/hardware-changes", "GET, POST")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    );
    cfg.service(
        resource("/hardware-changes/{id}", "GET, PATCH, DELETE")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(archive)),
    );
}

/// The hardware changes of a machine.
#[utoipa::path(get, operation_id = "list_hardware_changes", path = "/api/v1/machines/{id}/hardware-changes", tag = "hardware changes",
    params(("id" = i64, Path, description = "the machine"), ListQuery),
    responses((status = 200, body = Page<HardwareChange>), ReadErrors), security(("bearer" = [])))]
pub async fn list(
    store: web::Data<Store>,
    _: Reader,
    PathId(machine_id): PathId,
    Params(q): Params<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    Ok(ok(&store.hardware_changes(machine_id, &page).await?))
}

/// Record a hardware change of a machine.
#[utoipa::path(post, operation_id = "create_hardware_change", path = "/api/v1/machines/{id}/hardware-changes", tag = "hardware changes",
    params(("id" = i64, Path, description = "the machine"),
           ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer", nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    request_body = inline(HardwareChangeCreate), responses((status = 201, body = HardwareChange), WriteErrors),
    security(("bearer" = [])))]
pub async fn create(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(machine_id): PathId,
    key: IdempotencyKey,
    body: JsonBody<HardwareChangeCreate>,
) -> Result<HttpResponse, ApiError> {
    let result = store.create_hardware_change(&key.ctx(&actor, &body), machine_id, &body.parsed()?).await?;
    Ok(created(result, "/hardware-changes", |h| h.id))
}

/// One hardware change.
#[utoipa::path(get, operation_id = "get_hardware_change", path = "/api/v1/hardware-changes/{id}", tag = "hardware changes",
    params(("id" = i64, Path), ShowQuery), responses((status = 200, body = HardwareChange), ReadErrors),
    security(("bearer" = [])))]
pub async fn show(
    store: web::Data<Store>,
    _: Reader,
    PathId(id): PathId,
    Params(q): Params<ShowQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.hardware_change(id, q.include_archived.unwrap_or(false)).await?))
}

/// Change a hardware change.
#[utoipa::path(patch, operation_id = "update_hardware_change", path = "/api/v1/hardware-changes/{id}", tag = "hardware changes", params(("id" = i64, Path)),
    request_body = inline(HardwareChangeFields), responses((status = 200, body = HardwareChange), WriteErrors),
    security(("bearer" = [])))]
pub async fn update(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
    body: JsonBody<HardwareChangeFields>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.update_hardware_change(&WriteCtx::new(&actor), id, &body.parsed()?).await?))
}

/// Archive a hardware change.
#[utoipa::path(delete, operation_id = "archive_hardware_change", path = "/api/v1/hardware-changes/{id}", tag = "hardware changes", params(("id" = i64, Path)),
    responses((status = 204, description = "archived"), ArchiveErrors), security(("bearer" = [])))]
pub async fn archive(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    store.archive_hardware_change(&WriteCtx::new(&actor), id).await?;
    Ok(no_content())
}
