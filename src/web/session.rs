//! Signing in and out, and what every page extracts: [`Page`] (the session,
//! or a redirect to `/sign-in`; the language) and [`Posted`] (a page's
//! form, refused with 403 unless it carries the session's CSRF token), or
//! [`Kept`] for a form that must survive its session ending.
//!
//! The session cookie `aj_session` is `HttpOnly`, `SameSite=Strict`,
//! `Path=/` (and `Secure` when the request came over HTTPS); only its hash
//! is stored (`store::sessions`). The sign-in form, which has no session
//! yet, carries a CSRF token that must match the `aj_signin` cookie set
//! with the form (double submit).

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use super::i18n::{Lang, Tr};
use super::{html, see_other, WebError};
use crate::body::{media_type, read_body, BODY_LIMIT};
use crate::domain::Scope;
use crate::store::{random_token, Actor, Session, Store, StoreError, SESSION_IDLE};

/// The session cookie.
pub const SESSION_COOKIE: &str = "aj_session";
/// The sign-in form's CSRF cookie.
const SIGN_IN_COOKIE: &str = "aj_signin";
/// The language cookie.
const LANG_COOKIE: &str = "aj_lang";

/// The pages in the navigation bar: path and catalogue key.
const NAV: &[(&str, &str)] = &[
    ("/", "nav.home"),
    ("/calls/new", "nav.new_call"),
    ("/attempts", "nav.journal"),
    ("/machines", "nav.machines"),
    ("/licenses", "nav.licenses"),
    ("/follow-ups", "nav.follow_ups"),
    ("/summaries", "nav.summaries"),
    ("/search", "nav.search"),
    ("/settings", "nav.settings"),
];

/// What the layout of every page needs: the catalogue, the title, the
/// navigation, the language switch and the sign-out form.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub t: Tr,
    pub title: String,
    pub csrf: String,
    pub can_write: bool,
    pub signed_in: bool,
    /// `(href, label, current)`.
    pub nav: Vec<(String, String, bool)>,
    /// `(href, label, current)`: the same page in each language.
    pub langs: Vec<(String, String, bool)>,
    /// A fresh one-time key for a create form on this page (the `once`
    /// macro; see [`super::form::Once`]).
    pub once: String,
}

/// The language a request asks for: `?lang=`, then the cookie, then
/// `Accept-Language`. The second value is set when `?lang=` chose it (the
/// cookie is then written).
fn language(req: &HttpRequest) -> (Lang, Option<Lang>) {
    let asked = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.iter().find(|(k, _)| k == "lang").and_then(|(_, v)| Lang::from_code(v)));
    if let Some(lang) = asked {
        return (lang, Some(lang));
    }
    if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::from_code(c.value())) {
        return (lang, None);
    }
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    (Lang::from_accept(accept), None)
}

/// The current path and query, without `lang`.
fn here(req: &HttpRequest) -> String {
    let kept: Vec<(String, String)> = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "lang")
        .collect();
    let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
    if query.is_empty() {
        req.path().to_string()
    } else {
        format!("{}?{query}", req.path())
    }
}

fn with_lang(url: &str, lang: Lang) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}lang={}", lang.code())
}

fn chrome(req: &HttpRequest, t: Tr, title: String, session: Option<&Session>) -> Chrome {
    let url = here(req);
    let path = req.path();
    let writer = session.is_some_and(|s| s.actor.scope == Scope::Write);
    let nav = if session.is_some() {
        NAV.iter()
            // A read session is shown no way to write.
            .filter(|(href, _)| writer || *href != "/calls/new")
            .map(|(href, key)| {
                let current = if *href == "/" { path == "/" } else { path.starts_with(href) };
                (href.to_string(), t.s(key), current)
            })
            .collect()
    } else {
        Vec::new()
    };
    let langs = Lang::ALL.iter().map(|l| (with_lang(&url, *l), Tr(*l).s("lang.name"), *l == t.0)).collect();
    Chrome {
        t,
        title,
        csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
        can_write: writer,
        signed_in: session.is_some(),
        nav,
        langs,
        once: random_token(),
    }
}

fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn cookie(req: &HttpRequest, name: &'static str, value: String, max_age: Duration) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(is_https(req))
        .max_age(max_age)
        .finish()
}

/// A signed-in page request.
pub struct Page {
    pub session: Session,
    pub lang: Lang,
    /// Set when `?lang=` chose the language: remembered in a cookie.
    chosen: Option<Lang>,
    req: HttpRequest,
}

