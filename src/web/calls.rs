//! `/calls/new`: logging a call in the order the call goes, and the live
//! checks its script asks for (`/calls/check`).
//!
//! The form's field names are the API's (`installation_id`,
//! `questions[0].topic`, …; a new machine's and license's as
//! `machine.name`, `license.product`). A submitted form becomes the API's
//! attempt body and is parsed by `wire/` and `domain/` as a POST is; a
//! refusal shows every message beside its field with everything typed
//! kept. The live Installation and Confirmation ID checks ask the server,
//! which runs the domain's group check: no rule is written in JavaScript.
//! Pasted `slmgr /dlv` output fills in a new license (the "fill in"
//! button: a plain form submission, re-rendered, nothing stored).

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Serialize;

use super::at_hand::HandBlock;
use super::form::{self, choices, fill_from_slmgr, license_label, Once};
use super::session::{Form, FormState, Kept};
use super::{refusal, Chrome, Page, Posted, WebError};
use crate::domain::enums::ClosedSet;
use crate::domain::ids::{check_typed, IdKind};
use crate::domain::{AttemptResult, Method};
use crate::domain::{
    AttemptTarget, CalledFrom, Channel, FailureReason, FieldErrors, IvrProduct, IvrResult, License, Machine,
    NewAttempt, NewLicense, NewMachine, NumberKind, OperatorOutcome, PageRequest, Topic, Trigger,
};
use crate::store::Store;
use crate::wire::{AttemptCreate, LicenseCreate, MachineCreate};

/// How many question rows the form shows at first.
const QUESTION_ROWS: usize = 3;

/// The attempt of a submitted form. A new machine or license (`new` in
/// its select) is parsed too and stands as id 0 until it is stored.
fn attempt_of(form: &Form, errors: &mut FieldErrors) -> Option<NewAttempt> {
    let before = errors.0.len();
    let mut body = form::body::<AttemptCreate>(form, "", errors);
    for (field, value) in [("machine_id", &mut body.machine_id), ("license_id", &mut body.license_id)] {
        if form.get(field) == Some("new") {
            errors.0.retain(|e| e.field != field);
            *value = Some(Some(1));
        }
    }
    let (kept, questions) = form::questions_in(form);
    if !questions.is_empty() {
        body.questions = Some(Some(questions));
    }
    match NewAttempt::try_from(&body) {
        Ok(a) if errors.0.len() == before => Some(a),
        Ok(_) => None,
        Err(e) => {
            errors.0.extend(form::at_form_rows(e, &kept).0);
            None
        }
    }
}

/// A license's option in the select: id, label, channel.
pub struct LicenseChoice {
    pub id: String,
    pub label: String,
    pub channel: String,
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    c: Chrome,
    f: FormState,
    machines: Vec<(String, String)>,
    /// Every machine's hardware changes, for the case's `hardware_change_id`.
    hardware_changes: Vec<(String, String)>,
    licenses: Vec<LicenseChoice>,
    triggers: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    number_kinds: Vec<(String, String)>,
    called_from: Vec<(String, String)>,
    ivr_products: Vec<(String, String)>,
    ivr_results: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    results: Vec<(String, String)>,
    reasons: Vec<(String, String)>,
    methods: Vec<(String, String)>,
    /// Topics in the order past operators asked them for the chosen license's channel.
    topics: Vec<(String, String)>,
    /// `{channel: [topic, …]}` for the script to reorder when the license changes.
    topic_order: String,
    /// What to have at hand for the chosen license (the script fetches
    /// another's from `/calls/at-hand` when the choice changes).
    hand: Option<HandBlock>,
    rows: Vec<usize>,
    /// What the last `slmgr` paste said, shown under the paste box.
    pasted: Option<String>,
    /// Shown above the form brought back after signing in again.
    notice: Option<String>,
    /// A form not sent yet (`GET`): the script may bring back a draft kept
    /// in the browser into it.
    fresh: bool,
}

/// Topics ranked for each channel (most asked first).
fn topic_orders(q: &crate::summary::Questions) -> HashMap<String, Vec<String>> {
    Channel::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), q.ranked_for(*c).into_iter().map(|(t, _)| t.as_str().to_string()).collect()))
        .collect()
}

