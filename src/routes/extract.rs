//! The extractors and answers every handler shares. They turn every
//! malformed request into an [`ApiError`]: bad JSON 400, wrong content type
//! 415, a body over 64 KiB 413, unknown or mistyped fields 422 naming the
//! field, bad path or query parameters 400 — each message in the API's own
//! words (what was sent, what was expected), never serde's.

use std::future::{ready, Future, Ready};
use std::pin::Pin;

use crate::i18n::Msg;

use actix_web::http::header;
use actix_web::{dev::Payload, FromRequest, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest as _, Sha256};
use utoipa::IntoParams;

use super::BASE;
use crate::body::{media_type, read_body, too_large, BODY_LIMIT};
use crate::domain::{FieldError, FieldErrors, PageRequest};
use crate::error::ApiError;
use crate::store::{etag_of_json, Actor, Created, Idempotency, IfMatch, WriteCtx};

/// A JSON request body, read up to [`BODY_LIMIT`], with the digest of the
/// request (method, path and body) for idempotency keys.
pub struct JsonBody<T> {
    pub value: T,
    pub digest: Vec<u8>,
}

impl<T> JsonBody<T> {
    /// The body parsed into its domain value: 422 naming every failing field.
    pub fn parsed<'a, D: TryFrom<&'a T, Error = FieldErrors>>(&'a self) -> Result<D, ApiError> {
        Ok(D::try_from(&self.value)?)
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let essence = media_type(req);
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserialize JSON naming the failing field, and tell syntax (400) from
/// content (422).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let syntax = |e: serde_json::Error| ApiError::bad_request(format!("the body is not valid JSON: {e}"));
    // serde reads a struct from an array too (by position); bodies are objects.
    if let Some(first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        if *first != b'{' && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
            return Err(ApiError::Unprocessable {
                detail: "body: must be a JSON object".into(),
                errors: vec![FieldError { field: "body".into(), message: Msg::new("msg.json_object") }],
            });
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.classify() != serde_json::error::Category::Data {
            return syntax(inner);
        }
        let field = if path == "." || path.is_empty() { "body".to_string() } else { path };
        // serde_json ends its message with where it stopped, which says
        // nothing more here: that known suffix is cut.
        let whole = inner.to_string();
        let at = format!(" at line {} column {}", inner.line(), inner.column());
        let message = Msg::detail(whole.strip_suffix(&at).unwrap_or(&whole));
        ApiError::Unprocessable { detail: format!("{field}: {message}"), errors: vec![FieldError { field, message }] }
    })?;
    de.end().map_err(syntax)?;
    Ok(value)
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        let mut hasher = Sha256::new();
        hasher.update(req.method().as_str().as_bytes());
        hasher.update(b" ");
        hasher.update(req.path().as_bytes());
        hasher.update(b"\n");
        Box::pin(async move {
            if declared.is_some_and(|n| n > BODY_LIMIT) {
                return Err(too_large(BODY_LIMIT));
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as JSON, with Content-Type: application/json".into(),
                ));
            }
            let body = read_body(&mut payload, BODY_LIMIT).await?;
            hasher.update(&body);
            let value = parse_json(&body)?;
            Ok(JsonBody { value, digest: hasher.finalize().to_vec() })
        })
    }
}

/// Query parameters, parsed naming the failing parameter (400).
pub struct Params<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Params<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string().as_bytes();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query));
        ready(serde_path_to_error::deserialize(de).map(Params).map_err(|e| {
            let field = e.path().to_string();
            ApiError::bad_params(FieldErrors(vec![param_error(field, e.into_inner().to_string())]))
        }))
    }
}

/// A query parameter's error as a field error. A parameter that does not
/// parse says so in the words of [`int`] and [`flag`]; a serde error with no
/// field (a duplicate parameter) is the query's.
fn param_error(field: String, message: String) -> FieldError {
    let field = if field == "." { "query".to_string() } else { field };
    FieldError { field, message: Msg::detail(message) }
}

/// A query parameter that is a whole number (use with
/// `#[serde(default, deserialize_with = "int")]`): `"ten" is not a whole number`.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let raw = String::deserialize(d)?;
    raw.parse().map(Some).map_err(|_| serde::de::Error::custom(format!("{raw:?} is not a whole number")))
}

/// A query parameter that is `true` or `false` (use with
/// `#[serde(default, deserialize_with = "flag")]`).
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let raw = String::deserialize(d)?;
    raw.parse().map(Some).map_err(|_| serde::de::Error::custom(format!("{raw:?} is not true or false")))
}

/// The query of a route that takes no parameters: any parameter is a 400
/// naming it, so a mistyped `?include_archived` on a write is not silently
/// ignored.
pub struct NoParams;

impl FromRequest for NoParams {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match form_urlencoded::parse(req.query_string().as_bytes()).next() {
            None => Ok(NoParams),
            Some((name, _)) => {
                Err(ApiError::bad_params(FieldErrors::one(name.into_owned(), Msg::new("msg.no_params"))))
            }
        })
    }
}

/// The `{id}` of a path.
pub struct PathId(pub i64);

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let raw = req.match_info().get("id").unwrap_or("");
        ready(raw.parse::<i64>().map(PathId).map_err(|_| {
            ApiError::bad_params(FieldErrors::one("id", Msg::new("msg.not_a_path_id").arg("text", format!("{raw:?}"))))
        }))
    }
}

