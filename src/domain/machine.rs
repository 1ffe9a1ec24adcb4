//! Machines: the PCs whose licenses get activated.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A machine as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Machine {
    pub id: i64,
    /// Unique among machines that are not archived.
    pub name: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// A parsed, valid machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMachine {
    pub name: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
}

patch! {
    /// A parsed change to a machine.
    pub struct MachinePatch for NewMachine { name: String, owner: Option<String>, notes: Option<String> }
}

impl NewMachine {
    /// This machine with `patch` laid over it.
    pub fn patched(&self, patch: &MachinePatch) -> Self {
        let mut m = self.clone();
        patch.apply_to(&mut m);
        m
    }
}

impl From<&Machine> for NewMachine {
    fn from(m: &Machine) -> Self {
        Self { name: m.name.clone(), owner: m.owner.clone(), notes: m.notes.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_replaces_only_what_it_names() {
        let base = NewMachine { name: "PC 1".into(), owner: Some("Ken".into()), notes: None };
        let patch = MachinePatch { owner: Some(None), ..Default::default() };
        assert_eq!(base.patched(&patch), NewMachine { name: "PC 1".into(), owner: None, notes: None });
        assert_eq!(patch.fields(), ["owner"]);
    }
}
