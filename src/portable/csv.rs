//! The CSV form of an export: a zip holding `export.csv` (one row:
//! `format_version`, `exported_at`, `includes_secrets`) and one CSV per
//! table — `machines.csv`, `hardware_changes.csv`, `licenses.csv`,
//! `cases.csv`, `attempts.csv`, `attempt_questions.csv`, `follow_ups.csv`,
//! `attachments.csv` — each with a header row and RFC 4180 quoting; with
//! secrets, each attachment's file too (`attachments/3.jpg`, named in the
//! `file` column of its row).
//!
//! A cell is empty for null; lists (`parts_replaced`, `groups_reentered`)
//! are comma-separated in one cell; booleans are `true`/`false`. An
//! attempt's questions are rows of `attempt_questions.csv` (`attempt_id`,
//! `position`, `topic`, `question`, `answer`); its `warnings` are left out,
//! as import recomputes them. Reading a zip gives back the JSON document,
//! which goes through the same parsing as a JSON import, so a bad cell is
//! named the same way (`attempts[3].wait_seconds`: the fourth data row).
//!
//! A zip in a file is read as a stream ([`stream_zip`]): each CSV a chunk
//! of rows at a time, an attempt's questions taken from
//! `attempt_questions.csv` as the calls are read (an export writes both in
//! call order), so memory holds a chunk, not the journal.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek};
use std::iter::Peekable;
use std::path::Path;

use serde_json::{Map, Value};
use zip::write::SimpleFileOptions;

use super::read::{send_chunk, Chunks, Incoming};
use super::rows::head_of;
use super::{DecodeError, ENTITIES};
use crate::domain::fields::Check;
use crate::domain::shape::{self, FieldDecl};
use crate::domain::FieldErrors;

/// How a column's cells are read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Int,
    Bool,
    /// Comma-separated names.
    TextList,
    /// Comma-separated numbers.
    IntList,
}

use Kind::{Bool, Int, IntList, Text, TextList};

const STAMPS: [(&str, Kind); 3] = [("created_at", Text), ("updated_at", Text), ("archived_at", Text)];

/// A declared field's column: how its cells are read back (`None`: it has
/// no column, as an attempt's questions, which are rows of their own).
fn column_kind(kind: shape::Kind) -> Option<Kind> {
    use shape::Kind as K;
    Some(match kind {
        K::Id | K::Int { .. } => Int,
        K::Ints { .. } => IntList,
        K::SetOf(_) => TextList,
        K::Bool => Bool,
        K::Objects { .. } => return None,
        K::Line { .. } | K::Name { .. } | K::Text { .. } | K::Code { .. } | K::OneOf(_) | K::Time | K::Date => Text,
    })
}

