//! Reading a JSON export as a stream: the head, then each table a chunk of
//! rows at a time, parsed by the same row parsers as a whole document
//! ([`super::parse`]) and named by their index in the file
//! (`attempts[41203].installation_id`). Memory holds a chunk, not the file.

use std::io::Read;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::rows::{at_most, chunk_of, head_of, HEAD, REQUIRED};
use super::{DecodeError, Parsed, Starts, ENTITIES, REQUIRED_TABLES};
use crate::domain::fields::Check;
use crate::domain::FieldErrors;

/// Rows parsed and handed on at a time.
pub const CHUNK: usize = 1000;

/// Bytes of files (base64 text) a chunk of attachments holds at most: it
/// is handed on as soon as it holds this much, so that a chunk holds a
/// few files (one, when they are large), not a thousand.
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// A table's rows gathered into chunks, each handed on when it holds
/// [`CHUNK`] rows or [`CHUNK_BYTES`] bytes of files (base64 `content`),
/// with the index of its first row in the table (the JSON and the CSV
/// readers both gather so).
#[derive(Default)]
pub(super) struct Chunks {
    start: usize,
    rows: Vec<Value>,
    bytes: usize,
}

impl Chunks {
    /// Add a row; the chunk to hand on, when it is full.
    pub(super) fn push(&mut self, row: Value) -> Option<(usize, Vec<Value>)> {
        self.bytes += row.get("content").and_then(Value::as_str).map_or(0, str::len);
        self.rows.push(row);
        if self.rows.len() >= CHUNK || self.bytes >= CHUNK_BYTES {
            self.rest()
        } else {
            None
        }
    }

    /// The rows gathered and not yet handed on, if any (the table's last chunk).
    pub(super) fn rest(&mut self) -> Option<(usize, Vec<Value>)> {
        if self.rows.is_empty() {
            return None;
        }
        let items = std::mem::take(&mut self.rows);
        let start = self.start;
        self.start += items.len();
        self.bytes = 0;
        Some((start, items))
    }
}

/// What a streamed export yields, in order: its head, chunks of rows, the end.
#[derive(Debug)]
// Few are made (one a chunk), and they are moved, not kept: no box needed.
#[allow(clippy::large_enum_variant)]
pub enum Incoming {
    Head {
        includes_secrets: bool,
    },
    /// Rows of one table; `starts` says where each table's rows start in the file.
    Rows {
        starts: Starts,
        rows: Parsed,
    },
    End,
}

/// Read a JSON export from `reader`, handing each piece to `on` as soon as
/// it is parsed. The head fields must come before the tables and the
/// tables in [`ENTITIES`] order, as every export writes them; a file in
/// another order (edited by a tool that sorts keys) fails with
/// [`DecodeError::Order`], and is for [`super::decode`], whole. Every table
/// must be there. `on` failing stops the reading (its message is the error).
pub fn stream_json<R: Read>(reader: R, mut on: impl FnMut(Incoming) -> Result<(), String>) -> Result<(), DecodeError> {
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let mut state = State { on: &mut on, head: Map::new(), secrets: None, tables: 0, failed: None };
    let read = (&mut de).deserialize_map(Top(&mut state));
    if let Some(e) = state.failed.take() {
        return Err(e);
    }
    read.map_err(DecodeError::NotJson)?;
    de.end().map_err(DecodeError::NotJson)?;
    if state.secrets.is_none() {
        state.send_head()?;
    }
    if state.tables < REQUIRED_TABLES {
        let mut c = Check::default();
        for t in &ENTITIES[state.tables..REQUIRED_TABLES] {
            c.push(*t, crate::i18n::Msg::new(REQUIRED));
        }
        c.finish().map_err(DecodeError::Invalid)?;
    }
    (state.on)(Incoming::End).map_err(stopped)
}

fn stopped(e: String) -> DecodeError {
    DecodeError::Invalid(FieldErrors::one("document", crate::i18n::Msg::detail(e)))
}

struct State<'f, F> {
    on: &'f mut F,
    head: Map<String, Value>,
    /// Set once the head was checked and handed on.
    secrets: Option<bool>,
    /// How many of [`ENTITIES`] were read.
    tables: usize,
    /// Why reading stopped, when it was not the JSON itself.
    failed: Option<DecodeError>,
}

