//! The error responses the handlers declare in their OpenAPI annotations,
//! one enum a kind of request (list, read, write, archive). The handlers
//! and the document both read these; this file names no handler.

use utoipa::IntoResponses;

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

/// Errors of a list that needs a write token (the audit log).
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum WriteScopeListErrors {
    /// A bad query parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// A read token.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy.
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

/// Errors of an archive (DELETE), an unarchive or a product-key reveal.
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
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Already archived (DELETE), not archived (unarchive), or bringing it
    /// back would break a rule (a machine name in use, two open cases).
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy, or product keys cannot be read.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}
