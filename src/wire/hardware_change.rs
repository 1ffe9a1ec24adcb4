//! Hardware change bodies. `machine_id` comes from the path on POST and
//! cannot be changed.

use super::{bodies, named_something, nullable};
use crate::domain::fields::{got, past_date, Check, FieldErrors};
use crate::domain::hardware_change::{check_parts, parts};
use crate::domain::shape::{Kind, NOTES};
use crate::domain::{HardwareChangePatch, NewHardwareChange, Part};

bodies! {
    /// A new hardware change of the machine in the path.
    pub struct HardwareChangeCreate;
    /// A change to a hardware change: the fields sent replace the stored ones.
    pub struct HardwareChangeFields;
    pub mod hardware_change_fields;
    {
        /// The date of the change, `YYYY-MM-DD`.
        changed_on: String as Kind::Date, required => [value_type = String, example = "2014-05-09"] [value_type = String, example = "2014-05-09"],
        parts_replaced: Vec<String> as Kind::SetOf(Part::SET) => [value_type = Option<Vec<Part>>] [value_type = Option<Vec<Part>>],
        parts_kept: Vec<String> as Kind::SetOf(Part::SET) => [value_type = Option<Vec<Part>>] [value_type = Option<Vec<Part>>],
        os_reinstalled: bool as Kind::Bool => [value_type = Option<bool>] [value_type = Option<bool>],
        notes: String as NOTES => [value_type = Option<String>] [value_type = Option<String>],
    }
}

/// A list of parts; `null` is the empty set.
#[allow(clippy::ptr_arg)]
fn part_set(raw: &Vec<String>) -> Result<Option<crate::domain::PartSet>, crate::i18n::Msg> {
    parts(raw).map(Some)
}

impl TryFrom<&HardwareChangeCreate> for NewHardwareChange {
    type Error = FieldErrors;

    fn try_from(f: &HardwareChangeCreate) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let changed_on = c.required("changed_on", &f.changed_on, past_date);
        let replaced = c.optional("parts_replaced", &f.parts_replaced, part_set);
        let kept = c.optional("parts_kept", &f.parts_kept, part_set);
        let notes = c.optional("notes", &f.notes, hardware_change_fields::notes.opt_text());
        check_parts(&mut c, replaced.flatten(), kept.flatten());
        c.finish()?;
        Ok(Self {
            changed_on: got(changed_on)?,
            parts_replaced: got(replaced)?.unwrap_or_default(),
            parts_kept: got(kept)?.unwrap_or_default(),
            os_reinstalled: f.os_reinstalled.flatten().unwrap_or(false),
            notes: got(notes)?,
        })
    }
}

impl TryFrom<&HardwareChangeFields> for HardwareChangePatch {
    type Error = FieldErrors;

    fn try_from(f: &HardwareChangeFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let changed_on = c.patch_required("changed_on", &f.changed_on, past_date);
        let replaced = c.patch_optional("parts_replaced", &f.parts_replaced, part_set);
        let kept = c.patch_optional("parts_kept", &f.parts_kept, part_set);
        let notes = c.patch_optional("notes", &f.notes, hardware_change_fields::notes.opt_text());
        c.finish()?;
        let patch = Self {
            changed_on: got(changed_on)?,
            parts_replaced: got(replaced)?.map(Option::unwrap_or_default),
            parts_kept: got(kept)?.map(Option::unwrap_or_default),
            os_reinstalled: f.os_reinstalled.map(|v| v.unwrap_or(false)),
            notes: got(notes)?,
        };
        named_something(patch, HardwareChangePatch::fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(replaced: &[&str], kept: &[&str]) -> HardwareChangeCreate {
        let v = |xs: &[&str]| Some(Some(xs.iter().map(|s| s.to_string()).collect()));
        HardwareChangeCreate {
            changed_on: Some(Some("2014-05-09".into())),
            parts_replaced: v(replaced),
            parts_kept: v(kept),
            ..Default::default()
        }
    }

    #[test]
    fn parts_are_parsed_and_checked() {
        let h = NewHardwareChange::try_from(&fields(&["motherboard", "cpu", "memory"], &["storage"])).unwrap();
        assert!(h.parts_replaced.contains(Part::Cpu));
        let err = NewHardwareChange::try_from(&fields(&["motherboard", "drive"], &[])).unwrap_err();
        assert!(err.to_string().starts_with("parts_replaced: \"drive\" is not one of"), "{err}");
        let err = NewHardwareChange::try_from(&fields(&["cpu"], &["cpu"])).unwrap_err();
        assert_eq!(err.to_string(), "parts_kept: \"cpu\" cannot be both replaced and kept");
        let err = NewHardwareChange::try_from(&HardwareChangeCreate::default()).unwrap_err();
        assert_eq!(err.to_string(), "changed_on: is required");
    }
}
