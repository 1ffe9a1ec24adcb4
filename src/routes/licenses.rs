//! `/licenses`: what was bought, and the audited product-key reveal.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::{ArchiveErrors, ListErrors, ReadErrors, WriteErrors};
use super::{
    created, no_content, ok, page, resource, IdempotencyKey, JsonBody, ListQuery, NoParams, Params, PathId, ShowQuery,
};
use crate::auth::{Reader, Writer};
use crate::domain::{License, Page};
use crate::error::ApiError;
use crate::store::{Store, WriteCtx};
use crate::wire::{LicenseCreate, LicenseFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/licenses", "GET, POST").route(web::get().to(list)).route(web::post().to(create)));
    cfg.service(
        resource("/licenses/{id}", "GET, PATCH, DELETE")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(archive)),
    );
    cfg.service(resource("/licenses/{id}/product-key", "GET").route(web::get().to(reveal)));
}

/// The product key in clear; null when the license has none.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductKeyReveal {
    #[schema(example = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9")]
    pub product_key: Option<String>,
}

/// List licenses.
#[utoipa::path(get, operation_id = "list_licenses", path = "/api/v1/licenses", tag = "licenses", params(ListQuery),
    responses((status = 200, body = Page<License>), ListErrors), security(("bearer" = [])))]
pub async fn list(store: web::Data<Store>, _: Reader, Params(q): Params<ListQuery>) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    Ok(ok(&store.licenses(&page).await?))
}

/// Add a license; its product key is sealed and shown masked from then on.
#[utoipa::path(post, operation_id = "create_license", path = "/api/v1/licenses", tag = "licenses", request_body = inline(LicenseCreate),
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer", nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    responses((status = 201, body = License), WriteErrors), security(("bearer" = [])))]
pub async fn create(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    key: IdempotencyKey,
    body: JsonBody<LicenseCreate>,
) -> Result<HttpResponse, ApiError> {
    let result = store.create_license(&key.ctx(&actor, &body), &body.parsed()?).await?;
    Ok(created(result, "/licenses", |l| l.id))
}

/// One license.
#[utoipa::path(get, operation_id = "get_license", path = "/api/v1/licenses/{id}", tag = "licenses", params(("id" = i64, Path), ShowQuery),
    responses((status = 200, body = License), ReadErrors), security(("bearer" = [])))]
pub async fn show(
    store: web::Data<Store>,
    _: Reader,
    PathId(id): PathId,
    Params(q): Params<ShowQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.license(id, q.include_archived.unwrap_or(false)).await?))
}

/// Change a license (only the fields sent; leaving out `product_key` keeps it).
#[utoipa::path(patch, operation_id = "update_license", path = "/api/v1/licenses/{id}", tag = "licenses", params(("id" = i64, Path)),
    request_body = inline(LicenseFields), responses((status = 200, body = License), WriteErrors), security(("bearer" = [])))]
pub async fn update(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
    body: JsonBody<LicenseFields>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.update_license(&WriteCtx::new(&actor), id, &body.parsed()?).await?))
}

/// Archive a license.
#[utoipa::path(delete, operation_id = "archive_license", path = "/api/v1/licenses/{id}", tag = "licenses", params(("id" = i64, Path)),
    responses((status = 204, description = "archived"), ArchiveErrors), security(("bearer" = [])))]
pub async fn archive(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    store.archive_license(&WriteCtx::new(&actor), id).await?;
    Ok(no_content())
}

/// The product key in clear (write tokens only; every reveal is audited).
#[utoipa::path(get, operation_id = "reveal_product_key", path = "/api/v1/licenses/{id}/product-key", tag = "licenses", params(("id" = i64, Path)),
    responses((status = 200, body = ProductKeyReveal), ArchiveErrors), security(("bearer" = [])))]
pub async fn reveal(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let product_key = store.reveal_product_key(&WriteCtx::new(&actor), id).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(ProductKeyReveal { product_key }))
}
