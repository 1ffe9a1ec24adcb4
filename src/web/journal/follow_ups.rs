//! Follow-ups: the list (add one), and marking one done.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::names;
use crate::domain::{FieldErrors, FollowUpPatch, NewFollowUp, PageRequest};
use crate::store::{Store, WriteCtx};
use crate::web::form::{parsed, Once};
use crate::web::session::{next_link, param, Form, FormState, Query};
use crate::web::{refusal, see_other, Chrome, Page, Posted, WebError};
use crate::wire::FollowUpCreate;

/// A follow-up as a table row.
pub struct FollowUpRow {
    pub id: i64,
    pub text: String,
    pub machine: String,
    pub due: String,
    pub done: bool,
}

#[derive(Template)]
#[template(path = "follow_ups.html")]
struct FollowUpsPage {
    c: Chrome,
    f: FormState,
    rows: Vec<FollowUpRow>,
    next: Option<String>,
    machines: Vec<(String, String)>,
    cal: crate::web::calendar::FeedHelp,
}

async fn follow_ups_page(p: &Page, store: &Store, query: &Query, f: FormState) -> Result<FollowUpsPage, WebError> {
    let page = p.params(PageRequest::parse(None, param(query, "cursor"), false))?;
    let found = p.ok(store.follow_ups(&page, None, None, None).await)?;
    let n = names(p, store).await?;
    let mut machines: Vec<(String, String)> = n.machines.iter().map(|(id, m)| (id.to_string(), m.clone())).collect();
    machines.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(FollowUpsPage {
        c: p.chrome("follow_ups.title"),
        f,
        rows: found
            .items
            .into_iter()
            .map(|x| FollowUpRow {
                id: x.id,
                machine: n.machines.get(&x.machine_id).cloned().unwrap_or_default(),
                due: x.due_on.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
                done: x.done,
                text: x.text,
            })
            .collect(),
        next: next_link("/follow-ups", query, found.next_cursor),
        machines,
        cal: crate::web::calendar::FeedHelp::new(p, None, "calendar"),
    })
}

/// `GET /follow-ups`.
pub async fn follow_ups(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let f = FormState::new(p.t(), Form::default());
    p.render(&follow_ups_page(&p, &store, &query, f).await?)
}

/// `POST /follow-ups`: add one.
pub async fn add_follow_up(posted: Posted, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let actor = p.writer()?.clone();
    let (once, href) = (Once::of(&p, &form)?, |_| "/follow-ups".to_string());
    if let Some(res) = once.sent_before(&p, &store, "follow_up", href).await? {
        return Ok(res);
    }
    let mut errors = FieldErrors::default();
    if let Some(x) = parsed::<FollowUpCreate, NewFollowUp>(&form, "", &mut errors) {
        match store.create_follow_up(&once.ctx(&actor, "follow_up"), &x).await {
            Ok(c) => return once.done(&p, &c, |f| f.id, href),
            Err(e) => errors = refusal(p.lang, e, "", "text")?,
        }
    }
    let f = FormState::refused(p.t(), form, errors);
    p.refused(&follow_ups_page(&p, &store, &query, f).await?)
}

/// `POST /follow-ups/{id}/done`.
pub async fn follow_up_done(
    posted: Posted,
    store: web::Data<Store>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let p = posted.page;
    let actor = p.writer()?.clone();
    let patch = FollowUpPatch { done: Some(true), ..Default::default() };
    p.ok(store.update_follow_up(&WriteCtx::new(&actor), *id, &patch).await)?;
    Ok(see_other("/follow-ups"))
}
