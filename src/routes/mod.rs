//! HTTP routes: one file a resource; HTTP only, no SQL.
//!
//! This file is the route table ([`configure`]). Handlers extract (auth,
//! path, query, body — the extractors are in [`extract`]), parse the body
//! into its domain value, make one store call and map the answer to a
//! response.

#[macro_use]
mod handlers;

mod archive;
mod attachments;
mod attempts;
mod audit;
mod calendar;
mod cases;
mod confirmation_ids;
mod constraints;
pub mod extract;
mod follow_ups;
mod hardware_changes;
mod health;
mod licenses;
mod machines;
pub mod openapi;
mod parse;
mod portable;
mod problems;
mod responses;
mod search;
mod summaries;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

pub use extract::*;

pub use crate::body::{media_type, read_body, BODY_LIMIT};

/// The API's base path.
pub const BASE: &str = "/api/v1";

/// Register every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/health", "GET, HEAD").route(web::get().to(health::health)).route(web::head().to(health::health)),
    );
    cfg.service(resource("/problems/{kind}", "GET").route(web::get().to(problems::describe)));
    // Public, and matched before the scope whose every route needs a token.
    cfg.service(resource(&format!("{BASE}/openapi.json"), "GET").route(web::get().to(openapi::document)));
    // The one route that takes its token from the URL (a calendar token).
    cfg.configure(calendar::routes);
    cfg.service(
        web::scope(BASE)
            .wrap(actix_web::middleware::from_fn(crate::auth::authenticate))
            .configure(machines::routes)
            .configure(hardware_changes::routes)
            .configure(licenses::routes)
            .configure(cases::routes)
            .configure(attempts::routes)
            .configure(follow_ups::routes)
            .configure(attachments::routes)
            .configure(confirmation_ids::routes)
            .configure(summaries::routes)
            .configure(portable::routes)
            .configure(archive::routes)
            .configure(audit::routes)
            .configure(search::routes)
            .configure(parse::routes),
    );
}

/// A resource whose other methods answer 405 as problem+json, with an
/// `Allow` header listing `allow` (the methods its routes take).
pub fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path)
        .default_service(web::to(move || async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed(allow)) }))
}

/// A resource's collection (`GET` lists, `POST` creates) and its items at
/// `{collection}/{id}` (`GET`, `PATCH`, `DELETE`), each with the `Allow` of
/// its methods.
pub fn collection_and_items(
    cfg: &mut web::ServiceConfig,
    collection: &str,
    [list, create]: [actix_web::Route; 2],
    [show, update, archive]: [actix_web::Route; 3],
) {
    cfg.service(resource(collection, "GET, POST").route(list).route(create));
    cfg.service(
        resource(&format!("{collection}/{{id}}"), "GET, PATCH, DELETE").route(show).route(update).route(archive),
    );
}

/// The answer to an unknown route.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!("there is no route {}", req.path())))
}
