//! Machine bodies.

use super::{bodies, named_something, nullable};
use crate::domain::fields::{got, Check, FieldErrors};
use crate::domain::shape::{LINE, NAME, NOTES};
use crate::domain::{MachinePatch, NewMachine};

bodies! {
    /// A new machine.
    pub struct MachineCreate;
    /// A change to a machine: the fields sent replace the stored ones.
    pub struct MachineFields;
    pub mod machine_fields;
    {
        /// 1–100 characters, unique among machines that are not archived.
        name: String as NAME, required => [value_type = String, example = "PC 1"] [value_type = String, example = "PC 1"],
        owner: String as LINE => [value_type = Option<String>] [value_type = Option<String>],
        notes: String as NOTES => [value_type = Option<String>] [value_type = Option<String>],
    }
}

impl TryFrom<&MachineCreate> for NewMachine {
    type Error = FieldErrors;

    fn try_from(f: &MachineCreate) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let name = c.required("name", &f.name, machine_fields::name.text());
        let owner = c.optional("owner", &f.owner, machine_fields::owner.opt_text());
        let notes = c.optional("notes", &f.notes, machine_fields::notes.opt_text());
        c.finish()?;
        Ok(Self { name: got(name)?, owner: got(owner)?, notes: got(notes)? })
    }
}

impl TryFrom<&MachineFields> for MachinePatch {
    type Error = FieldErrors;

    fn try_from(f: &MachineFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let name = c.patch_required("name", &f.name, machine_fields::name.text());
        let owner = c.patch_optional("owner", &f.owner, machine_fields::owner.opt_text());
        let notes = c.patch_optional("notes", &f.notes, machine_fields::notes.opt_text());
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
