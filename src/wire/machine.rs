//! Machine bodies.

use super::{bodies, named_something, nullable};
use crate::domain::fields::{got, name, opt_text, Check, FieldErrors, LONG_MAX, NAME_MAX, SHORT_MAX};
use crate::domain::{MachinePatch, NewMachine};

bodies! {
    /// A new machine.
    pub struct MachineCreate;
    /// A change to a machine: the fields sent replace the stored ones.
    pub struct MachineFields;
    {
        /// 1–100 characters, unique among machines that are not archived.
        name: String => [value_type = String, required = true, example = "PC 1"] [value_type = String, example = "PC 1"],
        owner: String => [value_type = Option<String>] [value_type = Option<String>],
        notes: String => [value_type = Option<String>] [value_type = Option<String>],
    }
}

impl TryFrom<&MachineCreate> for NewMachine {
    type Error = FieldErrors;

    fn try_from(f: &MachineCreate) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let name = c.required("name", &f.name, name(NAME_MAX));
        let owner = c.optional("owner", &f.owner, opt_text(SHORT_MAX));
        let notes = c.optional("notes", &f.notes, opt_text(LONG_MAX));
        c.finish()?;
        Ok(Self { name: got(name)?, owner: got(owner)?, notes: got(notes)? })
    }
}

impl TryFrom<&MachineFields> for MachinePatch {
    type Error = FieldErrors;

    fn try_from(f: &MachineFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let name = c.patch_required("name", &f.name, name(NAME_MAX));
        let owner = c.patch_optional("owner", &f.owner, opt_text(SHORT_MAX));
        let notes = c.patch_optional("notes", &f.notes, opt_text(LONG_MAX));
        c.finish()?;
        named_something(Self { name: got(name)?, owner: got(owner)?, notes: got(notes)? }, MachinePatch::fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_needs_a_name() {
        let err = NewMachine::try_from(&MachineCreate::default()).unwrap_err();
        assert_eq!(err.to_string(), "name: is required");
        let long = MachineCreate { name: Some(Some("x".repeat(101))), ..Default::default() };
        assert!(NewMachine::try_from(&long).unwrap_err().to_string().contains("101 characters"));
    }

    #[test]
    fn a_patch_names_what_it_changes_and_cannot_clear_the_name() {
        let p = MachinePatch::try_from(&MachineFields { owner: Some(None), ..Default::default() }).unwrap();
        assert_eq!(p, MachinePatch { owner: Some(None), ..Default::default() });
        let err = MachinePatch::try_from(&MachineFields { name: Some(None), ..Default::default() }).unwrap_err();
        assert_eq!(err.to_string(), "name: is required");
        let err = MachinePatch::try_from(&MachineFields::default()).unwrap_err();
        assert_eq!(err.to_string(), "body: names no field to change");
    }
}
