//! Export and import: the journal as one JSON document (or a zip of CSV
//! files, see [`csv`]), and the parsing of such a document back into rows.
//!
//! A document holds `format_version`, `exported_at`, `includes_secrets` and
//! one array per entity, ids preserved. Rows are shaped as the API shows
//! them, so every writable field of a row is exactly a field of the API's
//! POST body: import parses it with the same `wire::*Create` structs and
//! `TryFrom` parsers as the API, and names a failing field as
//! `attempts[3].installation_id`. What a row adds to a request body — its
//! `id`, its system times, a case's `closed_at`, a hardware change's
//! `machine_id` — is read here. Read-only fields the API shows (an
//! attempt's `warnings`, a license's `product_key_masked`) are accepted and
//! recomputed, never trusted.
//!
//! Product keys (and answers holding one) leave the journal only when the
//! export asks for secrets; otherwise a license row has no `product_key`
//! field, and answers are masked. This module knows no SQL: the store
//! reads and writes the rows ([`crate::store::Store::export`],
//! [`crate::store::Store::import`]).

pub mod csv;
mod read;
pub mod stream;

pub use read::{stream_json, Incoming};

pub use stream::{encode, ExportRow, ExportSink, ExportWriter, Head};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::domain::fields::Check;
use crate::domain::time::CallerTime;
use crate::domain::{
    Attempt, AttemptTarget, Case, Channel, FieldError, FieldErrors, FollowUp, HardwareChange, KeyChange, License,
    Machine, NewAttempt, NewCase, NewFollowUp, NewHardwareChange, NewLicense, NewMachine, NewQuestion,
};
use crate::wire::{AttemptCreate, CaseCreate, FollowUpCreate, HardwareChangeCreate, LicenseCreate, MachineCreate};

/// The format this program writes; it reads this one and older ones.
pub const FORMAT_VERSION: i64 = 1;

/// A license as exported: the API's license without the masked key, plus
/// the key itself when the export includes secrets. (Its schema has its own
/// name: the licenses summary has a `LicenseRow` too.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ExportedLicense)]
pub struct LicenseRow {
    pub id: i64,
    pub product: String,
    pub edition: Option<String>,
    pub channel: Channel,
    pub purchased_from: Option<String>,
    pub purchased_on: Option<chrono::NaiveDate>,
    pub box_colour: Option<String>,
    /// The key's last five characters, masked as the API shows them: not
    /// secret, so every export keeps them (an import without the key keeps
    /// just these).
    #[serde(default)]
    pub product_key_masked: Option<String>,
    /// Only in an export with secrets (null there when no key is stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub product_key: Option<Option<String>>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

impl LicenseRow {
    /// The license as an import parses it: its key set, cleared, or (in an
    /// export without secrets) kept.
    fn parsed(&self) -> Result<NewLicense, String> {
        let product_key = match (&self.product_key, &self.product_key_masked) {
            (Some(Some(key)), _) => KeyChange::Set(key.parse().map_err(|e: crate::domain::IdError| e.0)?),
            (_, Some(masked)) => KeyChange::LastFive(last_five(masked)?),
            (Some(None), None) => KeyChange::Clear,
            (None, None) => KeyChange::Keep,
        };
        Ok(NewLicense {
            product: self.product.clone(),
            edition: self.edition.clone(),
            channel: self.channel,
            purchased_from: self.purchased_from.clone(),
            purchased_on: self.purchased_on,
            box_colour: self.box_colour.clone(),
            product_key,
            notes: self.notes.clone(),
        })
    }

    /// A license as exported, with its key (`None`: an export without secrets).
    pub fn new(l: License, product_key: Option<Option<String>>) -> Self {
        LicenseRow {
            id: l.id,
            product: l.product,
            edition: l.edition,
            channel: l.channel,
            purchased_from: l.purchased_from,
            purchased_on: l.purchased_on,
            box_colour: l.box_colour,
            product_key_masked: l.product_key_masked,
            product_key,
            notes: l.notes,
            created_at: l.created_at,
            updated_at: l.updated_at,
            archived_at: l.archived_at,
        }
    }
}

/// The whole journal, as exported. Tokens, idempotency records and the
/// audit log are not part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Document {
    /// The format of this document: 1. A newer one is refused on import.
    #[schema(example = 1)]
    pub format_version: i64,
    /// When it was written (RFC 3339 UTC).
    pub exported_at: String,
    /// Whether product keys, and answers holding one, are in clear.
    pub includes_secrets: bool,
    pub machines: Vec<Machine>,
    pub hardware_changes: Vec<HardwareChange>,
    pub licenses: Vec<LicenseRow>,
    pub cases: Vec<Case>,
    pub attempts: Vec<Attempt>,
    pub follow_ups: Vec<FollowUp>,
}