/// The `Idempotency-Key` header of a POST, if any.
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get("idempotency-key") else {
            return ready(Ok(IdempotencyKey(None)));
        };
        ready(
            Idempotency::key(value.as_bytes()).map(|k| IdempotencyKey(Some(k))).ok_or_else(|| {
                ApiError::bad_params(FieldErrors::one("Idempotency-Key", Msg::new(Idempotency::KEY_RULE)))
            }),
        )
    }
}

impl IdempotencyKey {
    /// The write context of a POST made by `actor` with this key and body.
    pub fn ctx<'a, T>(self, actor: &'a Actor, body: &JsonBody<T>) -> WriteCtx<'a> {
        WriteCtx {
            actor,
            idempotency: self.0.map(|key| Idempotency { key, request_hash: body.digest.clone() }),
            if_match: None,
        }
    }
}

/// `include_archived` alone, for reading one resource.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ShowQuery {
    /// Show the resource even if it is archived.
    #[serde(default, deserialize_with = "flag")]
    pub include_archived: Option<bool>,
}

/// Paging of a plain list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "int")]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    /// List archived rows too.
    #[serde(default, deserialize_with = "flag")]
    pub include_archived: Option<bool>,
}

/// Id filters of a list (`machine_id`, …): each must be an id, else a 400
/// naming every one that is not (with the query's other failing filters,
/// where a handler checks them together, as the attempts list does).
pub fn id_filters<const N: usize>(filters: [(&str, Option<i64>); N]) -> Result<[Option<i64>; N], ApiError> {
    let mut c = crate::domain::fields::Check::default();
    let ids = filters.map(|(field, raw)| crate::domain::fields::id_filter(&mut c, field, raw));
    c.finish().map_err(ApiError::bad_params)?;
    Ok(ids)
}

/// Build a page request, 400 on bad paging.
pub fn page(limit: Option<i64>, cursor: Option<&str>, include_archived: Option<bool>) -> Result<PageRequest, ApiError> {
    PageRequest::parse(limit, cursor, include_archived.unwrap_or(false)).map_err(ApiError::bad_params)
}

/// 200 with a JSON body.
pub fn ok<T: Serialize>(value: &T) -> HttpResponse {
    HttpResponse::Ok().json(value)
}

/// 200 with one resource as JSON and its `ETag` (the version `If-Match`
/// names; see `store::etag`).
pub fn tagged<T: Serialize>(value: &T) -> Result<HttpResponse, ApiError> {
    let json = serde_json::to_vec(value).map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_of_json(&json)))
        .content_type("application/json")
        .body(json))
}

/// 201 with the stored resource, its `Location` and `ETag`, or the first
/// answer again (with the `ETag` of that answer).
pub fn created<T: Serialize>(
    result: Created<T>,
    collection: &str,
    id_of: impl Fn(&T) -> i64,
) -> Result<HttpResponse, ApiError> {
    let (status, id, body, replayed) = match result {
        Created::New(value) => {
            let id = id_of(&value);
            (201, id, serde_json::to_vec(&value).map_err(|e| ApiError::internal(&e))?, false)
        }
        Created::Replay { status, entity_id, body } => (status, entity_id, body.into_bytes(), true),
    };
    let status = actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::CREATED);
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::LOCATION, format!("{BASE}{collection}/{id}")))
        .insert_header((header::ETAG, etag_of_json(&body)))
        .content_type("application/json");
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.body(body))
}

/// The `If-Match` header of a PATCH, DELETE or unarchive, if any: `*` or
/// entity-tags as `ETag` sends them. Anything else is a 400 naming the
/// header (rather than a silent mismatch), so that a client that mangles
/// its tags hears so at once. A weak tag (`W/"…"`) parses but never
/// matches: `If-Match` compares strongly.
pub struct IfMatchHeader(pub Option<IfMatch>);

impl FromRequest for IfMatchHeader {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let mut values = req.headers().get_all(header::IF_MATCH).peekable();
        if values.peek().is_none() {
            return ready(Ok(IfMatchHeader(None)));
        }
        let joined: Result<Vec<&str>, _> = values.map(|v| v.to_str()).collect();
        let parsed = match joined {
            // An empty header is as if absent; one that holds only commas
            // (`If-Match: ,`) names no tag, and is refused as the
            // document's pattern refuses it.
            Ok(parts) => {
                let joined = parts.join(", ");
                IfMatch::parse(&joined).and_then(|m| match m {
                    None if !joined.trim_matches([' ', '\t']).is_empty() => {
                        Err("names no entity-tag: write \"*\" or tags in double quotes, as ETag sends them".into())
                    }
                    m => Ok(m),
                })
            }
            Err(_) => Err("holds characters that are not visible ASCII".into()),
        };
        ready(
            parsed
                .map(IfMatchHeader)
                .map_err(|message| ApiError::bad_params(FieldErrors::one("If-Match", Msg::detail(message)))),
        )
    }
}

/// The `If-Match` header as the OpenAPI document describes it (the handlers
/// read it with [`IfMatchHeader`]).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchParam {
    /// Go on only if the resource is still at this version (its `ETag`), or
    /// `*` for any; else 412 with the resource as it now is. Without it the
    /// write goes on whatever the version.
    #[param(rename = "If-Match", nullable = false, pattern = r#"^(|\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#)]
    pub if_match: Option<String>,
}

impl IfMatchHeader {
    /// The write context of a change by `actor` made against these versions.
    pub fn ctx(self, actor: &Actor) -> WriteCtx<'_> {
        WriteCtx::new(actor).if_match(self.0)
    }
}

/// 204 after an archive.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}