async fn call_page(
    p: &Page,
    store: &Store,
    f: FormState,
    rows: usize,
    pasted: Option<String>,
) -> Result<CallPage, WebError> {
    let t = p.t();
    let all = p.ok(PageRequest::parse(Some(500), None, false).map_err(crate::store::StoreError::Invalid))?;
    let machines: Vec<Machine> = p.ok(store.machines(&all).await)?.items;
    let licenses: Vec<License> = p.ok(store.licenses(&all).await)?.items;
    let orders = topic_orders(&p.ok(store.questions_lately(crate::summary::TOPICS_LATELY).await)?);
    let chosen = f.val("license_id").parse::<i64>().ok();
    let chosen = licenses.iter().find(|l| Some(l.id) == chosen);
    let hand = match chosen {
        Some(l) => Some(super::at_hand::block(p, store, l).await?),
        None => None,
    };
    let channel = chosen.map(|l| l.channel.as_str().to_string());
    let topics = match channel.and_then(|c| orders.get(&c).cloned()) {
        Some(order) => {
            order.iter().filter_map(|n| n.parse::<Topic>().ok()).map(|v| (v.name().to_string(), t.e(v))).collect()
        }
        None => choices::<Topic>(&t),
    };
    Ok(CallPage {
        c: p.chrome("call.title"),
        machines: machines.iter().map(|m| (m.id.to_string(), m.name.clone())).collect(),
        hardware_changes: form::hardware_change_choices(p, store, &machines).await?,
        licenses: licenses
            .iter()
            .map(|l| LicenseChoice {
                id: l.id.to_string(),
                label: license_label(l, &t),
                channel: l.channel.as_str().into(),
            })
            .collect(),
        triggers: choices::<Trigger>(&t),
        channels: choices::<Channel>(&t),
        number_kinds: choices::<NumberKind>(&t),
        called_from: choices::<CalledFrom>(&t),
        ivr_products: choices::<IvrProduct>(&t),
        ivr_results: choices::<IvrResult>(&t),
        outcomes: choices::<OperatorOutcome>(&t),
        results: choices::<AttemptResult>(&t),
        reasons: choices::<FailureReason>(&t),
        methods: choices::<Method>(&t),
        topics,
        topic_order: serde_json::to_string(&orders).unwrap_or_else(|_| "{}".into()),
        hand,
        rows: (0..rows).collect(),
        f,
        pasted,
        notice: None,
        fresh: false,
    })
}

/// `GET /calls/new`: the form, `?machine_id=&license_id=` preselected and
/// `installation_id` filled in ("call again": the same PC's ID).
pub async fn form(
    p: Page,
    store: web::Data<Store>,
    q: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    p.writer()?;
    let mut values: Vec<(String, String)> = q
        .iter()
        .filter(|(k, _)| ["machine_id", "license_id", "installation_id"].contains(&k.as_str()))
        .cloned()
        .collect();
    values.push(("method".into(), "phone".into()));
    let f = FormState::new(p.t(), Form(values));
    let mut page = call_page(&p, &store, f, QUESTION_ROWS, None).await?;
    page.fresh = true;
    p.render(&page)
}

/// The form as it was sent when its session had ended, after signing in
/// again ([`super::resume`]): every value back, nothing stored.
pub async fn resumed(p: Page, store: &Store, form: Form) -> Result<HttpResponse, WebError> {
    p.writer()?;
    let rows = form::question_rows(&form).last().map_or(QUESTION_ROWS, |l| l + 1).max(QUESTION_ROWS);
    let mut page = call_page(&p, store, FormState::new(p.t(), form), rows, None).await?;
    page.notice = Some(p.t().s("call.resumed"));
    p.render(&page)
}

/// `POST /calls/new`: store the call (then to its page), or show the form
/// again with every error beside its field. `action=fill` reads the pasted
/// `slmgr` output into the new license's fields; `action=more` adds a
/// question row. Neither stores anything.
pub async fn submit(sent: Kept, store: web::Data<Store>) -> Result<HttpResponse, WebError> {
    let Posted { page: p, mut form } = match sent {
        Kept::Posted(posted) => posted,
        Kept::SignIn(res) => return Ok(res),
    };
    let actor = p.writer()?.clone();
    let once = Once::of(&p, &form)?;
    let rows = form::question_rows(&form).last().map_or(QUESTION_ROWS, |l| l + 1).max(QUESTION_ROWS);
    match form.get("action") {
        Some("fill") => {
            let (errors, said) = fill_from_slmgr(&p.t(), &mut form, "license.");
            let mut f = FormState::new(p.t(), form);
            f.errors = errors;
            return p.render(&call_page(&p, &store, f, rows, Some(said)).await?);
        }
        Some("more") => {
            let f = FormState::new(p.t(), form);
            return p.render(&call_page(&p, &store, f, rows + 1, None).await?);
        }
        _ => {}
    }
    let href = |id| format!("/attempts/{id}");
    if let Some(res) = once.sent_before(&p, &store, "attempt", href).await? {
        return Ok(res);
    }
    let mut errors = FieldErrors::default();
    let new_machine = (form.get("machine_id") == Some("new"))
        .then(|| form::parsed::<MachineCreate, NewMachine>(&form, "machine.", &mut errors));
    let new_license = (form.get("license_id") == Some("new"))
        .then(|| form::parsed::<LicenseCreate, NewLicense>(&form, "license.", &mut errors));
    let attempt = attempt_of(&form, &mut errors);
    let change = form::chosen_hardware_change(&p, &store, &form, &mut errors).await?;
    let (Some(mut attempt), true) = (attempt, errors.0.is_empty()) else {
        return refused(&p, &store, form, errors, rows).await;
    };
    // The new machine and license first; the form then names them, so a
    // refused attempt is not typed again and they are not stored twice
    // (nor when the same form is sent twice: each part has its key).
    if let Some(Some(m)) = new_machine {
        match store.create_machine(&once.ctx(&actor, "machine"), &m).await {
            Ok(c) => set(&mut form, "machine_id", c.id(|m| m.id)),
            Err(e) => return store_refused(&p, &store, form, e, "machine.", rows).await,
        }
    }
    if let Some(Some(l)) = new_license {
        match store.create_license(&once.ctx(&actor, "license"), &l).await {
            Ok(c) => set(&mut form, "license_id", c.id(|l| l.id)),
            Err(e) => return store_refused(&p, &store, form, e, "license.", rows).await,
        }
    }
    if let AttemptTarget::Pair { machine_id, license_id, .. } = &mut attempt.target {
        *machine_id = form.get("machine_id").and_then(|v| v.parse().ok()).unwrap_or(*machine_id);
        *license_id = form.get("license_id").and_then(|v| v.parse().ok()).unwrap_or(*license_id);
    }
    match store.create_attempt(&once.ctx(&actor, "attempt"), &attempt).await {
        Ok(c) => {
            if let (Some(h), crate::store::Created::New(a)) = (change, &c) {
                form::link_hardware_change(&p, &store, &actor, a.case_id, h).await?;
            }
            once.done(&p, &c, |a| a.id, |id| format!("/attempts/{id}?saved=1"))
        }
        Err(e) => store_refused(&p, &store, form, e, "", rows).await,
    }
}