impl Document {
    /// A document with this head and no rows yet.
    pub fn empty(head: &Head) -> Self {
        Document {
            format_version: head.format_version,
            exported_at: head.exported_at.clone(),
            includes_secrets: head.includes_secrets,
            machines: Vec::new(),
            hardware_changes: Vec::new(),
            licenses: Vec::new(),
            cases: Vec::new(),
            attempts: Vec::new(),
            follow_ups: Vec::new(),
        }
    }

    /// How many rows of each entity it holds.
    pub fn counts(&self) -> Counts {
        Counts::from([
            self.machines.len(),
            self.hardware_changes.len(),
            self.licenses.len(),
            self.cases.len(),
            self.attempts.len(),
            self.follow_ups.len(),
        ])
    }
}

/// Rows per entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Counts {
    pub machines: usize,
    pub hardware_changes: usize,
    pub licenses: usize,
    pub cases: usize,
    pub attempts: usize,
    pub follow_ups: usize,
}

impl Counts {
    /// All rows.
    pub fn total(&self) -> usize {
        self.by_entity().iter().sum()
    }

    /// The counts in the order of [`ENTITIES`].
    pub fn by_entity(&self) -> [usize; 6] {
        [self.machines, self.hardware_changes, self.licenses, self.cases, self.attempts, self.follow_ups]
    }
}

impl From<[usize; 6]> for Counts {
    /// Counts in the order of [`ENTITIES`].
    fn from([machines, hardware_changes, licenses, cases, attempts, follow_ups]: [usize; 6]) -> Self {
        Self { machines, hardware_changes, licenses, cases, attempts, follow_ups }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportReport {
    /// Rows written.
    pub created: Counts,
    /// Rows whose id was already there with the same content (left alone).
    pub unchanged: Counts,
}

/// What every imported row carries besides its fields: its id and system
/// times, as system times (UTC, fixed format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamps {
    pub id: i64,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// One parsed row: its stamps and its parsed fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<T> {
    pub stamps: Stamps,
    pub value: T,
}

/// A parsed hardware change and its machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedChange {
    pub machine_id: i64,
    pub change: NewHardwareChange,
}

/// A parsed case and when it closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCase {
    pub case: NewCase,
    pub closed_at: Option<String>,
}

/// A parsed attempt: its case, and the machine and license the row named
/// (checked against the case's by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAttempt {
    pub case_id: i64,
    pub machine_id: Option<i64>,
    pub license_id: Option<i64>,
    pub attempt: NewAttempt,
}

/// A parsed document, every row valid on its own. References between rows
/// are the store's to check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub includes_secrets: bool,
    pub machines: Vec<Row<NewMachine>>,
    pub hardware_changes: Vec<Row<ImportedChange>>,
    pub licenses: Vec<Row<NewLicense>>,
    pub cases: Vec<Row<ImportedCase>>,
    pub attempts: Vec<Row<ImportedAttempt>>,
    pub follow_ups: Vec<Row<NewFollowUp>>,
}

impl Parsed {
    /// How many rows of each entity it holds.
    pub fn counts(&self) -> Counts {
        Counts::from([
            self.machines.len(),
            self.hardware_changes.len(),
            self.licenses.len(),
            self.cases.len(),
            self.attempts.len(),
            self.follow_ups.len(),
        ])
    }
}

