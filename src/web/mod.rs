//! The web pages: the call companion (README, "Web pages").
//!
//! Server-rendered HTML from askama templates (`templates/`, checked at
//! compile time), strings from the catalogues (`locales/`, see [`crate::i18n`]),
//! CSS and the little script in `assets/`, embedded in the binary. Pages
//! call the same store functions and the same domain parsers as the API
//! (forms are turned into the API's bodies and parsed by `wire/`); no rule
//! is written twice. A browser signs in with a token and gets a session
//! ([`session`]); every form carries the session's CSRF token.
//!
//! This module knows HTTP and not SQL. One file a page group:
//! [`session`] (sign-in, the page extractor, forms), [`home`] (before you
//! call), [`at_hand`] (what to have at hand for a license, on both),
//! [`calls`] (logging a call and its live checks), [`journal`]
//! (lists and single rows), [`edit`] (changing any row, with both
//! versions to choose from when it changed meanwhile), [`archive`]
//! (archive, undo, the archived rows), [`summaries`] (tables and the
//! server's SVG charts, drawn in [`charts`]). What the forms share is in
//! [`form`]; the kinds of row that edit and archive handle, in [`entity`].

pub mod archive;
pub mod at_hand;
pub mod attachments;
pub mod calendar;
pub mod calls;
pub mod charts;
pub mod edit;
pub mod entity;
pub mod form;
pub mod home;
pub mod journal;
pub mod session;
pub mod settings;
pub mod summaries;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse, ResponseError};
use askama::Template;

pub use crate::i18n::{self, Lang, Tr};
pub use session::{Chrome, Page, Posted};

use crate::store::{Store, StoreError};

/// Register every page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/{name}", web::get().to(asset))
        .route("/sign-in", web::get().to(session::sign_in_form))
        .route("/sign-in", web::post().to(session::sign_in))
        .route("/sign-out", web::get().to(session::sign_out_form))
        .route("/sign-out", web::post().to(session::sign_out))
        .route("/", web::get().to(home::home))
        .route("/calls/new", web::get().to(calls::form))
        .route("/calls/new", web::post().to(calls::submit))
        .route("/calls/check", web::get().to(calls::check))
        .route("/calls/at-hand", web::get().to(at_hand::alone))
        .route("/attempts", web::get().to(journal::attempts))
        .route("/attempts/{id}", web::get().to(journal::attempt))
        .route("/cases/{id}", web::get().to(journal::case))
        .route("/machines", web::get().to(journal::machines))
        .route("/machines", web::post().to(journal::add_machine))
        .route("/machines/{id}", web::get().to(journal::machine))
        .route("/licenses", web::get().to(journal::licenses))
        .route("/licenses", web::post().to(journal::add_license))
        .route("/licenses/{id}", web::get().to(journal::license))
        .route("/licenses/{id}/product-key", web::post().to(journal::reveal))
        .route("/follow-ups", web::get().to(journal::follow_ups))
        .route("/follow-ups", web::post().to(journal::add_follow_up))
        .route("/follow-ups/{id}/done", web::post().to(journal::follow_up_done))
        .route("/follow-ups/calendar-token", web::post().to(calendar::make_token))
        .route("/machines/{id}/hardware-changes", web::post().to(journal::add_hardware_change))
        .route("/cases/{id}/status", web::post().to(edit::case_status))
        .configure(attachments::configure)
        .route("/{kind}/{id}/edit", web::get().to(edit::form))
        .route("/{kind}/{id}/edit", web::post().to(edit::submit))
        .route("/{kind}/{id}/archive", web::get().to(archive::confirm))
        .route("/{kind}/{id}/archive", web::post().to(archive::archive))
        .route("/{kind}/{id}/unarchive", web::post().to(archive::unarchive))
        .route("/archived", web::get().to(archive::archived))
        .route("/search", web::get().to(journal::search))
        .route("/summaries", web::get().to(summaries::summaries))
        .route("/settings", web::get().to(settings::form))
        .route("/settings", web::post().to(settings::save));
}

/// After signing in again with a form kept from an ended session
/// ([`session::Kept`]): that form shown again as it was sent to `next`,
/// nothing stored. A form of a page that keeps none goes to `next`.
pub async fn resume(page: Page, store: &Store, next: &str, form: session::Form) -> Result<HttpResponse, WebError> {
    match next {
        "/calls/new" => calls::resumed(page, store, form).await,
        _ => Ok(see_other(next)),
    }
}

/// The embedded assets: name, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../../assets/app.css")),
    ("call.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/call.js")),
];