fn set(form: &mut Form, name: &str, id: i64) {
    form.0.retain(|(k, _)| k != name);
    form.0.push((name.to_string(), id.to_string()));
}

async fn refused(
    p: &Page,
    store: &Store,
    form: Form,
    errors: FieldErrors,
    rows: usize,
) -> Result<HttpResponse, WebError> {
    let f = FormState::refused(p.t(), form, errors);
    p.refused(&call_page(p, store, f, rows, None).await?)
}

/// A write the store refused: its field errors beside their fields
/// (`prefix` for a new machine's or license's), anything else as a page.
async fn store_refused(
    p: &Page,
    store: &Store,
    form: Form,
    e: crate::store::StoreError,
    prefix: &str,
    rows: usize,
) -> Result<HttpResponse, WebError> {
    let conflict = if prefix.is_empty() { "body".to_string() } else { format!("{prefix}name") };
    let errors = refusal(p.lang, e, prefix, &conflict)?;
    refused(p, store, form, errors, rows).await
}

/// `GET /calls/check?kind=iid|cid&value=…`: the typed ID checked group by
/// group (JSON, for the page's script).
#[derive(Debug, serde::Deserialize)]
pub struct CheckQuery {
    kind: String,
    value: String,
}

#[derive(Debug, Serialize)]
struct GroupState {
    name: String,
    digits: String,
    /// `ok`, `bad` or `typing`.
    state: &'static str,
}

#[derive(Debug, Serialize)]
struct CheckAnswer {
    groups: Vec<GroupState>,
    /// The first failing group's message, in the page's language.
    message: Option<String>,
    /// The whole ID in groups, when every group checks.
    complete: Option<String>,
}

pub async fn check(p: Page, q: web::Query<CheckQuery>) -> Result<HttpResponse, WebError> {
    let kind = match q.kind.as_str() {
        "iid" => IdKind::Installation,
        "cid" => IdKind::Confirmation,
        other => {
            let m =
                crate::i18n::Msg::new("msg.not_one_of").arg("text", format!("{other:?}")).arg("expected", "iid, cid");
            return Err(p.bad(format!("kind: {}", p.t().msg(&m))));
        }
    };
    if q.value.chars().count() > 400 {
        let m = crate::i18n::Msg::new("msg.at_most_chars").arg("max", 400);
        return Err(p.bad(format!("value: {}", p.t().msg(&m))));
    }
    let t = p.t();
    let typed = check_typed(kind, &q.value);
    let message = typed.iter().find_map(|g| match &g.check {
        Some(Err(e)) => Some(t.msg(&e.0)),
        _ => None,
    });
    let all_ok = typed.len() >= kind.groups() - 1 && typed.iter().all(|g| matches!(g.check, Some(Ok(()))));
    let whole = typed.iter().map(|g| g.digits.as_str()).collect::<Vec<_>>().join("-");
    let complete = match kind {
        IdKind::Installation => whole.parse::<crate::domain::InstallationId>().ok().map(|i| i.to_string()),
        IdKind::Confirmation => crate::domain::ConfirmationId::parse_checked(&whole).ok().map(|_| whole.clone()),
    }
    .filter(|_| all_ok);
    let groups = typed
        .into_iter()
        .enumerate()
        .map(|(i, g)| GroupState {
            name: match kind {
                IdKind::Installation => (i + 1).to_string(),
                IdKind::Confirmation => char::from(b'A' + i as u8).to_string(),
            },
            state: match g.check {
                None => "typing",
                Some(Ok(())) => "ok",
                Some(Err(_)) => "bad",
            },
            digits: g.digits,
        })
        .collect();
    Ok(HttpResponse::Ok().json(CheckAnswer { groups, message, complete }))
}
