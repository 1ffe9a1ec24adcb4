//! The journal's pages: calls newest first with the API's filters, one
//! call, a case's calls, machines and a machine's timeline, licenses (keys
//! masked; a write session may reveal one, audited), follow-ups (add, mark
//! done) and search. Lists are paged as the API pages them.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use askama::Template;

use super::form::{choices, field_views, fill_from_slmgr, license_label, parsed, with_boxes_read, FieldView, Once};
use super::session::{next_link, param, Form, FormState, Query};
use super::{refusal, see_other, shown_system, shown_time, Chrome, Page, Posted, Tr, WebError};
use crate::domain::search::SearchQuery;
use crate::domain::shape::Kind;
use crate::domain::{
    Attempt, AttemptResult, Channel, FieldErrors, FollowUpPatch, License, NewFollowUp, NewHardwareChange, NewLicense,
    NewMachine, OperatorOutcome, PageRequest, TimePageRequest,
};
use crate::store::{AttemptFilter, Store, StoreError, TimelineEvent, WriteCtx};
use crate::wire::{Body, FollowUpCreate, HardwareChangeCreate, LicenseCreate, MachineCreate};

/// Names of machines and labels of licenses, for tables.
struct Names {
    machines: HashMap<i64, String>,
    licenses: HashMap<i64, String>,
}

async fn names(p: &Page, store: &Store) -> Result<Names, WebError> {
    let all = p.ok(PageRequest::parse(Some(500), None, true).map_err(StoreError::Invalid))?;
    let t = p.t();
    Ok(Names {
        machines: p.ok(store.machines(&all).await)?.items.into_iter().map(|m| (m.id, m.name)).collect(),
        licenses: p.ok(store.licenses(&all).await)?.items.iter().map(|l| (l.id, license_label(l, &t))).collect(),
    })
}

/// One call as a table row.
pub struct AttemptRow {
    pub id: i64,
    pub when: String,
    pub machine: String,
    pub license: String,
    pub ivr: String,
    pub operator: String,
    pub wait: String,
    pub result: String,
    pub activated: bool,
}

fn attempt_row(a: &Attempt, n: &Names, t: &Tr) -> AttemptRow {
    AttemptRow {
        id: a.id,
        when: shown_time(&a.started_at),
        machine: n.machines.get(&a.machine_id).cloned().unwrap_or_else(|| format!("#{}", a.machine_id)),
        license: n.licenses.get(&a.license_id).cloned().unwrap_or_else(|| format!("#{}", a.license_id)),
        ivr: t.oe(&a.ivr_result),
        operator: t.oe(&a.operator_outcome),
        wait: a.wait_seconds.map(|s| t.duration(s)).unwrap_or_else(|| "–".into()),
        result: t.oe(&a.result),
        activated: a.result == Some(AttemptResult::Activated),
    }
}

#[derive(Template)]
#[template(path = "attempts.html")]
struct AttemptsPage {
    c: Chrome,
    f: FormState,
    rows: Vec<AttemptRow>,
    next: Option<String>,
    machines: Vec<(String, String)>,
    licenses: Vec<(String, String)>,
    results: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
}

/// `GET /attempts`: the journal, newest first, with the API's filters.
pub async fn attempts(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let ids = [p.id_param(&query, "machine_id")?, p.id_param(&query, "license_id")?, p.id_param(&query, "case_id")?];
    let result = param(&query, "result").map(str::parse::<AttemptResult>).transpose().map_err(|e| p.bad(e))?;
    let outcome =
        param(&query, "operator_outcome").map(str::parse::<OperatorOutcome>).transpose().map_err(|e| p.bad(e))?;
    let filter = p.params(AttemptFilter::parse(ids, result, outcome, param(&query, "from"), param(&query, "to")))?;
    let page = p.params(TimePageRequest::parse(None, param(&query, "cursor"), false))?;
    let found = p.ok(store.attempts_newest_first(&page, &filter).await)?;
    let n = names(&p, &store).await?;
    let mut machines: Vec<(String, String)> = n.machines.iter().map(|(id, m)| (id.to_string(), m.clone())).collect();
    machines.sort_by(|a, b| a.1.cmp(&b.1));
    let mut licenses: Vec<(String, String)> = n.licenses.iter().map(|(id, l)| (id.to_string(), l.clone())).collect();
    licenses.sort_by(|a, b| a.1.cmp(&b.1));
    p.render(&AttemptsPage {
        c: p.chrome("attempts.title"),
        f: FormState::new(t, Form(query.iter().cloned().collect())),
        rows: found.items.iter().map(|a| attempt_row(a, &n, &t)).collect(),
        next: next_link("/attempts", &query, found.next_cursor),
        machines,
        licenses,
        results: choices::<AttemptResult>(&t),
        outcomes: choices::<OperatorOutcome>(&t),
    })
}

