//! What the pages' forms share: a form section turned into a request body
//! field by field ([`parsed`], through the field declarations of `wire/`,
//! then the domain's parse — no JSON in between), the choices of a closed
//! set, a license's label, pasted `slmgr` output read into a license's
//! fields, and the one-time key every create form carries ([`Once`]: the
//! same form sent twice stores one row). Read by the page groups (`calls`,
//! `journal`), which do not read each other.

use actix_web::HttpResponse;
use askama::Template;
use sha2::{Digest as _, Sha256};

use super::session::Form;
use super::{see_other, Chrome, Page, Tr, WebError};
use crate::domain::enums::ClosedSet;
use crate::domain::shape::Kind;
use crate::domain::{slmgr, FieldErrors, License};
use crate::store::{Actor, Created, Idempotency, Store, WriteCtx};
use crate::wire::Body;

/// A closed set as `(value, label)` choices.
pub fn choices<T: ClosedSet>(t: &Tr) -> Vec<(String, String)> {
    T::all().iter().map(|v| (v.name().to_string(), t.e(*v))).collect()
}

/// A license as a person names it: product, edition and channel.
pub fn license_label(l: &License, t: &Tr) -> String {
    let edition = l.edition.as_deref().map(|e| format!(" {e}")).unwrap_or_default();
    format!("{}{edition} · {}", l.product, t.e(l.channel))
}

