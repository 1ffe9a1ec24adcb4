//! A document's rows parsed back: its head (format version, secrets), each
//! entity's array a row at a time through the API's own parsers, and what a
//! row adds to a request body (its id and system times) — every failing
//! field named as `entity[row].field`, up to a limit.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{
    ImportedAttachment, ImportedAttempt, ImportedCase, ImportedChange, Parsed, Row, Stamps, ENTITIES, FORMAT_VERSION,
};
use crate::domain::fields::{Check, Msg};
use crate::domain::time::CallerTime;
use crate::domain::{
    AttachedTo, AttemptTarget, FieldError, FieldErrors, KeyChange, MediaType, NewAttachment, NewAttempt, NewCase,
    NewFollowUp, NewLicense, NewMachine, UploadError,
};
use crate::wire::{AttemptCreate, CaseCreate, FollowUpCreate, HardwareChangeCreate, LicenseCreate, MachineCreate};

/// Most errors one refused import lists.
const ERRORS_MAX: usize = 50;

/// Parse a document read as JSON. Every row goes through the API's parsers;
/// all failing fields are named (up to 50), as `entity[row].field`.
pub fn parse(doc: &Value) -> Result<Parsed, FieldErrors> {
    let Some(top) = doc.as_object() else {
        return Err(FieldErrors::one("document", Msg::new("msg.import.not_an_export")));
    };
    let mut c = Check::default();
    let includes_secrets = head_of(top, &mut c)?;
    for key in top.keys() {
        if !ENTITIES.contains(&key.as_str()) && !HEAD.contains(&key.as_str()) {
            c.push(key.as_str(), Msg::new("msg.import.unknown_key").arg("expected", ENTITIES.join(", ")));
        }
    }
    let out = Parsed {
        includes_secrets,
        machines: rows(top, "machines", &mut c, machine),
        hardware_changes: rows(top, "hardware_changes", &mut c, hardware_change),
        licenses: rows(top, "licenses", &mut c, license),
        cases: rows(top, "cases", &mut c, case),
        attempts: rows(top, "attempts", &mut c, attempt),
        follow_ups: rows(top, "follow_ups", &mut c, follow_up),
        attachments: match top.get("attachments") {
            None => Vec::new(),
            Some(_) => rows(top, "attachments", &mut c, |m, c, at| attachment(m, c, at, includes_secrets)),
        },
    };
    c.finish().map_err(at_most)?;
    Ok(out)
}

/// The fields of a document before its tables.
pub(super) const HEAD: [&str; 3] = ["format_version", "exported_at", "includes_secrets"];

/// At most [`ERRORS_MAX`] errors, and how many more there were.
pub(super) fn at_most(mut e: FieldErrors) -> FieldErrors {
    let n = e.0.len();
    if n > ERRORS_MAX {
        e.0.truncate(ERRORS_MAX);
        e.0.push(FieldError {
            field: "document".into(),
            message: Msg::new("msg.more_errors").arg("n", n - ERRORS_MAX),
        });
    }
    e
}

/// A document's head: its version (refused at once when newer), and
/// `includes_secrets`; the other failures are left in `c`.
pub(super) fn head_of(top: &Map<String, Value>, c: &mut Check) -> Result<bool, FieldErrors> {
    version(top.get("format_version"))?;
    let includes_secrets = match top.get("includes_secrets") {
        None | Some(Value::Null) => {
            c.push("includes_secrets", Msg::new(REQUIRED));
            false
        }
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            c.push("includes_secrets", Msg::new("msg.not_a_bool").arg("text", other));
            false
        }
    };
    match top.get("exported_at") {
        None | Some(Value::Null) => c.push("exported_at", Msg::new(REQUIRED)),
        Some(at) if at.as_str().and_then(|s| CallerTime::parse(s).ok()).is_none() => {
            c.push("exported_at", Msg::new("msg.import.not_a_time").arg("text", at));
        }
        Some(_) => {}
    }
    Ok(includes_secrets)
}

