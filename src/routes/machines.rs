//! `/machines`: the PCs of the household.

use actix_web::{web, HttpResponse};

use super::responses::{ListErrors, ReadErrors};
use super::{collection_and_items, ok, page, resource, ListQuery, Params, PathId};
use crate::auth::Reader;
use crate::domain::{Machine, Page, TimePageRequest};
use crate::error::ApiError;
use crate::store::{Store, Timeline};
use crate::wire::{MachineCreate, MachineFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    collection_and_items(
        cfg,
        "/machines",
        [web::get().to(list), web::post().to(create)],
        [web::get().to(show), web::patch().to(update), web::delete().to(archive)],
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

create_handler! {
    /// Add a machine.
    "create_machine", "/api/v1/machines", "machines", MachineCreate => Machine, create_machine, "/machines"
}

show_handler! {
    /// One machine.
    "get_machine", "/api/v1/machines/{id}", "machines", Machine, machine
}

update_handler! {
    /// Change a machine (only the fields sent; `null` clears one).
    "update_machine", "/api/v1/machines/{id}", "machines", MachineFields => Machine, update_machine
}

archive_handler! {
    /// Archive a machine.
    archive, "archive_machine", "/api/v1/machines/{id}", "machines", Machine, archive_machine
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