impl<F: FnMut(Incoming) -> Result<(), String>> State<'_, F> {
    fn send_head(&mut self) -> Result<bool, DecodeError> {
        if let Some(s) = self.secrets {
            return Ok(s);
        }
        let mut c = Check::default();
        let secrets = head_of(&self.head, &mut c).map_err(DecodeError::Invalid)?;
        c.finish().map_err(DecodeError::Invalid)?;
        self.secrets = Some(secrets);
        (self.on)(Incoming::Head { includes_secrets: secrets }).map_err(stopped)?;
        Ok(secrets)
    }

    /// Parse and hand on one chunk of table `t`.
    fn send_rows(&mut self, t: usize, start: usize, items: Vec<Value>) -> Result<(), DecodeError> {
        let secrets = self.send_head()?;
        send_chunk(self.on, t, start, items, secrets)
    }
}

/// Parse one chunk of table `t` (rows `start..` of it in the file) and hand
/// it on: the one step of every streamed reading, JSON or CSV.
pub(super) fn send_chunk(
    on: &mut impl FnMut(Incoming) -> Result<(), String>,
    t: usize,
    start: usize,
    items: Vec<Value>,
    secrets: bool,
) -> Result<(), DecodeError> {
    let rows = chunk_of(ENTITIES[t], start, items, secrets).map_err(|e| DecodeError::Invalid(at_most(e)))?;
    let mut starts = Starts::default();
    starts[t] = start;
    on(Incoming::Rows { starts, rows }).map_err(stopped)
}

/// Stop the JSON reader, keeping the reason.
fn fail<E: de::Error, F>(state: &mut State<'_, F>, e: DecodeError) -> E {
    let message = e.to_string();
    state.failed = Some(e);
    E::custom(message)
}

struct Top<'s, 'f, F>(&'s mut State<'f, F>);

impl<'de, F: FnMut(Incoming) -> Result<(), String>> Visitor<'de> for Top<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object written by activation-journal export")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(key) = map.next_key::<String>()? {
            if let Some(t) = ENTITIES.iter().position(|e| *e == key) {
                if t < state.tables || (state.secrets.is_none() && HEAD.iter().any(|h| !state.head.contains_key(*h))) {
                    return Err(fail(state, DecodeError::Order(format!("{key} is not where an export writes it"))));
                }
                if let Err(e) = state.send_head() {
                    return Err(fail(state, e));
                }
                map.next_value_seed(Table { state: &mut *state, t })?;
                state.tables = t + 1;
            } else if HEAD.contains(&key.as_str()) {
                if state.secrets.is_some() {
                    return Err(fail(state, DecodeError::Order(format!("{key} comes after the tables"))));
                }
                let value: Value = map.next_value()?;
                state.head.insert(key, value);
            } else {
                let message = crate::i18n::Msg::new("msg.import.unknown_key").arg("expected", ENTITIES.join(", "));
                return Err(fail(state, DecodeError::Invalid(FieldErrors::one(key.as_str(), message))));
            }
        }
        Ok(())
    }
}

struct Table<'s, 'f, F> {
    state: &'s mut State<'f, F>,
    t: usize,
}