/// The columns of each table, in order: the id, the fields its body
/// declares (`wire::*_fields`, so a declared field is a column without a
/// line here) with what a row holds besides them, the system times last.
pub(super) fn columns(table: &str, secrets: bool) -> Vec<(&'static str, Kind)> {
    use crate::wire;
    if table == "attachments" {
        return attachment_columns(secrets);
    }
    let (fields, before): (&[FieldDecl], &[(&'static str, Kind)]) = match table {
        "machines" => (wire::machine_fields::ALL, &[]),
        "hardware_changes" => (wire::hardware_change_fields::ALL, &[("machine_id", Int)]),
        "licenses" => (wire::license_fields::ALL, &[]),
        "cases" => (wire::case_fields::ALL, &[]),
        "attempts" => (wire::attempt_fields::ALL, &[]),
        "follow_ups" => (wire::follow_up_fields::ALL, &[]),
        _ => return Vec::new(),
    };
    let mut cols = vec![("id", Int)];
    cols.extend_from_slice(before);
    for f in fields {
        let Some(kind) = column_kind(f.kind) else { continue };
        match (table, f.name) {
            // A case's trigger is the case's, not its calls'.
            ("attempts", "trigger") => {}
            // The key's last five are not secret; the key itself only with secrets.
            ("licenses", "product_key") => {
                cols.push(("product_key_masked", Text));
                if secrets {
                    cols.push(("product_key", Text));
                }
            }
            // When a case closed comes from its calls, and is exported.
            ("cases", "opened_at") => cols.extend([("opened_at", Text), ("closed_at", Text)]),
            _ => cols.push((f.name, kind)),
        }
    }
    cols.extend(STAMPS);
    cols
}

/// The columns of `attachments.csv`: the API's row, and with secrets the
/// name of its file in the zip.
fn attachment_columns(secrets: bool) -> Vec<(&'static str, Kind)> {
    let mut cols = vec![
        ("id", Int),
        ("entity", Text),
        ("entity_id", Int),
        ("caption", Text),
        ("media_type", Text),
        ("size", Int),
        ("thumbnail", Bool),
    ];
    if secrets {
        cols.push(("file", Text));
    }
    cols.extend(STAMPS);
    cols
}

/// Where an attachment's file is in the zip: `attachments/3.jpg`.
pub(super) fn file_of(a: &crate::domain::Attachment) -> String {
    format!("attachments/{}.{}", a.id, crate::domain::attachment::extension(a.media_type))
}

/// Put the file an attachment row names (its `file` cell) into the row, as
/// `content` in base64 as a JSON export holds it, so that it is parsed as
/// a JSON row is. `line` is the row's line in `attachments.csv`; `left` is
/// what may still be unpacked, and shrinks by the file. A file larger than
/// an upload may be is read one byte past the limit, for the parser to refuse.
fn take_file<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    row: &mut Map<String, Value>,
    line: usize,
    left: &mut u64,
) -> Result<(), CsvError> {
    use base64::Engine as _;
    let Some(Value::String(name)) = row.remove("file") else { return Ok(()) };
    let at = |what: String| CsvError(format!("attachments.csv line {line}: {what}"));
    let file = match zip.by_name(&name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Err(at(format!("the file {name:?} is not in the zip"))),
        Err(e) => return Err(at(format!("{name}: {e}"))),
    };
    let most = (crate::domain::attachment::MAX_BYTES as u64 + 1).min(left.saturating_add(1));
    let mut bytes = Vec::new();
    file.take(most).read_to_end(&mut bytes).map_err(|e| at(format!("{name}: {e}")))?;
    let size = bytes.len() as u64;
    if size > *left {
        return Err(too_much());
    }
    *left -= size;
    row.insert("content".into(), Value::from(base64::engine::general_purpose::STANDARD.encode(&bytes)));
    Ok(())
}

fn too_much() -> CsvError {
    CsvError(format!("the zip unpacks to more than {} MiB; that is not an export", UNPACKED_MAX >> 20))
}

pub(super) const QUESTIONS: [(&str, Kind); 5] =
    [("attempt_id", Int), ("position", Int), ("topic", Text), ("question", Text), ("answer", Text)];
pub(super) const HEADER: [(&str, Kind); 3] =
    [("format_version", Int), ("exported_at", Text), ("includes_secrets", Bool)];

/// Why a zip could not be read as an export.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CsvError(pub String);

pub(super) fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|i| cell(Some(i))).collect::<Vec<_>>().join(","),
        Some(other) => other.to_string(),
    }
}

fn read_cell(raw: &str, kind: Kind) -> Value {
    let t = raw.trim();
    let number = |s: &str| s.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(s.trim()));
    match kind {
        _ if t.is_empty() && !matches!(kind, TextList | IntList) => Value::Null,
        Text => Value::from(raw),
        Int => number(t),
        Bool => match t.to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => Value::from(t),
        },
        TextList | IntList if t.is_empty() => Value::Array(Vec::new()),
        TextList => Value::Array(t.split(',').map(|s| Value::from(s.trim())).collect()),
        IntList => Value::Array(t.split(',').map(number).collect()),
    }
}

