//! One error type for HTTP: [`ApiError`] → RFC 9457 problem details
//! (`application/problem+json`) with an `errors` list of `{field, message}`.
//!
//! Bad input is always a 4xx. An internal error logs its whole chain and
//! shows the client an opaque message.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{FieldError, FieldErrors};
use crate::secrets::SecretError;
use crate::store::{ConflictKind, Current, StoreError};

/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every kind of problem the API answers with: its `type` is
/// `/problems/<slug>` (served as a short text saying what it means), stable
/// for scripts to match on, whatever the wording of `detail`.
pub const PROBLEMS: &[(&str, &str)] = &[
    ("invalid-fields", "Fields of the body that do not parse or break a rule; each is named in `errors` (422)."),
    ("bad-request", "Malformed JSON, or a bad path or query parameter, named in `errors` when it is one (400)."),
    ("unauthorized", "No token, or one that is not valid (401)."),
    ("forbidden", "The token's scope does not allow this (403)."),
    ("not-found", "No such resource, or it is archived (404)."),
    ("method-not-allowed", "The route does not take this method; `Allow` lists the ones it takes (405)."),
    ("name-taken", "A machine or token name that is in use (409)."),
    ("open-case-exists", "The machine and license already have an open case (409)."),
    ("already-archived", "The resource is archived already (409)."),
    ("not-archived", "The resource is not archived, so it cannot be brought back (409)."),
    ("parent-archived", "The row belongs to an archived row; bring that one back instead (409)."),
    ("conflict", "The write would break another unique rule (409)."),
    (
        "precondition-failed",
        "If-Match names another version of the resource; the body is not a problem but the resource as it now is, with its ETag (412).",
    ),
    ("idempotency-key-reused", "The Idempotency-Key was used before for another request (422)."),
    ("too-large", "The body is over the limit (413)."),
    ("unsupported-media-type", "The body is not of a media type the route takes (415)."),
    ("unavailable", "The journal is busy, or product keys cannot be read or sealed; try again (503)."),
    (
        "read-only",
        "The journal cannot be written where the server runs (its file or folder is read-only): reads work, writes do not until it is made writable or copied where it can be written; the detail names the file and what to do (503).",
    ),
    ("internal", "Something failed on the server; it has been logged (500)."),
];

/// The `type` URI of a problem kind.
pub fn problem_type(slug: &str) -> String {
    format!("/problems/{slug}")
}

/// An RFC 9457 problem, as sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// What kind of problem it is: `/problems/<kind>`, one of a fixed list
    /// (the README lists them; `GET /problems/<kind>` says what each means).
    #[serde(rename = "type")]
    #[schema(example = "/problems/invalid-fields")]
    pub kind: String,
    #[schema(example = "Unprocessable Entity")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    #[schema(example = "installation_id: group 7 does not check")]
    pub detail: String,
    /// Every failing field (empty when the problem is not about fields).
    pub errors: Vec<FieldError>,
}