/// The document's `format_version`: required, and not newer than ours.
fn version(v: Option<&Value>) -> Result<(), FieldErrors> {
    let err = |m: Msg| Err(FieldErrors::one("format_version", m));
    match v.map(|v| (v, v.as_i64())) {
        None | Some((Value::Null, _)) => err(Msg::new("msg.import.no_version")),
        Some((_, Some(n))) if n > FORMAT_VERSION => {
            err(Msg::new("msg.import.newer_format").arg("n", n).arg("ours", FORMAT_VERSION))
        }
        Some((_, Some(n))) if n >= 1 => Ok(()),
        Some((other, _)) => err(Msg::new("msg.import.not_a_version").arg("text", other)),
    }
}

/// What a missing top-level field of a document is told. The import takes
/// what the export writes, every field and array (empty or not), as the
/// OpenAPI document's `Document` says; a file cut short is refused.
pub(super) const REQUIRED: &str = "msg.import.required";

/// Parse the rows of one entity array (required, as every export writes it).
fn rows<T>(
    top: &Map<String, Value>,
    key: &str,
    c: &mut Check,
    parse: impl Fn(Map<String, Value>, &mut Check, &str) -> Option<T>,
) -> Vec<T> {
    let items = match top.get(key) {
        None | Some(Value::Null) => {
            c.push(key, Msg::new(REQUIRED));
            return Vec::new();
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            c.push(key, Msg::new("msg.import.not_an_array"));
            return Vec::new();
        }
    };
    rows_from(items.iter().cloned(), key, 0, c, parse)
}

/// Parse rows of the array `key`, the first at index `start` of the file.
fn rows_from<T>(
    items: impl IntoIterator<Item = Value>,
    key: &str,
    start: usize,
    c: &mut Check,
    parse: impl Fn(Map<String, Value>, &mut Check, &str) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("{key}[{}]", start + i);
        match item {
            Value::Object(m) => out.extend(parse(m, c, &at)),
            _ => c.push(at, Msg::new("msg.import.not_an_object")),
        }
    }
    out
}

/// Parse a chunk of rows of table `key` (one of [`ENTITIES`]) into a
/// document holding only them.
pub(super) fn chunk_of(
    key: &str,
    start: usize,
    items: Vec<Value>,
    includes_secrets: bool,
) -> Result<Parsed, FieldErrors> {
    let mut c = Check::default();
    let mut out = Parsed { includes_secrets, ..Parsed::default() };
    match key {
        "machines" => out.machines = rows_from(items, key, start, &mut c, machine),
        "hardware_changes" => out.hardware_changes = rows_from(items, key, start, &mut c, hardware_change),
        "licenses" => out.licenses = rows_from(items, key, start, &mut c, license),
        "cases" => out.cases = rows_from(items, key, start, &mut c, case),
        "attempts" => out.attempts = rows_from(items, key, start, &mut c, attempt),
        "follow_ups" => out.follow_ups = rows_from(items, key, start, &mut c, follow_up),
        _ => out.attachments = rows_from(items, key, start, &mut c, |m, c, at| attachment(m, c, at, includes_secrets)),
    }
    c.finish().map_err(at_most)?;
    Ok(out)
}

/// Take a required id out of a row.
fn take_id(m: &mut Map<String, Value>, key: &str, c: &mut Check, at: &str) -> Option<i64> {
    match m.remove(key) {
        Some(v) => match v.as_i64() {
            Some(n) => c.record(&format!("{at}.{key}"), crate::domain::fields::id(&n)),
            None => {
                c.push(format!("{at}.{key}"), Msg::new("msg.not_an_id").arg("n", v));
                None
            }
        },
        None => {
            c.push(format!("{at}.{key}"), Msg::new("msg.required"));
            None
        }
    }
}

/// Take a time out of a row, as a system time. `Some(None)`: absent or null.
fn take_time(m: &mut Map<String, Value>, key: &str, c: &mut Check, at: &str) -> Option<Option<String>> {
    take_time_as(m, key, c, at, CallerTime::to_system)
}

