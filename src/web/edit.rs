//! `/{kind}/{id}/edit`: changing a machine, hardware change, license,
//! case, call, follow-up or an attachment's caption after it was stored.
//!
//! The form is built from the field declarations of the resource's PATCH
//! body (`wire::bodies!`): every field a PATCH may change, drawn by its
//! kind, filled from the row as the API answers it. What is sent is only
//! what the person changed, set field by field from its text and parsed by
//! `wire/` and `domain/` as a PATCH is — the same errors as the create
//! form, beside the same fields — then written by the same store update as
//! the API's, made only if the row is still at the version (the API's
//! `ETag`) the form was opened with. The form carries a fingerprint of
//! each field as it was opened (`was.<field>`), so that what was not
//! touched is not sent, and so that when the row changed meanwhile the
//! form comes back over the row as it now is: what only the other writer
//! changed is taken, what only this person changed is kept, and each
//! field both changed shows the two values to choose from (sent again,
//! with the new version).
//!
//! A call's form also holds its questions, one row each (topic, question,
//! answer, prefilled as stored: an answer holding a key masked, which the
//! store takes as "keep the key"), with rows added and removed by the
//! server (`action=more`, `action=remove.N`: nothing stored, everything
//! typed kept). The questions are one field: changed, they replace all;
//! when both writers changed them, the rows typed are kept and the
//! questions stored now are shown above them.

use actix_web::{web, HttpResponse};
use askama::Template;
use sha2::{Digest, Sha256};

use super::entity::{entity_of, load, Entity, Row};
use super::form::{
    at_form_rows, field_views, parsed, question_rows, questions_in, typed, write_only, Choice, FieldView,
};
use super::session::{Form, FormState};
use super::{refusal, see_other, Chrome, Page, Posted, Tr, WebError};
use crate::domain::shape::{FieldDecl, Kind};
use crate::domain::{FieldErrors, Topic};
use crate::store::{IfMatch, Store, StoreError, WriteCtx};
use crate::wire::{self, Body};

/// Fields a PATCH of each kind may not change (set when the row was made,
/// or changed elsewhere: a case's trigger on the case).
fn fixed(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Case => &["machine_id", "license_id"],
        Entity::Attempt => &["case_id", "machine_id", "license_id", "trigger", "questions"],
        Entity::FollowUp => &["case_id"],
        Entity::Machine | Entity::HardwareChange | Entity::License | Entity::Attachment => &[],
    }
}

/// The declared fields of `entity`'s PATCH body that its edit form shows.
pub fn editable(entity: Entity) -> Vec<FieldDecl> {
    let all = match entity {
        Entity::Machine => wire::machine_fields::ALL,
        Entity::HardwareChange => wire::hardware_change_fields::ALL,
        Entity::License => wire::license_fields::ALL,
        Entity::Case => wire::case_fields::ALL,
        Entity::Attempt => wire::attempt_fields::ALL,
        Entity::FollowUp => wire::follow_up_fields::ALL,
        Entity::Attachment => wire::attachment_fields::ALL,
    };
    all.iter()
        .filter(|f| !fixed(entity).contains(&f.name) && !matches!(f.kind, Kind::Objects { .. }))
        .copied()
        .collect()
}

/// A field's values as the row holds them, as a form would send them (a
/// set: one value a member).
fn stored_values(json: &serde_json::Value, decl: &FieldDecl) -> Vec<String> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (&json[decl.name], decl.kind) {
        (serde_json::Value::Null, _) => vec![],
        (serde_json::Value::Array(items), Kind::SetOf(_)) => items.iter().map(text).collect(),
        (serde_json::Value::Array(items), _) => vec![items.iter().map(text).collect::<Vec<_>>().join(", ")],
        (v, _) => vec![text(v)],
    }
}

/// A text as compared: trimmed; a list's items in order.
fn normal(decl: &FieldDecl, text: Option<&str>) -> String {
    let text = text.unwrap_or("").trim();
    match decl.kind {
        Kind::SetOf(_) | Kind::Ints { .. } => {
            let mut items: Vec<&str> = text.split([',', ' ']).filter(|s| !s.is_empty()).collect();
            items.sort_unstable();
            items.join(",")
        }
        _ => text.to_string(),
    }
}

