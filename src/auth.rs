//! Bearer tokens on every route but `/health`: extractors that check them.
//!
//! [`Reader`] admits any live token; [`Writer`] admits write tokens only
//! (403 for a read token). A handler never parses the header itself.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use crate::domain::Scope;
use crate::error::ApiError;
use crate::store::{Actor, Store};

/// A request made with any live token.
#[derive(Debug, Clone)]
pub struct Reader(pub Actor);

/// A request made with a write token.
#[derive(Debug, Clone)]
pub struct Writer(pub Actor);

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
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

async fn actor(req: HttpRequest) -> Result<Actor, ApiError> {
    let token = bearer(&req)?;
    let store = req.app_data::<web::Data<Store>>().ok_or(ApiError::Internal)?;
    store
        .authenticate(&token)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("this token is not known or was revoked".into()))
}

impl FromRequest for Reader {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { actor(req).await.map(Reader) })
    }
}

impl FromRequest for Writer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let actor = actor(req).await?;
            if actor.scope != Scope::Write {
                return Err(ApiError::Forbidden(format!(
                    "token {:?} may only read; this needs a write token",
                    actor.name
                )));
            }
            Ok(Writer(actor))
        })
    }
}