impl Page {
    async fn from_req(req: HttpRequest) -> Result<Page, WebError> {
        let (lang, chosen) = language(&req);
        let Some(id) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Err(WebError::SignIn { next: here(&req) });
        };
        let store = req.app_data::<web::Data<Store>>().ok_or(WebError::Internal { lang })?;
        match store.session(&id).await.map_err(|e| WebError::store(lang, e))? {
            Some(session) => Ok(Page { session, lang, chosen, req }),
            None => Err(WebError::SignIn { next: here(&req) }),
        }
    }

    /// The catalogue.
    pub fn t(&self) -> Tr {
        Tr(self.lang)
    }

    /// Who the session acts as.
    pub fn actor(&self) -> &Actor {
        &self.session.actor
    }

    /// What a handler left in the request for the page it draws (an upload
    /// refused, for the photos section of the entity's page).
    pub fn extensions(&self) -> std::cell::Ref<'_, actix_web::dev::Extensions> {
        actix_web::HttpMessage::extensions(&self.req)
    }

    /// The path this page was asked for.
    pub fn path(&self) -> &str {
        self.req.path()
    }

    /// The scheme and host this page was asked at (`https`, `pc.local:8080`),
    /// for links to this server that leave the browser (the calendar feed).
    pub fn origin(&self) -> (String, String) {
        let info = self.req.connection_info();
        (info.scheme().to_string(), info.host().to_string())
    }

    /// Whether the session's token may write.
    pub fn can_write(&self) -> bool {
        self.session.actor.scope == Scope::Write
    }

    /// The session's actor when its token may write; 403 otherwise.
    pub fn writer(&self) -> Result<&Actor, WebError> {
        if self.can_write() {
            Ok(&self.session.actor)
        } else {
            Err(WebError::Forbidden { lang: self.lang, message: self.t().s("error.read_only") })
        }
    }

    /// The layout of a page titled by catalogue key `title`.
    pub fn chrome(&self, title: &str) -> Chrome {
        chrome(&self.req, self.t(), self.t().s(title), Some(&self.session))
    }

    /// A store answer, its error shown as a page.
    pub fn ok<T>(&self, r: Result<T, StoreError>) -> Result<T, WebError> {
        r.map_err(|e| WebError::store(self.lang, e))
    }

    /// A 400 page saying `message`.
    pub fn bad(&self, message: String) -> WebError {
        WebError::BadRequest { lang: self.lang, message }
    }

    /// Query parameters as the domain parsed them; a 400 page naming the bad ones.
    pub fn params<T>(&self, r: Result<T, crate::domain::FieldErrors>) -> Result<T, WebError> {
        r.map_err(|e| self.bad(self.t().errors(&e)))
    }

    /// An id parameter: `None` when absent, a 400 page when not a number.
    pub fn id_param(&self, query: &Query, name: &str) -> Result<Option<i64>, WebError> {
        param(query, name)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    let m = crate::i18n::Msg::new("msg.not_a_number").arg("text", format!("{v:?}"));
                    self.bad(format!("{name}: {}", self.t().msg(&m)))
                })
            })
            .transpose()
    }

    /// Render a form shown again after its input was refused: 422, every
    /// error beside its field, everything typed kept.
    pub fn refused(&self, page: &impl Template) -> Result<HttpResponse, WebError> {
        let mut res = self.render(page)?;
        *res.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
        Ok(res)
    }

    /// Render a page (remembering a language chosen by `?lang=`).
    pub fn render(&self, page: &impl Template) -> Result<HttpResponse, WebError> {
        let mut res = html(page, self.lang)?;
        if let Some(lang) = self.chosen {
            let c = cookie(&self.req, LANG_COOKIE, lang.code().to_string(), Duration::days(365));
            res.add_cookie(&c).map_err(|_| WebError::Internal { lang: self.lang })?;
        }
        Ok(res)
    }
}

impl FromRequest for Page {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(Page::from_req(req.clone()))
    }
}

/// A page's query string, as sent (parameters are read by name; the
/// domain parses their values, as it does the API's).
pub type Query = web::Query<Vec<(String, String)>>;

/// A query parameter, trimmed; `None` when absent or blank.
pub fn param<'a>(query: &'a Query, name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// A link to the next page of `path`: the same query with `cursor` replaced.
pub fn next_link(path: &str, query: &Query, cursor: Option<String>) -> Option<String> {
    let cursor = cursor?;
    let mut kept: Vec<(String, String)> = query.iter().filter(|(k, _)| k != "cursor" && k != "lang").cloned().collect();
    kept.push(("cursor".into(), cursor));
    Some(format!("{path}?{}", serde_urlencoded::to_string(&kept).unwrap_or_default()))
}