#[derive(Template)]
#[template(path = "attempt.html")]
struct AttemptPage {
    c: Chrome,
    a: Attempt,
    saved: bool,
    questions: Vec<(String, String, String)>,
    facts: Vec<(String, String)>,
}

/// `GET /attempts/{id}`: one call.
pub async fn attempt(
    p: Page,
    store: web::Data<Store>,
    id: web::Path<i64>,
    query: Query,
) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let a = p.ok(store.attempt(*id, true).await)?;
    let n = names(&p, &store).await?;
    let row = attempt_row(&a, &n, &t);
    let facts = attempt_facts(&a, &row, &t);
    let questions = a
        .questions
        .iter()
        .map(|q| (t.e(q.topic), q.question.clone().unwrap_or_default(), q.answer.clone().unwrap_or_default()))
        .collect();
    p.render(&AttemptPage {
        c: p.chrome("attempt.title"),
        saved: param(&query, "saved").is_some(),
        questions,
        facts,
        a,
    })
}

/// An attempt's facts in the order its fields are declared (the order of
/// a call), each with its label: a field added to the declaration shows
/// here without a line written for it. The ones a table row shows already
/// are read from it; the others are shown as the API answers them, a
/// closed set's member by its label.
fn attempt_facts(a: &Attempt, row: &AttemptRow, t: &Tr) -> Vec<(String, String)> {
    let dash = || "–".to_string();
    let answered = serde_json::to_value(a).unwrap_or_default();
    let mut facts = Vec::new();
    for field in crate::wire::attempt_fields::ALL {
        let shown = match field.name {
            // The case, its trigger and the questions have places of their own.
            "case_id" | "trigger" | "questions" => continue,
            "started_at" => row.when.clone(),
            "machine_id" => row.machine.clone(),
            "license_id" => row.license.clone(),
            "ivr_result" => row.ivr.clone(),
            "operator_outcome" => row.operator.clone(),
            "wait_seconds" => row.wait.clone(),
            "result" => row.result.clone(),
            "operator_rating" => a.operator_rating.map(|r| format!("{r} / 5")).unwrap_or_else(dash),
            _ => match (&answered[field.name], field.kind) {
                (serde_json::Value::Null, _) => dash(),
                (serde_json::Value::String(v), Kind::OneOf(set)) => t.s(&format!("enum.{}.{v}", set.name)),
                (serde_json::Value::String(v), Kind::Time) => shown_time(v),
                (serde_json::Value::String(v), _) => v.clone(),
                (serde_json::Value::Array(items), _) if items.is_empty() => dash(),
                (serde_json::Value::Array(items), _) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
                (other, _) => other.to_string(),
            },
        };
        let label = match field.name {
            "machine_id" => "field.machine",
            "license_id" => "field.license",
            _ => field.label,
        };
        facts.push((t.s(label), shown));
    }
    facts
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    c: Chrome,
    facts: Vec<(String, String)>,
    rows: Vec<AttemptRow>,
    next: Option<String>,
    id: i64,
    machine_id: i64,
    license_id: i64,
    open: bool,
    abandoned: bool,
}

