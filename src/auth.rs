//! Bearer tokens on every route but `/health` and the OpenAPI document.
//!
//! [`authenticate`] is a middleware on `/api/v1`: it checks the token
//! (401 without a live one) before a handler's extractors run, and leaves
//! the [`Actor`] in the request. Handlers then take [`Reader`] (any live
//! token) or [`Writer`] (write tokens only; 403 for a read token), which
//! only look at it. Checking the token first matters: a handler's
//! extractors run together, and a bad body must not answer 422 before a
//! bad token answers 401. A handler never parses the header itself.
//!
//! A `calendar` token is refused there (403): it opens the calendar feed
//! alone, through [`FeedReader`], which takes the token from the URL's
//! `?token=` because calendar apps cannot send headers. That is the only
//! place a token is read from a URL, and only a calendar token is taken
//! there: a read or write token in a URL is refused (403), since URLs end
//! up in logs, histories and other apps' settings. The access log never
//! records a query string.

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
    let actor = live(store, &token).await?;
    if actor.scope == Scope::Calendar {
        return Err(ApiError::Forbidden(format!(
            "token {:?} is a calendar token: it reads /calendar.ics and nothing else",
            actor.name
        )));
    }
    Ok(actor)
}

/// The actor of a live token; 401 otherwise.
async fn live(store: &Store, token: &str) -> Result<Actor, ApiError> {
    store
        .authenticate(token)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("this token is not known or was revoked".into()))
}

/// A request to the calendar feed made with a live `calendar` token in
/// its URL (`?token=`).
#[derive(Debug, Clone)]
pub struct FeedReader(pub Actor);

impl FeedReader {
    /// The feed's reader: the token of `query` must be a live calendar token.
    async fn check(store: &Store, query: &str) -> Result<Self, ApiError> {
        let token = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "add ?token=<a calendar token> to the URL; make one with `activation-journal token create --name NAME --scope calendar`"
                        .into(),
                )
            })?;
        let actor = live(store, &token).await?;
        if actor.scope != Scope::Calendar {
            return Err(ApiError::Forbidden(format!(
                "token {name:?} is a {scope} token, and a token in a URL ends up in logs, histories and other apps' settings: \
                 only a calendar token (it reads this feed and nothing else) may be sent here; \
                 revoke this one (`activation-journal token revoke {name}`) and make one with \
                 `activation-journal token create --name NAME --scope calendar`",
                name = actor.name,
                scope = actor.scope,
            )));
        }
        Ok(FeedReader(actor))
    }
}

impl FromRequest for FeedReader {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let store = req.app_data::<web::Data<Store>>().cloned();
        let query = req.query_string().to_string();
        Box::pin(async move {
            let store = store.ok_or(ApiError::Internal)?;
            Self::check(&store, &query).await
        })
    }
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
