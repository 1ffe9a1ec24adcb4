//! Archiving from the pages, and bringing back: `/{kind}/{id}/archive`
//! asks first (saying what goes with the row), then archives with the
//! store's archive as the API's `DELETE` does and lands on `/archived`,
//! which offers "undo" for the row just archived and lists every archived
//! row of a kind with a button to bring it back (`/{kind}/{id}/unarchive`).
//! Nothing is deleted; what the store refuses to bring back (a name now
//! taken, a second open case) is said on the page.
//!
//! Each button carries the version (the API's `ETag`) of the row it was
//! drawn with, sent as `If-Match`: a row changed meanwhile (in another
//! window, by the API) is not archived or brought back; the page comes
//! again (409) with the row as it now is and a fresh button.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::entity::{entity_of, load, Entity};
use super::session::{next_link, param, Form, Query};
use super::{see_other, shown_system, Chrome, Page, Posted, WebError};
use crate::domain::PageRequest;
use crate::store::{IfMatch, Store, StoreError, WriteCtx};

/// The catalogue key of what goes with a row of `entity` when it is archived.
fn goes_with(entity: Entity) -> &'static str {
    match entity {
        Entity::Machine => "archive.with_machine",
        Entity::License => "archive.with_license",
        Entity::Case => "archive.with_case",
        Entity::HardwareChange | Entity::Attempt | Entity::FollowUp | Entity::Attachment => "archive.alone",
    }
}

#[derive(Template)]
#[template(path = "archive.html")]
struct ConfirmPage {
    c: Chrome,
    title: String,
    explain: String,
    action: String,
    back: String,
    /// The row's version the button was drawn with.
    version: String,
    /// The row changed since the page was opened: nothing was archived.
    stale: bool,
}

/// The confirmation of archiving `entity` `id`, over the row as it is now.
async fn confirm_page(p: &Page, store: &Store, entity: Entity, id: i64) -> Result<ConfirmPage, WebError> {
    let t = p.t();
    let row = p.ok(load(store, &t, entity, id, false).await)?;
    let mut c = p.chrome("archive.title");
    c.title = t.f("archive.heading", &[("kind", &t.s(entity.noun_key()))]);
    Ok(ConfirmPage {
        c,
        title: row.title,
        explain: t.s(goes_with(entity)),
        action: format!("/{}/{id}/archive", entity.path()),
        back: row.href,
        version: row.version,
        stale: false,
    })
}

/// The write context of a button: made by `p`'s writer, if the row is
/// still at the version the button was drawn with (a form without one
/// writes whatever the row is, as a request without `If-Match`).
fn versioned<'a>(p: &Page, actor: &'a crate::store::Actor, form: &Form) -> Result<WriteCtx<'a>, WebError> {
    let version =
        form.get("version").map(IfMatch::parse).transpose().map_err(|e| p.bad(format!("version: {e}")))?.flatten();
    Ok(WriteCtx::new(actor).if_match(version))
}

/// `GET /{kind}/{id}/archive`: what archiving the row does, and the button.
pub async fn confirm(
    p: Page,
    store: web::Data<Store>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    p.writer()?;
    let (entity, id) = (entity_of(&p, &path.0)?, path.1);
    p.render(&confirm_page(&p, &store, entity, id).await?)
}