/// Zip entries dated when the export was made (UTC), not 1980.
pub(super) fn entry_options(exported_at: Option<&str>) -> SimpleFileOptions {
    let at = exported_at.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
    let stamp = at.and_then(|t| {
        use chrono::{Datelike, Timelike};
        let year = u16::try_from(t.year()).ok()?;
        let small = |n: u32| u8::try_from(n).ok();
        zip::DateTime::from_date_and_time(
            year,
            small(t.month())?,
            small(t.day())?,
            small(t.hour())?,
            small(t.minute())?,
            small(t.second())?,
        )
        .ok()
    });
    let options = SimpleFileOptions::default();
    match stamp {
        Some(s) => options.last_modified_time(s),
        None => options,
    }
}

/// Most bytes the files of an export zip may unpack to, all together (a
/// guard against zip bombs; a household journal is far smaller).
const UNPACKED_MAX: u64 = 512 * 1024 * 1024;

/// The rows of one CSV file, each keyed by its column's name, read one at
/// a time; the header is checked first (a column it does not know is refused).
fn rows_of<R: Read>(
    reader: R,
    name: &str,
    cols: &[(&'static str, Kind)],
) -> Result<impl Iterator<Item = Result<Map<String, Value>, CsvError>>, CsvError> {
    let mut r = ::csv::ReaderBuilder::new().from_reader(reader);
    let header: Vec<String> =
        r.headers().map_err(|e| CsvError(format!("{name}: {e}")))?.iter().map(str::to_string).collect();
    let kinds: BTreeMap<&'static str, Kind> = cols.iter().copied().collect();
    if let Some(unknown) = header.iter().find(|h| !kinds.contains_key(h.as_str())) {
        let known: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
        return Err(CsvError(format!("{name}: unknown column {unknown:?}; the columns are {}", known.join(", "))));
    }
    let name = name.to_string();
    Ok(r.into_records().enumerate().map(move |(i, record)| {
        let record = record.map_err(|e| CsvError(format!("{name} line {}: {e}", i + 2)))?;
        let mut row = Map::new();
        for (h, raw) in header.iter().zip(record.iter()) {
            if let Some(kind) = kinds.get(h.as_str()) {
                row.insert(h.clone(), read_cell(raw, *kind));
            }
        }
        Ok(row)
    }))
}

/// Read one CSV of the zip into rows keyed by column; `None` when absent.
/// `left` is what may still be unpacked, and shrinks by what this file held.
fn read_table<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    cols: &[(&'static str, Kind)],
    left: &mut u64,
) -> Result<Option<Vec<Map<String, Value>>>, CsvError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(CsvError(format!("{name}: {e}"))),
    };
    let mut text = Vec::new();
    file.take(*left + 1).read_to_end(&mut text).map_err(|e| CsvError(format!("{name}: {e}")))?;
    let size = text.len() as u64;
    if size > *left {
        return Err(too_much());
    }
    *left -= size;
    let rows = rows_of(text.as_slice(), name, cols)?.collect::<Result<Vec<_>, _>>()?;
    Ok(Some(rows))
}

/// Read a zip of CSV files back into the JSON document it was written from.
pub fn from_zip(bytes: &[u8]) -> Result<Value, CsvError> {
    from_zip_within(bytes, UNPACKED_MAX)
}

fn not_an_export(e: impl std::fmt::Display) -> CsvError {
    CsvError(format!("the file is not a zip of CSV files from activation-journal export: {e}"))
}

fn no_head() -> CsvError {
    CsvError("the zip has no export.csv; is it from activation-journal export?".into())
}

fn from_zip_within(bytes: &[u8], max: u64) -> Result<Value, CsvError> {
    let mut left = max;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_an_export)?;
    let header = read_table(&mut zip, "export.csv", &HEADER, &mut left)?.ok_or_else(no_head)?;
    let mut doc = header.into_iter().next().ok_or_else(|| CsvError("export.csv: has no data row".into()))?;
    for table in super::ENTITIES {
        // licenses.csv has a product_key column only with secrets; both are read.
        let Some(mut rows) = read_table(&mut zip, &format!("{table}.csv"), &columns(table, true), &mut left)? else {
            // A zip of format 1 has no attachments.csv.
            if table != "attachments" {
                doc.insert(table.into(), Value::Array(Vec::new()));
            }
            continue;
        };
        if table == "attachments" {
            for (i, row) in rows.iter_mut().enumerate() {
                take_file(&mut zip, row, i + 2, &mut left)?;
            }
        }
        doc.insert(table.into(), Value::Array(rows.into_iter().map(Value::Object).collect()));
    }
    let questions = read_table(&mut zip, "attempt_questions.csv", &QUESTIONS, &mut left)?.unwrap_or_default();
    attach_questions(&mut doc, questions)?;
    Ok(Value::Object(doc))
}

