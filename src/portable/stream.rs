//! Writing an export as it is read: rows go out one at a time, to JSON or
//! to the CSV zip, so an export of any size takes a bounded amount of
//! memory (the store reads the journal a chunk at a time, see
//! [`crate::store::Store::export_into`]).
//!
//! JSON is written one row a line, inside the document's arrays (so a
//! diff of two exports reads row by row). The CSV zip is written as a
//! stream (`ZipWriter::new_stream`: no seeking, so stdout and an HTTP body
//! work); an attempt's questions, which go to their own file after
//! `attempts.csv`, wait in a temporary file meanwhile, and so do the rows of
//! `attachments.csv`, while each attachment's file goes into the zip as it
//! is read (`attachments/3.jpg`). A file is written once, never held
//! twice: base64 in JSON is encoded as it is written.

use std::io::{Seek, SeekFrom, Write};

use serde::Serialize;
use serde_json::Value;

use super::csv::{cell, columns, entry_options, HEADER, QUESTIONS};
use super::{AttachmentRow, Document, Format, LicenseRow, ENTITIES};
use crate::domain::{Attempt, Case, FollowUp, HardwareChange, Machine};

/// One row of an export, of whichever table.
#[derive(Debug)]
pub enum ExportRow {
    Machine(Machine),
    HardwareChange(HardwareChange),
    License(LicenseRow),
    Case(Case),
    Attempt(Attempt),
    FollowUp(FollowUp),
    Attachment(AttachmentRow),
}

impl ExportRow {
    /// Its table (the index in [`ENTITIES`]) and its id.
    pub fn key(&self) -> (usize, i64) {
        match self {
            ExportRow::Machine(r) => (0, r.id),
            ExportRow::HardwareChange(r) => (1, r.id),
            ExportRow::License(r) => (2, r.id),
            ExportRow::Case(r) => (3, r.id),
            ExportRow::Attempt(r) => (4, r.id),
            ExportRow::FollowUp(r) => (5, r.id),
            ExportRow::Attachment(r) => (6, r.attachment.id),
        }
    }

    /// The row as JSON, its fields in the order of its type (`id` first).
    fn write_json<W: Write>(&self, w: W) -> Result<(), String> {
        let written = match self {
            ExportRow::Machine(r) => serde_json::to_writer(w, r),
            ExportRow::HardwareChange(r) => serde_json::to_writer(w, r),
            ExportRow::License(r) => serde_json::to_writer(w, r),
            ExportRow::Case(r) => serde_json::to_writer(w, r),
            ExportRow::Attempt(r) => serde_json::to_writer(w, r),
            ExportRow::FollowUp(r) => serde_json::to_writer(w, r),
            ExportRow::Attachment(r) => serde_json::to_writer(w, r),
        };
        written.map_err(failed)
    }

    fn json(&self) -> Result<Value, String> {
        let v = match self {
            ExportRow::Machine(r) => serde_json::to_value(r),
            ExportRow::HardwareChange(r) => serde_json::to_value(r),
            ExportRow::License(r) => serde_json::to_value(r),
            ExportRow::Case(r) => serde_json::to_value(r),
            ExportRow::Attempt(r) => serde_json::to_value(r),
            ExportRow::FollowUp(r) => serde_json::to_value(r),
            // The file goes into the zip apart, not into a cell.
            ExportRow::Attachment(r) => serde_json::to_value(&r.attachment),
        };
        v.map_err(|e| format!("could not write the export: {e}"))
    }
}

/// Where the rows of an export go, in [`ENTITIES`] order.
pub trait ExportSink {
    fn row(&mut self, row: ExportRow) -> Result<(), String>;
}

/// A whole document in memory (tests, and an import's comparison with
/// what is stored).
impl ExportSink for Document {
    fn row(&mut self, row: ExportRow) -> Result<(), String> {
        match row {
            ExportRow::Machine(r) => self.machines.push(r),
            ExportRow::HardwareChange(r) => self.hardware_changes.push(r),
            ExportRow::License(r) => self.licenses.push(r),
            ExportRow::Case(r) => self.cases.push(r),
            ExportRow::Attempt(r) => self.attempts.push(r),
            ExportRow::FollowUp(r) => self.follow_ups.push(r),
            ExportRow::Attachment(r) => self.attachments.push(r),
        }
        Ok(())
    }
}

/// What an export says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Head {
    pub format_version: i64,
    pub exported_at: String,
    pub includes_secrets: bool,
}