/// `POST /{kind}/{id}/archive`: archive it (and what goes with it), then
/// to the archived rows of its kind, which offer to undo it.
pub async fn archive(
    posted: Posted,
    store: web::Data<Store>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let actor = p.writer()?.clone();
    let (entity, id) = (entity_of(&p, &path.0)?, path.1);
    match store.archive(&versioned(&p, &actor, &form)?, entity.table(), id).await {
        Ok(()) => Ok(see_other(&format!("/archived?kind={}&undo={id}", entity.path()))),
        Err(StoreError::Precondition(_)) => {
            let mut page = confirm_page(&p, &store, entity, id).await?;
            page.stale = true;
            let mut res = p.render(&page)?;
            *res.status_mut() = actix_web::http::StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(WebError::store(p.lang, e)),
    }
}

/// `POST /{kind}/{id}/unarchive`: bring it back (and what was archived
/// with it), then to its page; a refusal is said on the archived rows' page.
pub async fn unarchive(
    posted: Posted,
    store: web::Data<Store>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let actor = p.writer()?.clone();
    let (entity, id) = (entity_of(&p, &path.0)?, path.1);
    let refused = match store.unarchive(&versioned(&p, &actor, &form)?, entity.table(), id).await {
        Ok(()) => return Ok(see_other(&p.ok(load(&store, &p.t(), entity, id, false).await)?.href)),
        Err(StoreError::Conflict(_, message)) => p.t().f("archive.refused", &[("reason", &p.t().msg(&message))]),
        Err(StoreError::Precondition(_)) => p.t().s("archive.stale_unarchive"),
        Err(e) => return Err(WebError::store(p.lang, e)),
    };
    // The rows as they are now, each button with its row's new version.
    let mut page = archived_page(&p, &store, entity, None, None).await?;
    page.refused = Some(refused);
    let mut res = p.render(&page)?;
    *res.status_mut() = actix_web::http::StatusCode::CONFLICT;
    Ok(res)
}

/// An archived row as listed.
pub struct ArchivedRow {
    pub id: i64,
    pub title: String,
    pub archived_at: String,
    /// Its version, carried by its button.
    pub version: String,
}

#[derive(Template)]
#[template(path = "archived.html")]
struct ArchivedPage {
    c: Chrome,
    /// `(path, label, current)` of each kind.
    kinds: Vec<(String, String, bool)>,
    kind: String,
    rows: Vec<ArchivedRow>,
    next: Option<String>,
    /// The row just archived, to undo.
    undo: Option<ArchivedRow>,
    /// Why a row could not be brought back.
    refused: Option<String>,
}

async fn archived_page(
    p: &Page,
    store: &Store,
    entity: Entity,
    query: Option<&Query>,
    undo: Option<i64>,
) -> Result<ArchivedPage, WebError> {
    let t = p.t();
    let cursor = query.and_then(|q| param(q, "cursor"));
    let page = p.params(PageRequest::parse(None, cursor, true))?;
    let ids = p.ok(store.archived(entity.table(), &page).await)?;
    let mut rows = Vec::with_capacity(ids.items.len());
    let zone = store.zone();
    for id in ids.items {
        let row = p.ok(load(store, &t, entity, id, true).await)?;
        let at = row.json["archived_at"].as_str().map(|a| shown_system(a, &zone)).unwrap_or_default();
        rows.push(ArchivedRow { id, title: row.title, archived_at: at, version: row.version });
    }
    let undo = match undo {
        Some(id) => match load(store, &t, entity, id, true).await {
            Ok(row) if !row.json["archived_at"].is_null() => Some(ArchivedRow {
                id,
                title: t.f("archive.done", &[("what", &row.title)]),
                archived_at: String::new(),
                version: row.version,
            }),
            _ => None,
        },
        None => None,
    };
    Ok(ArchivedPage {
        c: p.chrome("archived.title"),
        kinds: Entity::ALL.iter().map(|e| (e.path().to_string(), t.s(e.noun_key()), *e == entity)).collect(),
        kind: entity.path().to_string(),
        rows,
        next: query.and_then(|q| next_link("/archived", q, ids.next_cursor)),
        undo,
        refused: None,
    })
}

/// `GET /archived?kind=machines`: the archived rows of a kind, each with a
/// button to bring it back; `undo=ID` names the row just archived.
pub async fn archived(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let entity = match param(&query, "kind") {
        Some(k) => entity_of(&p, k)?,
        None => Entity::Machine,
    };
    let undo = p.id_param(&query, "undo")?;
    p.render(&archived_page(&p, &store, entity, Some(&query), undo).await?)
}