/// The stored text of a field, as [`typed`] reads the form.
fn stored_text(json: &serde_json::Value, decl: &FieldDecl) -> Option<String> {
    let values = stored_values(json, decl);
    (!values.is_empty()).then(|| values.join(", "))
}

/// A short fingerprint of a field's text, carried by the form as the value
/// it was opened with (`was.<field>`): enough to tell a change, without
/// sending every text twice.
fn fingerprint(decl: &FieldDecl, text: Option<&str>) -> String {
    hex::encode(&Sha256::digest(normal(decl, text).as_bytes())[..8])
}

/// The form's values for a row: each field as stored, its fingerprint and
/// the row's version.
fn values_of(row: &Row, fields: &[FieldDecl]) -> Form {
    let mut values = Vec::new();
    for decl in fields {
        if write_only(decl) {
            continue;
        }
        for v in stored_values(&row.json, decl) {
            values.push((decl.name.to_string(), v));
        }
        values.push((format!("was.{}", decl.name), fingerprint(decl, stored_text(&row.json, decl).as_deref())));
    }
    if let Some(stored) = row.json["questions"].as_array() {
        for (i, q) in stored.iter().enumerate() {
            for part in ["topic", "question", "answer"] {
                if let Some(v) = q[part].as_str() {
                    values.push((format!("questions[{i}].{part}"), v.to_string()));
                }
            }
        }
        values.push(("was.questions".into(), questions_fingerprint(&stored_questions(&row.json))));
    }
    values.push(("version".into(), row.version.clone()));
    Form(values)
}

/// A row's questions as text rows `(topic, question, answer)`.
fn stored_questions(json: &serde_json::Value) -> Vec<[String; 3]> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").trim().to_string();
    json["questions"]
        .as_array()
        .map(|qs| qs.iter().map(|q| [text(&q["topic"]), text(&q["question"]), text(&q["answer"])]).collect())
        .unwrap_or_default()
}

/// A form's questions as text rows (blank rows are none).
fn typed_questions(form: &Form) -> Vec<[String; 3]> {
    let text = |v: &Option<Option<String>>| v.clone().flatten().unwrap_or_default().trim().to_string();
    questions_in(form).1.iter().map(|q| [text(&q.topic), text(&q.question), text(&q.answer)]).collect()
}

/// A fingerprint of questions, as [`fingerprint`] of a field.
fn questions_fingerprint(rows: &[[String; 3]]) -> String {
    let text: Vec<String> = rows.iter().map(|r| r.join("\u{1f}")).collect();
    hex::encode(&Sha256::digest(text.join("\u{1e}").as_bytes())[..8])
}

/// Whether the form changes the questions it was opened with (only a
/// call's form has them).
fn questions_changed(form: &Form) -> bool {
    form.get("was.questions").is_some_and(|was| was != questions_fingerprint(&typed_questions(form)))
}

/// Whether the form changes a field from what it was opened with.
fn changed(form: &Form, decl: &FieldDecl) -> bool {
    let now = typed(form, decl);
    if write_only(decl) {
        return now.is_some();
    }
    form.get(&format!("was.{}", decl.name)) != Some(fingerprint(decl, now.as_deref()).as_str())
}

/// The PATCH body `W` of the fields the form changes, parsed into `D`:
/// a blank field is `null` (cleared), as in JSON.
fn patch<W, D>(form: &Form, fields: &[FieldDecl], errors: &mut FieldErrors, fill: impl FnOnce(&mut W)) -> Option<D>
where
    W: Body,
    D: for<'a> TryFrom<&'a W, Error = FieldErrors>,
{
    let mut body = W::default();
    fill(&mut body);
    for decl in fields.iter().filter(|d| changed(form, d)) {
        match typed(form, decl) {
            Some(text) => {
                if let Some(Err(message)) = body.set_text(decl.name, &text) {
                    errors.0.push(crate::domain::FieldError { field: decl.name.to_string(), message });
                }
            }
            None => {
                body.set_null(decl.name);
            }
        }
    }
    match D::try_from(&body) {
        Ok(d) if errors.0.is_empty() => Some(d),
        Ok(_) => None,
        Err(e) => {
            errors.0.extend(at_form_rows(e, &questions_in(form).0).0);
            None
        }
    }
}

