//! `/machines/{id}/hardware-changes` and `/hardware-changes/{id}`.

use actix_web::{web, HttpResponse};

use super::responses::{ReadErrors, WriteErrors};
use super::{created, ok, page, resource, IdempotencyKey, JsonBody, ListQuery, NoParams, Params, PathId};
use crate::auth::{Reader, Writer};
use crate::domain::{HardwareChange, Page};
use crate::error::ApiError;
use crate::store::Store;
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
    request_body = inline(HardwareChangeCreate), responses((status = 201, body = HardwareChange, headers(("ETag" = String, description = "the resource's version, for If-Match"))), WriteErrors),
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
    created(result, "/hardware-changes", |h| h.id)
}

show_handler! {
    /// One hardware change.
    "get_hardware_change", "/api/v1/hardware-changes/{id}", "hardware changes", HardwareChange, hardware_change
}

update_handler! {
    /// Change a hardware change.
    "update_hardware_change", "/api/v1/hardware-changes/{id}", "hardware changes", HardwareChangeFields => HardwareChange, update_hardware_change
}

archive_handler! {
    /// Archive a hardware change.
    archive, "archive_hardware_change", "/api/v1/hardware-changes/{id}", "hardware changes", HardwareChange, archive_hardware_change
}