/// [`take_time`], kept as `keep` says (a case's `closed_at` keeps its
/// offset: canonical text).
fn take_time_as(
    m: &mut Map<String, Value>,
    key: &str,
    c: &mut Check,
    at: &str,
    keep: fn(&CallerTime) -> String,
) -> Option<Option<String>> {
    match m.remove(key) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => c.record(&format!("{at}.{key}"), CallerTime::parse(&s).map(|t| Some(keep(&t)))),
        Some(other) => {
            c.push(format!("{at}.{key}"), Msg::new("msg.import.not_a_time").arg("text", other));
            None
        }
    }
}

/// The id and system times of a row.
fn stamps(m: &mut Map<String, Value>, c: &mut Check, at: &str) -> Option<Stamps> {
    let id = take_id(m, "id", c, at);
    let mut required = |key: &str, c: &mut Check| match take_time(m, key, c, at) {
        Some(None) => {
            c.push(format!("{at}.{key}"), Msg::new("msg.required"));
            None
        }
        other => other.flatten(),
    };
    let created_at = required("created_at", c);
    let updated_at = required("updated_at", c);
    let archived_at = take_time(m, "archived_at", c, at);
    Some(Stamps { id: id?, created_at: created_at?, updated_at: updated_at?, archived_at: archived_at? })
}

/// The rest of a row as the API's request body `F`, parsed into `N`.
fn body<F, N>(m: Map<String, Value>, c: &mut Check, at: &str) -> Option<(F, N)>
where
    F: DeserializeOwned,
    N: for<'a> TryFrom<&'a F, Error = FieldErrors>,
{
    let fields: F = match serde_path_to_error::deserialize(Value::Object(m)) {
        Ok(f) => f,
        Err(e) => {
            let path = e.path().to_string();
            let field = if path == "." || path.is_empty() { at.to_string() } else { format!("{at}.{path}") };
            c.push(field, Msg::detail(e.into_inner()));
            return None;
        }
    };
    match N::try_from(&fields) {
        Ok(n) => Some((fields, n)),
        Err(e) => {
            c.extend(e, &format!("{at}."));
            None
        }
    }
}

