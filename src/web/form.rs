//! What the pages' forms share: a form section turned into a request body
//! field by field ([`parsed`], through the field declarations of `wire/`,
//! then the domain's parse — no JSON in between), the choices of a closed
//! set, a license's label, pasted `slmgr` output read into a license's
//! fields, the one-time key every create form carries ([`Once`]: the
//! same form sent twice stores one row), and declared fields drawn by
//! their kind ([`field_views`], for the edit forms and the forms made
//! wholly from declarations). Read by the page groups (`calls`,
//! `journal`, `edit`, …), which do not read each other.

use actix_web::HttpResponse;
use askama::Template;
use sha2::{Digest as _, Sha256};

use super::session::Form;
use super::{see_other, Chrome, Page, Tr, WebError};
use crate::domain::enums::ClosedSet;
use crate::domain::shape::{FieldDecl, Kind};
use crate::domain::{slmgr, FieldErrors, License, PageRequest};
use crate::store::{Actor, Created, Idempotency, Store, StoreError, WriteCtx};
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

/// The question rows a form holds (`questions[i].topic`, …), by their
/// index in the form (at most 50).
pub fn question_rows(form: &Form) -> Vec<usize> {
    let mut rows: Vec<usize> =
        form.0.iter().filter_map(|(k, _)| k.strip_prefix("questions[")?.split_once(']')?.0.parse().ok()).collect();
    rows.sort_unstable();
    rows.dedup();
    rows.into_iter().filter(|i| *i < 50).collect()
}

/// A form's questions as the API's, in order: rows left blank are not
/// questions. With each, the row's index in the form (for
/// [`at_form_rows`]).
pub fn questions_in(form: &Form) -> (Vec<usize>, Vec<crate::wire::QuestionFields>) {
    let mut kept = Vec::new();
    let mut questions = Vec::new();
    for i in question_rows(form) {
        let q = |name: &str| form.get(&format!("questions[{i}].{name}")).map(|v| Some(v.to_string()));
        let row = crate::wire::QuestionFields { topic: q("topic"), question: q("question"), answer: q("answer") };
        if row == crate::wire::QuestionFields::default() {
            continue;
        }
        kept.push(i);
        questions.push(row);
    }
    (kept, questions)
}

/// Errors of `questions[k]` (the k-th question sent) named after the
/// form's row `kept[k]`, beside which they show.
pub fn at_form_rows(e: FieldErrors, kept: &[usize]) -> FieldErrors {
    FieldErrors(
        e.0.into_iter()
            .map(|mut err| {
                if let Some((k, tail)) = err.field.strip_prefix("questions[").and_then(|r| r.split_once(']')) {
                    if let Some(i) = k.parse::<usize>().ok().and_then(|k| kept.get(k)) {
                        err.field = format!("questions[{i}]{tail}");
                    }
                }
                err
            })
            .collect(),
    )
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
                errors.push(crate::domain::FieldError { field: "installation_id".into(), message: e.0.clone() })
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
    /// A call was saved: the page clears the call form's draft in the browser.
    call: bool,
}

/// The answer to a form sent again: nothing stored twice, a link to what
/// the first send stored, and one to a fresh form of the same page.
pub fn already_saved(p: &Page, href: &str) -> Result<HttpResponse, WebError> {
    let again = p.path().to_string();
    let call = href.starts_with("/attempts/");
    p.render(&AlreadySaved { c: p.chrome("already_saved.title"), href: href.to_string(), again, call })
}

/// A write-only field (a product key): shown blank, and blank keeps what
/// is stored.
pub fn write_only(decl: &FieldDecl) -> bool {
    decl.name == "product_key"
}

/// The form's value of a field as one text: `None` when blank. A set's
/// checked members are joined; an unchecked box is `false`.
pub fn typed(form: &Form, decl: &FieldDecl) -> Option<String> {
    match decl.kind {
        Kind::SetOf(_) => {
            let members: Vec<&str> =
                form.0.iter().filter(|(k, v)| k == decl.name && !v.trim().is_empty()).map(|(_, v)| v.trim()).collect();
            (!members.is_empty()).then(|| members.join(", "))
        }
        Kind::Bool => Some(form.get(decl.name).unwrap_or("false").to_string()),
        _ => form.get(decl.name).map(str::to_string),
    }
}

