//! Licenses: the list (add one, or fill it from pasted `slmgr /dlv`), one
//! license with its key masked, and the key revealed once to a write
//! session (audited as the API's reveal is).

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::domain::{Channel, FieldErrors, License, NewLicense, PageRequest};
use crate::store::{Store, WriteCtx};
use crate::web::form::{choices, fill_from_slmgr, license_label, parsed, Once};
use crate::web::session::{next_link, param, Form, FormState, Query};
use crate::web::{refusal, Chrome, Page, Posted, Tr, WebError};
use crate::wire::LicenseCreate;

/// A license as a table row.
pub struct LicenseRow {
    pub id: i64,
    pub label: String,
    pub key: String,
    pub bought: String,
}

#[derive(Template)]
#[template(path = "licenses.html")]
struct LicensesPage {
    c: Chrome,
    f: FormState,
    rows: Vec<LicenseRow>,
    next: Option<String>,
    channels: Vec<(String, String)>,
    pasted: Option<String>,
}

fn license_row(l: &License, t: &Tr) -> LicenseRow {
    let bought = [l.box_colour.clone(), l.purchased_from.clone(), l.purchased_on.map(|d| d.to_string())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    LicenseRow {
        id: l.id,
        label: license_label(l, t),
        key: l.product_key_masked.clone().unwrap_or_else(|| "–".into()),
        bought,
    }
}

async fn licenses_page(
    p: &Page,
    store: &Store,
    query: &Query,
    f: FormState,
    pasted: Option<String>,
) -> Result<LicensesPage, WebError> {
    let t = p.t();
    let page = p.params(PageRequest::parse(None, param(query, "cursor"), false))?;
    let found = p.ok(store.licenses(&page).await)?;
    Ok(LicensesPage {
        c: p.chrome("licenses.title"),
        f,
        rows: found.items.iter().map(|l| license_row(l, &t)).collect(),
        next: next_link("/licenses", query, found.next_cursor),
        channels: choices::<Channel>(&t),
        pasted,
    })
}

/// `GET /licenses`: keys masked.
pub async fn licenses(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let f = FormState::new(p.t(), Form::default());
    p.render(&licenses_page(&p, &store, &query, f, None).await?)
}

/// `POST /licenses`: add one; `action=fill` reads pasted `slmgr /dlv`
/// output into the form instead (nothing stored).
pub async fn add_license(posted: Posted, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let Posted { page: p, mut form } = posted;
    let actor = p.writer()?.clone();
    let t = p.t();
    if form.get("action") == Some("fill") {
        let (_, said) = fill_from_slmgr(&t, &mut form, "");
        let f = FormState::new(t, form);
        return p.render(&licenses_page(&p, &store, &query, f, Some(said)).await?);
    }
    let (once, href) = (Once::of(&p, &form)?, |id| format!("/licenses/{id}"));
    if let Some(res) = once.sent_before(&p, &store, "license", href).await? {
        return Ok(res);
    }
    let mut errors = FieldErrors::default();
    if let Some(l) = parsed::<LicenseCreate, NewLicense>(&form, "", &mut errors) {
        match store.create_license(&once.ctx(&actor, "license"), &l).await {
            Ok(c) => return once.done(&p, &c, |l| l.id, href),
            Err(e) => errors = refusal(p.lang, e, "", "product")?,
        }
    }
    let f = FormState::refused(t, form, errors);
    p.refused(&licenses_page(&p, &store, &query, f, None).await?)
}

#[derive(Template)]
#[template(path = "license.html")]
struct LicensePage {
    c: Chrome,
    id: i64,
    facts: Vec<(String, String)>,
    has_key: bool,
    revealed: Option<String>,
    files: crate::web::attachments::Files,
}

async fn license_page(p: &Page, store: &Store, id: i64, revealed: Option<String>) -> Result<LicensePage, WebError> {
    let t = p.t();
    let l = p.ok(store.license(id, true).await)?;
    let row = license_row(&l, &t);
    let facts = vec![
        (t.s("license.product"), l.product.clone()),
        (t.s("license.edition"), l.edition.clone().unwrap_or_else(|| "–".into())),
        (t.s("license.channel"), t.e(l.channel)),
        (t.s("license.box_colour"), l.box_colour.clone().unwrap_or_else(|| "–".into())),
        (t.s("license.purchased_from"), l.purchased_from.clone().unwrap_or_else(|| "–".into())),
        (t.s("license.product_key"), row.key),
        (t.s("field.notes"), l.notes.clone().unwrap_or_else(|| "–".into())),
    ];
    let files = crate::web::attachments::files(p, store, crate::domain::AttachedTo::License, l.id).await?;
    Ok(LicensePage {
        c: p.chrome("license.title"),
        id: l.id,
        facts,
        has_key: l.product_key_masked.is_some(),
        revealed,
        files,
    })
}

/// `GET /licenses/{id}`: the key masked.
pub async fn license(p: Page, store: web::Data<Store>, id: web::Path<i64>) -> Result<HttpResponse, WebError> {
    p.render(&license_page(&p, &store, *id, None).await?)
}

/// `POST /licenses/{id}/product-key`: the key shown once on this page
/// (write sessions only; audited as the API's reveal is).
pub async fn reveal(posted: Posted, store: web::Data<Store>, id: web::Path<i64>) -> Result<HttpResponse, WebError> {
    let p = posted.page;
    let actor = p.writer()?.clone();
    let key = p.ok(store.reveal_product_key(&WriteCtx::new(&actor), *id).await)?;
    let shown = key.unwrap_or_else(|| p.t().s("license.no_key"));
    p.render(&license_page(&p, &store, *id, Some(shown)).await?)
}
