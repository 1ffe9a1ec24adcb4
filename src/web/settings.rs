//! `/settings`: the household's time zone and the page language. The zone
//! is kept in the journal by the store ([`Store::set_zone`]); a write
//! session changes it, a read session sees it. When `--time-zone` or
//! `ACTIVATION_JOURNAL_TIME_ZONE` fixed another for this run, the page says
//! so and the form is not offered (the kept one would not take effect).
//! The language is the browser's choice, kept in a cookie by the switch.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::session::Form;
use super::{see_other, Chrome, Page, Posted, WebError};
use crate::domain::time::Zone;
use crate::store::settings::ZoneSource;
use crate::store::Store;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    /// The zone in effect, and what it is now there.
    zone: String,
    now_there: String,
    /// Where it comes from, in words.
    source: String,
    /// A flag or the environment fixed it: no form.
    fixed: bool,
    /// What was typed, and why it was refused.
    typed: String,
    error: Option<String>,
    saved: bool,
    /// Every IANA zone name, for the input's suggestions.
    zones: Vec<&'static str>,
}

fn page(p: &Page, store: &Store, typed: Option<String>, error: Option<String>, saved: bool) -> SettingsPage {
    let t = p.t();
    let (zone, source) = store.zone_and_source();
    let source = t.s(match source {
        ZoneSource::Fixed => "settings.zone_fixed",
        ZoneSource::Journal => "settings.zone_kept",
        ZoneSource::System => "settings.zone_system",
    });
    let now = zone.at(chrono::Utc::now());
    SettingsPage {
        c: p.chrome("settings.title"),
        zone: zone.name().to_string(),
        now_there: now.format("%Y-%m-%d %H:%M (%:z)").to_string(),
        source,
        fixed: store.zone_and_source().1 == ZoneSource::Fixed,
        typed: typed.unwrap_or_else(|| zone.name().to_string()),
        error,
        saved,
        zones: chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect(),
    }
}

/// `GET /settings`.
pub async fn form(p: Page, store: web::Data<Store>, q: super::session::Query) -> Result<HttpResponse, WebError> {
    let saved = super::session::param(&q, "saved").is_some();
    p.render(&page(&p, &store, None, None, saved))
}

/// `POST /settings`: keep the household's zone in the journal.
pub async fn save(posted: Posted, store: web::Data<Store>) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    p.writer()?;
    let typed = zone_field(&form);
    match Zone::parse(&typed) {
        Ok(zone) => {
            p.ok(store.set_zone(zone).await)?;
            Ok(see_other("/settings?saved=1"))
        }
        Err(_) => {
            let message = p.t().f("settings.zone_unknown", &[("name", &typed)]);
            p.refused(&page(&p, &store, Some(typed), Some(message), false))
        }
    }
}

fn zone_field(form: &Form) -> String {
    form.get("time_zone").unwrap_or_default().trim().to_string()
}
