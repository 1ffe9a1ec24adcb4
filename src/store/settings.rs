//! The household's settings: today its time zone. The zone is kept in the
//! journal (set from the pages' settings), may be fixed for one run by a
//! flag or the environment, and is otherwise the system's. The store holds
//! the effective one in memory, read by every write that meets a time
//! without an offset and by every timeline and summary that places a date.
//! It must not decide anything else about time ([`crate::domain::time`]
//! does). Keeping the zone is a write on the writer's rusqlite thread
//! ([`statements`]); reading it back at open uses sqlx.

use std::sync::{Arc, RwLock};

use super::{Store, StoreError};
use crate::domain::time::{now_system, Zone};

/// What [`Store::set_zone`] writes.
const SET_ZONE: &str = "INSERT INTO household_settings (name, value, updated_at) VALUES ('time_zone', ?1, ?2)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";

/// The statements of settings the writer runs on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    vec![SET_ZONE.to_string()]
}

/// Where the household's time zone came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSource {
    /// `--time-zone` or `ACTIVATION_JOURNAL_TIME_ZONE`: the pages cannot change it.
    Fixed,
    /// Kept in the journal (the pages' settings).
    Journal,
    /// Neither: the system's zone.
    System,
}

/// The effective zone and its source, shared by the store's clones.
#[derive(Debug, Clone)]
pub struct Household(Arc<RwLock<(Zone, ZoneSource)>>);

impl Default for Household {
    fn default() -> Self {
        Household(Arc::new(RwLock::new((Zone::system(), ZoneSource::System))))
    }
}

impl Household {
    fn get(&self) -> (Zone, ZoneSource) {
        // A writer that panicked while holding the lock left a whole value (it is Copy).
        match self.0.read() {
            Ok(g) => *g,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    fn set(&self, value: (Zone, ZoneSource)) {
        match self.0.write() {
            Ok(mut g) => *g = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }
}

impl Store {
    /// The household's time zone.
    pub fn zone(&self) -> Zone {
        self.household.get().0
    }

    /// The household's time zone and where it came from.
    pub fn zone_and_source(&self) -> (Zone, ZoneSource) {
        self.household.get()
    }

    /// Fix the zone for this run (a flag or the environment said it); `None`
    /// leaves the journal's or the system's.
    pub fn fix_zone(&self, zone: Option<Zone>) {
        if let Some(z) = zone {
            self.household.set((z, ZoneSource::Fixed));
        }
    }

    /// Keep `zone` in the journal as the household's; it takes effect at
    /// once unless a flag or the environment fixed another for this run.
    pub async fn set_zone(&self, zone: Zone) -> Result<(), StoreError> {
        let name = zone.name();
        self.write(move |conn| {
            conn.prepare_cached(SET_ZONE)?.execute(rusqlite::params![name, now_system()])?;
            Ok(())
        })
        .await?;
        if self.household.get().1 != ZoneSource::Fixed {
            self.household.set((zone, ZoneSource::Journal));
        }
        Ok(())
    }

    /// Read the zone kept in the journal (after migrating). A name this
    /// build does not know (kept by a newer one) is left for the system's,
    /// with a warning in the log.
    pub(super) async fn load_zone(&self) -> Result<(), StoreError> {
        let kept = sqlx::query_scalar!("SELECT value FROM household_settings WHERE name = 'time_zone'")
            .fetch_optional(&self.pool)
            .await?;
        if let Some(name) = kept {
            match Zone::parse(&name) {
                Ok(z) if self.household.get().1 != ZoneSource::Fixed => self.household.set((z, ZoneSource::Journal)),
                Ok(_) => {}
                Err(e) => tracing::warn!("the journal's time zone is not used: {e}"),
            }
        }
        Ok(())
    }
}
