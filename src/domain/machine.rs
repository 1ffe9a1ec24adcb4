//! Machines: the PCs whose licenses get activated.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{got, nullable, opt_text, text, Check, Field, FieldErrors, LONG_MAX, NAME_MAX, SHORT_MAX};

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

/// The writable fields of a machine, as sent (POST: all; PATCH: some).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MachineFields {
    /// 1–100 characters, unique among machines that are not archived.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "PC 1")]
    pub name: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub owner: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub notes: Field<String>,
}

/// A parsed, valid machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMachine {
    pub name: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
}

impl TryFrom<&MachineFields> for NewMachine {
    type Error = FieldErrors;

    fn try_from(f: &MachineFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let name = c.required("name", &f.name, text(NAME_MAX));
        let owner = c.optional("owner", &f.owner, opt_text(SHORT_MAX));
        let notes = c.optional("notes", &f.notes, opt_text(LONG_MAX));
        c.finish()?;
        Ok(Self { name: got(name)?, owner: got(owner)?, notes: got(notes)? })
    }
}

impl MachineFields {
    /// The fields of a stored machine, to lay a PATCH over.
    pub fn of(m: &Machine) -> Self {
        Self { name: Some(Some(m.name.clone())), owner: Some(m.owner.clone()), notes: Some(m.notes.clone()) }
    }

    /// Lay `patch` over these fields: what it names replaces what is here.
    pub fn overlay(mut self, patch: &MachineFields) -> Self {
        overlay!(self, patch; name, owner, notes);
        self
    }

    /// Names of the fields present (for the audit log).
    pub fn present(&self) -> Vec<&'static str> {
        present!(self; name, owner, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_needs_a_name() {
        let err = NewMachine::try_from(&MachineFields::default()).unwrap_err();
        assert_eq!(err.to_string(), "name: is required");
        let long = MachineFields { name: Some(Some("x".repeat(101))), ..Default::default() };
        assert!(NewMachine::try_from(&long).unwrap_err().to_string().contains("101 characters"));
    }

    #[test]
    fn a_patch_replaces_only_what_it_names() {
        let base =
            MachineFields { name: Some(Some("PC 1".into())), owner: Some(Some("Ken".into())), notes: Some(None) };
        let patch = MachineFields { owner: Some(None), ..Default::default() };
        let m = NewMachine::try_from(&base.overlay(&patch)).unwrap();
        assert_eq!(m, NewMachine { name: "PC 1".into(), owner: None, notes: None });
    }
}
