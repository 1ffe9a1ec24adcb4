//! The calendar feed on the pages: how to subscribe (shown on
//! `/follow-ups`), and `POST /follow-ups/calendar-token`, which makes a
//! calendar token from a write session and shows its subscription link
//! once. The feed itself is `routes::calendar`.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{Chrome, Page, Posted, WebError};
use crate::domain::Scope;
use crate::store::{Store, StoreError};

/// What a page shows to subscribe to the feed.
#[derive(Debug, Clone)]
pub struct FeedHelp {
    /// `webcal://host/calendar.ics?token=…&lang=…` (calendar apps open it).
    pub webcal: String,
    /// The same at `http(s)://` (for apps that ask for a URL).
    pub url: String,
    /// The command that makes a calendar token.
    pub make: String,
    /// The command that revokes one.
    pub revoke: String,
}

impl FeedHelp {
    /// The links for `token` (`TOKEN` to be replaced when none is given),
    /// in the page's language.
    pub fn new(p: &Page, token: Option<&str>, name: &str) -> Self {
        let (scheme, host) = p.origin();
        let token = token.unwrap_or("TOKEN");
        let path = format!("{host}/calendar.ics?token={token}&lang={}", p.lang.code());
        FeedHelp {
            webcal: format!("webcal://{path}"),
            url: format!("{scheme}://{path}"),
            make: format!("activation-journal token create --name {name} --scope calendar"),
            revoke: format!("activation-journal token revoke {name}"),
        }
    }
}

#[derive(Template)]
#[template(path = "calendar_token.html")]
struct TokenPage {
    c: Chrome,
    help: FeedHelp,
    /// The name typed, and why it was refused (then no token was made).
    name: String,
    error: Option<String>,
}

/// `POST /follow-ups/calendar-token`: make a calendar token named as the
/// form says and show its link (the only time the token is shown).
pub async fn make_token(posted: Posted, store: web::Data<Store>) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let actor = p.writer()?.clone();
    let name = form.get("name").unwrap_or_default().trim().to_string();
    match store.create_token(&actor, &name, Scope::Calendar).await {
        Ok(made) => {
            let help = FeedHelp::new(&p, Some(&made.token), &made.info.name);
            p.render(&TokenPage { c: p.chrome("cal.title"), help, name: made.info.name, error: None })
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(..))) => {
            let help = FeedHelp::new(&p, None, "calendar");
            let why = match &e {
                StoreError::Invalid(errors) => p.t().errors(errors),
                StoreError::Conflict(_, m) => p.t().msg(m),
                other => other.to_string(),
            };
            let error = Some(p.t().f("cal.name_refused", &[("why", &why)]));
            p.refused(&TokenPage { c: p.chrome("cal.title"), help, name, error })
        }
        Err(e) => Err(WebError::store(p.lang, e)),
    }
}