/// A form whose checkbox fields (a set's members, a box) are one text each,
/// as [`typed`] reads them, so that [`body`] reads them as text fields.
pub fn with_boxes_read(form: &Form, decls: &[FieldDecl]) -> Form {
    let mut out = form.clone();
    for decl in decls.iter().filter(|d| matches!(d.kind, Kind::SetOf(_) | Kind::Bool)) {
        let value = typed(form, decl);
        out.0.retain(|(k, _)| k != decl.name);
        if let Some(v) = value {
            out.0.push((decl.name.to_string(), v));
        }
    }
    out
}

/// A field of both versions: what is stored now and what was typed.
pub struct Choice {
    pub stored: String,
    pub stored_shown: String,
    pub typed: String,
    pub typed_shown: String,
}

/// A declared field as a form draws it (`templates/fields.html`).
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    /// `text`, `area`, `select`, `checks`, `checkbox`, `date`, `number`.
    pub widget: &'static str,
    pub options: Vec<(String, String)>,
    /// Whether a select offers a blank choice.
    pub blank: bool,
    /// Attributes of the input (`required`, `maxlength`, …).
    pub extra: String,
    pub hint: Option<String>,
    /// The members of a set (or `true` of a box) that are checked.
    pub checked: Vec<String>,
    /// Set when the row changed meanwhile and the person typed something
    /// else: the two to choose from.
    pub choice: Option<Choice>,
}

impl FieldView {
    /// Whether `value` is checked (a set's member, `true` of a box).
    pub fn is_checked(&self, value: &str) -> bool {
        self.checked.iter().any(|c| c == value)
    }
}

/// A hardware change as a choice: its date and the parts replaced.
pub fn hardware_change_label(h: &crate::domain::HardwareChange, t: &Tr) -> String {
    let parts: Vec<String> = h.parts_replaced.iter().map(|p| t.e(*p)).collect();
    if parts.is_empty() {
        h.changed_on.to_string()
    } else {
        format!("{} · {}", h.changed_on, parts.join(", "))
    }
}

/// The choices of a select: a closed set's members, or the rows an id may
/// name (a machine's hardware changes; machines).
async fn options(
    p: &Page,
    store: &Store,
    decl: &FieldDecl,
    machine_id: Option<i64>,
) -> Result<Vec<(String, String)>, WebError> {
    let t = p.t();
    Ok(match decl.kind {
        Kind::OneOf(set) | Kind::SetOf(set) => {
            set.members.iter().map(|m| (m.to_string(), t.s(&format!("enum.{}.{m}", set.name)))).collect()
        }
        Kind::Id => {
            let all = p.ok(PageRequest::parse(Some(500), None, false).map_err(StoreError::Invalid))?;
            match (decl.name, machine_id) {
                ("hardware_change_id", Some(machine)) => p
                    .ok(store.hardware_changes(machine, &all).await)?
                    .items
                    .iter()
                    .map(|h| (h.id.to_string(), hardware_change_label(h, &t)))
                    .collect(),
                _ => p.ok(store.machines(&all).await)?.items.into_iter().map(|m| (m.id.to_string(), m.name)).collect(),
            }
        }
        _ => vec![],
    })
}

/// How a field is drawn, from its declared kind, and its input's attributes.
fn widget(decl: &FieldDecl) -> (&'static str, String) {
    let mut extra = String::new();
    if decl.required {
        extra.push_str("required ");
    }
    let widget = match decl.kind {
        Kind::Id | Kind::OneOf(_) => "select",
        Kind::SetOf(_) => "checks",
        Kind::Bool => "checkbox",
        Kind::Date => "date",
        Kind::Text { .. } => "area",
        Kind::Int { min, max } => {
            extra.push_str(&format!("min=\"{min}\" max=\"{max}\" inputmode=\"numeric\""));
            "number"
        }
        Kind::Time => {
            extra.push_str("placeholder=\"2014-05-10T10:05:00+09:00\"");
            "text"
        }
        Kind::Ints { .. } => {
            extra.push_str("inputmode=\"numeric\"");
            "text"
        }
        Kind::Line { max } | Kind::Name { max } | Kind::Code { max, .. } => {
            extra.push_str(&format!("maxlength=\"{max}\""));
            if write_only(decl) {
                extra.push_str(" autocomplete=\"off\"");
            }
            "text"
        }
        Kind::Objects { .. } => "text",
    };
    (widget, extra.trim().to_string())
}