impl<'de, F: FnMut(Incoming) -> Result<(), String>> DeserializeSeed<'de> for Table<'_, '_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Incoming) -> Result<(), String>> Visitor<'de> for Table<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "an array of {} rows", ENTITIES[self.t])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (state, t) = (self.state, self.t);
        let mut chunks = Chunks::default();
        let mut send = |full: Option<(usize, Vec<Value>)>| match full {
            Some((start, items)) => state.send_rows(t, start, items).map_err(|e| fail(state, e)),
            None => Ok(()),
        };
        while let Some(row) = seq.next_element::<Value>()? {
            send(chunks.push(row))?;
        }
        send(chunks.rest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Result<Vec<String>, DecodeError> {
        let mut seen = Vec::new();
        stream_json(text.as_bytes(), |p| {
            seen.push(match p {
                Incoming::Head { includes_secrets } => format!("head {includes_secrets}"),
                Incoming::Rows { starts, rows } => format!("rows {starts:?} {:?}", rows.counts().by_entity()),
                Incoming::End => "end".into(),
            });
            Ok(())
        })?;
        Ok(seen)
    }

    const HEAD_TEXT: &str = r#""format_version": 1, "exported_at": "2026-11-25T10:00:00Z", "includes_secrets": false"#;

    #[test]
    fn an_export_in_its_own_order_streams_table_by_table() {
        let machines: Vec<String> = (1..=1001)
            .map(|i| format!(r#"{{"id": {i}, "name": "PC {i}", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}}"#))
            .collect();
        let doc = format!(
            r#"{{{HEAD_TEXT}, "machines": [{}], "hardware_changes": [], "licenses": [], "cases": [], "attempts": [], "follow_ups": []}}"#,
            machines.join(",")
        );
        assert_eq!(
            pieces(&doc).unwrap(),
            [
                "head false",
                "rows [0, 0, 0, 0, 0, 0, 0] [1000, 0, 0, 0, 0, 0, 0]",
                "rows [1000, 0, 0, 0, 0, 0, 0] [1, 0, 0, 0, 0, 0, 0]",
                "end"
            ]
        );
    }

    #[test]
    fn attachments_go_a_few_files_at_a_time_and_are_not_required_of_format_1() {
        use base64::Engine as _;
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.resize(5 << 20, b' ');
        let content = base64::engine::general_purpose::STANDARD.encode(&pdf);
        let rows: Vec<String> = (1..=3)
            .map(|i| format!(r#"{{"id": {i}, "entity": "license", "entity_id": 1, "media_type": "application/pdf", "content": "{content}", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}}"#))
            .collect();
        let tables =
            r#""machines": [], "hardware_changes": [], "licenses": [], "cases": [], "attempts": [], "follow_ups": []"#;
        let head = HEAD_TEXT.replace("false", "true");
        let doc = format!(r#"{{{head}, {tables}, "attachments": [{}]}}"#, rows.join(","));
        assert_eq!(
            pieces(&doc).unwrap(),
            [
                "head true",
                "rows [0, 0, 0, 0, 0, 0, 0] [0, 0, 0, 0, 0, 0, 2]",
                "rows [0, 0, 0, 0, 0, 0, 2] [0, 0, 0, 0, 0, 0, 1]",
                "end"
            ],
            "two files of 5 MiB fill a chunk"
        );
        let old = format!(r#"{{{HEAD_TEXT}, {tables}}}"#);
        assert_eq!(pieces(&old).unwrap(), ["head false", "end"]);
    }

    #[test]
    fn another_order_is_for_the_whole_document_reader_and_gaps_are_named() {
        let sorted = r#"{"attempts": [], "cases": [], "exported_at": "2026-11-25T10:00:00Z", "follow_ups": [],
            "format_version": 1, "hardware_changes": [], "includes_secrets": false, "licenses": [], "machines": []}"#;
        assert!(matches!(pieces(sorted), Err(DecodeError::Order(_))));
        let head_late = r#"{"format_version": 1, "exported_at": "2026-11-25T10:00:00Z", "machines": [], "includes_secrets": false}"#;
        assert!(matches!(pieces(head_late), Err(DecodeError::Order(_))));
        let cut = format!(r#"{{{HEAD_TEXT}, "machines": [], "hardware_changes": []}}"#);
        let Err(DecodeError::Invalid(e)) = pieces(&cut) else { panic!("a document without its last tables") };
        assert_eq!(
            e.0.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["licenses", "cases", "attempts", "follow_ups"]
        );
        let newer = r#"{"format_version": 9, "exported_at": "2026-11-25T10:00:00Z", "includes_secrets": false, "machines": []}"#;
        let Err(DecodeError::Invalid(e)) = pieces(newer) else { panic!("a newer document") };
        assert!(e.0[0].message.contains("newer activation-journal"), "{e:?}");
        let stray = format!(r#"{{{HEAD_TEXT}, "machines": [], "tokens": []}}"#);
        let Err(DecodeError::Invalid(e)) = pieces(&stray) else { panic!("a stray field") };
        assert_eq!(e.0[0].field, "tokens");
        assert!(matches!(pieces("{\"format_version\": 1,"), Err(DecodeError::NotJson(_))));
        let bad_row = format!(r#"{{{HEAD_TEXT}, "machines": [{{"id": 1}}]}}"#);
        let Err(DecodeError::Invalid(e)) = pieces(&bad_row) else { panic!("a bad row") };
        assert!(e.0[0].field.starts_with("machines[0]"), "{e:?}");
    }
}