/// `GET /cases/{id}`: a case's calls in time order.
pub async fn case(
    p: Page,
    store: web::Data<Store>,
    id: web::Path<i64>,
    query: Query,
) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let case = p.ok(store.case(*id, true).await)?;
    let n = names(&p, &store).await?;
    let filter = p.params(AttemptFilter::parse([None, None, Some(case.id)], None, None, None, None))?;
    let page = p.params(PageRequest::parse(None, param(&query, "cursor"), true))?;
    let calls = p.ok(store.attempts(&page, &filter).await)?;
    let offset = calls.items.first().and_then(|a| chrono::DateTime::parse_from_rfc3339(&a.started_at).ok());
    let facts = vec![
        (t.s("field.machine"), n.machines.get(&case.machine_id).cloned().unwrap_or_default()),
        (t.s("field.license"), n.licenses.get(&case.license_id).cloned().unwrap_or_default()),
        (t.s("field.trigger"), t.e(case.trigger)),
        (t.s("case.status"), t.e(case.status)),
        (t.s("case.opened_at"), shown_system(&case.opened_at, offset.map(|o| *o.offset()))),
        (
            t.s("case.closed_at"),
            case.closed_at.as_deref().map(|c| shown_system(c, offset.map(|o| *o.offset()))).unwrap_or("–".into()),
        ),
    ];
    p.render(&CasePage {
        c: p.chrome("case.title"),
        facts,
        rows: calls.items.iter().map(|a| attempt_row(a, &n, &t)).collect(),
        next: next_link(&format!("/cases/{}", case.id), &query, calls.next_cursor),
        machine_id: case.machine_id,
        license_id: case.license_id,
        id: case.id,
        open: case.status == crate::domain::CaseStatus::Open,
        abandoned: case.status == crate::domain::CaseStatus::Abandoned,
    })
}

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
    let offset = tl.events.iter().find_map(|e| match e {
        TimelineEvent::Attempt { attempt, .. } => {
            chrono::DateTime::parse_from_rfc3339(&attempt.started_at).ok().map(|d| *d.offset())
        }
        _ => None,
    });
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
                when: shown_system(&case.opened_at, offset),
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
                when: f.due_on.map(|d| d.to_string()).unwrap_or_else(|| shown_system(&f.created_at, offset)),
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
    })
}

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
    Ok(LicensePage { c: p.chrome("license.title"), id: l.id, facts, has_key: l.product_key_masked.is_some(), revealed })
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

/// A search hit as shown: where it leads, its kind, the text before, in
/// and after the match.
pub struct HitRow {
    pub href: String,
    pub kind: String,
    pub before: String,
    pub hit: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    error: Option<String>,
    hits: Vec<HitRow>,
    searched: bool,
    next: Option<String>,
}

/// `GET /search?q=`: the API's search.
pub async fn search(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let text = param(&query, "q").unwrap_or("").to_string();
    let mut page = SearchPage {
        c: p.chrome("search.title"),
        q: text.clone(),
        error: None,
        hits: vec![],
        searched: false,
        next: None,
    };
    if !text.is_empty() {
        match SearchQuery::parse(Some(&text)) {
            Err(e) => page.error = e.0.first().map(|e| t.message(&e.message)),
            Ok(sq) => {
                let req = p.params(PageRequest::parse(None, param(&query, "cursor"), false))?;
                let found = p.ok(store.search(&sq, &req).await)?;
                page.searched = true;
                page.next = next_link("/search", &query, found.next_cursor);
                page.hits = found
                    .items
                    .into_iter()
                    .map(|h| {
                        let (before, rest) = h.snippet.split_once('[').unwrap_or((&h.snippet, ""));
                        let (hit, after) = rest.split_once(']').unwrap_or((rest, ""));
                        let href = match h.entity {
                            crate::domain::SearchEntity::Machine => format!("/machines/{}", h.id),
                            crate::domain::SearchEntity::License => format!("/licenses/{}", h.id),
                            crate::domain::SearchEntity::Case => format!("/cases/{}", h.id),
                            crate::domain::SearchEntity::Attempt => format!("/attempts/{}", h.id),
                            crate::domain::SearchEntity::FollowUp => "/follow-ups".to_string(),
                        };
                        HitRow {
                            href,
                            kind: t.e(h.entity),
                            before: before.to_string(),
                            hit: hit.to_string(),
                            after: after.to_string(),
                        }
                    })
                    .collect();
            }
        }
    }
    p.render(&page)
}