/// A question row's attempt and position, taken out of the row; `line` is
/// its line in `attempt_questions.csv`.
fn placed(mut q: Map<String, Value>, line: usize) -> Result<(i64, i64, Map<String, Value>), CsvError> {
    let at = |what: &str| CsvError(format!("attempt_questions.csv line {line}: {what}"));
    let attempt_id = q.remove("attempt_id").and_then(|v| v.as_i64()).ok_or_else(|| at("attempt_id is not an id"))?;
    let position = q.remove("position").and_then(|v| v.as_i64()).ok_or_else(|| at("position is not a number"))?;
    Ok((attempt_id, position, q))
}

/// Question rows, each with its position among its call's.
type Positioned = Vec<(i64, Map<String, Value>)>;

/// An attempt's `questions`, in the order of their positions.
fn in_order(mut questions: Positioned) -> Value {
    questions.sort_by_key(|(p, _)| *p);
    Value::Array(questions.into_iter().map(|(_, q)| Value::Object(q)).collect())
}

/// Put each question row into its attempt's `questions`, by position.
fn attach_questions(doc: &mut Map<String, Value>, questions: Vec<Map<String, Value>>) -> Result<(), CsvError> {
    // attempt id → (position, question row)
    let mut by_attempt: BTreeMap<i64, Positioned> = BTreeMap::new();
    for (i, q) in questions.into_iter().enumerate() {
        let (attempt_id, position, q) = placed(q, i + 2)?;
        by_attempt.entry(attempt_id).or_default().push((position, q));
    }
    if let Some(Value::Array(attempts)) = doc.get_mut("attempts") {
        for a in attempts.iter_mut().filter_map(Value::as_object_mut) {
            let qs = a.get("id").and_then(Value::as_i64).and_then(|id| by_attempt.remove(&id)).unwrap_or_default();
            a.insert("questions".into(), in_order(qs));
        }
    }
    if let Some((id, _)) = by_attempt.into_iter().next() {
        return Err(CsvError(format!(
            "attempt_questions.csv: questions of attempt {id}, which attempts.csv does not hold"
        )));
    }
    Ok(())
}

/// A file's zip, opened for reading one entry at a time.
fn open_zip(path: &Path) -> Result<zip::ZipArchive<std::io::BufReader<std::fs::File>>, DecodeError> {
    let file = std::fs::File::open(path).map_err(|e| DecodeError::BadZip(format!("{}: {e}", path.display())))?;
    zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| DecodeError::BadZip(not_an_export(e).0))
}

fn bad(e: CsvError) -> DecodeError {
    DecodeError::BadZip(e.0)
}

/// The question rows of `attempt_questions.csv`, each with its attempt and position.
type Questions<'z> = Peekable<Box<dyn Iterator<Item = Result<(i64, i64, Map<String, Value>), CsvError>> + 'z>>;

