//! `/calendar.ics`: the calendar feed (follow-ups and suggested calls) for
//! calendar apps to subscribe to, with a `calendar` token in its URL
//! ([`FeedReader`]). The events and their bounds are described in
//! [`crate::wire::calendar`] and [`crate::domain::calendar`].

use actix_web::{http::header, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{resource, Params};
use crate::auth::FeedReader;
use crate::domain::calendar::FeedCall;
use crate::domain::FieldErrors;
use crate::error::ApiError;
use crate::i18n::{Lang, Tr};
use crate::store::Store;
use crate::wire::calendar::{ics, FeedWords, CONTENT_TYPE};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/calendar.ics", "GET").route(web::get().to(feed)));
}

/// The feed's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// A `calendar` token (`token create --scope calendar`): the one
    /// place a token may be sent in a URL.
    #[param(required = true)]
    #[allow(dead_code)] // read by `FeedReader`
    pub token: Option<String>,
    /// The language of the events' words: `en` (the default) or `ja`.
    #[param(pattern = "^(en|ja)$")]
    pub lang: Option<String>,
}

impl FeedWords for Tr {
    fn calendar_name(&self) -> String {
        self.s("cal.name")
    }
    fn call(&self, c: &FeedCall) -> String {
        self.f("cal.call", &[("product", &c.product), ("machine", &c.machine)])
    }
    fn done(&self, text: &str) -> String {
        self.f("cal.done", &[("text", text)])
    }
    fn machine(&self, name: &str) -> String {
        self.f("cal.machine", &[("machine", name)])
    }
}

/// The calendar feed (iCalendar): follow-ups with a due date as all-day
/// events, each open case's suggested call as a 30-minute event with a
/// reminder.
#[utoipa::path(get, operation_id = "calendar_feed", path = "/calendar.ics", tag = "calendar", params(FeedQuery),
    responses(
        (status = 200, description = "The feed", content_type = "text/calendar", body = String),
        (status = 400, description = "A bad parameter", content_type = "application/problem+json", body = crate::error::Problem),
        (status = 401, description = "No token, or not a live one", content_type = "application/problem+json", body = crate::error::Problem),
        (status = 403, description = "Not a calendar token", content_type = "application/problem+json", body = crate::error::Problem),
    ))]
pub async fn feed(
    store: web::Data<Store>,
    _: FeedReader,
    Params(q): Params<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = match q.lang.as_deref() {
        None => Lang::En,
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            ApiError::bad_params(FieldErrors::one(
                "lang",
                crate::i18n::Msg::new("msg.not_a_lang").arg("text", format!("{code:?}")),
            ))
        })?,
    };
    let feed = store.calendar_feed(chrono::Utc::now()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, CONTENT_TYPE))
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(ics(&feed, &Tr(lang))))
}
