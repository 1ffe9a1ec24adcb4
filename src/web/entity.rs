//! The kinds of row a person edits, archives and brings back in the
//! pages: each kind's path segment, table and name, and one row read as
//! the API answers it (its JSON, for the forms built from the field
//! declarations) with the page that shows it. Shared by [`super::edit`]
//! and [`super::archive`], which do not read each other.

use super::form::license_label;
use super::{shown_time, Page, Tr, WebError};
use crate::store::{Store, StoreError, Table};

/// A kind of row the pages change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Machine,
    HardwareChange,
    License,
    Case,
    Attempt,
    FollowUp,
    Attachment,
}

impl Entity {
    /// Every kind, in the order the archived rows' page lists them.
    pub const ALL: [Entity; 7] = [
        Entity::Machine,
        Entity::HardwareChange,
        Entity::License,
        Entity::Case,
        Entity::Attempt,
        Entity::FollowUp,
        Entity::Attachment,
    ];

    /// Its path segment (`/machines/3/edit`), as the API's.
    pub fn path(self) -> &'static str {
        match self {
            Entity::Machine => "machines",
            Entity::HardwareChange => "hardware-changes",
            Entity::License => "licenses",
            Entity::Case => "cases",
            Entity::Attempt => "attempts",
            Entity::FollowUp => "follow-ups",
            Entity::Attachment => "attachments",
        }
    }

    /// The kind a path segment names.
    pub fn from_path(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.path() == segment)
    }

    /// Its table in the store.
    pub fn table(self) -> Table {
        match self {
            Entity::Machine => Table::Machines,
            Entity::HardwareChange => Table::HardwareChanges,
            Entity::License => Table::Licenses,
            Entity::Case => Table::Cases,
            Entity::Attempt => Table::Attempts,
            Entity::FollowUp => Table::FollowUps,
            Entity::Attachment => Table::Attachments,
        }
    }

    /// The catalogue key of its name (`kind.machine`: "PC").
    pub fn noun_key(self) -> &'static str {
        match self {
            Entity::Machine => "kind.machine",
            Entity::HardwareChange => "kind.hardware_change",
            Entity::License => "kind.license",
            Entity::Case => "kind.case",
            Entity::Attempt => "kind.attempt",
            Entity::FollowUp => "kind.follow_up",
            Entity::Attachment => "attach.kind",
        }
    }
}

/// The kind a path segment names, or a 404 page.
pub fn entity_of(p: &Page, segment: &str) -> Result<Entity, WebError> {
    Entity::from_path(segment)
        .ok_or_else(|| WebError::NotFound { lang: p.lang, message: p.t().f("error.no_page", &[("path", segment)]) })
}

/// One row as the pages read it.
pub struct Row {
    /// As the API answers it: the edit form's values come from its fields.
    pub json: serde_json::Value,
    /// Its version (the API's `ETag`), carried by the edit form.
    pub version: String,
    /// How a person tells it from its neighbours (a name, a time).
    pub title: String,
    /// The page that shows it.
    pub href: String,
    /// Its machine (a hardware change's, a case's, a follow-up's).
    pub machine_id: Option<i64>,
}

fn row<T: serde::Serialize>(
    value: &T,
    title: String,
    href: String,
    machine_id: Option<i64>,
) -> Result<Row, StoreError> {
    let json = serde_json::to_value(value).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok(Row { json, version: crate::store::etag(value), title, href, machine_id })
}

/// Read one row of `entity`; archived ones only when `include_archived`.
pub async fn load(store: &Store, t: &Tr, entity: Entity, id: i64, include_archived: bool) -> Result<Row, StoreError> {
    match entity {
        Entity::Machine => {
            let m = store.machine(id, include_archived).await?;
            row(&m, m.name.clone(), format!("/machines/{id}"), Some(id))
        }
        Entity::HardwareChange => {
            let h = store.hardware_change(id, include_archived).await?;
            row(&h, h.changed_on.to_string(), format!("/machines/{}", h.machine_id), Some(h.machine_id))
        }
        Entity::License => {
            let l = store.license(id, include_archived).await?;
            row(&l, license_label(&l, t), format!("/licenses/{id}"), None)
        }
        Entity::Case => {
            let c = store.case(id, include_archived).await?;
            let title = format!("#{id} · {}", t.e(c.trigger));
            row(&c, title, format!("/cases/{id}"), Some(c.machine_id))
        }
        Entity::Attempt => {
            let a = store.attempt(id, include_archived).await?;
            row(&a, shown_time(&a.started_at), format!("/attempts/{id}"), Some(a.machine_id))
        }
        Entity::FollowUp => {
            let f = store.follow_up(id, include_archived).await?;
            row(&f, f.text.clone(), "/follow-ups".into(), Some(f.machine_id))
        }
        Entity::Attachment => {
            let a = store.attachment(id, include_archived).await?;
            let title = a.caption.clone().unwrap_or_else(|| a.file_name());
            let href = format!("/{}/{}#attachment-{id}", super::attachments::path_of(a.entity), a.entity_id);
            row(&a, title, href, None)
        }
    }
}