/// Everything a handler can answer with besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The methods the route does take.
    #[error("this route does not take that method; it takes {0}")]
    MethodNotAllowed(&'static str),
    #[error("{1}")]
    Conflict(ConflictKind, String),
    /// `If-Match` named another version: answered with the resource as it
    /// now is and its `ETag`, not with a problem.
    #[error("{} changed since it was read (If-Match)", .0.describe())]
    PreconditionFailed(Box<Current>),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{detail}")]
    Unprocessable { detail: String, errors: Vec<FieldError> },
    #[error("{0}")]
    Unavailable(String),
    /// The journal cannot be written here: what to do is in the message.
    #[error("{0}")]
    ReadOnly(String),
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// A 400 about query or path parameters.
    pub fn bad_params(errors: FieldErrors) -> Self {
        ApiError::BadRequest { detail: errors.to_string(), errors: errors.0 }
    }

    /// A 400 with one message.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest { detail: detail.into(), errors: Vec::new() }
    }

    /// Log an internal error's whole chain and answer opaquely.
    pub fn internal(e: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "internal error");
        ApiError::Internal
    }

    /// The kind of problem ([`PROBLEMS`]).
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::Conflict(kind, _) => kind.slug(),
            ApiError::PreconditionFailed(_) => "precondition-failed",
            ApiError::PayloadTooLarge(_) => "too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Unprocessable { errors, .. } if errors.iter().any(|e| e.field == "Idempotency-Key") => {
                "idempotency-key-reused"
            }
            ApiError::Unprocessable { .. } => "invalid-fields",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::ReadOnly(_) => "read-only",
            ApiError::Internal => "internal",
        }
    }

    fn errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::BadRequest { errors, .. } | ApiError::Unprocessable { errors, .. } => errors.clone(),
            _ => Vec::new(),
        }
    }

    /// The body sent for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let detail = match self {
            ApiError::Internal => "something went wrong on the server; it has been logged".to_string(),
            other => other.to_string(),
        };
        Problem {
            kind: problem_type(self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors: self.errors(),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(e: FieldErrors) -> Self {
        ApiError::Unprocessable { detail: e.to_string(), errors: e.0 }
    }
}

impl From<crate::domain::UploadError> for ApiError {
    fn from(e: crate::domain::UploadError) -> Self {
        match e {
            crate::domain::UploadError::Unsupported => ApiError::UnsupportedMediaType(e.to_string()),
            crate::domain::UploadError::Fields(errors) => errors.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } | StoreError::Missing(_) => ApiError::NotFound(e.to_string()),
            StoreError::Conflict(kind, m) => ApiError::Conflict(kind, m.en()),
            StoreError::Invalid(errors) => errors.into(),
            StoreError::Precondition(current) => ApiError::PreconditionFailed(current),
            StoreError::IdempotencyMismatch => {
                ApiError::Unprocessable { detail: e.to_string(), errors: vec![idempotency_field(&e)] }
            }
            StoreError::Secret(
                ref s @ (SecretError::Missing(_)
                | SecretError::WrongKey(_)
                | SecretError::Malformed(_)
                | SecretError::NotThisJournals(_)),
            ) => {
                tracing::error!(error = %s, "product keys cannot be read");
                ApiError::Unavailable(s.to_string())
            }
            StoreError::Unavailable(ref m) => {
                tracing::error!(error = %m, "a write was not stored");
                ApiError::Unavailable(format!("{m}; try again in a moment"))
            }
            StoreError::ReadOnly(ref place) => {
                tracing::warn!(error = %e, "a write was refused: the journal is read-only");
                ApiError::ReadOnly(crate::store::read_only_served_msg(place.as_deref()).en())
            }
            StoreError::Busy(_) => {
                tracing::warn!(error = %e, "database busy");
                ApiError::Unavailable("the journal is busy; try again in a moment".into())
            }
            other => ApiError::internal(&other),
        }
    }
}

fn idempotency_field(_: &StoreError) -> FieldError {
    FieldError { field: "Idempotency-Key".into(), message: crate::i18n::Msg::new("msg.idempotency_reused") }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(..) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) | ApiError::ReadOnly(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::PreconditionFailed(current) = self {
            return HttpResponse::PreconditionFailed().insert_header((header::ETAG, current.etag())).json(current);
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, *allow));
            }
            _ => {}
        }
        let body = serde_json::to_string(&self.problem()).unwrap_or_else(|_| "{}".into());
        response.body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_become_a_422_listing_each_field() {
        let group = crate::i18n::Msg::new("msg.what.group").arg("group", 7);
        let e: ApiError =
            FieldErrors::one("installation_id", crate::i18n::Msg::new("msg.does_not_check").inner("what", group))
                .into();
        let p = e.problem();
        assert_eq!((p.status, p.detail.as_str()), (422, "installation_id: group 7 does not check"));
        assert_eq!(p.errors.len(), 1);
    }

    #[test]
    fn internal_errors_are_opaque() {
        let e = ApiError::internal(&std::io::Error::other("disk on fire at /secret/path"));
        assert!(!e.problem().detail.contains("secret"));
        assert_eq!(e.problem().status, 500);
    }
}
