//! The OpenAPI 3 document, generated from the handlers' annotations and the
//! domain types, served at `/api/v1/openapi.json` (no auth: it holds no data).

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::Problem;

/// Errors of a list or a look-up.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ListErrors {
    /// A bad query parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy, or product keys cannot be read.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of reading one resource.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ReadErrors {
    /// A bad path or query parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// No such resource (or it is archived).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of a POST or PATCH.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum WriteErrors {
    /// Malformed JSON, or a bad path parameter or header.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// A read token.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The resource (or the machine in the path) does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// A unique rule: a machine name in use, a second open case for a pair.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The body is over 64 KiB.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not JSON.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Fields that do not parse or break a rule, each named in `errors`.
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy, or product keys cannot be sealed.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of an archive (DELETE) or a product-key reveal.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ArchiveErrors {
    /// A bad path parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// A read token.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource (or it is already archived).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy, or product keys cannot be read.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "activation-journal", description = "A journal of software-licence activation attempts made by phone."),
    paths(
        super::health::health,
        super::machines::list, super::machines::create, super::machines::show, super::machines::update,
        super::machines::archive, super::machines::timeline,
        super::hardware_changes::list, super::hardware_changes::create, super::hardware_changes::show,
        super::hardware_changes::update, super::hardware_changes::archive,
        super::licenses::list, super::licenses::create, super::licenses::show, super::licenses::update,
        super::licenses::archive, super::licenses::reveal,
        super::cases::list, super::cases::create, super::cases::show, super::cases::update,
        super::attempts::list, super::attempts::create, super::attempts::show, super::attempts::update,
        super::attempts::archive,
        super::follow_ups::list, super::follow_ups::create, super::follow_ups::show, super::follow_ups::update,
        super::confirmation_ids::lookup,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn document() -> HttpResponse {
    match ApiDoc::openapi().to_json() {
        Ok(json) => HttpResponse::Ok().content_type("application/json").body(json),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}
