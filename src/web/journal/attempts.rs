//! The calls: the journal newest first with the API's filters, one call
//! with its facts in declared order, and a case's calls in time order.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{names, Names};
use crate::domain::shape::Kind;
use crate::domain::{Attempt, AttemptResult, OperatorOutcome, PageRequest, TimePageRequest};
use crate::store::{AttemptFilter, Store};
use crate::web::form::choices;
use crate::web::session::{next_link, param, Form, FormState, Query};
use crate::web::{shown_time, Chrome, Page, Tr, WebError};

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

pub(super) fn attempt_row(a: &Attempt, n: &Names, t: &Tr) -> AttemptRow {
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
    let result = param(&query, "result").map(str::parse::<AttemptResult>).transpose().map_err(|e| p.bad(t.msg(&e)))?;
    let outcome = param(&query, "operator_outcome")
        .map(str::parse::<OperatorOutcome>)
        .transpose()
        .map_err(|e| p.bad(t.msg(&e)))?;
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
    /// The warnings, in the page's language.
    warnings: Vec<String>,
    files: crate::web::attachments::Files,
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
        warnings: crate::domain::warning::read_all(&a.warnings).iter().map(|w| w.said(&t)).collect(),
        files: crate::web::attachments::files(&p, &store, crate::domain::AttachedTo::Attempt, a.id).await?,
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
    files: crate::web::attachments::Files,
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
    let facts = vec![
        (t.s("field.machine"), n.machines.get(&case.machine_id).cloned().unwrap_or_default()),
        (t.s("field.license"), n.licenses.get(&case.license_id).cloned().unwrap_or_default()),
        (t.s("field.trigger"), t.e(case.trigger)),
        (t.s("case.status"), t.e(case.status)),
        (t.s("case.opened_at"), shown_time(&case.opened_at)),
        (t.s("case.closed_at"), case.closed_at.as_deref().map(shown_time).unwrap_or("–".into())),
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
        files: crate::web::attachments::files(&p, &store, crate::domain::AttachedTo::Case, case.id).await?,
    })
}
