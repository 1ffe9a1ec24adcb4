//! The journal's pages: calls newest first with the API's filters, one
//! call, a case's calls, machines and a machine's timeline, licenses (keys
//! masked; a write session may reveal one, audited), follow-ups (add, mark
//! done) and search. Lists are paged as the API pages them.
//!
//! One file a page group: [`attempts`] (calls and cases), [`machines`],
//! [`licenses`], [`follow_ups`] and [`search`]; what they share (the names
//! tables show) is here.

use std::collections::HashMap;

use super::form::license_label;
use super::{Page, WebError};
use crate::domain::PageRequest;
use crate::store::{Store, StoreError};

mod attempts;
mod follow_ups;
mod licenses;
mod machines;
mod search;

pub use attempts::{attempt, attempts, case, AttemptRow};
pub use follow_ups::{add_follow_up, follow_up_done, follow_ups, FollowUpRow};
pub use licenses::{add_license, license, licenses, reveal, LicenseRow};
pub use machines::{add_hardware_change, add_machine, machine, machines, EventRow};
pub use search::{search, HitRow};

/// Names of machines and labels of licenses, for tables.
struct Names {
    machines: HashMap<i64, String>,
    licenses: HashMap<i64, String>,
}

async fn names(p: &Page, store: &Store) -> Result<Names, WebError> {
    let all = p.ok(PageRequest::parse(Some(500), None, true).map_err(StoreError::Invalid))?;
    let t = p.t();
    Ok(Names {
        machines: p.ok(store.machines(&all).await)?.items.into_iter().map(|m| (m.id, m.name)).collect(),
        licenses: p.ok(store.licenses(&all).await)?.items.iter().map(|l| (l.id, license_label(l, &t))).collect(),
    })
}