/// What the store answered a change.
enum Saved {
    Done,
    /// Nothing was changed: nothing to write.
    Nothing,
    Refused(FieldErrors),
    /// The row changed since the form was opened: it as it is now.
    Stale(Row),
}

/// Parse the form as `entity`'s PATCH and write it with the store's update.
async fn save(p: &Page, store: &Store, entity: Entity, id: i64, form: &Form) -> Result<Saved, WebError> {
    let fields = editable(entity);
    if !fields.iter().any(|d| changed(form, d)) && !questions_changed(form) {
        return Ok(Saved::Nothing);
    }
    let actor = p.writer()?.clone();
    // The version the form was opened with: the write is made only if the
    // row is still at it (a form without one writes whatever the row is).
    let version = form
        .get("version")
        .map(IfMatch::parse)
        .transpose()
        .map_err(|e| p.bad(format!("version: {}", p.t().msg(&crate::i18n::Msg::detail(e)))))?
        .flatten();
    let ctx = WriteCtx::new(&actor).if_match(version);
    let mut errors = FieldErrors::default();
    macro_rules! update {
        ($w:ty, $d:ty, $update:ident) => {
            update!($w, $d, $update, |_| {})
        };
        ($w:ty, $d:ty, $update:ident, $fill:expr) => {
            match patch::<$w, $d>(form, &fields, &mut errors, $fill) {
                Some(d) => store.$update(&ctx, id, &d).await.map(|_| ()),
                None => return Ok(Saved::Refused(errors)),
            }
        };
    }
    let written = match entity {
        Entity::Machine => update!(wire::MachineFields, crate::domain::MachinePatch, update_machine),
        Entity::HardwareChange => {
            update!(wire::HardwareChangeFields, crate::domain::HardwareChangePatch, update_hardware_change)
        }
        Entity::License => update!(wire::LicenseFields, crate::domain::LicensePatch, update_license),
        Entity::Case => update!(wire::CaseFields, crate::domain::CasePatch, update_case),
        Entity::Attempt => {
            // Changed, the questions replace all (none left: cleared).
            let fill = |b: &mut wire::AttemptFields| {
                if questions_changed(form) {
                    let qs = questions_in(form).1;
                    b.questions = Some((!qs.is_empty()).then_some(qs));
                }
            };
            update!(wire::AttemptFields, crate::domain::AttemptPatch, update_attempt, fill)
        }
        Entity::FollowUp => update!(wire::FollowUpFields, crate::domain::FollowUpPatch, update_follow_up),
        Entity::Attachment => update!(wire::AttachmentFields, crate::domain::AttachmentPatch, update_attachment),
    };
    match written {
        Ok(()) => Ok(Saved::Done),
        Err(StoreError::Precondition(_)) => Ok(Saved::Stale(p.ok(load(store, &p.t(), entity, id, false).await)?)),
        Err(e) => {
            let first = fields.first().map_or("body", |d| d.name);
            Ok(Saved::Refused(refusal(p.lang, e, "", first)?))
        }
    }
}

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage {
    c: Chrome,
    f: FormState,
    fields: Vec<FieldView>,
    action: String,
    back: String,
    title: String,
    /// The row changed since the form was opened.
    stale: bool,
    /// A call's form: its question rows (by index) and the topics.
    rows: Vec<usize>,
    topics: Vec<(String, String)>,
    /// The questions stored now, when both this person and another changed them.
    questions_now: Option<Vec<String>>,
}

/// How many question rows a call's form shows: those it holds, `more`
/// blank ones after (none for other kinds).
fn rows_of(entity: Entity, form: &Form, more: usize) -> Vec<usize> {
    if entity != Entity::Attempt {
        return Vec::new();
    }
    (0..question_rows(form).last().map_or(0, |l| l + 1) + more).collect()
}