impl Parsed {
    /// The rows of a document read from the store, as an import of it would
    /// parse them, so that a stored row and a row of a file compare equal
    /// however each was written (spaces in an ID, another offset). Converted
    /// value by value, not through JSON; a stored value that does not parse
    /// is named.
    pub fn stored(doc: &Document) -> Result<Parsed, String> {
        let stamps = |id: i64, created: &str, updated: &str, archived: Option<&str>| {
            let system = |t: &str| CallerTime::parse(t).map(|t| t.to_system());
            Ok::<_, String>(Stamps {
                id,
                created_at: system(created)?,
                updated_at: system(updated)?,
                archived_at: archived.map(system).transpose()?,
            })
        };
        let mut out = Parsed { includes_secrets: doc.includes_secrets, ..Parsed::default() };
        for m in &doc.machines {
            out.machines.push(Row {
                stamps: stamps(m.id, &m.created_at, &m.updated_at, m.archived_at.as_deref())?,
                value: m.into(),
            });
        }
        for h in &doc.hardware_changes {
            let value = ImportedChange { machine_id: h.machine_id, change: h.into() };
            out.hardware_changes
                .push(Row { stamps: stamps(h.id, &h.created_at, &h.updated_at, h.archived_at.as_deref())?, value });
        }
        for l in &doc.licenses {
            out.licenses.push(Row {
                stamps: stamps(l.id, &l.created_at, &l.updated_at, l.archived_at.as_deref())?,
                value: l.parsed()?,
            });
        }
        for c in &doc.cases {
            let value = ImportedCase { case: c.into(), closed_at: c.closed_at.clone() };
            out.cases
                .push(Row { stamps: stamps(c.id, &c.created_at, &c.updated_at, c.archived_at.as_deref())?, value });
        }
        for a in &doc.attempts {
            let mut attempt = NewAttempt::try_from(a)?;
            let questions = a.questions.iter().map(|q| NewQuestion {
                topic: q.topic,
                question: q.question.clone(),
                answer: q.answer.clone(),
            });
            attempt.questions = Some(questions.collect());
            let value = ImportedAttempt {
                case_id: a.case_id,
                machine_id: Some(a.machine_id),
                license_id: Some(a.license_id),
                attempt,
            };
            out.attempts
                .push(Row { stamps: stamps(a.id, &a.created_at, &a.updated_at, a.archived_at.as_deref())?, value });
        }
        for f in &doc.follow_ups {
            out.follow_ups.push(Row {
                stamps: stamps(f.id, &f.created_at, &f.updated_at, f.archived_at.as_deref())?,
                value: f.into(),
            });
        }
        Ok(out)
    }
}

/// The two forms of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// One JSON document.
    #[default]
    Json,
    /// A zip of one CSV file per table.
    Csv,
}

impl Format {
    /// The media type of this form.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "application/zip",
        }
    }

    /// A file name for an export made now.
    pub fn file_name(self, exported_at: &str) -> String {
        let day = exported_at.get(..10).unwrap_or("export");
        match self {
            Format::Json => format!("activation-journal-{day}.json"),
            Format::Csv => format!("activation-journal-{day}.zip"),
        }
    }
}

/// Why an export could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not JSON (and, when the form was not declared, not a zip either).
    #[error("document: is neither JSON nor a zip of CSV files from an export: {0}")]
    NotJson(serde_json::Error),
    /// A zip that is not an export's CSV files.
    #[error("document: {0}")]
    BadZip(String),
    /// A document whose rows or fields do not parse, each named.
    #[error(transparent)]
    Invalid(FieldErrors),
    /// A document whose fields are not in the order an export writes
    /// them, so that it cannot be read as a stream (read it whole).
    #[error("document: {0}")]
    Order(String),
}

/// Read an export of either form and parse every row of it: the form
/// `declared` (by a request's media type), or, when `None`, the form its
/// first bytes show (a zip starts with `PK\x03\x04`). The one decoder of
/// the API's import and the command line's.
pub fn decode(bytes: &[u8], declared: Option<Format>) -> Result<Parsed, DecodeError> {
    let format = declared.unwrap_or(if bytes.starts_with(b"PK\x03\x04") { Format::Csv } else { Format::Json });
    let value = match format {
        Format::Csv => csv::from_zip(bytes).map_err(|e| DecodeError::BadZip(e.0))?,
        Format::Json => serde_json::from_slice::<Value>(bytes).map_err(DecodeError::NotJson)?,
    };
    parse(&value).map_err(DecodeError::Invalid)
}

