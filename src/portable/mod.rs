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
//! field, and answers are masked. Attachments (photos and files) are
//! listed in every export, but their files — a sticker's photo shows the
//! key — only in one with secrets (`content`, base64); an import makes
//! their thumbnails again, and takes out location data as an upload does. This module knows no SQL: the store
//! reads and writes the rows ([`crate::store::Store::export`],
//! [`crate::store::Store::import`]).

pub mod csv;
mod read;
mod rows;
pub mod stream;

pub use csv::stream_zip;
pub use read::{stream_json, Incoming};
use rows::last_five;
pub use rows::parse;

pub use stream::{encode, ExportRow, ExportSink, ExportWriter, Head};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::time::CallerTime;
use crate::domain::{
    AttachedTo, Attachment, Attempt, Case, Channel, FieldErrors, FollowUp, HardwareChange, KeyChange, License, Machine,
    MediaType, NewAttachment, NewAttempt, NewCase, NewFollowUp, NewHardwareChange, NewLicense, NewMachine, NewQuestion,
};

/// The format this program writes; it reads this one and older ones.
/// Format 2 added `attachments` (a format 1 file has none).
pub const FORMAT_VERSION: i64 = 2;

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

/// An attachment as exported: the API's row, with its file when the export
/// includes secrets (the file is sealed at rest like a product key). Its
/// `size` and `thumbnail` are accepted on import and recomputed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ExportedAttachment)]
pub struct AttachmentRow {
    #[serde(flatten)]
    pub attachment: Attachment,
    /// The file, base64 (standard alphabet, padded); only in an export with
    /// secrets. In the CSV form the file is in the zip, named in the
    /// `file` column.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "base64_bytes")]
    #[schema(value_type = Option<String>, format = Byte)]
    pub content: Option<std::sync::Arc<Vec<u8>>>,
}

/// Bytes as base64 text in JSON, written as they are encoded (a 20 MiB
/// file is not copied into a string first).
mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::sync::Arc;

    pub fn serialize<S: Serializer>(bytes: &Option<Arc<Vec<u8>>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => {
                s.collect_str(&base64::display::Base64Display::new(b, &base64::engine::general_purpose::STANDARD))
            }
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<Vec<u8>>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else { return Ok(None) };
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(|b| Some(Arc::new(b)))
            .map_err(|e| serde::de::Error::custom(format_args!("is not base64: {e}")))
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
    /// Photos and files (format 2; absent from a format 1 file).
    #[serde(default)]
    pub attachments: Vec<AttachmentRow>,
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
            attachments: Vec::new(),
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
            self.attachments.len(),
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
    pub attachments: usize,
}

impl Counts {
    /// All rows.
    pub fn total(&self) -> usize {
        self.by_entity().iter().sum()
    }

    /// The counts in the order of [`ENTITIES`].
    pub fn by_entity(&self) -> [usize; 7] {
        [
            self.machines,
            self.hardware_changes,
            self.licenses,
            self.cases,
            self.attempts,
            self.follow_ups,
            self.attachments,
        ]
    }
}

impl From<[usize; 7]> for Counts {
    /// Counts in the order of [`ENTITIES`].
    fn from([machines, hardware_changes, licenses, cases, attempts, follow_ups, attachments]: [usize; 7]) -> Self {
        Self { machines, hardware_changes, licenses, cases, attempts, follow_ups, attachments }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportReport {
    /// Rows written.
    pub created: Counts,
    /// Rows whose id was already there with the same content (left alone).
    pub unchanged: Counts,
    /// Attachments of an export without secrets, which lists them without
    /// their files: not imported (there is nothing to keep).
    pub attachments_without_file: usize,
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

/// A parsed attachment: what it is attached to, and its file as an upload
/// would keep it (`None`: an export without secrets left the file out).
#[derive(Debug, Clone, Eq)]
pub struct ImportedAttachment {
    pub entity: AttachedTo,
    pub entity_id: i64,
    pub caption: Option<String>,
    pub media_type: MediaType,
    pub file: Option<NewAttachment>,
}

impl PartialEq for ImportedAttachment {
    /// The same row and file; the thumbnail, made from the file, is not compared.
    fn eq(&self, other: &Self) -> bool {
        (self.entity, self.entity_id, &self.caption, self.media_type)
            == (other.entity, other.entity_id, &other.caption, other.media_type)
            && self.file.as_ref().map(|f| &f.content) == other.file.as_ref().map(|f| &f.content)
    }
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
    pub attachments: Vec<Row<ImportedAttachment>>,
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
            self.attachments.len(),
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
        for r in &doc.attachments {
            let a = &r.attachment;
            // The stored file as it is (its location data went at upload);
            // its thumbnail is not compared.
            let file = r.content.as_ref().map(|content| NewAttachment {
                entity: a.entity,
                entity_id: a.entity_id,
                caption: a.caption.clone(),
                media_type: a.media_type,
                content: content.clone(),
                thumbnail: None,
            });
            let value = ImportedAttachment {
                entity: a.entity,
                entity_id: a.entity_id,
                caption: a.caption.clone(),
                media_type: a.media_type,
                file,
            };
            out.attachments
                .push(Row { stamps: stamps(a.id, &a.created_at, &a.updated_at, a.archived_at.as_deref())?, value });
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
pub type Starts = [usize; 7];

/// The entity arrays of a document, in the order they are written (each
/// refers only to those before it).
pub const ENTITIES: [&str; 7] =
    ["machines", "hardware_changes", "licenses", "cases", "attempts", "follow_ups", "attachments"];

/// How many of [`ENTITIES`], from the first, every document holds: the
/// last, `attachments`, came with format 2, and a format 1 file has none.
pub const REQUIRED_TABLES: usize = 6;

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
        let err = parse(&json!({"format_version": FORMAT_VERSION + 1})).unwrap_err().to_string();
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