fn machine(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<NewMachine>> {
    let stamps = stamps(&mut m, c, at);
    let (_, value) = body::<MachineCreate, _>(m, c, at)?;
    Some(Row { stamps: stamps?, value })
}

fn hardware_change(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<ImportedChange>> {
    let stamps = stamps(&mut m, c, at);
    let machine_id = take_id(&mut m, "machine_id", c, at);
    let (_, change) = body::<HardwareChangeCreate, _>(m, c, at)?;
    Some(Row { stamps: stamps?, value: ImportedChange { machine_id: machine_id?, change } })
}

fn license(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<NewLicense>> {
    let stamps = stamps(&mut m, c, at);
    // The masked key is kept (its last five are not secret) when the row
    // holds no key itself; whether a key checks is recomputed, never read.
    let masked = match m.remove("product_key_masked") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => c.record(&format!("{at}.product_key_masked"), last_five(&s).map(Some))?,
        Some(other) => {
            c.push(format!("{at}.product_key_masked"), Msg::new("msg.import.not_a_mask").arg("text", other));
            return None;
        }
    };
    m.remove("product_key_checks");
    let (_, mut value) = body::<LicenseCreate, NewLicense>(m, c, at)?;
    if let (Some(last5), KeyChange::Keep | KeyChange::Clear) = (masked, &value.product_key) {
        value.product_key = KeyChange::LastFive(last5);
    }
    Some(Row { stamps: stamps?, value })
}

/// The last five characters of a masked key, or why it is not one.
pub(super) fn last_five(masked: &str) -> Result<String, Msg> {
    crate::domain::ids::last_five_of_mask(masked)
        .ok_or_else(|| Msg::new("msg.import.mask_like").arg("text", format!("{masked:?}")))
}

fn case(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<ImportedCase>> {
    let stamps = stamps(&mut m, c, at);
    let closed_at = take_time_as(&mut m, "closed_at", c, at, |t| t.text().to_string());
    let (_, case) = body::<CaseCreate, NewCase>(m, c, at)?;
    let closed_at = closed_at?;
    let open = case.status == crate::domain::CaseStatus::Open;
    if open != closed_at.is_none() {
        let message = if open { "msg.import.closed_while_open" } else { "msg.import.closed_required" };
        c.push(format!("{at}.closed_at"), Msg::new(message));
        return None;
    }
    if case.opened_at.is_none() {
        c.push(format!("{at}.opened_at"), Msg::new("msg.required"));
        return None;
    }
    Some(Row { stamps: stamps?, value: ImportedCase { case, closed_at } })
}

fn attempt(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<ImportedAttempt>> {
    let stamps = stamps(&mut m, c, at);
    m.remove("warnings");
    let (fields, mut attempt) = body::<AttemptCreate, NewAttempt>(m, c, at)?;
    let AttemptTarget::Case(case_id) = attempt.target else {
        c.push(format!("{at}.case_id"), Msg::new("msg.import.case_required"));
        return None;
    };
    attempt.questions.get_or_insert_with(Vec::new);
    let machine_id = fields.machine_id.flatten();
    let license_id = fields.license_id.flatten();
    Some(Row { stamps: stamps?, value: ImportedAttempt { case_id, machine_id, license_id, attempt } })
}

fn follow_up(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<NewFollowUp>> {
    let stamps = stamps(&mut m, c, at);
    let (_, value) = body::<FollowUpCreate, _>(m, c, at)?;
    Some(Row { stamps: stamps?, value })
}

/// An attachment's fields besides its stamps, as an export writes them.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportedAttachmentFields {
    entity: AttachedTo,
    entity_id: i64,
    #[serde(default)]
    caption: Option<String>,
    media_type: MediaType,
    #[serde(default, with = "super::base64_bytes")]
    content: Option<std::sync::Arc<Vec<u8>>>,
}

impl TryFrom<&ImportedAttachmentFields> for ImportedAttachment {
    type Error = FieldErrors;

    /// The row's fields, and its file checked and kept as an upload is:
    /// its type sniffed from its bytes (and the row's `media_type` the
    /// same), at most 20 MiB, location data out, a thumbnail made anew.
    fn try_from(f: &ImportedAttachmentFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let entity_id = c.record("entity_id", crate::domain::fields::id(&f.entity_id));
        let caption = match crate::wire::attachment_caption(f.caption.as_deref()) {
            Ok(caption) => Some(caption),
            Err(e) => {
                c.extend(e, "");
                None
            }
        };
        let file = match (&f.content, entity_id, &caption) {
            (Some(bytes), Some(entity_id), Some(caption)) => {
                match NewAttachment::prepare(f.entity, entity_id, caption.clone(), bytes) {
                    Ok(file) if file.media_type == f.media_type => Some(file),
                    Ok(file) => {
                        let m = Msg::new("msg.attachment_import.media_type_differs")
                            .arg("text", file.media_type)
                            .arg("given", f.media_type);
                        c.push("media_type", m);
                        None
                    }
                    Err(UploadError::Unsupported) => {
                        c.push("content", Msg::new("msg.attachment_import.unsupported"));
                        None
                    }
                    Err(UploadError::Fields(e)) => {
                        for e in e.0 {
                            c.push("content", e.message);
                        }
                        None
                    }
                }
            }
            _ => None,
        };
        c.finish()?;
        Ok(ImportedAttachment {
            entity: f.entity,
            entity_id: entity_id.unwrap_or_default(),
            caption: caption.flatten(),
            media_type: f.media_type,
            file,
        })
    }
}

/// An attachment row. An export with secrets holds every attachment's
/// file, and one without holds none: a row that says otherwise is named.
fn attachment(mut m: Map<String, Value>, c: &mut Check, at: &str, secrets: bool) -> Option<Row<ImportedAttachment>> {
    let stamps = stamps(&mut m, c, at);
    // Made again from the file: accepted, never trusted.
    m.remove("size");
    m.remove("thumbnail");
    let (_, value) = body::<ImportedAttachmentFields, ImportedAttachment>(m, c, at)?;
    let message = match (secrets, value.file.is_some()) {
        (true, false) => "msg.attachment_import.file_required",
        (false, true) => "msg.attachment_import.file_without_secrets",
        _ => return Some(Row { stamps: stamps?, value }),
    };
    c.push(format!("{at}.content"), Msg::new(message));
    None
}