/// The declared fields `decls` as a form draws them, filled from `values`
/// (`machine_id`: whose hardware changes an id field offers); a field named
/// in `choices` shows its two values to choose from.
pub async fn field_views(
    p: &Page,
    store: &Store,
    decls: &[FieldDecl],
    machine_id: Option<i64>,
    values: &Form,
    mut choices: Vec<(&'static str, Choice)>,
) -> Result<Vec<FieldView>, WebError> {
    let t = p.t();
    let mut views = Vec::new();
    for decl in decls {
        let (widget, extra) = widget(decl);
        let checked = match decl.kind {
            Kind::SetOf(_) | Kind::Bool => {
                values.0.iter().filter(|(k, _)| k == decl.name).map(|(_, v)| v.trim().to_string()).collect()
            }
            _ => vec![],
        };
        let choice = choices.iter().position(|(n, _)| *n == decl.name).map(|i| choices.remove(i).1);
        views.push(FieldView {
            name: decl.name,
            label: t.s(decl.label),
            widget,
            options: options(p, store, decl, machine_id).await?,
            blank: !decl.required || decl.kind == Kind::Id,
            extra,
            hint: write_only(decl).then(|| t.s("edit.key_hint")),
            checked,
            choice,
        });
    }
    Ok(views)
}

/// The label of the field `name` among `fields`, when the form shows it
/// (an error summary links to it).
pub fn label_of(fields: &[FieldView], name: &str) -> Option<String> {
    fields.iter().find(|v| v.name == name).map(|v| v.label.clone())
}

/// The hardware changes a call form offers for its case: every machine's,
/// each named with its machine (`PC 1 · 2014-05-09 · Motherboard`).
pub async fn hardware_change_choices(
    p: &Page,
    store: &Store,
    machines: &[crate::domain::Machine],
) -> Result<Vec<(String, String)>, WebError> {
    let t = p.t();
    let all = p.ok(PageRequest::parse(Some(500), None, false).map_err(StoreError::Invalid))?;
    let mut out = Vec::new();
    for m in machines {
        for h in p.ok(store.hardware_changes(m.id, &all).await)?.items {
            out.push((h.id.to_string(), format!("{} · {}", m.name, hardware_change_label(&h, &t))));
        }
    }
    Ok(out)
}

/// The hardware change a call form chose for its case (`hardware_change_id`),
/// read as a case's field is; an error beside the field when it is not one
/// or is another PC's than the one chosen.
pub async fn chosen_hardware_change(
    p: &Page,
    store: &Store,
    form: &Form,
    errors: &mut FieldErrors,
) -> Result<Option<i64>, WebError> {
    let Some(text) = form.get("hardware_change_id") else { return Ok(None) };
    let mut body = crate::wire::CaseFields::default();
    if let Some(Err(message)) = body.set_text("hardware_change_id", text) {
        errors.0.push(crate::domain::FieldError { field: "hardware_change_id".into(), message });
        return Ok(None);
    }
    let Some(Some(id)) = body.hardware_change_id else { return Ok(None) };
    let machine = form.get("machine_id").and_then(|m| m.parse::<i64>().ok());
    match store.hardware_change(id, false).await {
        Ok(h) if machine.is_none_or(|m| m == h.machine_id) => Ok(Some(id)),
        Ok(_) => {
            errors.0.push(crate::domain::FieldError {
                field: "hardware_change_id".into(),
                message: crate::i18n::Msg::new("call.change_of_other_pc"),
            });
            Ok(None)
        }
        Err(StoreError::NotFound { .. }) => {
            errors.0.push(crate::domain::FieldError {
                field: "hardware_change_id".into(),
                message: crate::i18n::Msg::new("msg.there_is_no").noun("what", "hardware change").arg("id", id),
            });
            Ok(None)
        }
        Err(e) => Err(WebError::store(p.lang, e)),
    }
}

/// Name the hardware change a call chose on the call's case (after the
/// call is stored: a case a call opens exists only then), as a PATCH of
/// the case does.
pub async fn link_hardware_change(
    p: &Page,
    store: &Store,
    actor: &Actor,
    case_id: i64,
    hardware_change_id: i64,
) -> Result<(), WebError> {
    let patch = crate::domain::CasePatch { hardware_change_id: Some(Some(hardware_change_id)), ..Default::default() };
    p.ok(store.update_case(&WriteCtx::new(actor), case_id, &patch).await).map(|_| ())
}
