//! SQL of the calendar feed: the follow-ups with a due date and the open
//! cases, bounded as [`crate::domain::calendar`] says.

use chrono::{DateTime, Duration, Utc};

use super::{stored_date, Store, StoreError};
use crate::domain::calendar::{Feed, FeedCall, FeedFollowUp, DONE_DAYS_BACK, FEED_CALLS_MAX, FEED_FOLLOW_UPS_MAX};

/// A system time as stored (`2026-11-25T19:37:29.123456Z`).
fn stored_instant(value: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("a system time {value:?}")))
}

impl Store {
    /// What the calendar feed holds at `now`: follow-ups with a due date
    /// that are not done, and done ones due from [`DONE_DAYS_BACK`] days
    /// ago on ([`FEED_FOLLOW_UPS_MAX`] at most, latest due first); and the
    /// suggested next call of each open case ([`FEED_CALLS_MAX`] at most,
    /// oldest case first), none when no call ever reached an operator.
    pub async fn calendar_feed(&self, now: DateTime<Utc>) -> Result<Feed, StoreError> {
        let zone = self.zone();
        let since = (zone.now_in(now).date_naive() - Duration::days(DONE_DAYS_BACK)).to_string();
        let rows = sqlx::query!(
            r#"SELECT f.id AS "id!", f.text, f.due_on AS "due_on!", f.done AS "done: bool", f.updated_at, m.name
               FROM follow_ups f JOIN machines m ON m.id = f.machine_id
               WHERE f.archived_at IS NULL AND f.due_on IS NOT NULL AND (f.done = 0 OR f.due_on >= ?1)
               ORDER BY f.due_on DESC, f.id DESC LIMIT ?2"#,
            since,
            FEED_FOLLOW_UPS_MAX
        )
        .fetch_all(&self.pool)
        .await?;
        let follow_ups = rows
            .into_iter()
            .map(|r| {
                Ok(FeedFollowUp {
                    id: r.id,
                    text: r.text,
                    due_on: stored_date(&r.due_on)?,
                    done: r.done,
                    machine: r.name,
                    updated_at: stored_instant(&r.updated_at)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let calls = match self.suggested_call(now, None, None).await? {
            None => Vec::new(),
            Some(at) => sqlx::query!(
                r#"SELECT c.id AS "id!", m.name, l.product
                   FROM cases c INDEXED BY cases_one_open_per_pair
                   JOIN machines m ON m.id = c.machine_id JOIN licenses l ON l.id = c.license_id
                   WHERE c.status = 'open' AND c.archived_at IS NULL AND m.archived_at IS NULL AND l.archived_at IS NULL
                   ORDER BY c.id LIMIT ?"#,
                FEED_CALLS_MAX
            )
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| FeedCall { case_id: r.id, machine: r.name, product: r.product, at: at.with_timezone(&Utc) })
            .collect(),
        };
        Ok(Feed { zone, made_at: now, follow_ups, calls })
    }
}
