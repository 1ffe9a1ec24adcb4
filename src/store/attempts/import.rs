//! Attempts in an export and an import: a chunk read with its questions
//! (sealed answers opened only when asked), and an import's chunk written
//! in two statements, or a row at a time to name the row a refusal is of.

use rusqlite::Connection;
use sqlx::SqliteConnection;

use super::questions::{self, attach, holds_key, questions_of, Of};
use super::{insert_on, json_rows, rows, select_stored, Written, INSERT};
use crate::domain::{Attempt, FieldErrors};
use crate::portable::ImportedAttempt;
use crate::store::{Known, NewRow, Store, StoreError};

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
    fn import_attempt(
        &self,
        conn: &Connection,
        known: &mut Known,
        row: &crate::portable::Row<ImportedAttempt>,
    ) -> Result<(), StoreError> {
        let pair = import_case_of(conn, known, &row.value)?;
        let a = self.placed(&row.value.attempt)?;
        let id = insert_on(conn, &NewRow::from(&row.stamps), pair, &a)?.id;
        self.insert_questions_on(conn, id, row.value.attempt.questions.as_deref().unwrap_or_default()).map(|_| ())
    }

    /// The new attempts of one chunk of an import, each with its name in the
    /// file (`attempts[7]`), as [`Store::import_attempt`] writes them one by
    /// one, but in a few statements: the cases the chunk names read at once,
    /// then every row in one `INSERT`, every question in another. When a
    /// statement refuses the chunk (a constraint), it is rolled back and
    /// written again a row at a time, so that the refusal names its row.
    pub(in crate::store) fn import_attempts(
        &self,
        conn: &Connection,
        known: &mut Known,
        rows: &[(String, crate::portable::Row<ImportedAttempt>)],
    ) -> Result<(), StoreError> {
        let named = |e: StoreError, at: &str| crate::store::chunk::at_row(e, at);
        known.read_cases(conn, rows.iter().map(|(_, r)| r.value.case_id))?;
        if rows.iter().any(|(_, r)| holds_key(r.value.attempt.questions.as_deref().unwrap_or_default())) {
            self.ready_to_seal_on(conn)?;
        }
        let mut attempts = Vec::with_capacity(rows.len());
        let mut questions = Vec::new();
        for (at, row) in rows {
            let (s, a) = (&row.stamps, &row.value.attempt);
            let pair = import_case_of(conn, known, &row.value).map_err(|e| named(e, at))?;
            attempts.push(Written::of(&self.placed(a).map_err(|e| named(e, at))?, &NewRow::from(s), pair));
            for (position, q) in a.questions.as_deref().unwrap_or_default().iter().enumerate() {
                questions.push(self.question_row(s.id, position, q)?);
            }
        }
        let (attempts, questions) = (json_rows(&attempts)?, json_rows(&questions)?);
        let written = || {
            conn.prepare_cached(&INSERT)?
                .query_map([attempts], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            conn.prepare_cached(&questions::INSERT)?.execute([questions])?;
            Ok(())
        };
        let Some(refused) = crate::store::chunk::keep_or_undo(conn, written)? else { return Ok(()) };
        for (at, row) in rows {
            self.import_attempt(conn, known, row).map_err(|e| named(e, at))?;
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

/// The case an imported attempt joins, as `(case_id, machine_id,
/// license_id)`: it must be stored, and of the machine and license the
/// row names, if it names them.
fn import_case_of(conn: &Connection, known: &mut Known, i: &ImportedAttempt) -> Result<(i64, i64, i64), StoreError> {
    let (machine_id, license_id) = match known.case(i.case_id) {
        Some(pair) => pair,
        None => {
            let pair = crate::store::import_rows::case_pair(conn, i.case_id, "case_id")?;
            known.add_case(i.case_id, pair);
            pair
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
