//! Attempts in an export and an import: a chunk read with its questions
//! (sealed answers opened only when asked), and an import's chunk written
//! in two statements, or a row at a time to name the row a refusal is of.

use sqlx::SqliteConnection;

use super::questions::{attach, holds_key, insert_question_rows, questions_of, Of};
use super::{insert, insert_rows, json_rows, rows, select_stored, Written};
use crate::domain::{Attempt, FieldErrors};
use crate::portable::ImportedAttempt;
use crate::store::{cases, Known, NewRow, Refs, Store, StoreError};

impl Store {
    /// Up to `limit` attempts after id `after`, with their questions, archived ones too, as exported:
    /// sealed answers in clear only when `secrets` (the caller audits that).
    pub(in crate::store) async fn export_attempts(
        &self,
        conn: &mut SqliteConnection,
        secrets: bool,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Attempt>, StoreError> {
        let mut q = select_stored();
        q.push(" WHERE id > ").push_bind(after).push(" ORDER BY id LIMIT ").push_bind(limit);
        let rows = rows(&mut q, &mut *conn).await?;
        let (Some(first), Some(last)) = (rows.first().map(|r| r.id), rows.last().map(|r| r.id)) else {
            return Ok(Vec::new());
        };
        let questions = questions_of(conn, Of::Between(first, last), secrets.then_some(&self.secrets)).await?;
        attach(rows, questions)
    }

    /// Insert an imported attempt with its own id and times, in the case it
    /// names (which must be stored, and of the machine and license the row
    /// names, if it names them). The case's status is taken from the import
    /// as it is, not recomputed.
    pub(in crate::store) async fn import_attempt(
        &self,
        conn: &mut SqliteConnection,
        known: &mut Known,
        row: &crate::portable::Row<ImportedAttempt>,
    ) -> Result<(), StoreError> {
        let (case_id, machine_id, license_id) = import_case_of(conn, known, &row.value).await?;
        let a = self.placed(&row.value.attempt)?;
        let id = insert(conn, &NewRow::from(&row.stamps), (case_id, machine_id, license_id), &a).await?.id;
        self.insert_questions(conn, id, row.value.attempt.questions.as_deref().unwrap_or_default()).await.map(|_| ())
    }

    /// The new attempts of one chunk of an import, each with its name in the
    /// file (`attempts[7]`), as [`Store::import_attempt`] writes them one by
    /// one, but in a few statements: the cases the chunk names read at once,
    /// then every row in one `INSERT`, every question in another, instead
    /// of two statements (two hand-offs to the connection's thread) an
    /// attempt. When a statement refuses the chunk (a constraint), it is
    /// rolled back and written again a row at a time, so that the refusal
    /// names its row.
    pub(in crate::store) async fn import_attempts(
        &self,
        conn: &mut SqliteConnection,
        known: &mut Known,
        rows: &[(String, &crate::portable::Row<ImportedAttempt>)],
    ) -> Result<(), StoreError> {
        let named = |e: StoreError, at: &str| crate::store::chunk::at_row(e, at);
        known.read_cases(conn, rows.iter().map(|(_, r)| r.value.case_id)).await?;
        if rows.iter().any(|(_, r)| holds_key(r.value.attempt.questions.as_deref().unwrap_or_default())) {
            self.ready_to_seal(conn).await?;
        }
        let mut attempts = Vec::with_capacity(rows.len());
        let mut questions = Vec::new();
        for (at, row) in rows {
            let (s, a) = (&row.stamps, &row.value.attempt);
            let pair = import_case_of(conn, known, &row.value).await.map_err(|e| named(e, at))?;
            attempts.push(Written::of(&self.placed(a).map_err(|e| named(e, at))?, &NewRow::from(s), pair));
            for (position, q) in a.questions.as_deref().unwrap_or_default().iter().enumerate() {
                questions.push(self.question_row(s.id, position, q)?);
            }
        }
        let (attempts, questions) = (json_rows(&attempts)?, json_rows(&questions)?);
        let mut chunk = sqlx::Connection::begin(&mut *conn).await?;
        let written = insert_json(&mut chunk, &attempts, &questions).await;
        let Some(refused) = crate::store::chunk::keep_or_undo(chunk, written).await? else { return Ok(()) };
        for (at, row) in rows {
            self.import_attempt(conn, known, row).await.map_err(|e| named(e, at))?;
        }
        // Written a row at a time, nothing was refused: the chunk's refusal stands.
        Err(refused)
    }
}

impl Store {
    /// An imported attempt as the API would store it: its warnings of an
    /// offset other than the household's recomputed (warnings in a file
    /// are never trusted).
    fn placed(&self, a: &crate::domain::NewAttempt) -> Result<crate::domain::NewAttempt, StoreError> {
        a.clone().in_zone(&self.zone()).map_err(StoreError::Invalid)
    }
}

/// Attempts and their questions, each a JSON array of rows by name, in two statements.
async fn insert_json(conn: &mut SqliteConnection, attempts: &str, questions: &str) -> Result<(), StoreError> {
    insert_rows(conn, attempts).await?;
    insert_question_rows(conn, questions).await
}

/// The case an imported attempt joins, as `(case_id, machine_id,
/// license_id)`: it must be stored, and of the machine and license the
/// row names, if it names them.
async fn import_case_of(
    conn: &mut SqliteConnection,
    known: &mut Known,
    i: &ImportedAttempt,
) -> Result<(i64, i64, i64), StoreError> {
    let (machine_id, license_id) = match known.case(i.case_id) {
        Some(pair) => pair,
        None => {
            let case = cases::referenced(conn, Refs::Stored, i.case_id, "case_id").await?;
            known.add_case(case.id, (case.machine_id, case.license_id));
            (case.machine_id, case.license_id)
        }
    };
    for (name, given, of_case) in [("machine_id", i.machine_id, machine_id), ("license_id", i.license_id, license_id)] {
        if let Some(given) = given.filter(|g| *g != of_case) {
            return Err(StoreError::Invalid(FieldErrors::one(
                name,
                crate::i18n::Msg::new("msg.not_the_cases")
                    .arg("given", given)
                    .arg("case", i.case_id)
                    .arg("name", name)
                    .arg("of_case", of_case),
            )));
        }
    }
    Ok((i.case_id, machine_id, license_id))
}
