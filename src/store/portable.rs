//! SQL side of export and import: one consistent read of every table, and
//! one all-or-nothing write of a parsed document (see [`crate::portable`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use sqlx::SqliteConnection;

use super::import_rows::{Named, NewRows};
use super::writer::HeldWrite;
use super::{attachments, cases, follow_ups, hardware_changes, machines, Actor, Known, Store, StoreError};
use crate::domain::FieldErrors;
use crate::portable::{
    self, AttachmentRow, Counts, Document, ExportRow, ExportSink, Head, ImportReport, Incoming, Parsed, Row, Starts,
};

/// The rows of one entity to insert, each with its name (`machines[0]`),
/// and how many were already stored.
type Split<T> = (Vec<Named<T>>, usize);

/// Rows of one entity that are new (with their index in the file), and how
/// many were already there, the same. A row whose id holds something else,
/// or an id listed twice, refuses the whole import.
fn split<T: PartialEq + Clone>(
    entity: &str,
    noun: &str,
    (start, incoming): (usize, &[Row<T>]),
    existing: &[Row<T>],
    seen: &mut Seen,
) -> Result<Split<T>, StoreError> {
    let existing: HashMap<i64, &Row<T>> = existing.iter().map(|r| (r.stamps.id, r)).collect();
    let (mut new, mut same) = (Vec::new(), 0);
    let mut errors = FieldErrors::default();
    for (i, row) in incoming.iter().enumerate() {
        let at = format!("{entity}[{}]", start + i);
        let id = row.stamps.id;
        if !seen.insert(id) {
            errors.0.extend(
                FieldErrors::one(format!("{at}.id"), crate::i18n::Msg::new("msg.listed_twice").arg("text", id)).0,
            );
            continue;
        }
        match existing.get(&id) {
            None => new.push((at, row.clone())),
            Some(stored) if *stored == row => same += 1,
            Some(_) => errors.0.extend(
                FieldErrors::one(
                    format!("{at}.id"),
                    crate::i18n::Msg::new("msg.import_clash").noun("what", noun).arg("id", id),
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

/// The ids an import has seen in one table, as runs of consecutive ids
/// (first → last): an export lists each table's ids in order, so a million
/// rows are a run or a few, where a set of ids would hold 18 MiB (a
/// `HashSet<i64>` of a million, more while it grows). Ids in any order are
/// kept too, a run each at worst.
#[derive(Debug, Default)]
struct Seen(BTreeMap<i64, i64>);

impl Seen {
    /// Note `id`; false when it was seen already.
    fn insert(&mut self, id: i64) -> bool {
        let before = self.0.range(..=id).next_back().map(|(lo, hi)| (*lo, *hi));
        if before.is_some_and(|(_, hi)| id <= hi) {
            return false;
        }
        // A run starting right after `id` joins it.
        let last = match id.checked_add(1).and_then(|next| self.0.remove(&next)) {
            Some(hi) => hi,
            None => id,
        };
        match before {
            // `id` ends the run before it: that run grows.
            Some((lo, hi)) if hi.checked_add(1) == Some(id) => self.0.insert(lo, last),
            _ => self.0.insert(id, last),
        };
        true
    }
}

/// The stored rows an import compares with: only those whose ids the file
/// holds, so that what is kept grows with the file, not the journal.
struct Only {
    ids: [HashSet<i64>; 7],
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
                ids(&file.attachments),
            ],
            doc: Document::empty(head),
        }
    }
}

impl ExportSink for Only {
    fn row(&mut self, row: ExportRow) -> Result<(), String> {
        let (table, id) = row.key();
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
            self.write(move |conn| {
                let fields = ["product_key", "questions", "attachments"];
                super::statements::audit(conn, &actor, "reveal_product_key", "export", None, &fields)
            })
            .await?;
        }
        let mut tx = self.pool.begin().await?;
        self.read_tables(&mut tx, secrets, sink).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The stored rows of each table whose ids fall between the lowest and
    /// the highest id `doc` holds for that table, into `sink`.
    async fn read_ranges<S: ExportSink>(
        &self,
        conn: &mut SqliteConnection,
        secrets: bool,
        doc: &Parsed,
        sink: &mut S,
    ) -> Result<(), StoreError> {
        fn range<T>(rows: &[Row<T>]) -> Option<(i64, i64)> {
            let lo = rows.iter().map(|r| r.stamps.id).min()?;
            let hi = rows.iter().map(|r| r.stamps.id).max()?;
            // The rows after `lo - 1`, as many as ids fit up to `hi`.
            Some((lo.saturating_sub(1), hi.saturating_sub(lo).saturating_add(1)))
        }
        macro_rules! stored {
            ($rows:expr, $variant:path, |$after:ident, $limit:ident| $read:expr) => {
                if let Some(($after, $limit)) = range($rows) {
                    for r in $read.await? {
                        sink.row($variant(r)).map_err(StoreError::Unavailable)?;
                    }
                }
            };
        }
        stored!(&doc.machines, ExportRow::Machine, |after, limit| machines::chunk(conn, after, limit));
        stored!(&doc.hardware_changes, ExportRow::HardwareChange, |after, limit| hardware_changes::chunk(
            conn, after, limit
        ));
        stored!(&doc.licenses, ExportRow::License, |after, limit| self.export_licenses(conn, secrets, after, limit));
        stored!(&doc.cases, ExportRow::Case, |after, limit| cases::chunk(conn, after, limit));
        stored!(&doc.attempts, ExportRow::Attempt, |after, limit| self.export_attempts(conn, secrets, after, limit));
        stored!(&doc.follow_ups, ExportRow::FollowUp, |after, limit| follow_ups::chunk(conn, after, limit));
        if let Some((after, limit)) = range(&doc.attachments) {
            for a in attachments::chunk(conn, after, limit).await? {
                sink.row(self.attachment_row(conn, secrets, a).await?).map_err(StoreError::Unavailable)?;
            }
        }
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
        // Attachments' rows a chunk at a time, and each file (with secrets)
        // read only as its row goes out: memory holds one file.
        let mut after = 0i64;
        loop {
            let rows = attachments::chunk(conn, after, CHUNK).await?;
            let Some(last) = rows.last().map(|r| r.id) else { break };
            for a in rows {
                sink.row(self.attachment_row(conn, secrets, a).await?).map_err(StoreError::Unavailable)?;
            }
            after = last;
        }
        Ok(())
    }

    /// An attachment as exported: with its file opened when `secrets`.
    async fn attachment_row(
        &self,
        conn: &mut SqliteConnection,
        secrets: bool,
        attachment: crate::domain::Attachment,
    ) -> Result<ExportRow, StoreError> {
        let content = match secrets {
            true => Some(std::sync::Arc::new(attachments::file(self, conn, attachment.id).await?)),
            false => None,
        };
        Ok(ExportRow::Attachment(AttachmentRow { attachment, content }))
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
        let mut import = Import::begin(self, doc.includes_secrets).await?;
        import.add(self, &Starts::default(), doc, progress).await?;
        progress(import.done);
        import.finish(actor).await
    }

    /// Write a document that arrives a chunk at a time (as
    /// [`portable::stream_json`] reads a file), in one `IMMEDIATE`
    /// transaction, every row or none, as [`Store::import`] does: memory
    /// holds a chunk, not the file. The rows must arrive in
    /// [`portable::ENTITIES`] order (as every export writes them); the
    /// stream must end with [`Incoming::End`], else nothing is written.
    pub async fn import_stream(
        &self,
        actor: &Actor,
        incoming: &mut tokio::sync::mpsc::Receiver<Incoming>,
        progress: &dyn Fn(usize),
    ) -> Result<ImportReport, StoreError> {
        let Some(Incoming::Head { includes_secrets }) = incoming.recv().await else {
            return Err(StoreError::Invalid(FieldErrors::one("document", crate::i18n::Msg::new("msg.import.no_head"))));
        };
        let mut import = Import::begin(self, includes_secrets).await?;
        loop {
            match incoming.recv().await {
                Some(Incoming::Rows { starts, rows }) => import.add(self, &starts, &rows, progress).await?,
                Some(Incoming::End) => {
                    progress(import.done);
                    return import.finish(actor).await;
                }
                Some(Incoming::Head { .. }) => {
                    return Err(StoreError::Invalid(FieldErrors::one(
                        "document",
                        crate::i18n::Msg::new("msg.import.two_heads"),
                    )))
                }
                // The reader stopped (it says why): the transaction rolls back.
                None => {
                    return Err(StoreError::Invalid(FieldErrors::one(
                        "document",
                        crate::i18n::Msg::new("msg.import.not_to_end"),
                    )))
                }
            }
        }
    }
}

/// An import under way: its write, held open on the writer's thread
/// while chunks arrive (one step a chunk, see [`super::import_rows`]), what
/// it did so far, and the ids it saw (an id listed twice is refused, in
/// whichever chunks).
///
/// The whole import is one write of the writer, in one transaction: a
/// refused row in the last chunk leaves nothing of the first, as a file
/// imported in one statement would. The stored rows a chunk is compared
/// with are read through the pool: the held write has SQLite's write lock
/// from its start, so nothing commits meanwhile and the pool reads what
/// the write sees, but for the rows it wrote itself, whose ids the file
/// cannot list again.
struct Import {
    write: HeldWrite<Known, ()>,
    secrets: bool,
    report: ImportReport,
    seen: [Seen; 7],
    done: usize,
}

impl Import {
    async fn begin(store: &Store, secrets: bool) -> Result<Self, StoreError> {
        Ok(Import {
            write: store.write_held(Known::default()).await?,
            secrets,
            report: ImportReport::default(),
            seen: Default::default(),
            done: 0,
        })
    }

    /// Write the new rows of a chunk, comparing the others with what is
    /// stored under their ids (read by the chunk's id range, parsed as an
    /// import parses).
    async fn add(
        &mut self,
        store: &Store,
        starts: &Starts,
        doc: &Parsed,
        progress: &dyn Fn(usize),
    ) -> Result<(), StoreError> {
        let mut stored = Only::new(doc, &Head::now(self.secrets));
        store.read_ranges(&mut *store.pool.acquire().await?, self.secrets, doc, &mut stored).await?;
        let stored = Parsed::stored(&stored.doc)
            .map_err(|e| StoreError::Corrupt(format!("a stored row does not parse as an import would: {e}")))?;
        let [s0, s1, s2, s3, s4, s5, s6] = &mut self.seen;
        let machines = split("machines", "machine", (starts[0], &doc.machines), &stored.machines, s0)?;
        let changes = split(
            "hardware_changes",
            "hardware change",
            (starts[1], &doc.hardware_changes),
            &stored.hardware_changes,
            s1,
        )?;
        let licenses = split("licenses", "license", (starts[2], &doc.licenses), &stored.licenses, s2)?;
        let cases = split("cases", "case", (starts[3], &doc.cases), &stored.cases, s3)?;
        let attempts = split("attempts", "attempt", (starts[4], &doc.attempts), &stored.attempts, s4)?;
        let follow_ups = split("follow_ups", "follow-up", (starts[5], &doc.follow_ups), &stored.follow_ups, s5)?;
        let attached = split("attachments", "attachment", (starts[6], &doc.attachments), &stored.attachments, s6)?;
        // An attachment listed without its file (an export without secrets) is not written.
        let without_file = attached.0.iter().filter(|(_, r)| r.value.file.is_none()).count();
        let created = [
            machines.0.len(),
            changes.0.len(),
            licenses.0.len(),
            cases.0.len(),
            attempts.0.len(),
            follow_ups.0.len(),
            attached.0.len() - without_file,
        ];
        let same = [machines.1, changes.1, licenses.1, cases.1, attempts.1, follow_ups.1, attached.1];
        let mut c = self.report.created.by_entity();
        let mut u = self.report.unchanged.by_entity();
        for i in 0..c.len() {
            c[i] += created[i];
            u[i] += same[i];
        }
        self.report = ImportReport {
            created: Counts::from(c),
            unchanged: Counts::from(u),
            attachments_without_file: self.report.attachments_without_file + without_file,
        };
        let rows = NewRows {
            machines: machines.0,
            changes: changes.0,
            licenses: licenses.0,
            cases: cases.0,
            attempts: attempts.0,
            follow_ups: follow_ups.0,
            attachments: attached.0,
        };
        let written = rows.len();
        if written > 0 {
            let store = store.clone();
            self.write.step(move |conn, known| super::import_rows::write(&store, conn, known, &rows)).await?;
            self.done += written;
            progress(self.done);
        }
        Ok(())
    }

    /// Index what was written for search, audit, commit.
    async fn finish(self, actor: &Actor) -> Result<ImportReport, StoreError> {
        let report = self.report;
        let written: Vec<&'static str> = portable::ENTITIES
            .iter()
            .zip(report.created.by_entity())
            .filter(|(_, n)| *n > 0)
            .map(|(e, _)| *e)
            .collect();
        let (actor, any) = (actor.clone(), report.created.total() > 0);
        self.write
            .finish(move |conn, _| {
                if any {
                    super::search::catch_up_on(conn)?;
                }
                super::statements::audit(conn, &actor, "import", "journal", None, &written)
            })
            .await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn seen_ids_are_runs_and_a_second_sighting_is_refused_in_any_order() {
        let mut seen = Seen::default();
        for id in 1..=100_000 {
            assert!(seen.insert(id));
        }
        assert_eq!(seen.0.len(), 1, "ids in order are one run");
        assert!(!seen.insert(1) && !seen.insert(50_000) && !seen.insert(100_000));
        // Out of order, with gaps that close later.
        let mut seen = Seen::default();
        for id in [10, 12, 5, 11, 7, 6, i64::MAX, 1] {
            assert!(seen.insert(id), "{id}");
        }
        assert_eq!(
            seen.0.iter().map(|(a, b)| (*a, *b)).collect::<Vec<_>>(),
            [(1, 1), (5, 7), (10, 12), (i64::MAX, i64::MAX)]
        );
        for id in [1, 5, 6, 7, 10, 11, 12, i64::MAX] {
            assert!(!seen.insert(id), "{id} twice");
        }
        assert!(seen.insert(8) && seen.insert(9));
        assert_eq!(seen.0.get(&5), Some(&12), "the runs around 8 and 9 are one");
        // Against a set, on a scrambled sequence with repeats.
        let (mut runs, mut set) = (Seen::default(), std::collections::HashSet::new());
        for i in 0..5000i64 {
            let id = (i * 7919) % 3001 + 1;
            assert_eq!(runs.insert(id), set.insert(id), "{id}");
        }
    }
}