/// Where each table of a chunk of rows starts in the file (the index of
/// its first row), in [`ENTITIES`] order.
pub type Starts = [usize; 6];

/// The entity arrays of a document, in the order they are written (each
/// refers only to those before it).
pub const ENTITIES: [&str; 6] = ["machines", "hardware_changes", "licenses", "cases", "attempts", "follow_ups"];

/// Most errors one refused import lists.
const ERRORS_MAX: usize = 50;

/// Parse a document read as JSON. Every row goes through the API's parsers;
/// all failing fields are named (up to 50), as `entity[row].field`.
pub fn parse(doc: &Value) -> Result<Parsed, FieldErrors> {
    let Some(top) = doc.as_object() else {
        return Err(FieldErrors::one("document", "must be a JSON object written by activation-journal export"));
    };
    let mut c = Check::default();
    let includes_secrets = head_of(top, &mut c)?;
    for key in top.keys() {
        if !ENTITIES.contains(&key.as_str()) && !HEAD.contains(&key.as_str()) {
            c.push(key.as_str(), format!("is not part of an export; expected one of {}", ENTITIES.join(", ")));
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
    };
    c.finish().map_err(at_most)?;
    Ok(out)
}

/// The fields of a document before its tables.
const HEAD: [&str; 3] = ["format_version", "exported_at", "includes_secrets"];

/// At most [`ERRORS_MAX`] errors, and how many more there were.
fn at_most(mut e: FieldErrors) -> FieldErrors {
    let n = e.0.len();
    if n > ERRORS_MAX {
        e.0.truncate(ERRORS_MAX);
        e.0.push(FieldError { field: "document".into(), message: format!("and {} more errors", n - ERRORS_MAX) });
    }
    e
}

/// A document's head: its version (refused at once when newer), and
/// `includes_secrets`; the other failures are left in `c`.
fn head_of(top: &Map<String, Value>, c: &mut Check) -> Result<bool, FieldErrors> {
    version(top.get("format_version"))?;
    let includes_secrets = match top.get("includes_secrets") {
        None | Some(Value::Null) => {
            c.push("includes_secrets", REQUIRED);
            false
        }
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            c.push("includes_secrets", format!("{other} is not true or false"));
            false
        }
    };
    match top.get("exported_at") {
        None | Some(Value::Null) => c.push("exported_at", REQUIRED),
        Some(at) if at.as_str().and_then(|s| CallerTime::parse(s).ok()).is_none() => {
            c.push("exported_at", format!("{at} is not an RFC 3339 time"));
        }
        Some(_) => {}
    }
    Ok(includes_secrets)
}

/// The document's `format_version`: required, and not newer than ours.
fn version(v: Option<&Value>) -> Result<(), FieldErrors> {
    let err = |m: String| Err(FieldErrors::one("format_version", m));
    match v.map(|v| (v, v.as_i64())) {
        None | Some((Value::Null, _)) => {
            err("is required; is this a file written by activation-journal export?".into())
        }
        Some((_, Some(n))) if n > FORMAT_VERSION => err(format!(
            "this file is format {n}, written by a newer activation-journal; this one reads format {FORMAT_VERSION} \
             and older: upgrade the program to import it"
        )),
        Some((_, Some(n))) if n >= 1 => Ok(()),
        Some((other, _)) => err(format!("{other} is not a format version (a whole number from 1)")),
    }
}

/// What a missing top-level field of a document is told. The import takes
/// what the export writes, every field and array (empty or not), as the
/// OpenAPI document's `Document` says; a file cut short is refused.
const REQUIRED: &str = "is required: every export writes it";

/// Parse the rows of one entity array (required, as every export writes it).
fn rows<T>(
    top: &Map<String, Value>,
    key: &str,
    c: &mut Check,
    parse: impl Fn(Map<String, Value>, &mut Check, &str) -> Option<T>,
) -> Vec<T> {
    let items = match top.get(key) {
        None | Some(Value::Null) => {
            c.push(key, REQUIRED);
            return Vec::new();
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            c.push(key, "must be an array of rows");
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
            _ => c.push(at, "must be an object"),
        }
    }
    out
}

