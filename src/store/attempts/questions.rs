//! The questions of attempts: read for a page or an export's chunk in one
//! query, and written in one statement, answers holding a product key
//! masked with the key sealed beside them.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{json_rows, Row};
use crate::domain::attempt::masked_answer;
use crate::domain::{Attempt, NewQuestion, Question};
use crate::secrets::Secrets;
use crate::store::rows::{row, Statement};
use crate::store::{stored, Store, StoreError};

/// Which attempts' questions to read.
pub(super) enum Of<'a> {
    /// These (a page: bounded by the page size).
    Ids(&'a [i64]),
    /// Those with ids from the first to the second, inclusive (an export's chunk).
    Between(i64, i64),
}

/// The questions of the attempts `of` names, in one query. Sealed answers
/// are opened with `open` (an export with secrets); otherwise they stay masked.
pub(super) async fn questions_of(
    conn: &mut SqliteConnection,
    of: Of<'_>,
    open: Option<&Secrets>,
) -> Result<HashMap<i64, Vec<Question>>, StoreError> {
    let mut out: HashMap<i64, Vec<Question>> = HashMap::new();
    let mut q =
        QueryBuilder::<Sqlite>::new("SELECT attempt_id, topic, question, answer, answer_sealed FROM attempt_questions");
    match of {
        Of::Ids([]) => return Ok(out),
        Of::Ids(ids) => {
            q.push(" WHERE attempt_id IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")");
        }
        Of::Between(first, last) => {
            q.push(" WHERE attempt_id BETWEEN ").push_bind(first).push(" AND ").push_bind(last);
        }
    }
    q.push(" ORDER BY attempt_id, position");
    #[derive(sqlx::FromRow)]
    struct QuestionRow {
        attempt_id: i64,
        topic: String,
        question: Option<String>,
        answer: Option<String>,
        answer_sealed: Option<Vec<u8>>,
    }
    let rows: Vec<QuestionRow> = q.build_query_as().fetch_all(conn).await?;
    for r in rows {
        let answer = match (open, r.answer_sealed) {
            (Some(secrets), Some(sealed)) => Some(secrets.open(&sealed)?),
            _ => r.answer,
        };
        out.entry(r.attempt_id).or_default().push(Question { topic: stored(&r.topic)?, question: r.question, answer });
    }
    Ok(out)
}

/// Attempt rows with their questions.
pub(super) fn attach(rows: Vec<Row>, mut questions: HashMap<i64, Vec<Question>>) -> Result<Vec<Attempt>, StoreError> {
    rows.into_iter()
        .map(|r| {
            let qs = questions.remove(&r.id).unwrap_or_default();
            r.into_attempt(qs)
        })
        .collect()
}

pub(super) async fn with_questions(conn: &mut SqliteConnection, rows: Vec<Row>) -> Result<Vec<Attempt>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let questions = questions_of(conn, Of::Ids(&ids), None).await?;
    attach(rows, questions)
}

/// The one insert of questions: rows given as one JSON array of [`QuestionWritten`].
pub(super) static INSERT: Statement = Statement::new(|| QuestionWritten::COLUMNS.insert());

row! {
    /// A question's row as written, by column name.
    #[derive(serde::Serialize)]
    pub(super) struct QuestionWritten in "attempt_questions" {
        attempt_id: i64,
        position: i64,
        topic: &'static str,
        question: Option<String>,
        answer: Option<String>,
        answer_sealed: Option<String> as hex,
    }
}

/// The questions of one attempt, in order, answers as shown ([`of_attempt_on`]).
const OF_ATTEMPT: &str = "SELECT topic, question, answer FROM attempt_questions WHERE attempt_id = ? ORDER BY position";
/// The answers of an attempt that hold a sealed key ([`sealed_answers_on`]).
const SEALED_ANSWERS: &str = "SELECT position, topic, answer, answer_sealed FROM attempt_questions
     WHERE attempt_id = ? AND answer IS NOT NULL AND answer_sealed IS NOT NULL ORDER BY position";
const DELETE: &str = "DELETE FROM attempt_questions WHERE attempt_id = ?";

/// The statements of questions the writer's writes run, besides [`INSERT`].
pub(super) fn statements() -> Vec<String> {
    [OF_ATTEMPT, SEALED_ANSWERS, DELETE].map(String::from).to_vec()
}

