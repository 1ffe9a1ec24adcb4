//! SQL side of export and import: one consistent read of every table, and
//! one all-or-nothing write of a parsed document (see [`crate::portable`]).

use std::collections::{HashMap, HashSet};

use futures_util::future::BoxFuture;
use sqlx::SqliteConnection;

use super::{audit, cases, follow_ups, hardware_changes, machines, Actor, NewRow, Store, StoreError};
use crate::domain::FieldErrors;
use crate::portable::{self, Counts, Document, ExportRow, ExportSink, Head, ImportReport, Parsed, Row};

/// The rows of one entity to insert, each with its name (`machines[0]`),
/// and how many were already stored.
type Split<'a, T> = (Vec<(String, &'a Row<T>)>, usize);

/// Rows of one entity that are new (with their index in the file), and how
/// many were already there, the same. A row whose id holds something else,
/// or an id listed twice, refuses the whole import.
fn split<'a, T: PartialEq>(
    entity: &str,
    noun: &str,
    incoming: &'a [Row<T>],
    existing: &[Row<T>],
) -> Result<Split<'a, T>, StoreError> {
    let existing: HashMap<i64, &Row<T>> = existing.iter().map(|r| (r.stamps.id, r)).collect();
    let mut seen = HashSet::new();
    let (mut new, mut same) = (Vec::new(), 0);
    let mut errors = FieldErrors::default();
    for (i, row) in incoming.iter().enumerate() {
        let at = format!("{entity}[{i}]");
        let id = row.stamps.id;
        if !seen.insert(id) {
            errors.0.extend(FieldErrors::one(format!("{at}.id"), format!("{id} is listed twice")).0);
            continue;
        }
        match existing.get(&id) {
            None => new.push((at, row)),
            Some(stored) if *stored == row => same += 1,
            Some(_) => errors.0.extend(
                FieldErrors::one(
                    format!("{at}.id"),
                    format!(
                        "{noun} {id} is already in this journal with other content; import into an empty journal, \
                         or restore a backup instead"
                    ),
                )
                .0,
            ),
        }
    }
    if errors.0.is_empty() {
        Ok((new, same))
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// Keep the stored rows whose ids the file holds.
/// The stored rows an import compares with: only those whose ids the file
/// holds, so that what is kept grows with the file, not the journal.
struct Only {
    ids: [HashSet<i64>; 6],
    doc: Document,
}

impl Only {
    fn new(file: &Parsed, head: &Head) -> Self {
        fn ids<T>(rows: &[Row<T>]) -> HashSet<i64> {
            rows.iter().map(|r| r.stamps.id).collect()
        }
        Only {
            ids: [
                ids(&file.machines),
                ids(&file.hardware_changes),
                ids(&file.licenses),
                ids(&file.cases),
                ids(&file.attempts),
                ids(&file.follow_ups),
            ],
            doc: Document::empty(head),
        }
    }
}

impl ExportSink for Only {
    fn row(&mut self, row: ExportRow) -> Result<(), String> {
        let (table, id) = match &row {
            ExportRow::Machine(r) => (0, r.id),
            ExportRow::HardwareChange(r) => (1, r.id),
            ExportRow::License(r) => (2, r.id),
            ExportRow::Case(r) => (3, r.id),
            ExportRow::Attempt(r) => (4, r.id),
            ExportRow::FollowUp(r) => (5, r.id),
        };
        if self.ids[table].contains(&id) {
            self.doc.row(row)?;
        }
        Ok(())
    }
}

impl Store {
    /// Every row of every entity, archived ones too, read in one
    /// transaction, in memory (see [`Store::export_into`]).
    pub async fn export(&self, actor: &Actor, secrets: bool) -> Result<Document, StoreError> {
        let mut doc = Document::empty(&Head::now(secrets));
        self.export_into(actor, secrets, &mut doc).await?;
        Ok(doc)
    }

    /// Every row of every entity, archived ones too, read in one
    /// transaction (a snapshot: writes go on meanwhile) a chunk at a time
    /// and handed to `sink` in [`portable::ENTITIES`] order, so that an
    /// export of any size takes bounded memory. With `secrets`, product
    /// keys and sealed answers are in clear, and an audit row
    /// (`reveal_product_key` of `export`) is committed before anything is read.
    pub async fn export_into<S: ExportSink>(
        &self,
        actor: &Actor,
        secrets: bool,
        sink: &mut S,
    ) -> Result<(), StoreError> {
        if secrets {
            let actor = actor.clone();
            self.write(move |tx: &mut SqliteConnection| -> BoxFuture<'_, Result<(), StoreError>> {
                Box::pin(async move {
                    audit(tx, &actor, "reveal_product_key", "export", None, &["product_key", "questions"]).await
                })
            })
            .await?;
        }
        let mut tx = self.pool.begin().await?;
        self.read_tables(&mut tx, secrets, sink).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Read every table a chunk at a time into `sink`.
    async fn read_tables<S: ExportSink>(
        &self,
        conn: &mut SqliteConnection,
        secrets: bool,
        sink: &mut S,
    ) -> Result<(), StoreError> {
        /// Rows a chunk reads.
        const CHUNK: i64 = 1000;
        macro_rules! chunks {
            ($variant:path, |$after:ident| $read:expr) => {{
                let mut $after = 0i64;
                loop {
                    let rows = $read.await?;
                    let Some(last) = rows.last().map(|r| r.id) else { break };
                    for r in rows {
                        sink.row($variant(r)).map_err(StoreError::Unavailable)?;
                    }
                    $after = last;
                }
            }};
        }
        chunks!(ExportRow::Machine, |after| machines::chunk(conn, after, CHUNK));
        chunks!(ExportRow::HardwareChange, |after| hardware_changes::chunk(conn, after, CHUNK));
        chunks!(ExportRow::License, |after| self.export_licenses(conn, secrets, after, CHUNK));
        chunks!(ExportRow::Case, |after| cases::chunk(conn, after, CHUNK));
        chunks!(ExportRow::Attempt, |after| self.export_attempts(conn, secrets, after, CHUNK));
        chunks!(ExportRow::FollowUp, |after| follow_ups::chunk(conn, after, CHUNK));
        Ok(())
    }

    /// Write a parsed document in one `IMMEDIATE` transaction: every row
    /// or none. A row whose id is already stored with the same content is
    /// left alone (so importing a file twice adds nothing); with other
    /// content it refuses the import. References are checked row by row,
    /// and a failure names the row and field (`cases[2].machine_id`).
    /// `progress` is called with the rows done so far.
    pub async fn import(
        &self,
        actor: &Actor,
        doc: &Parsed,
        progress: &dyn Fn(usize),
    ) -> Result<ImportReport, StoreError> {
        let mut tx = self.begin_write().await?;
        // What is stored, parsed the way the file was, so that the same row
        // compares equal however it was written (spaces in an ID, an offset).
        // Only the stored rows whose ids the file holds are compared.
        let mut stored = Only::new(doc, &Head::now(doc.includes_secrets));
        self.read_tables(&mut tx, doc.includes_secrets, &mut stored).await?;
        let stored = stored.doc;
        let stored = Parsed::stored(&stored)
            .map_err(|e| StoreError::Corrupt(format!("a stored row does not parse as an import would: {e}")))?;

        let machines = split("machines", "machine", &doc.machines, &stored.machines)?;
        let changes = split("hardware_changes", "hardware change", &doc.hardware_changes, &stored.hardware_changes)?;
        let licenses = split("licenses", "license", &doc.licenses, &stored.licenses)?;
        let cases = split("cases", "case", &doc.cases, &stored.cases)?;
        let attempts = split("attempts", "attempt", &doc.attempts, &stored.attempts)?;
        let follow_ups = split("follow_ups", "follow-up", &doc.follow_ups, &stored.follow_ups)?;
        let report = ImportReport {
            created: Counts::from([
                machines.0.len(),
                changes.0.len(),
                licenses.0.len(),
                cases.0.len(),
                attempts.0.len(),
                follow_ups.0.len(),
            ]),
            unchanged: Counts::from([machines.1, changes.1, licenses.1, cases.1, attempts.1, follow_ups.1]),
        };

        let mut done = 0;
        let mut step = || {
            done += 1;
            if done % 100 == 0 {
                progress(done);
            }
        };
        for (at, row) in &machines.0 {
            machines::import(&mut tx, row).await.map_err(|e| at_row(e, at))?;
            step();
        }
        for (at, row) in &changes.0 {
            hardware_changes::import(&mut tx, row).await.map_err(|e| at_row(e, at))?;
            step();
        }
        for (at, row) in &licenses.0 {
            self.insert_license(&mut tx, &NewRow::from(&row.stamps), &row.value).await.map_err(|e| at_row(e, at))?;
            step();
        }
        for (at, row) in &cases.0 {
            cases::import(&mut tx, row).await.map_err(|e| at_row(e, at))?;
            step();
        }
        for (at, row) in &attempts.0 {
            self.import_attempt(&mut tx, row).await.map_err(|e| at_row(e, at))?;
            step();
        }
        for (at, row) in &follow_ups.0 {
            follow_ups::import(&mut tx, row).await.map_err(|e| at_row(e, at))?;
            step();
        }
        progress(report.created.total());
        let written: Vec<&str> = portable::ENTITIES
            .iter()
            .zip(report.created.by_entity())
            .filter(|(_, n)| *n > 0)
            .map(|(e, _)| *e)
            .collect();
        if report.created.total() > 0 {
            super::search::catch_up(&mut tx, super::search::Look::Always).await?;
        }
        audit(&mut tx, actor, "import", "journal", None, &written).await?;
        tx.commit().await?;
        Ok(report)
    }
}

/// A refusal while writing one row, named after the row: its field errors
/// get the row's name before them (`cases[2].machine_id`), and any other
/// refusal is the row's own.
fn at_row(e: StoreError, at: &str) -> StoreError {
    match e {
        StoreError::Invalid(errors) => StoreError::Invalid(errors.prefixed(&format!("{at}."))),
        StoreError::Conflict(message) => StoreError::Invalid(FieldErrors::one(at, message)),
        other => other,
    }
}