/// Parse a chunk of rows of table `key` (one of [`ENTITIES`]) into a
/// document holding only them.
fn chunk_of(key: &str, start: usize, items: Vec<Value>, includes_secrets: bool) -> Result<Parsed, FieldErrors> {
    let mut c = Check::default();
    let mut out = Parsed { includes_secrets, ..Parsed::default() };
    match key {
        "machines" => out.machines = rows_from(items, key, start, &mut c, machine),
        "hardware_changes" => out.hardware_changes = rows_from(items, key, start, &mut c, hardware_change),
        "licenses" => out.licenses = rows_from(items, key, start, &mut c, license),
        "cases" => out.cases = rows_from(items, key, start, &mut c, case),
        "attempts" => out.attempts = rows_from(items, key, start, &mut c, attempt),
        _ => out.follow_ups = rows_from(items, key, start, &mut c, follow_up),
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
                c.push(format!("{at}.{key}"), format!("{v} is not an id (ids are whole numbers from 1)"));
                None
            }
        },
        None => {
            c.push(format!("{at}.{key}"), "is required");
            None
        }
    }
}

/// Take a time out of a row, as a system time. `Some(None)`: absent or null.
fn take_time(m: &mut Map<String, Value>, key: &str, c: &mut Check, at: &str) -> Option<Option<String>> {
    match m.remove(key) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => c.record(&format!("{at}.{key}"), CallerTime::parse(&s).map(|t| Some(t.to_system()))),
        Some(other) => {
            c.push(format!("{at}.{key}"), format!("{other} is not an RFC 3339 time"));
            None
        }
    }
}