impl Head {
    /// The head of an export made now.
    pub fn now(includes_secrets: bool) -> Self {
        Head { format_version: super::FORMAT_VERSION, exported_at: crate::domain::time::now_system(), includes_secrets }
    }
}

/// An export being written to `W`.
pub struct ExportWriter<W: Write> {
    form: Form<W>,
    /// How many tables were opened (the last one is being written while `open`).
    opened: usize,
    open: bool,
    /// Rows written per table, and in the open table.
    rows: [usize; 7],
    in_table: usize,
    secrets: bool,
}

enum Form<W: Write> {
    Json(W),
    Csv(Box<Zip<W>>),
}

struct Zip<W: Write> {
    zip: zip::ZipWriter<zip::write::StreamWriter<W>>,
    options: zip::write::SimpleFileOptions,
    /// The questions of the attempts written so far, or the rows of
    /// `attachments.csv` (whose files go into the zip meanwhile).
    questions: Option<::csv::Writer<std::fs::File>>,
    /// The file the table held in `questions` goes to at its end.
    held: &'static str,
}

fn failed(e: impl std::fmt::Display) -> String {
    format!("could not write the export: {e}")
}

impl<W: Write> ExportWriter<W> {
    /// Begin an export: its head, then rows through [`ExportSink::row`],
    /// then [`ExportWriter::finish`].
    pub fn new(format: Format, mut out: W, head: &Head) -> Result<Self, String> {
        let form = match format {
            Format::Json => {
                write!(
                    out,
                    "{{\n  \"format_version\": {},\n  \"exported_at\": {},\n  \"includes_secrets\": {}",
                    head.format_version,
                    Value::from(head.exported_at.as_str()),
                    head.includes_secrets
                )
                .map_err(failed)?;
                Form::Json(out)
            }
            Format::Csv => {
                let options = entry_options(Some(&head.exported_at));
                let mut z = Zip { zip: zip::ZipWriter::new_stream(out), options, questions: None, held: "" };
                z.start("export.csv", &HEADER.map(|(c, _)| c))?;
                let head = serde_json::to_value(head).map_err(failed)?;
                z.put(HEADER.iter().map(|(c, _)| cell(head.get(*c))))?;
                Form::Csv(Box::new(z))
            }
        };
        Ok(Self { form, opened: 0, open: false, rows: [0; 7], in_table: 0, secrets: head.includes_secrets })
    }

    /// Rows written, per table.
    pub fn counts(&self) -> super::Counts {
        super::Counts::from(self.rows)
    }

    /// Open the tables up to the one at `index` of [`ENTITIES`] in turn
    /// (an empty table is opened and closed: every table is in the export).
    fn advance(&mut self, index: usize) -> Result<(), String> {
        while self.opened <= index && self.opened < ENTITIES.len() {
            if self.open {
                self.close_table()?;
            }
            self.open_table(ENTITIES[self.opened])?;
            self.opened += 1;
            self.open = true;
            self.in_table = 0;
        }
        Ok(())
    }

    fn open_table(&mut self, table: &'static str) -> Result<(), String> {
        match &mut self.form {
            Form::Json(out) => write!(out, ",\n  \"{table}\": [").map_err(failed),
            Form::Csv(z) => {
                let cols: Vec<&str> = columns(table, self.secrets).iter().map(|(c, _)| *c).collect();
                let held = |header: &mut dyn Iterator<Item = &str>| {
                    let mut w = ::csv::Writer::from_writer(tempfile::tempfile().map_err(failed)?);
                    w.write_record(header).map_err(failed)?;
                    Ok::<_, String>(w)
                };
                match table {
                    "attempts" => {
                        z.start("attempts.csv", &cols)?;
                        z.questions = Some(held(&mut QUESTIONS.iter().map(|(c, _)| *c))?);
                        z.held = "attempt_questions.csv";
                    }
                    "attachments" => {
                        z.questions = Some(held(&mut cols.iter().copied())?);
                        z.held = "attachments.csv";
                    }
                    _ => z.start(&format!("{table}.csv"), &cols)?,
                }
                Ok(())
            }
        }
    }

    fn close_table(&mut self) -> Result<(), String> {
        match &mut self.form {
            Form::Json(out) => write!(out, "\n  ]").map_err(failed),
            Form::Csv(z) => match z.questions.take() {
                Some(w) => {
                    let mut file = w.into_inner().map_err(failed)?;
                    file.seek(SeekFrom::Start(0)).map_err(failed)?;
                    z.zip.start_file(z.held, z.options).map_err(failed)?;
                    std::io::copy(&mut file, &mut z.zip).map_err(failed)?;
                    Ok(())
                }
                None => Ok(()),
            },
        }
    }