/// A submitted form's fields, in the order sent.
#[derive(Debug, Clone, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// A field's value, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// A field's value as sent (for showing it again), or empty.
    pub fn raw(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }
}

/// A form as shown: the values typed (kept on an error) and the errors
/// beside their fields, in the page's language.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub t: Tr,
    pub values: Form,
    pub errors: Vec<crate::domain::FieldError>,
}

impl FormState {
    pub fn new(t: Tr, values: Form) -> Self {
        Self { t, values, errors: Vec::new() }
    }

    /// The form as sent, with the errors that refused it.
    pub fn refused(t: Tr, values: Form, errors: crate::domain::FieldErrors) -> Self {
        Self { t, values, errors: errors.0 }
    }

    /// The value typed into `name`.
    pub fn val(&self, name: &str) -> String {
        self.values.raw(name)
    }

    /// The one-time key the form was sent with, or `fresh` for a form
    /// not sent yet (a form shown again keeps its key).
    pub fn once_or(&self, fresh: &str) -> String {
        self.values.get(super::form::ONCE_FIELD).unwrap_or(fresh).to_string()
    }

    /// Whether `name` holds `value` (a selected option).
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.values.get(name) == Some(value)
    }

    /// The error of `name`, in the page's language.
    pub fn err(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == name).map(|e| self.t.msg(&e.message))
    }

    /// The error summary at the top of a refused form: each error's field
    /// id (the link's anchor; `None` for a field the form has not) and what
    /// it says after the field's name. The body's rule that a call needs a
    /// case or a PC and a license (`case_id`) reads as what to choose,
    /// linked to the PC.
    pub fn summary(&self) -> Vec<(Option<String>, String)> {
        self.errors
            .iter()
            .map(|e| {
                if let Some((_, _, anchor, words)) =
                    ACROSS_FIELDS.iter().find(|(field, key, ..)| e.field == *field && e.message.key == *key)
                {
                    return (Some(anchor.to_string()), self.t.s(words));
                }
                let message = self.t.msg(&e.message);
                match field_label(&self.t, &e.field) {
                    Some(label) => (Some(e.field.clone()), format!("{label}: {message}")),
                    None => (None, message),
                }
            })
            .collect()
    }
}

/// Rules across fields, said in the summary in their own words and linked to
/// the first field to fill: (field, message key, linked field, words key).
const ACROSS_FIELDS: &[(&str, &str, &str, &str)] = &[("case_id", "msg.case_or_pair", "machine_id", "call.need_target")];

/// The name a person reads for a form's field, from the `field.*` words
/// (`questions[1].topic` → "Topic 2", `machine.name` → "PC · Name"); `None`
/// for a name that is no field (`body`, `once`).
fn field_label(t: &Tr, field: &str) -> Option<String> {
    let word = |name: &str| {
        let key = format!("field.{name}");
        let text = t.s(&key);
        (text != key && !text.ends_with(&key)).then_some(text)
    };
    if let Some((row, name)) = field.strip_prefix("questions[").and_then(|r| r.split_once("].")) {
        let n = row.parse::<usize>().ok()? + 1;
        return Some(format!("{} {n}", word(name)?));
    }
    match field.split_once('.') {
        Some((owner @ ("machine" | "license"), name)) => Some(format!("{} · {}", word(owner)?, word(name)?)),
        Some(_) => None,
        None => word(field),
    }
}

/// Compare two secrets in time independent of where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn read_form(req: &HttpRequest, mut payload: Payload, lang: Lang) -> Result<Form, WebError> {
    if media_type(req) != "application/x-www-form-urlencoded" {
        return Err(WebError::BadRequest { lang, message: Tr(lang).s("error.not_a_form") });
    }
    let body =
        read_body(&mut payload, BODY_LIMIT).await.map_err(|e| WebError::BadRequest { lang, message: e.to_string() })?;
    Ok(Form::parse(&body))
}

/// A form posted by a signed-in page, with the session's CSRF token
/// (403 without it).
pub struct Posted {
    pub page: Page,
    pub form: Form,
}

impl Posted {
    async fn from_page(page: Page, req: &HttpRequest, payload: Payload) -> Result<Posted, WebError> {
        let form = read_form(req, payload, page.lang).await?;
        if !form.get("csrf").is_some_and(|c| same_secret(c, &page.session.csrf)) {
            return Err(WebError::Forbidden { lang: page.lang, message: page.t().s("error.csrf") });
        }
        Ok(Posted { page, form })
    }
}

impl FromRequest for Posted {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (req, payload) = (req.clone(), payload.take());
        Box::pin(async move {
            let page = Page::from_req(req.clone()).await?;
            Posted::from_page(page, &req, payload).await
        })
    }
}