/// `GET /assets/{name}`: cached for a day (the names do not change within a version).
async fn asset(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(n, _, _)| *n == name.as_str()) {
        Some((_, kind, bytes)) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, *kind))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("no such asset"),
    }
}

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No session: to the sign-in page, then back to `next`.
    #[error("sign in first")]
    SignIn { next: String },
    /// A form without its CSRF token, or a write from a read token.
    #[error("{message}")]
    Forbidden { lang: Lang, message: String },
    #[error("{message}")]
    NotFound { lang: Lang, message: String },
    #[error("{message}")]
    BadRequest { lang: Lang, message: String },
    #[error("{message}")]
    Unavailable { lang: Lang, message: String },
    /// A write to a journal that cannot be written here: the message
    /// names the file and what to do.
    #[error("{message}")]
    ReadOnly { lang: Lang, message: String },
    #[error("internal error")]
    Internal { lang: Lang },
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Tr,
    title: String,
    message: String,
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::Forbidden { .. } => StatusCode::FORBIDDEN,
            WebError::NotFound { .. } => StatusCode::NOT_FOUND,
            WebError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebError::Unavailable { .. } | WebError::ReadOnly { .. } => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (lang, message) = match self {
            WebError::SignIn { next } => {
                let to =
                    format!("/sign-in?next={}", form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
                return HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish();
            }
            WebError::Forbidden { lang, message }
            | WebError::NotFound { lang, message }
            | WebError::BadRequest { lang, message }
            | WebError::Unavailable { lang, message }
            | WebError::ReadOnly { lang, message } => (*lang, message.clone()),
            WebError::Internal { lang } => (*lang, Tr(*lang).s("error.internal")),
        };
        let t = Tr(lang);
        let title = match self {
            WebError::ReadOnly { .. } => t.s("error.read_only_journal"),
            _ => t.s(&format!("error.title_{}", self.status_code().as_u16())),
        };
        let body = ErrorPage { t, title, message }.render().unwrap_or_else(|_| "error".into());
        page_response(self.status_code()).body(body)
    }
}

impl WebError {
    /// A store error, told in `lang`.
    pub fn store(lang: Lang, e: StoreError) -> Self {
        let t = Tr(lang);
        match e {
            StoreError::NotFound { entity, id } => {
                WebError::NotFound { lang, message: t.msg(&crate::store::not_found(entity, id)) }
            }
            StoreError::Missing(m) => WebError::NotFound { lang, message: t.msg(&m) },
            StoreError::Conflict(_, m) => WebError::BadRequest { lang, message: t.msg(&m) },
            StoreError::Invalid(errors) => WebError::BadRequest { lang, message: t.errors(&errors) },
            StoreError::ReadOnly(ref place) => {
                tracing::warn!(error = %e, "a page's write was refused: the journal is read-only");
                let message = t.msg(&crate::store::read_only_served_msg(place.as_deref()));
                WebError::ReadOnly { lang, message }
            }
            StoreError::Unavailable(_) | StoreError::Busy(_) | StoreError::Secret(_) => {
                tracing::warn!(error = %e, "a page could not be served");
                WebError::Unavailable { lang, message: t.s("error.busy") }
            }
            other => {
                let _ = crate::error::ApiError::internal(&other);
                WebError::Internal { lang }
            }
        }
    }
}

/// What every page may load: only this site's own stylesheet, script and
/// requests (the live check); no inline script, no framing, no other site.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A page response with its security headers (never cached: it shows the journal).
fn page_response(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::build(status);
    res.content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    res
}

/// A write the store refused, as errors beside the form's fields: its field
/// errors (each name with `prefix` before it), a conflict named after
/// `conflict_field`; anything else is a page of its own.
pub fn refusal(
    lang: Lang,
    e: StoreError,
    prefix: &str,
    conflict_field: &str,
) -> Result<crate::domain::FieldErrors, WebError> {
    match e {
        StoreError::Invalid(errors) => Ok(errors.prefixed(prefix)),
        StoreError::Conflict(_, m) => Ok(crate::domain::FieldErrors::one(conflict_field, m)),
        other => Err(WebError::store(lang, other)),
    }
}

/// Render a template as a 200 page.
pub fn html(page: &impl Template, lang: Lang) -> Result<HttpResponse, WebError> {
    let body = page.render().map_err(|e| {
        tracing::error!(error = %e, "a template failed to render");
        WebError::Internal { lang }
    })?;
    Ok(page_response(StatusCode::OK).body(body))
}

/// A 303 to `to` (after a form that stored something).
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.to_string())).finish()
}

/// A time as shown: `2014-05-10 10:05 (+09:00)`, in the offset it was given in.
pub fn shown_time(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t.format("%Y-%m-%d %H:%M (%:z)").to_string(),
        Err(_) => at.to_string(),
    }
}

/// A system time (stored in UTC) shown in the household's zone, with the
/// offset it had at that moment: `2014-05-10 10:05 (+09:00)`.
pub fn shown_system(at: &str, zone: &crate::domain::time::Zone) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => {
            let utc = t.with_timezone(&chrono::Utc);
            utc.with_timezone(&zone.offset_at(utc)).format("%Y-%m-%d %H:%M (%:z)").to_string()
        }
        Err(_) => at.to_string(),
    }
}