    /// Write the end of the export, and give back the writer.
    pub fn finish(mut self) -> Result<W, String> {
        self.advance(ENTITIES.len() - 1)?;
        if self.open {
            self.close_table()?;
        }
        match self.form {
            Form::Json(mut out) => {
                out.write_all(b"\n}\n").map_err(failed)?;
                out.flush().map_err(failed)?;
                Ok(out)
            }
            Form::Csv(z) => {
                let mut out = z.zip.finish().map_err(failed)?.into_inner();
                out.flush().map_err(failed)?;
                Ok(out)
            }
        }
    }
}

impl<W: Write> Zip<W> {
    fn start(&mut self, name: &str, cols: &[&str]) -> Result<(), String> {
        self.zip.start_file(name, self.options).map_err(failed)?;
        self.put(cols.iter().map(|c| c.to_string()))
    }

    /// One CSV record, quoted as the csv crate quotes, into the zip.
    fn put(&mut self, record: impl IntoIterator<Item = String>) -> Result<(), String> {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.write_record(record).map_err(failed)?;
        let bytes = w.into_inner().map_err(failed)?;
        self.zip.write_all(&bytes).map_err(failed)
    }
}

impl<W: Write> ExportSink for ExportWriter<W> {
    fn row(&mut self, row: ExportRow) -> Result<(), String> {
        let (index, _) = row.key();
        let table = ENTITIES[index];
        if index + 1 < self.opened {
            return Err(format!("could not write the export: a {table} row came after its table"));
        }
        self.advance(index)?;
        let first = self.in_table == 0;
        match &mut self.form {
            Form::Json(out) => {
                out.write_all(if first { b"\n    " } else { b",\n    " }).map_err(failed)?;
                row.write_json(&mut *out)?;
            }
            Form::Csv(z) => {
                let mut value = row.json()?;
                let cols = columns(table, self.secrets);
                if let (ExportRow::Attachment(a), Some(w)) = (&row, z.questions.as_mut()) {
                    if let (Some(content), Some(v)) = (&a.content, value.as_object_mut()) {
                        let name = super::csv::file_of(&a.attachment);
                        v.insert("file".into(), Value::from(name.as_str()));
                        // Photos and PDFs are compressed already: stored as they are.
                        let options = z.options.compression_method(zip::CompressionMethod::Stored);
                        z.zip.start_file(name, options).map_err(failed)?;
                        z.zip.write_all(content).map_err(failed)?;
                    }
                    w.write_record(cols.iter().map(|(c, _)| cell(value.get(*c)))).map_err(failed)?;
                } else {
                    z.put(cols.iter().map(|(c, _)| cell(value.get(*c))))?;
                }
                if let (ExportRow::Attempt(a), Some(w)) = (&row, z.questions.as_mut()) {
                    for (position, q) in a.questions.iter().enumerate() {
                        let q = serde_json::to_value(q).map_err(failed)?;
                        w.write_record([
                            a.id.to_string(),
                            position.to_string(),
                            cell(q.get("topic")),
                            cell(q.get("question")),
                            cell(q.get("answer")),
                        ])
                        .map_err(failed)?;
                    }
                }
            }
        }
        self.rows[index] += 1;
        self.in_table += 1;
        Ok(())
    }
}

/// Write a whole document in the given form (tests; the store streams).
pub fn encode(doc: &Document, format: Format) -> Result<Vec<u8>, String> {
    let head = Head {
        format_version: doc.format_version,
        exported_at: doc.exported_at.clone(),
        includes_secrets: doc.includes_secrets,
    };
    let mut w = ExportWriter::new(format, Vec::new(), &head)?;
    let rows = doc
        .machines
        .iter()
        .cloned()
        .map(ExportRow::Machine)
        .chain(doc.hardware_changes.iter().cloned().map(ExportRow::HardwareChange))
        .chain(doc.licenses.iter().cloned().map(ExportRow::License))
        .chain(doc.cases.iter().cloned().map(ExportRow::Case))
        .chain(doc.attempts.iter().cloned().map(ExportRow::Attempt))
        .chain(doc.follow_ups.iter().cloned().map(ExportRow::FollowUp))
        .chain(doc.attachments.iter().cloned().map(ExportRow::Attachment));
    for r in rows {
        w.row(r)?;
    }
    w.finish()
}
