//! `/licenses`: what was bought, the audited product-key reveal, and what
//! to have at hand before calling about one.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::responses::{ArchiveErrors, ListErrors, ReadErrors};
use super::{collection_and_items, ok, page, resource, ListQuery, NoParams, Params, PathId};
use crate::auth::{Reader, Writer};
use crate::domain::{AtHand, License, Page};
use crate::error::ApiError;
use crate::store::{Store, WriteCtx};
use crate::wire::{LicenseCreate, LicenseFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    collection_and_items(
        cfg,
        "/licenses",
        [web::get().to(list), web::post().to(create)],
        [web::get().to(show), web::patch().to(update), web::delete().to(archive)],
    );
    cfg.service(resource("/licenses/{id}/product-key", "GET").route(web::get().to(reveal)));
    cfg.service(resource("/licenses/{id}/at-hand", "GET").route(web::get().to(at_hand)));
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

create_handler! {
    /// Add a license; its product key is sealed and shown masked from then on.
    "create_license", "/api/v1/licenses", "licenses", LicenseCreate => License, create_license, "/licenses"
}

show_handler! {
    /// One license.
    "get_license", "/api/v1/licenses/{id}", "licenses", License, license
}

update_handler! {
    /// Change a license (only the fields sent; leaving out `product_key` keeps it).
    "update_license", "/api/v1/licenses/{id}", "licenses", LicenseFields => License, update_license
}

archive_handler! {
    /// Archive a license.
    archive, "archive_license", "/api/v1/licenses/{id}", "licenses", License, archive_license
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

/// What to have at hand before calling about a license: for each topic
/// operators asked on its live calls, the answer given the last time (a
/// key only masked; `null` when it was asked and never answered), and its
/// first photos and files (their bytes for write tokens only).
#[utoipa::path(get, operation_id = "license_at_hand", path = "/api/v1/licenses/{id}/at-hand", tag = "licenses", params(("id" = i64, Path)),
    responses((status = 200, body = AtHand), ReadErrors), security(("bearer" = [])))]
pub async fn at_hand(
    store: web::Data<Store>,
    _: Reader,
    _: NoParams,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(&store.at_hand(id).await?))
}