/// `form` without question row `n`, the rows after it moved up one.
fn without_row(form: Form, n: usize) -> Form {
    Form(
        form.0
            .into_iter()
            .filter_map(|(k, v)| {
                let Some((i, tail)) = k.strip_prefix("questions[").and_then(|r| r.split_once(']')) else {
                    return Some((k, v));
                };
                match i.parse::<usize>() {
                    Ok(i) if i == n => None,
                    Ok(i) if i > n => Some((format!("questions[{}]{tail}", i - 1), v)),
                    _ => Some((k, v)),
                }
            })
            .collect(),
    )
}

async fn edit_page(
    p: &Page,
    store: &Store,
    entity: Entity,
    id: i64,
    row: &Row,
    f: FormState,
    choices: Vec<(&'static str, Choice)>,
) -> Result<EditPage, WebError> {
    let fields = field_views(p, store, &editable(entity), row.machine_id, &f.values, choices).await?;
    let t = p.t();
    let mut c = p.chrome("edit.title");
    c.title = t.f("edit.heading", &[("kind", &t.s(entity.noun_key()))]);
    Ok(EditPage {
        c,
        fields,
        action: format!("/{}/{id}/edit", entity.path()),
        back: row.href.clone(),
        title: row.title.clone(),
        stale: false,
        rows: rows_of(entity, &f.values, 1),
        topics: super::form::choices::<Topic>(&t),
        questions_now: None,
        f,
    })
}

/// `GET /{kind}/{id}/edit`: the form, filled from the row as stored.
pub async fn form(p: Page, store: web::Data<Store>, path: web::Path<(String, i64)>) -> Result<HttpResponse, WebError> {
    p.writer()?;
    let (entity, id) = (entity_of(&p, &path.0)?, path.1);
    let row = p.ok(load(&store, &p.t(), entity, id, false).await)?;
    let f = FormState::new(p.t(), values_of(&row, &editable(entity)));
    p.render(&edit_page(&p, &store, entity, id, &row, f, vec![]).await?)
}

/// `POST /{kind}/{id}/edit`: write what was changed (then to the row's
/// page), or the form again with each error beside its field, or — when
/// the row changed meanwhile — both versions to choose from (409).
pub async fn submit(
    posted: Posted,
    store: web::Data<Store>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let (entity, id) = (entity_of(&p, &path.0)?, path.1);
    // A question row added or removed: the form again, nothing stored.
    let action = form.get("action").map(str::to_string);
    if let Some(action) = action.filter(|_| entity == Entity::Attempt) {
        p.writer()?;
        let row = p.ok(load(&store, &p.t(), entity, id, false).await)?;
        let form = match action.strip_prefix("remove.").map(str::parse::<usize>) {
            Some(Ok(n)) => without_row(form, n),
            Some(Err(_)) => return Err(p.bad(format!("action: {action:?} is not a row to remove"))),
            None if action == "more" => form,
            None => return Err(p.bad(format!("action: {action:?} is not more or remove.N"))),
        };
        let more = usize::from(action == "more") + 1;
        let mut page = edit_page(&p, &store, entity, id, &row, FormState::new(p.t(), form), vec![]).await?;
        page.rows = rows_of(entity, &page.f.values, more);
        return p.render(&page);
    }
    match save(&p, &store, entity, id, &form).await? {
        Saved::Done | Saved::Nothing => {
            let row = p.ok(load(&store, &p.t(), entity, id, false).await)?;
            Ok(see_other(&row.href))
        }
        Saved::Refused(errors) => {
            let row = p.ok(load(&store, &p.t(), entity, id, false).await)?;
            let f = FormState::refused(p.t(), form, errors);
            p.refused(&edit_page(&p, &store, entity, id, &row, f, vec![]).await?)
        }
        Saved::Stale(now) => {
            let (values, choices) = merged(&now, entity, &form, &p.t());
            let f = FormState::new(p.t(), values);
            let mut page = edit_page(&p, &store, entity, id, &now, f, choices).await?;
            page.stale = true;
            page.questions_now = both_changed_questions(&now, &form);
            let mut res = p.render(&page)?;
            *res.status_mut() = actix_web::http::StatusCode::CONFLICT;
            Ok(res)
        }
    }
}

/// The form again over the row as it now is: a field only the other
/// writer changed takes the stored value, one only this person changed
/// keeps what was typed, one both changed differently is a choice.
fn merged(now: &Row, entity: Entity, form: &Form, t: &Tr) -> (Form, Vec<(&'static str, Choice)>) {
    let fields = editable(entity);
    let mut values = values_of(now, &fields);
    let mut choices = Vec::new();
    for decl in fields.iter().filter(|d| changed(form, d)) {
        let mine = typed(form, decl);
        let stored = stored_text(&now.json, decl);
        values.0.retain(|(k, _)| k != decl.name);
        let others_changed =
            form.get(&format!("was.{}", decl.name)) != Some(fingerprint(decl, stored.as_deref()).as_str());
        if !write_only(decl) && others_changed && normal(decl, mine.as_deref()) != normal(decl, stored.as_deref()) {
            let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
            choices.push((
                decl.name,
                Choice {
                    stored: stored.clone().unwrap_or_default(),
                    stored_shown: shown_value(decl, &stored, t).unwrap_or_else(|| shown(&stored)),
                    typed: mine.clone().unwrap_or_default(),
                    typed_shown: shown_value(decl, &mine, t).unwrap_or_else(|| shown(&mine)),
                },
            ));
        }
        // A set is sent as one value a member, as its boxes are.
        let members = match (&mine, decl.kind) {
            (Some(v), Kind::SetOf(_)) => v.split([',', ' ']).filter(|m| !m.is_empty()).map(str::to_string).collect(),
            (Some(v), _) => vec![v.clone()],
            (None, _) => vec![],
        };
        values.0.extend(members.into_iter().map(|v| (decl.name.to_string(), v)));
    }
    // The questions, one field: changed here, the rows typed are kept.
    if questions_changed(form) {
        values.0.retain(|(k, _)| !k.starts_with("questions["));
        for (i, q) in typed_questions(form).iter().enumerate() {
            for (part, v) in ["topic", "question", "answer"].iter().zip(q) {
                values.0.push((format!("questions[{i}].{part}"), v.clone()));
            }
        }
    }
    (values, choices)
}

/// The questions stored now as lines to read, when both this form and
/// another writer changed them (and differently).
fn both_changed_questions(now: &Row, form: &Form) -> Option<Vec<String>> {
    let stored = stored_questions(&now.json);
    let others_changed = form.get("was.questions") != Some(questions_fingerprint(&stored).as_str());
    (questions_changed(form) && others_changed && typed_questions(form) != stored)
        .then(|| stored.iter().map(|[topic, q, a]| [topic.as_str(), q.as_str(), a.as_str()].join(" · ")).collect())
}

/// A closed set's member (or members) by label.
fn shown_value(decl: &FieldDecl, value: &Option<String>, t: &Tr) -> Option<String> {
    let set = match decl.kind {
        Kind::OneOf(set) | Kind::SetOf(set) => set,
        _ => return None,
    };
    let v = value.as_deref()?;
    Some(
        v.split([',', ' '])
            .filter(|m| !m.is_empty())
            .map(|m| t.s(&format!("enum.{}.{m}", set.name)))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// `POST /cases/{id}/status`: give a case up (`status=abandoned`) or
/// reopen it (`status=open`), as a PATCH of its status; then to its page.
pub async fn case_status(
    posted: Posted,
    store: web::Data<Store>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let Posted { page: p, form } = posted;
    let actor = p.writer()?.clone();
    // Only the status: the rest of a case is changed on its edit form.
    let status = Form(form.0.into_iter().filter(|(k, _)| k == "status").collect());
    let mut errors = FieldErrors::default();
    let Some(patch) = parsed::<wire::CaseFields, crate::domain::CasePatch>(&status, "", &mut errors) else {
        return Err(p.bad(p.t().errors(&errors)));
    };
    p.ok(store.update_case(&WriteCtx::new(&actor), *id, &patch).await)?;
    Ok(see_other(&format!("/cases/{id}")))
}