/// Read the CSV-zip export in the file at `path` as a stream, handing each
/// piece to `on` as soon as it is parsed, as [`super::stream_json`] does a
/// JSON one: its head, then each table a chunk of rows at a time, parsed
/// by the same row parsers as a whole document and named by their row
/// (`attempts[41203].installation_id`); memory holds a chunk, not the file.
/// A call's questions are taken from `attempt_questions.csv` as the calls
/// are read, both in call order as an export writes them; a zip in another
/// order fails with [`DecodeError::Order`], and is for [`super::decode`],
/// whole (which also names a question whose call is not there).
pub fn stream_zip(path: &Path, mut on: impl FnMut(Incoming) -> Result<(), String>) -> Result<(), DecodeError> {
    let stopped = |e: String| DecodeError::Invalid(FieldErrors::one("document", crate::i18n::Msg::detail(e)));
    let mut zip = open_zip(path)?;
    let head = match zip.by_name("export.csv") {
        Ok(f) => rows_of(f, "export.csv", &HEADER).map_err(bad)?.next(),
        Err(zip::result::ZipError::FileNotFound) => return Err(bad(no_head())),
        Err(e) => return Err(bad(CsvError(format!("export.csv: {e}")))),
    };
    let head = head.ok_or_else(|| bad(CsvError("export.csv: has no data row".into())))?.map_err(bad)?;
    let mut c = Check::default();
    let secrets = head_of(&head, &mut c).map_err(DecodeError::Invalid)?;
    c.finish().map_err(DecodeError::Invalid)?;
    on(Incoming::Head { includes_secrets: secrets }).map_err(stopped)?;
    // The questions are read beside the calls, and attachments' files beside
    // their rows, from other handles on the file.
    let mut asked = open_zip(path)?;
    let mut files = open_zip(path)?;
    let mut unpack = u64::MAX;
    let mut questions: Questions<'_> = match asked.by_name("attempt_questions.csv") {
        Ok(f) => {
            let rows = rows_of(f, "attempt_questions.csv", &QUESTIONS).map_err(bad)?;
            let placed = rows.enumerate().map(|(i, q)| q.and_then(|q| placed(q, i + 2)));
            (Box::new(placed) as Box<dyn Iterator<Item = _>>).peekable()
        }
        Err(zip::result::ZipError::FileNotFound) => {
            (Box::new(std::iter::empty()) as Box<dyn Iterator<Item = _>>).peekable()
        }
        Err(e) => return Err(bad(CsvError(format!("attempt_questions.csv: {e}")))),
    };
    for (t, table) in ENTITIES.iter().enumerate() {
        let name = format!("{table}.csv");
        let file = match zip.by_name(&name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => continue,
            Err(e) => return Err(bad(CsvError(format!("{name}: {e}")))),
        };
        let (mut chunks, mut last_call) = (Chunks::default(), i64::MIN);
        for (i, row) in rows_of(file, &name, &columns(table, true)).map_err(bad)?.enumerate() {
            let mut row = row.map_err(bad)?;
            if *table == "attachments" {
                take_file(&mut files, &mut row, i + 2, &mut unpack).map_err(bad)?;
            }
            if *table == "attempts" {
                let id = row.get("id").and_then(Value::as_i64).unwrap_or(i64::MIN);
                if id <= last_call {
                    return Err(DecodeError::Order(format!("attempts.csv: call {id} is not in id order")));
                }
                last_call = id;
                row.insert("questions".into(), in_order(questions_of(&mut questions, id)?));
            }
            if let Some((start, items)) = chunks.push(Value::Object(row)) {
                send_chunk(&mut on, t, start, items, secrets)?;
            }
        }
        if let Some((start, items)) = chunks.rest() {
            send_chunk(&mut on, t, start, items, secrets)?;
        }
    }
    if let Some(q) = questions.next() {
        let (attempt_id, _, _) = q.map_err(bad)?;
        return Err(DecodeError::Order(format!(
            "attempt_questions.csv: questions of attempt {attempt_id} come after the calls they follow"
        )));
    }
    on(Incoming::End).map_err(stopped)
}

/// The questions of call `id`, the next rows of `questions` while they name
/// it. A row naming an earlier call is out of order (or of no call here).
fn questions_of(questions: &mut Questions<'_>, id: i64) -> Result<Positioned, DecodeError> {
    let mut own = Vec::new();
    while let Some(next) = questions.peek() {
        match next {
            Ok((attempt_id, _, _)) if *attempt_id == id => {
                if let Some(Ok((_, position, q))) = questions.next() {
                    own.push((position, q));
                }
            }
            Ok((attempt_id, _, _)) if *attempt_id < id => {
                return Err(DecodeError::Order(format!(
                    "attempt_questions.csv: questions of attempt {attempt_id} are not in call order"
                )))
            }
            Ok(_) => break,
            Err(_) => match questions.next() {
                Some(Err(e)) => return Err(bad(e)),
                _ => break,
            },
        }
    }
    Ok(own)
}