/// The prefix of a kept form's fields in the sign-in form.
const KEPT: &str = "kept:";

/// A form too long to type again (the call form): [`Posted`], or — when
/// its session ended while it was being filled in (signed out in another
/// tab, token revoked, cookie gone) — the sign-in page carrying everything
/// that was typed. Signing in there shows the form again as it was sent
/// ([`super::resume`]); nothing is stored until Save is pressed.
///
/// The kept fields travel only in that page (hidden fields, sent back with
/// the sign-in form): nothing of a form sent without a session is written
/// anywhere, and no one but its sender ever sees it again. A form sent
/// from another site (its `Origin` or `Sec-Fetch-Site` says so) is not
/// kept: that is a plain redirect to sign in.
pub enum Kept {
    Posted(Posted),
    SignIn(HttpResponse),
}

/// Whether a request came from a page of this site (or says nothing
/// about where it came from, as a non-browser client).
fn same_site(req: &HttpRequest) -> bool {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return site == "same-origin";
    }
    match header("origin") {
        Some(origin) => {
            let info = req.connection_info();
            origin == format!("{}://{}", info.scheme(), info.host())
        }
        None => true,
    }
}

impl FromRequest for Kept {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (req, payload) = (req.clone(), payload.take());
        Box::pin(async move {
            match Page::from_req(req.clone()).await {
                Ok(page) => Ok(Kept::Posted(Posted::from_page(page, &req, payload).await?)),
                Err(WebError::SignIn { .. }) if same_site(&req) => {
                    let (lang, _) = language(&req);
                    let form = read_form(&req, payload, lang).await?;
                    let kept = form.0.into_iter().filter(|(k, _)| k != "csrf" && k != "action").collect();
                    let notice = Some(Tr(lang).s("sign_in.kept"));
                    Ok(Kept::SignIn(sign_in_page(&req, req.path().to_string(), None, notice, kept)?))
                }
                Err(e) => Err(e),
            }
        })
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignIn {
    c: Chrome,
    next: String,
    error: Option<String>,
    /// Why the page is shown instead of a form that was sent ([`Kept`]).
    notice: Option<String>,
    /// A form sent after its session ended, to show again after signing
    /// in (hidden fields named [`KEPT`] + its field's name).
    kept: Vec<(String, String)>,
    /// The database this server serves, as an absolute path.
    db: String,
    /// The command that makes a write token for it.
    command: String,
}

/// The database `store` serves (absolute), and the command that makes a
/// write token for it.
fn token_hint(store: &Store) -> (String, String) {
    let path = std::path::absolute(store.path()).unwrap_or_else(|_| store.path().to_path_buf());
    let db = path.display().to_string();
    let command =
        format!("activation-journal --db {} token create --name phone --scope write", crate::cli::hint::quoted(&db));
    (db, command)
}

/// Where to go after signing in: a path of this site, or `/`.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn sign_in_page(
    req: &HttpRequest,
    next: String,
    error: Option<String>,
    notice: Option<String>,
    kept: Vec<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (lang, chosen) = language(req);
    let t = Tr(lang);
    let token = req.cookie(SIGN_IN_COOKIE).map(|c| c.value().to_string()).unwrap_or_else(random_token);
    let mut c = chrome(req, t, t.s("sign_in.title"), None);
    c.csrf = token.clone();
    let status = if error.is_some() || notice.is_some() {
        actix_web::http::StatusCode::UNAUTHORIZED
    } else {
        actix_web::http::StatusCode::OK
    };
    let kept = kept.into_iter().map(|(k, v)| (format!("{KEPT}{k}"), v)).collect();
    let store = req.app_data::<web::Data<Store>>().ok_or(WebError::Internal { lang })?;
    let (db, command) = token_hint(store);
    let mut res = html(&SignIn { c, next, error, notice, kept, db, command }, lang)?;
    *res.status_mut() = status;
    let mut cookies = vec![cookie(req, SIGN_IN_COOKIE, token, Duration::hours(12))];
    if let Some(l) = chosen {
        cookies.push(cookie(req, LANG_COOKIE, l.code().to_string(), Duration::days(365)));
    }
    for c in cookies {
        res.add_cookie(&c).map_err(|_| WebError::Internal { lang })?;
    }
    Ok(res)
}

/// `GET /sign-in`: the form with one field, `token`.
pub async fn sign_in_form(req: HttpRequest, q: Query) -> Result<HttpResponse, WebError> {
    sign_in_page(&req, safe_next(param(&q, "next")), None, None, Vec::new())
}

