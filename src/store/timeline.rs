//! A machine's history in time order: hardware changes, cases, attempts and
//! follow-ups, read in one snapshot, a page at a time.

use serde::Serialize;
use utoipa::ToSchema;

use super::chunk::After;
use super::{attempts, cases, follow_ups, hardware_changes, visible, Store, StoreError, Table};
use crate::domain::time::system_from_millis;
use crate::domain::{Attempt, CallerTime, Case, FollowUp, HardwareChange, Machine, TimeCursor, TimePageRequest};

/// One event of a timeline. `at` is the UTC instant it sorts by: the start
/// of the day of a hardware change, the opening of a case, the start of an
/// attempt, the due date (or creation) of a follow-up.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEvent {
    HardwareChange { at: String, hardware_change: HardwareChange },
    Case { at: String, case: Case },
    Attempt { at: String, attempt: Attempt },
    FollowUp { at: String, follow_up: FollowUp },
}

/// A page of a machine's events, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Timeline {
    pub machine: Machine,
    pub events: Vec<TimelineEvent>,
    /// Pass back as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The rank of each kind among events at the same time: the order a
/// household reads them in (the change, the case it opened, its calls,
/// what is left to do).
const HARDWARE_CHANGE: i64 = 0;
const CASE: i64 = 1;
const ATTEMPT: i64 = 2;
const FOLLOW_UP: i64 = 3;

impl TimelineEvent {
    /// The key a timeline is ordered and paged by.
    fn key(&self) -> (&str, i64, i64) {
        match self {
            TimelineEvent::HardwareChange { at, hardware_change } => (at, HARDWARE_CHANGE, hardware_change.id),
            TimelineEvent::Case { at, case } => (at, CASE, case.id),
            TimelineEvent::Attempt { at, attempt } => (at, ATTEMPT, attempt.id),
            TimelineEvent::FollowUp { at, follow_up } => (at, FOLLOW_UP, follow_up.id),
        }
    }
}

impl Store {
    /// A page of the history of a machine, oldest first; with
    /// `include_archived`, of an archived machine too, and with its archived
    /// rows. Each of the four sources is read from the cursor on, at most a
    /// page and one row of each, and merged: a machine with 100,000 calls
    /// reads a page, never its whole history.
    pub async fn timeline(&self, machine_id: i64, page: &TimePageRequest) -> Result<Timeline, StoreError> {
        let include_archived = page.include_archived;
        let (at, rank, id) = match &page.after {
            Some(c) => (c.at.clone(), c.rank, c.id),
            None => (String::new(), -1, 0),
        };
        let at_millis = if at.is_empty() {
            i64::MIN
        } else {
            CallerTime::parse(&at).map(|t| t.utc_millis()).map_err(super::corrupt)?
        };
        let zone = self.zone();
        let (day, at_midnight) = match chrono::DateTime::from_timestamp_millis(at_millis) {
            Some(utc) if !at.is_empty() => {
                let day = zone.at(utc).date_naive();
                (day.to_string(), zone.midnight_millis(day) == at_millis)
            }
            _ => ("0000-00-00".to_string(), false),
        };
        let after = After { at, at_millis, rank, id, limit: page.limit + 1, day, at_midnight };
        let midnight = |d: chrono::NaiveDate| system_from_millis(zone.midnight_millis(d));
        // One read transaction, so the five reads see one snapshot.
        let mut tx = self.pool.begin().await?;
        let machine = visible(
            sqlx::query_as!(
                Machine,
                "SELECT id AS \"id!\", name, owner, notes, created_at, updated_at, archived_at FROM machines WHERE id = ?",
                machine_id
            )
            .fetch_optional(&mut *tx)
            .await?,
            include_archived,
            Table::Machines,
            machine_id,
        )?;
        let mut events = Vec::new();
        for h in hardware_changes::of_machine(&mut tx, machine_id, include_archived, &after).await? {
            events.push(TimelineEvent::HardwareChange { at: midnight(h.changed_on), hardware_change: h });
        }
        for (opened_utc, c) in cases::of_machine(&mut tx, machine_id, include_archived, &after).await? {
            // From the indexed UTC milliseconds, as the cursor compares them.
            events.push(TimelineEvent::Case { at: system_from_millis(opened_utc), case: c });
        }
        for a in attempts::of_machine(&mut tx, machine_id, include_archived, &after).await? {
            // From the indexed UTC milliseconds, as the cursor compares them.
            let at = CallerTime::parse_stored(&a.started_at)
                .map(|t| system_from_millis(t.utc_millis()))
                .unwrap_or_else(|_| a.created_at.clone());
            events.push(TimelineEvent::Attempt { at, attempt: a });
        }
        for f in follow_ups::of_machine(&mut tx, machine_id, include_archived, &after).await? {
            let at = f.due_on.map(midnight).unwrap_or_else(|| f.created_at.clone());
            events.push(TimelineEvent::FollowUp { at, follow_up: f });
        }
        tx.commit().await?;
        events.sort_by(|a, b| a.key().cmp(&b.key()));
        let more = events.len() as i64 > page.limit;
        events.truncate(usize::try_from(page.limit).unwrap_or(0));
        let next_cursor = if more {
            events.last().map(|e| {
                let (at, rank, id) = e.key();
                TimeCursor { at: at.to_string(), rank, id }.encode()
            })
        } else {
            None
        };
        Ok(Timeline { machine, events, next_cursor })
    }
}