#[cfg(test)]
mod tests {
    /// The zip of a document given as JSON, as an export writes it (an
    /// attempt's fields left out are null).
    fn to_zip(doc: &Value) -> Result<Vec<u8>, CsvError> {
        let mut doc = doc.clone();
        for a in doc["attempts"].as_array_mut().into_iter().flatten() {
            for field in [
                "ended_at",
                "number_kind",
                "called_from",
                "country",
                "ivr_product",
                "installation_id",
                "ivr_result",
                "operator_outcome",
                "operator_rating",
                "confirmation_id",
                "result",
                "failure_reason",
                "notes",
                "archived_at",
            ] {
                a.as_object_mut().map(|o| o.entry(field).or_insert(Value::Null));
            }
        }
        let doc: super::super::Document = serde_json::from_value(doc).map_err(|e| CsvError(e.to_string()))?;
        super::super::encode(&doc, super::super::Format::Csv).map_err(CsvError)
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_survives_the_trip_through_csv() {
        let doc = json!({
            "format_version": 1, "exported_at": "2026-11-25T10:00:00.000000Z", "includes_secrets": false,
            "machines": [{"id": 1, "name": "PC \"one\", upstairs", "owner": null, "notes": "line 1\nline 2",
                          "created_at": "a", "updated_at": "b", "archived_at": null}],
            "hardware_changes": [{"id": 2, "machine_id": 1, "changed_on": "2014-05-09",
                "parts_replaced": ["motherboard", "cpu"], "parts_kept": [], "os_reinstalled": false, "notes": null,
                "created_at": "a", "updated_at": "b", "archived_at": null}],
            "licenses": [], "cases": [], "follow_ups": [],
            "attempts": [{"id": 5, "case_id": 1, "machine_id": 1, "license_id": 1, "started_at": "x",
                "method": "phone", "warnings": [], "created_at": "a", "updated_at": "b",
                "groups_reentered": [7, 2], "wait_seconds": 180, "questions": [
                    {"topic": "edition", "question": "Which edition?", "answer": "Pro"},
                    {"topic": "other", "question": null, "answer": "a, b"}]}]
        });
        let back = from_zip(&to_zip(&doc).unwrap()).unwrap();
        assert_eq!(back["machines"], doc["machines"]);
        assert_eq!(back["hardware_changes"], doc["hardware_changes"]);
        assert_eq!(back["format_version"], 1);
        assert_eq!(back["includes_secrets"], false);
        let a = &back["attempts"][0];
        assert_eq!(a["groups_reentered"], json!([7, 2]));
        assert_eq!(a["wait_seconds"], 180);
        assert_eq!(a["questions"], doc["attempts"][0]["questions"]);
        assert_eq!(a["ended_at"], Value::Null);
    }

    #[test]
    fn bad_cells_pass_through_for_the_parsers_to_name() {
        assert_eq!(read_cell("abc", Int), json!("abc"));
        assert_eq!(read_cell(" 12 ", Int), json!(12));
        assert_eq!(read_cell("", Int), Value::Null);
        assert_eq!(read_cell("yes", Bool), json!("yes"));
        assert_eq!(read_cell("", IntList), json!([]));
    }

    #[test]
    fn what_is_not_an_export_zip_is_refused() {
        assert!(from_zip(b"not a zip").unwrap_err().0.contains("not a zip"));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("notes.txt", SimpleFileOptions::default()).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(from_zip(&bytes).unwrap_err().0.contains("no export.csv"));
    }

    /// What [`stream_zip`] hands on for the zip `bytes`, put together,
    /// and how it came (the rows of each piece by table).
    fn streamed(bytes: &[u8]) -> Result<(super::super::Parsed, Vec<String>), DecodeError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.zip");
        std::fs::write(&path, bytes).unwrap();
        let (mut all, mut seen) = (super::super::Parsed::default(), Vec::new());
        stream_zip(&path, |piece| {
            seen.push(match piece {
                Incoming::Head { includes_secrets } => {
                    all.includes_secrets = includes_secrets;
                    format!("head {includes_secrets}")
                }
                Incoming::Rows { starts, rows } => {
                    let s = format!("rows {starts:?} {:?}", rows.counts().by_entity());
                    all.machines.extend(rows.machines);
                    all.hardware_changes.extend(rows.hardware_changes);
                    all.licenses.extend(rows.licenses);
                    all.cases.extend(rows.cases);
                    all.attempts.extend(rows.attempts);
                    all.follow_ups.extend(rows.follow_ups);
                    s
                }
                Incoming::End => "end".into(),
            });
            Ok(())
        })?;
        Ok((all, seen))
    }