/// `POST /sign-in`: a session for a live token, then back where the
/// browser was going — or, with a form kept from an ended session
/// ([`Kept`]), that form again as it was typed.
pub async fn sign_in(req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let (lang, _) = language(&req);
    let t = Tr(lang);
    let form = read_form(&req, payload.into_inner(), lang).await?;
    let expected = req.cookie(SIGN_IN_COOKIE).map(|c| c.value().to_string());
    if !matches!((form.get("csrf"), expected.as_deref()), (Some(a), Some(b)) if same_secret(a, b)) {
        return Err(WebError::Forbidden { lang, message: t.s("error.csrf") });
    }
    let next = safe_next(form.get("next"));
    let kept: Vec<(String, String)> =
        form.0.iter().filter_map(|(k, v)| Some((k.strip_prefix(KEPT)?.to_string(), v.clone()))).collect();
    let notice = (!kept.is_empty()).then(|| t.s("sign_in.kept"));
    let Some(token) = form.get("token") else {
        return sign_in_page(&req, next, Some(t.s("sign_in.empty")), notice, kept);
    };
    let store = req.app_data::<web::Data<Store>>().ok_or(WebError::Internal { lang })?;
    let Some(new) = store.open_session(token).await.map_err(|e| WebError::store(lang, e))? else {
        let calendar = matches!(store.authenticate(token).await, Ok(Some(a)) if a.scope == Scope::Calendar);
        let why = t.s(if calendar { "sign_in.calendar" } else { "sign_in.unknown" });
        return sign_in_page(&req, next, Some(why), notice, kept);
    };
    let mut res = if kept.is_empty() {
        see_other(&next)
    } else {
        let page = Page { session: new.session, lang, chosen: None, req: req.clone() };
        super::resume(page, store, &next, Form(kept)).await?
    };
    let session = cookie(&req, SESSION_COOKIE, new.id, Duration::seconds(SESSION_IDLE));
    let mut gone = cookie(&req, SIGN_IN_COOKIE, String::new(), Duration::ZERO);
    gone.make_removal();
    for c in [session, gone] {
        res.add_cookie(&c).map_err(|_| WebError::Internal { lang })?;
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "sign_out.html")]
struct SignOut {
    c: Chrome,
}

/// `GET /sign-out`: a button (signing out is a POST with the CSRF token).
pub async fn sign_out_form(p: Page) -> Result<HttpResponse, WebError> {
    p.render(&SignOut { c: p.chrome("sign_out.title") })
}

/// `POST /sign-out`: the session ends.
pub async fn sign_out(posted: Posted, store: web::Data<Store>) -> Result<HttpResponse, WebError> {
    let p = posted.page;
    if let Some(id) = p.req.cookie(SESSION_COOKIE) {
        p.ok(store.close_session(id.value()).await)?;
    }
    let mut res = see_other("/sign-in");
    let mut gone = cookie(&p.req, SESSION_COOKIE, String::new(), Duration::ZERO);
    gone.make_removal();
    res.add_cookie(&gone).map_err(|_| WebError::Internal { lang: p.lang })?;
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        for (next, to) in [
            (Some("/attempts?result=activated"), "/attempts?result=activated"),
            (Some("//evil.example/"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("/\\evil.example"), "/"),
            (None, "/"),
        ] {
            assert_eq!(safe_next(next), to);
        }
    }

    #[test]
    fn the_error_summary_names_each_field_and_links_to_it() {
        use crate::i18n::Msg;
        let error = |field: &str, message: Msg| crate::domain::FieldError { field: field.into(), message };
        let mut f = FormState::new(Tr(Lang::En), Form(Vec::new()));
        f.errors = vec![
            error("case_id", Msg::new("msg.case_or_pair")),
            error("questions[1].topic", Msg::new("msg.required")),
            error("machine.name", Msg::new("msg.required")),
            error("wait_seconds", Msg::new("msg.whole_number")),
            error("body", Msg::detail("the case is closed")),
        ];
        let said = |anchor: &str, text: &str| (Some(anchor.to_string()), text.to_string());
        assert_eq!(
            f.summary(),
            vec![
                said("machine_id", "choose a PC and a license, or a case"),
                said("questions[1].topic", "Topic 2: is required"),
                said("machine.name", "PC · Name: is required"),
                said("wait_seconds", "Wait in the queue (seconds): must be a whole number"),
                (None, "the case is closed".to_string()),
            ]
        );
        f.t = Tr(Lang::Ja);
        assert_eq!(f.summary()[0].1, "PC とライセンス、またはケースを選んでください");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
