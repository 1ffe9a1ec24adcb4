//! SQL of what to have at hand for a license ([`AtHand`]): for each topic
//! worth having at hand, the last answer given on one of the license's live
//! calls (or, never answered, the last time it was asked), and the
//! license's first live photos and files.
//!
//! Bounded whatever the journal's size: one lookup a topic, each walking
//! the questions index (`attempt_questions_summary`: topic, license, local
//! date) newest first and stopping at the first row, so a license with
//! 200 000 calls costs what one with two does. Answers are read from
//! `answer`, which holds a key's mask, never from `answer_sealed`.

use super::{Store, StoreError, Table};
use crate::domain::at_hand::{AT_HAND_FILES, AT_HAND_TOPICS};
use crate::domain::{AtHand, AttachedTo, PageRequest, PastAnswer};

struct Row {
    question: Option<String>,
    answer: Option<String>,
    attempt_id: i64,
    local_date: Option<String>,
}

impl Store {
    /// What to have at hand before calling about a live license (not
    /// found: unknown or archived).
    pub async fn at_hand(&self, license_id: i64) -> Result<AtHand, StoreError> {
        let mut conn = self.pool.acquire().await?;
        match super::row_state(&mut conn, Table::Licenses, license_id).await? {
            Some(None) => {}
            _ => return Err(Table::Licenses.not_found(license_id)),
        }
        let mut answers = Vec::new();
        for topic in AT_HAND_TOPICS {
            let name = topic.as_str();
            // The partial index's condition (attempt_archived = 0) is
            // written out so that SQLite may use it. (The calls of an
            // archived machine are archived through it: store::archive.)
            let answered = sqlx::query_as!(
                Row,
                r#"SELECT question, answer, attempt_id, local_date FROM attempt_questions
                   WHERE topic = ?1 AND license_id = ?2 AND attempt_archived = 0 AND answer IS NOT NULL
                     AND machine_id NOT IN archived_machines
                   ORDER BY local_date DESC, attempt_id DESC LIMIT 1"#,
                name,
                license_id
            )
            .fetch_optional(&mut *conn)
            .await?;
            let row = match answered {
                Some(r) => Some(r),
                None => {
                    sqlx::query_as!(
                        Row,
                        r#"SELECT question, answer, attempt_id, local_date FROM attempt_questions
                           WHERE topic = ?1 AND license_id = ?2 AND attempt_archived = 0
                             AND machine_id NOT IN archived_machines
                           ORDER BY local_date DESC, attempt_id DESC LIMIT 1"#,
                        name,
                        license_id
                    )
                    .fetch_optional(&mut *conn)
                    .await?
                }
            };
            if let Some(r) = row {
                answers.push(PastAnswer {
                    topic,
                    question: r.question,
                    answer: PastAnswer::shown(r.answer),
                    attempt_id: r.attempt_id,
                    asked_on: r.local_date.unwrap_or_default(),
                });
            }
        }
        answers.sort_by(|a, b| (&b.asked_on, b.attempt_id).cmp(&(&a.asked_on, a.attempt_id)));
        drop(conn);
        let page = PageRequest { limit: AT_HAND_FILES, ..PageRequest::default() };
        let files = self.attachments(AttachedTo::License, license_id, &page).await?;
        Ok(AtHand { license_id, answers, more_attachments: files.next_cursor.is_some(), attachments: files.items })
    }
}