    #[test]
    fn a_zip_file_streams_a_chunk_at_a_time_to_the_rows_read_whole() {
        let machines: Vec<Value> = (1..=1001)
            .map(|i| {
                json!({"id": i, "name": format!("PC {i}"), "owner": null, "notes": null,
                       "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "archived_at": null})
            })
            .collect();
        let doc = json!({"format_version": 1, "exported_at": "2026-11-25T10:00:00.000000Z", "includes_secrets": false,
            "machines": machines, "hardware_changes": [], "licenses": [], "cases": [], "attempts": [], "follow_ups": []});
        let zip = to_zip(&doc).unwrap();
        let (rows, pieces) = streamed(&zip).unwrap();
        assert_eq!(
            pieces,
            [
                "head false",
                "rows [0, 0, 0, 0, 0, 0, 0] [1000, 0, 0, 0, 0, 0, 0]",
                "rows [1000, 0, 0, 0, 0, 0, 0] [1, 0, 0, 0, 0, 0, 0]",
                "end"
            ]
        );
        assert_eq!(rows, super::super::decode(&zip, None).unwrap());
    }

    /// A zip of the given CSV files, as an export writes them.
    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write as _;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in files {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn calls_or_questions_out_of_call_order_are_for_the_whole_reader() {
        let head = ("export.csv", "format_version,exported_at,includes_secrets\n1,2026-11-25T10:00:00Z,false\n");
        let calls = ("attempts.csv", "id,case_id\n5,1\n6,1\n");
        let asked = ("attempt_questions.csv", "attempt_id,position,topic\n6,0,edition\n5,0,edition\n");
        assert!(matches!(streamed(&zip_of(&[head, calls, asked])), Err(DecodeError::Order(_))));
        let backwards = ("attempts.csv", "id,case_id\n6,1\n5,1\n");
        assert!(matches!(streamed(&zip_of(&[head, backwards])), Err(DecodeError::Order(_))));
        let orphan = ("attempt_questions.csv", "attempt_id,position,topic\n9,0,edition\n");
        assert!(matches!(streamed(&zip_of(&[head, orphan])), Err(DecodeError::Order(_))));
        // Whole, the orphan is named.
        let err = from_zip(&zip_of(&[head, calls, orphan])).unwrap_err().0;
        assert!(err.contains("questions of attempt 9"), "{err}");
        // Not a zip, and a zip without its head, are named as when read whole.
        assert!(streamed(b"not a zip").unwrap_err().to_string().contains("not a zip"));
        assert!(streamed(&zip_of(&[calls])).unwrap_err().to_string().contains("no export.csv"));
    }

    #[test]
    fn a_zip_that_unpacks_to_too_much_is_refused() {
        let doc = json!({"format_version": 1, "exported_at": "2026-11-25T10:00:00.000000Z", "includes_secrets": false,
            "machines": [{"id": 1, "name": "x".repeat(5000), "owner": null, "notes": null, "created_at": "a",
                          "updated_at": "b", "archived_at": null}],
            "hardware_changes": [], "licenses": [], "cases": [], "attempts": [], "follow_ups": []});
        let zip = to_zip(&doc).unwrap();
        assert!(zip.len() < 2000, "deflated well");
        assert!(from_zip_within(&zip, 100_000).is_ok());
        let err = from_zip_within(&zip, 4000).unwrap_err().0;
        assert!(err.contains("unpacks to more than"), "{err}");
    }
}