/// The id and system times of a row.
fn stamps(m: &mut Map<String, Value>, c: &mut Check, at: &str) -> Option<Stamps> {
    let id = take_id(m, "id", c, at);
    let mut required = |key: &str, c: &mut Check| match take_time(m, key, c, at) {
        Some(None) => {
            c.push(format!("{at}.{key}"), "is required");
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
            c.push(field, e.into_inner().to_string());
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
            c.push(format!("{at}.product_key_masked"), format!("{other} is not a masked product key"));
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
fn last_five(masked: &str) -> Result<String, String> {
    crate::domain::ids::last_five_of_mask(masked)
        .ok_or_else(|| format!("{masked:?} is not a masked product key like *****-*****-*****-*****-9D6T9"))
}

fn case(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<ImportedCase>> {
    let stamps = stamps(&mut m, c, at);
    let closed_at = take_time(&mut m, "closed_at", c, at);
    let (_, case) = body::<CaseCreate, NewCase>(m, c, at)?;
    let closed_at = closed_at?;
    let open = case.status == crate::domain::CaseStatus::Open;
    if open != closed_at.is_none() {
        let message = if open { "must be null while the case is open" } else { "is required once a case is closed" };
        c.push(format!("{at}.closed_at"), message);
        return None;
    }
    if case.opened_at.is_none() {
        c.push(format!("{at}.opened_at"), "is required");
        return None;
    }
    Some(Row { stamps: stamps?, value: ImportedCase { case, closed_at } })
}

fn attempt(mut m: Map<String, Value>, c: &mut Check, at: &str) -> Option<Row<ImportedAttempt>> {
    let stamps = stamps(&mut m, c, at);
    m.remove("warnings");
    let (fields, mut attempt) = body::<AttemptCreate, NewAttempt>(m, c, at)?;
    let AttemptTarget::Case(case_id) = attempt.target else {
        c.push(format!("{at}.case_id"), "is required in an import");
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(rows: Value) -> Value {
        let mut d =
            json!({"format_version": 1, "exported_at": "2026-11-25T10:00:00.000000Z", "includes_secrets": false});
        if let (Some(d), Some(r)) = (d.as_object_mut(), rows.as_object()) {
            d.extend(ENTITIES.iter().map(|e| (e.to_string(), json!([]))));
            d.extend(r.clone());
        }
        d
    }

    #[test]
    fn a_document_cut_short_names_every_missing_field() {
        assert!(parse(&doc(json!({}))).is_ok());
        let err = parse(&json!({"format_version": 1, "machines": []})).unwrap_err().to_string();
        for field in
            ["includes_secrets", "exported_at", "hardware_changes", "licenses", "cases", "attempts", "follow_ups"]
        {
            assert!(err.contains(&format!("{field}: is required: every export writes it")), "{field}: {err}");
        }
        assert!(!err.contains("machines:"), "{err}");
        let err = parse(&doc(json!({"exported_at": null, "includes_secrets": "no"}))).unwrap_err().to_string();
        assert!(
            err.contains("exported_at: is required") && err.contains("includes_secrets: \"no\" is not true or false"),
            "{err}"
        );
    }

    fn machine_row(id: i64, name: &str) -> Value {
        json!({"id": id, "name": name, "owner": null, "notes": null,
               "created_at": "2014-05-09T09:00:00+09:00", "updated_at": "2014-05-09T00:00:00Z", "archived_at": null})
    }

    #[test]
    fn rows_parse_with_the_apis_parsers_and_times_become_system_times() {
        let p = parse(&doc(json!({"machines": [machine_row(3, " PC 1 ")]}))).unwrap();
        assert_eq!(p.machines.len(), 1);
        assert_eq!(p.machines[0].stamps.id, 3);
        assert_eq!(p.machines[0].stamps.created_at, "2014-05-09T00:00:00.000000Z");
        assert_eq!(p.machines[0].value.name, "PC 1");
    }

    #[test]
    fn a_bad_row_names_its_entity_row_and_field() {
        let attempt = json!({"id": 1, "case_id": 1, "started_at": "2014-05-10T10:05:00+09:00",
            "installation_id": "508760583450367066786558223034732344271525457574599727444472481",
            "created_at": "2014-05-10T01:05:00Z", "updated_at": "2014-05-10T01:05:00Z"});
        let d = doc(json!({"machines": [machine_row(1, "PC 1"), {"id": 0, "name": "", "colour": 1}],
                           "attempts": [attempt]}));
        let err = parse(&d).unwrap_err().to_string();
        assert!(err.contains("machines[1].id: 0 is not an id"), "{err}");
        assert!(err.contains("machines[1].created_at: is required"), "{err}");
        assert!(err.contains("machines[1].colour: unknown field `colour`"), "{err}");
        assert!(err.contains("attempts[0].installation_id: group 7 does not check"), "{err}");
    }

    #[test]
    fn the_format_version_is_required_and_not_newer() {
        let err = parse(&json!({"machines": []})).unwrap_err().to_string();
        assert!(err.starts_with("format_version: is required"), "{err}");
        let err = parse(&json!({"format_version": 2})).unwrap_err().to_string();
        assert!(err.contains("newer activation-journal") && err.contains("upgrade"), "{err}");
        let err = parse(&json!({"format_version": "one"})).unwrap_err().to_string();
        assert!(err.contains("\"one\" is not a format version"), "{err}");
        assert!(parse(&json!([])).is_err());
    }

    #[test]
    fn an_import_attempt_names_its_case_and_closed_cases_say_when() {
        let d = doc(json!({
            "attempts": [{"id": 1, "machine_id": 1, "license_id": 1, "started_at": "2014-05-10T10:05:00+09:00",
                          "created_at": "2014-05-10T01:05:00Z", "updated_at": "2014-05-10T01:05:00Z"}],
            "cases": [{"id": 1, "machine_id": 1, "license_id": 1, "status": "activated", "opened_at": "2014-05-09T09:00:00Z",
                       "created_at": "2014-05-10T01:05:00Z", "updated_at": "2014-05-10T01:05:00Z"}]
        }));
        let err = parse(&d).unwrap_err().to_string();
        assert!(err.contains("attempts[0].case_id: is required in an import"), "{err}");
        assert!(err.contains("cases[0].closed_at: is required once a case is closed"), "{err}");
    }

    #[test]
    fn unknown_arrays_and_wrong_shapes_are_refused() {
        let err = parse(&doc(json!({"tokens": [], "machines": {}}))).unwrap_err().to_string();
        assert!(err.contains("tokens: is not part of an export"), "{err}");
        assert!(err.contains("machines: must be an array"), "{err}");
    }
}