/// The questions of one attempt as a read shows them, on the writer's rusqlite connection.
pub(super) fn of_attempt_on(conn: &rusqlite::Connection, attempt_id: i64) -> Result<Vec<Question>, StoreError> {
    let mut statement = conn.prepare_cached(OF_ATTEMPT)?;
    let rows = statement
        .query_map([attempt_id], |r| Ok((r.get::<_, String>("topic")?, r.get("question")?, r.get("answer")?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (topic, question, answer) = row?;
        out.push(Question { topic: stored(&topic)?, question, answer });
    }
    Ok(out)
}

impl Store {
    /// Questions of an attempt, replacing any it had; answers holding a key
    /// are sealed. An answer sent back as the stored answer's mask (what
    /// every read shows: an edit form, a PATCH built from a GET) keeps the
    /// key sealed beside it, so that editing a call's questions does not
    /// turn its product key into its mask. On the writer's rusqlite connection.
    pub(super) fn write_questions_on(
        &self,
        conn: &rusqlite::Connection,
        attempt_id: i64,
        qs: &[NewQuestion],
    ) -> Result<Vec<Question>, StoreError> {
        let mut kept = sealed_answers_on(conn, attempt_id)?;
        conn.prepare_cached(DELETE)?.execute([attempt_id])?;
        self.insert_questions_keeping_on(conn, attempt_id, qs, &mut kept)
    }

    /// A question's answer as stored: as given, or, when it holds a product
    /// key, masked with the key sealed beside it (the caller checked the key
    /// file first with [`Store::ready_to_seal_on`], see [`holds_key`]).
    fn stored_answer(&self, q: &NewQuestion) -> Result<(Option<String>, Option<Vec<u8>>), StoreError> {
        Ok(match q.answer.as_deref() {
            Some(answer) => match masked_answer(answer) {
                Some(masked) => (Some(masked), Some(self.secrets.seal(answer)?)),
                None => (Some(answer.to_string()), None),
            },
            None => (None, None),
        })
    }

    /// Questions of an attempt that has none yet, in one statement, on the
    /// writer's rusqlite connection; answers holding a key are sealed.
    /// Returns them as stored (as a read of the attempt shows them).
    pub(super) fn insert_questions_on(
        &self,
        conn: &rusqlite::Connection,
        attempt_id: i64,
        qs: &[NewQuestion],
    ) -> Result<Vec<Question>, StoreError> {
        self.insert_questions_keeping_on(conn, attempt_id, qs, &mut Vec::new())
    }

    /// [`Store::insert_questions_on`], an answer equal to one of `kept`'s
    /// masks (of the same topic) keeping that one's sealed key.
    fn insert_questions_keeping_on(
        &self,
        conn: &rusqlite::Connection,
        attempt_id: i64,
        qs: &[NewQuestion],
        kept: &mut Vec<SealedAnswer>,
    ) -> Result<Vec<Question>, StoreError> {
        if qs.is_empty() {
            return Ok(Vec::new());
        }
        if holds_key(qs) {
            self.ready_to_seal_on(conn)?;
        }
        let (rows, shown) = self.question_rows(attempt_id, qs, kept)?;
        conn.prepare_cached(&INSERT)?.execute([json_rows(&rows)?])?;
        Ok(shown)
    }

    /// The rows of an attempt's questions as written, and the questions as
    /// a read shows them: an answer equal to one of `kept`'s masks (of the
    /// same topic) keeps that one's sealed key; other answers holding a key
    /// are sealed.
    fn question_rows(
        &self,
        attempt_id: i64,
        qs: &[NewQuestion],
        kept: &mut Vec<SealedAnswer>,
    ) -> Result<(Vec<QuestionWritten>, Vec<Question>), StoreError> {
        let mut rows = Vec::with_capacity(qs.len());
        let mut shown = Vec::with_capacity(qs.len());
        for (position, q) in qs.iter().enumerate() {
            let row = match take_sealed(kept, position, q) {
                Some(k) => QuestionWritten {
                    attempt_id,
                    position: position as i64,
                    topic: q.topic.as_str(),
                    question: q.question.clone(),
                    answer: Some(k.answer),
                    answer_sealed: Some(hex::encode(k.sealed)),
                },
                None => self.question_row(attempt_id, position, q)?,
            };
            shown.push(Question { topic: q.topic, question: row.question.clone(), answer: row.answer.clone() });
            rows.push(row);
        }
        Ok((rows, shown))
    }

    /// A question's row: its answer as given, or masked with the key sealed beside it.
    pub(super) fn question_row(
        &self,
        attempt_id: i64,
        position: usize,
        q: &NewQuestion,
    ) -> Result<QuestionWritten, StoreError> {
        let (answer, sealed) = self.stored_answer(q)?;
        Ok(QuestionWritten {
            attempt_id,
            position: position as i64,
            topic: q.topic.as_str(),
            question: q.question.clone(),
            answer,
            answer_sealed: sealed.map(hex::encode),
        })
    }
}

/// Whether any answer holds a product key (and will be sealed).
pub(super) fn holds_key(qs: &[NewQuestion]) -> bool {
    qs.iter().any(|q| q.answer.as_deref().is_some_and(|a| masked_answer(a).is_some()))
}

/// A stored answer whose key is sealed beside it: its mask as shown, and
/// the sealed key.
pub(super) struct SealedAnswer {
    position: i64,
    topic: String,
    answer: String,
    sealed: Vec<u8>,
}

/// The answers of an attempt that hold a sealed key, in order.
fn sealed_answers_on(conn: &rusqlite::Connection, attempt_id: i64) -> Result<Vec<SealedAnswer>, StoreError> {
    let mut statement = conn.prepare_cached(SEALED_ANSWERS)?;
    let rows = statement.query_map([attempt_id], |r| {
        Ok(SealedAnswer {
            position: r.get("position")?,
            topic: r.get("topic")?,
            answer: r.get("answer")?,
            sealed: r.get("answer_sealed")?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The stored answer `q` (at `position`) sends back unchanged: one of
/// `kept` of its topic whose mask is `q`'s answer — the one at the same
/// position first, else the first (a row removed above it moved it up).
/// Each is taken once.
fn take_sealed(kept: &mut Vec<SealedAnswer>, position: usize, q: &NewQuestion) -> Option<SealedAnswer> {
    let answer = q.answer.as_deref()?;
    let same = |k: &SealedAnswer| k.topic == q.topic.as_str() && k.answer == answer;
    let at =
        kept.iter().position(|k| same(k) && k.position == position as i64).or_else(|| kept.iter().position(same))?;
    Some(kept.remove(at))
}
