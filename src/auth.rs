//! Bearer tokens on every route but `/health` and the OpenAPI document.
//!
//! [`authenticate`] is a middleware on `/api/v1`: it checks the token
//! (401 without a live one) before a handler's extractors run, and leaves
//! the [`Actor`] in the request. Handlers then take [`Reader`] (any live
//! token) or [`Writer`] (write tokens only; 403 for a read token), which
//! only look at it. Checking the token first matters: a handler's
//! extractors run together, and a bad body must not answer 422 before a
//! bad token answers 401. A handler never parses the header itself.

use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage as _, HttpRequest, ResponseError as _};

use crate::domain::Scope;
use crate::error::ApiError;
use crate::store::{Actor, Store};

/// A request made with any live token.
#[derive(Debug, Clone)]
pub struct Reader(pub Actor);

/// A request made with a write token.
#[derive(Debug, Clone)]
pub struct Writer(pub Actor);

fn bearer(req: &ServiceRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("send Authorization: Bearer <token>".into()))?;
    let text =
        value.to_str().map_err(|_| ApiError::Unauthorized("the Authorization header is not plain text".into()))?;
    let (scheme, token) = text.trim().split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized("the Authorization header must be Bearer <token>".into()));
    }
    Ok(token.trim().to_string())
}

async fn actor(req: &ServiceRequest) -> Result<Actor, ApiError> {
    let token = bearer(req)?;
    let store = req.app_data::<web::Data<Store>>().ok_or(ApiError::Internal)?;
    store
        .authenticate(&token)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("this token is not known or was revoked".into()))
}

/// Middleware: a 401 problem without a live token; otherwise the request
/// goes on carrying its [`Actor`].
pub async fn authenticate<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match actor(&req).await {
        Ok(actor) => {
            req.extensions_mut().insert(actor);
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(e) => Ok(req.into_response(e.error_response()).map_into_right_body()),
    }
}

/// The actor [`authenticate`] left in the request.
fn authenticated(req: &HttpRequest) -> Result<Actor, ApiError> {
    req.extensions().get::<Actor>().cloned().ok_or_else(|| {
        tracing::error!(path = req.path(), "a route that needs a token is not behind auth::authenticate");
        ApiError::Internal
    })
}

impl FromRequest for Reader {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticated(req).map(Reader))
    }
}

impl FromRequest for Writer {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticated(req).and_then(|actor| {
            if actor.scope != Scope::Write {
                return Err(ApiError::Forbidden(format!(
                    "token {:?} may only read; this needs a write token",
                    actor.name
                )));
            }
            Ok(Writer(actor))
        }))
    }
}
