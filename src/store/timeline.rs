//! A machine's history in time order: hardware changes, cases, attempts and
//! follow-ups, read in one snapshot.

use serde::Serialize;
use utoipa::ToSchema;

use super::{attempts, cases, follow_ups, hardware_changes, visible, Store, StoreError, Table};
use crate::domain::{Attempt, Case, FollowUp, HardwareChange, Machine};

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

impl TimelineEvent {
    fn at(&self) -> &str {
        match self {
            TimelineEvent::HardwareChange { at, .. }
            | TimelineEvent::Case { at, .. }
            | TimelineEvent::Attempt { at, .. }
            | TimelineEvent::FollowUp { at, .. } => at,
        }
    }
}

/// A machine and its events, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Timeline {
    pub machine: Machine,
    pub events: Vec<TimelineEvent>,
}

impl Store {
    /// The history of a machine; with `include_archived`, of an archived
    /// machine too, and with its archived rows.
    pub async fn timeline(&self, machine_id: i64, include_archived: bool) -> Result<Timeline, StoreError> {
        // One read transaction, so the four reads see one snapshot.
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
        for h in hardware_changes::of_machine(&mut tx, machine_id, include_archived).await? {
            events.push(TimelineEvent::HardwareChange {
                at: format!("{}T00:00:00.000000Z", h.changed_on),
                hardware_change: h,
            });
        }
        for c in cases::of_machine(&mut tx, machine_id, include_archived).await? {
            events.push(TimelineEvent::Case { at: c.opened_at.clone(), case: c });
        }
        for a in attempts::of_machine(&mut tx, machine_id, include_archived).await? {
            let at = crate::domain::CallerTime::parse(&a.started_at)
                .map(|t| t.to_system())
                .unwrap_or_else(|_| a.created_at.clone());
            events.push(TimelineEvent::Attempt { at, attempt: a });
        }
        for f in follow_ups::of_machine(&mut tx, machine_id, include_archived).await? {
            let at = f.due_on.map(|d| format!("{d}T00:00:00.000000Z")).unwrap_or_else(|| f.created_at.clone());
            events.push(TimelineEvent::FollowUp { at, follow_up: f });
        }
        tx.commit().await?;
        // Stable: equal instants keep the order above (change, case, attempt, follow-up).
        events.sort_by(|a, b| a.at().cmp(b.at()));
        Ok(Timeline { machine, events })
    }
}
