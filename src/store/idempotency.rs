//! How long idempotency records are kept, and their pruning.
//!
//! Every keyed create (the API's `Idempotency-Key`, the pages' one-time
//! keys, the command line's `call` and `attempt add`) leaves a record of
//! its first answer. They are kept [`KEEP_DAYS`] days, then deleted in
//! batches of at most [`BATCH`] rows (each its own short write, so that
//! other writes wait for none of them): by the server when it starts and
//! every [`PRUNE_EVERY`], and by every keyed create, which deletes one
//! small batch of expired records of its own table as it adds one (the
//! command line's writes prune so). A key sent again after its record was
//! pruned is a new request: it creates anew.

use std::time::Duration;

use super::{Store, StoreError};
use crate::domain::time::format_system;

/// How long a record is kept. A retry comes within seconds (a double
/// click, a lost answer), hours (Back and Save again) or days (`call
/// --resume` of a draft kept over a weekend); a month covers these with
/// room, while a household's journal does not keep every key it ever saw.
pub const KEEP_DAYS: i64 = 30;

/// The most records one pruning write deletes.
pub const BATCH: i64 = 500;

/// The most expired records a keyed create deletes beside its own.
pub(super) const BESIDE_A_CREATE: i64 = 50;

/// How often the server prunes.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);

/// Which table of records.
#[derive(Debug, Clone, Copy)]
pub(super) enum Records {
    /// The API's and the pages' (per token).
    Api,
    /// The command line's (no token).
    Cli,
}

/// The oldest `created_at` kept at `now`.
pub(super) fn cutoff(now: chrono::DateTime<chrono::Utc>) -> String {
    format_system(now - chrono::Duration::days(KEEP_DAYS))
}

impl Store {
    /// Delete every idempotency record older than [`KEEP_DAYS`] at `now`,
    /// in writes of at most [`BATCH`] rows each; how many were deleted.
    pub async fn prune_idempotency(&self, now: chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError> {
        let before = cutoff(now);
        let mut total = 0;
        for records in [Records::Api, Records::Cli] {
            loop {
                let before = before.clone();
                let done =
                    self.write(move |conn| super::statements::prune_batch(conn, records, &before, BATCH)).await?;
                total += done;
                if done < BATCH as u64 {
                    break;
                }
            }
        }
        Ok(total)
    }

    /// Prune now and then every [`PRUNE_EVERY`], for as long as the
    /// runtime runs (the server's). A failed prune is logged and tried
    /// again at the next tick.
    pub fn prune_idempotency_periodically(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PRUNE_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                match store.prune_idempotency(chrono::Utc::now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, keep_days = KEEP_DAYS, "idempotency records pruned"),
                    Err(e) => tracing::warn!(error = %e, "idempotency records could not be pruned"),
                }
            }
        });
    }
}
