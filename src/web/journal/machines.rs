//! Machines: the list (add one), a machine's timeline, and a hardware
//! change recorded from its page.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::attempts::attempt_row;
use super::names;
use crate::domain::{FieldErrors, NewHardwareChange, NewMachine, PageRequest, TimePageRequest};
use crate::store::{Store, TimelineEvent};
use crate::web::form::{field_views, parsed, with_boxes_read, FieldView, Once};
use crate::web::session::{next_link, param, Form, FormState, Query};
use crate::web::{refusal, shown_system, shown_time, Chrome, Page, Posted, WebError};
use crate::wire::{Body, HardwareChangeCreate, MachineCreate};

#[derive(Template)]
#[template(path = "machines.html")]
struct MachinesPage {
    c: Chrome,
    f: FormState,
    rows: Vec<(i64, String, String)>,
    next: Option<String>,
}

async fn machines_page(p: &Page, store: &Store, query: &Query, f: FormState) -> Result<MachinesPage, WebError> {
    let page = p.params(PageRequest::parse(None, param(query, "cursor"), false))?;
    let found = p.ok(store.machines(&page).await)?;
    Ok(MachinesPage {
        c: p.chrome("machines.title"),
        f,
        rows: found.items.into_iter().map(|m| (m.id, m.name, m.owner.unwrap_or_default())).collect(),
        next: next_link("/machines", query, found.next_cursor),
    })
}

/// `GET /machines`.
pub async fn machines(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let f = FormState::new(p.t(), Form::default());
    p.render(&machines_page(&p, &store, &query, f).await?)
}

/// `POST /machines`: add one.
pub async fn add_machine(posted: Posted, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let actor = p.writer()?.clone();
    let (once, href) = (Once::of(&p, &form)?, |id| format!("/machines/{id}"));
    if let Some(res) = once.sent_before(&p, &store, "machine", href).await? {
        return Ok(res);
    }
    let mut errors = FieldErrors::default();
    if let Some(m) = parsed::<MachineCreate, NewMachine>(&form, "", &mut errors) {
        match store.create_machine(&once.ctx(&actor, "machine"), &m).await {
            Ok(c) => return once.done(&p, &c, |m| m.id, href),
            Err(e) => errors = refusal(p.lang, e, "", "name")?,
        }
    }
    let f = FormState::refused(p.t(), form, errors);
    p.refused(&machines_page(&p, &store, &query, f).await?)
}

/// One timeline event as shown.
pub struct EventRow {
    pub when: String,
    pub kind: String,
    pub text: String,
    pub href: Option<String>,
    /// Its edit form, for a row without a page of its own (a hardware change).
    pub edit: Option<String>,
}

#[derive(Template)]
#[template(path = "machine.html")]
struct MachinePage {
    c: Chrome,
    name: String,
    owner: String,
    id: i64,
    events: Vec<EventRow>,
    next: Option<String>,
    /// The form recording a hardware change, drawn from its declarations.
    f: FormState,
    hardware_change: Vec<FieldView>,
    files: crate::web::attachments::Files,
}

/// `GET /machines/{id}`: its timeline, oldest first, times in each event's
/// own offset (a case or change shown in the offset of the machine's calls).
pub async fn machine(
    p: Page,
    store: web::Data<Store>,
    id: web::Path<i64>,
    query: Query,
) -> Result<HttpResponse, WebError> {
    let f = FormState::new(p.t(), Form::default());
    p.render(&machine_page(&p, &store, *id, &query, f).await?)
}

/// `POST /machines/{id}/hardware-changes`: record one (then the machine's
/// page), or the page again with each error beside its field.
pub async fn add_hardware_change(
    posted: Posted,
    store: web::Data<Store>,
    id: web::Path<i64>,
    query: Query,
) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let actor = p.writer()?.clone();
    let form = with_boxes_read(&form, HardwareChangeCreate::FIELDS);
    let machine = *id;
    let (once, href) = (Once::of(&p, &form)?, |_| format!("/machines/{machine}"));
    if let Some(res) = once.sent_before(&p, &store, "hardware_change", href).await? {
        return Ok(res);
    }
    let mut errors = FieldErrors::default();
    if let Some(h) = parsed::<HardwareChangeCreate, NewHardwareChange>(&form, "", &mut errors) {
        match store.create_hardware_change(&once.ctx(&actor, "hardware_change"), machine, &h).await {
            Ok(c) => return once.done(&p, &c, |h| h.id, href),
            Err(e) => errors = refusal(p.lang, e, "", "changed_on")?,
        }
    }
    let f = FormState::refused(p.t(), form, errors);
    p.refused(&machine_page(&p, &store, *id, &query, f).await?)
}

async fn machine_page(p: &Page, store: &Store, id: i64, query: &Query, f: FormState) -> Result<MachinePage, WebError> {
    let t = p.t();
    let page = p.params(TimePageRequest::parse(None, param(query, "cursor"), false))?;
    let tl = p.ok(store.timeline(id, &page).await)?;
    let n = names(p, store).await?;
    let zone = store.zone();
    let events = tl
        .events
        .iter()
        .map(|e| match e {
            TimelineEvent::HardwareChange { hardware_change: h, .. } => EventRow {
                when: h.changed_on.to_string(),
                kind: t.s("timeline.hardware_change"),
                text: {
                    let parts: Vec<String> = h.parts_replaced.iter().map(|p| t.e(*p)).collect();
                    format!("{}{}", parts.join(", "), h.notes.as_deref().map(|n| format!(" — {n}")).unwrap_or_default())
                },
                href: None,
                edit: Some(format!("/hardware-changes/{}/edit", h.id)),
            },
            TimelineEvent::Case { case, .. } => EventRow {
                when: shown_time(&case.opened_at),
                kind: t.s("timeline.case"),
                text: format!(
                    "{} · {} · {}",
                    n.licenses.get(&case.license_id).cloned().unwrap_or_default(),
                    t.e(case.trigger),
                    t.e(case.status)
                ),
                href: Some(format!("/cases/{}", case.id)),
                edit: None,
            },
            TimelineEvent::Attempt { attempt: a, .. } => {
                let r = attempt_row(a, &n, &t);
                EventRow {
                    when: r.when,
                    kind: t.s("timeline.attempt"),
                    text: format!("{} · {} · {}", r.ivr, r.operator, r.result),
                    href: Some(format!("/attempts/{}", a.id)),
                    edit: None,
                }
            }
            TimelineEvent::FollowUp { follow_up: f, .. } => EventRow {
                when: f.due_on.map(|d| d.to_string()).unwrap_or_else(|| shown_system(&f.created_at, &zone)),
                kind: t.s("timeline.follow_up"),
                text: format!(
                    "{}{}",
                    f.text,
                    if f.done { format!(" ({})", t.s("follow_ups.done")) } else { String::new() }
                ),
                href: Some("/follow-ups".into()),
                edit: None,
            },
        })
        .collect();
    let hardware_change = field_views(p, store, HardwareChangeCreate::FIELDS, Some(id), &f.values, vec![]).await?;
    Ok(MachinePage {
        c: p.chrome("machine.title"),
        name: tl.machine.name.clone(),
        owner: tl.machine.owner.clone().unwrap_or_default(),
        id: tl.machine.id,
        events,
        next: next_link(&format!("/machines/{}", tl.machine.id), query, tl.next_cursor),
        f,
        hardware_change,
        files: crate::web::attachments::files(p, store, crate::domain::AttachedTo::Machine, tl.machine.id).await?,
    })
}