/// The body `W` of a form section: every declared field of `W` the form
/// holds (as `prefix` + name, not blank), set from its text by its
/// declared type. A text that is not of its field's type is an error named
/// after the form's field. (A list of objects — an attempt's questions — is
/// the caller's to set.)
pub fn body<W: Body>(form: &Form, prefix: &str, errors: &mut FieldErrors) -> W {
    let names: Vec<(String, &'static str)> = W::FIELDS
        .iter()
        .filter(|f| !matches!(f.kind, Kind::Objects { .. }))
        .map(|f| (format!("{prefix}{}", f.name), f.name))
        .collect();
    let texts = names.iter().filter_map(|(field, name)| form.get(field).map(|v| (*name, v)));
    let (body, own) = W::from_texts(texts);
    errors.0.extend(own.prefixed(prefix).0);
    body
}

/// Parse a form section into a domain value, its errors named after the
/// form's fields (`prefix` before each): [`body`], then the domain's parse
/// as for a JSON body.
pub fn parsed<W, D>(form: &Form, prefix: &str, errors: &mut FieldErrors) -> Option<D>
where
    W: Body,
    D: for<'a> TryFrom<&'a W, Error = FieldErrors>,
{
    let before = errors.0.len();
    let body = body::<W>(form, prefix, errors);
    match D::try_from(&body) {
        Ok(d) if errors.0.len() == before => Some(d),
        Ok(_) => None,
        Err(e) => {
            errors.0.extend(e.prefixed(prefix).0);
            None
        }
    }
}

/// Read pasted `slmgr` output (the field `slmgr`) into a license form's
/// fields (`prefix` before each: `license.` on the call form, which also
/// takes the Installation ID and switches its license to a new one); the
/// errors (an Installation ID that does not check) and what the text said.
pub fn fill_from_slmgr(t: &Tr, form: &mut Form, prefix: &str) -> (Vec<crate::domain::FieldError>, String) {
    let s = slmgr::read(&form.raw("slmgr"));
    let call_form = !prefix.is_empty();
    let mut errors = Vec::new();
    let mut put = |name: String, value: Option<String>| {
        if let Some(v) = value {
            form.0.retain(|(k, _)| *k != name);
            form.0.push((name, v));
        }
    };
    let found = s.edition.is_some() || s.windows_channel.is_some();
    put(format!("{prefix}edition"), s.edition.clone());
    put(format!("{prefix}channel"), s.channel.map(|c| c.as_str().to_string()));
    if call_form {
        put("license_id".into(), found.then(|| "new".to_string()));
        match &s.installation_id {
            Some(Ok(iid)) => put("installation_id".into(), Some(iid.to_string())),
            Some(Err(e)) => {
                errors.push(crate::domain::FieldError { field: "installation_id".into(), message: e.to_string() })
            }
            None => {}
        }
    }
    let mut said = Vec::new();
    for (key, value) in [
        ("license.edition", &s.edition),
        ("slmgr.windows_channel", &s.windows_channel),
        ("slmgr.partial_key", &s.partial_product_key),
        ("slmgr.status", &s.license_status),
    ] {
        if let Some(v) = value {
            said.push(format!("{}: {v}", t.s(key)));
        }
    }
    if s.windows_channel.as_deref() == Some("RETAIL") {
        said.push(t.s("slmgr.retail_hint"));
    }
    if said.is_empty() {
        said.push(t.s("slmgr.nothing"));
    }
    (errors, said.join(" · "))
}

/// The hidden field of a create form's one-time key (written by the
/// `once` macro of `templates/macros.html`).
pub const ONCE_FIELD: &str = "once";

/// The longest one-time key a form may send (the key and the part it
/// stores fit the API's 255 characters).
const ONCE_MAX: usize = 200;

/// A create form's one-time key: the API's idempotency key, made when the
/// form is shown and sent with it. The first send stores; sending the same
/// form again (Back and Save, a double click, a reload of the POST) finds
/// what the first stored and shows "already saved" with a link to it.
///
/// One form may store several rows (the call form: a new PC, a new
/// license, the call); each is a `part` with its own key. A resubmit
/// replays whatever it sends: the key names the form, not its contents.
#[derive(Debug, Clone)]
pub struct Once(Option<String>);

impl Once {
    /// The key `form` carries (`None` when it has none: it is then stored
    /// each time, as before); a 400 page for one that breaks the API's
    /// rule ([`Idempotency::KEY_RULE`]) or is longer than 200 characters.
    pub fn of(p: &Page, form: &Form) -> Result<Self, WebError> {
        let raw = form.raw(ONCE_FIELD);
        if raw.is_empty() {
            return Ok(Once(None));
        }
        match Idempotency::key(raw.as_bytes()).filter(|k| k.len() <= ONCE_MAX) {
            Some(key) => Ok(Once(Some(key))),
            None => Err(p.bad(p.t().f("form.bad_once", &[("max", &ONCE_MAX.to_string())]))),
        }
    }

    fn key(&self, part: &str) -> Option<String> {
        self.0.as_ref().map(|k| format!("web:{k}:{part}"))
    }

    /// The write context of `part` of the form, made by `actor`.
    pub fn ctx<'a>(&self, actor: &'a Actor, part: &str) -> WriteCtx<'a> {
        let request_hash = Sha256::digest(format!("web form:{part}").as_bytes()).to_vec();
        let ctx = WriteCtx::new(actor);
        match self.key(part) {
            Some(key) => ctx.once(key, request_hash),
            None => ctx,
        }
    }

    /// The "already saved" page when this form's `part` was stored before
    /// (`href` names the stored row's page); `None` when it was not.
    pub async fn sent_before(
        &self,
        p: &Page,
        store: &Store,
        part: &str,
        href: impl Fn(i64) -> String,
    ) -> Result<Option<HttpResponse>, WebError> {
        let Some(key) = self.key(part) else { return Ok(None) };
        match p.ok(store.created_with_key(p.actor(), &key).await)? {
            Some(id) => already_saved(p, &href(id)).map(Some),
            None => Ok(None),
        }
    }

    /// Where a create ends: to `href` of the new row, or the "already
    /// saved" page when the store replayed an earlier send of this form.
    pub fn done<T>(
        &self,
        p: &Page,
        created: &Created<T>,
        id_of: impl Fn(&T) -> i64,
        href: impl Fn(i64) -> String,
    ) -> Result<HttpResponse, WebError> {
        let to = href(created.id(id_of));
        match created {
            Created::New(_) => Ok(see_other(&to)),
            Created::Replay { .. } => already_saved(p, &to),
        }
    }
}

#[derive(Template)]
#[template(path = "already_saved.html")]
struct AlreadySaved {
    c: Chrome,
    href: String,
    again: String,
}

/// The answer to a form sent again: nothing stored twice, a link to what
/// the first send stored, and one to a fresh form of the same page.
pub fn already_saved(p: &Page, href: &str) -> Result<HttpResponse, WebError> {
    let again = p.path().to_string();
    p.render(&AlreadySaved { c: p.chrome("already_saved.title"), href: href.to_string(), again })
}
