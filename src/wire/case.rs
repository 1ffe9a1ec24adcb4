//! Case bodies. `machine_id` and `license_id` are set on POST and cannot
//! be changed afterwards.

use super::{bodies, named_something, nullable};
use crate::domain::case::opened_at;
use crate::domain::fields::{got, id, member, Check, FieldErrors};
use crate::domain::shape::{Kind, NOTES};
use crate::domain::{CasePatch, CaseStatus, NewCase, Trigger};

bodies! {
    /// A new case.
    pub struct CaseCreate;
    /// A change to a case: the fields sent replace the stored ones.
    pub struct CaseFields;
    pub mod case_fields;
    {
        /// Set on POST; a PATCH cannot change it (the same value is accepted).
        machine_id: i64 as Kind::Id, required => [value_type = i64] [value_type = i64],
        /// Set on POST; a PATCH cannot change it (the same value is accepted).
        license_id: i64 as Kind::Id, required => [value_type = i64] [value_type = i64],
        /// `other` when not given on POST, or `null`.
        trigger: String as Kind::OneOf(Trigger::SET) => [value_type = Option<Trigger>] [value_type = Option<Trigger>],
        hardware_change_id: i64 as Kind::Id => [value_type = Option<i64>] [value_type = Option<i64>],
        /// `open` when not given on POST, or `null`.
        status: String as Kind::OneOf(CaseStatus::SET) => [value_type = Option<CaseStatus>] [value_type = Option<CaseStatus>],
        /// RFC 3339 with an offset; on POST, now when not given.
        opened_at: String as Kind::Time => [value_type = Option<String>] [value_type = Option<String>],
        notes: String as NOTES => [value_type = Option<String>] [value_type = Option<String>],
    }
}

impl TryFrom<&CaseCreate> for NewCase {
    type Error = FieldErrors;

    fn try_from(f: &CaseCreate) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let machine_id = c.required("machine_id", &f.machine_id, id);
        let license_id = c.required("license_id", &f.license_id, id);
        let trigger = c.optional("trigger", &f.trigger, |s| member::<Trigger>(s).map(Some));
        let hardware_change_id = c.optional("hardware_change_id", &f.hardware_change_id, |v| id(v).map(Some));
        let status = c.optional("status", &f.status, |s| member::<CaseStatus>(s).map(Some));
        let opened_at = c.optional("opened_at", &f.opened_at, opened_at);
        let notes = c.optional("notes", &f.notes, case_fields::notes.opt_text());
        c.finish()?;
        Ok(Self {
            machine_id: got(machine_id)?,
            license_id: got(license_id)?,
            trigger: got(trigger)?.unwrap_or(Trigger::Other),
            hardware_change_id: got(hardware_change_id)?,
            status: got(status)?.unwrap_or(CaseStatus::Open),
            opened_at: got(opened_at)?,
            notes: got(notes)?,
        })
    }
}

impl TryFrom<&CaseFields> for CasePatch {
    type Error = FieldErrors;

    fn try_from(f: &CaseFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let machine_id = c.patch_optional("machine_id", &f.machine_id, |v| id(v).map(Some));
        let license_id = c.patch_optional("license_id", &f.license_id, |v| id(v).map(Some));
        // A null trigger or status is the default, as on POST.
        let trigger = c.patch_optional("trigger", &f.trigger, |s| member::<Trigger>(s).map(Some));
        let hardware_change_id = c.patch_optional("hardware_change_id", &f.hardware_change_id, |v| id(v).map(Some));
        let status = c.patch_optional("status", &f.status, |s| member::<CaseStatus>(s).map(Some));
        let opened_at = c.patch_optional("opened_at", &f.opened_at, opened_at);
        let notes = c.patch_optional("notes", &f.notes, case_fields::notes.opt_text());
        c.finish()?;
        let patch = Self {
            machine_id: got(machine_id)?,
            license_id: got(license_id)?,
            trigger: got(trigger)?.map(|t| t.unwrap_or(Trigger::Other)),
            hardware_change_id: got(hardware_change_id)?,
            status: got(status)?.map(|s| s.unwrap_or(CaseStatus::Open)),
            opened_at: got(opened_at)?,
            notes: got(notes)?,
        };
        named_something(patch, CasePatch::fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseStatus, Trigger};

    #[test]
    fn a_case_needs_its_pair_and_defaults_the_rest() {
        let err = NewCase::try_from(&CaseCreate::default()).unwrap_err();
        assert_eq!(err.to_string(), "machine_id: is required; license_id: is required");
        let f = CaseCreate { machine_id: Some(Some(1)), license_id: Some(Some(2)), ..Default::default() };
        let k = NewCase::try_from(&f).unwrap();
        assert_eq!((k.trigger, k.status), (Trigger::Other, CaseStatus::Open));
        let bad = CaseCreate {
            machine_id: Some(Some(0)),
            license_id: Some(Some(2)),
            status: Some(Some("done".into())),
            ..Default::default()
        };
        let err = NewCase::try_from(&bad).unwrap_err().to_string();
        assert!(err.contains("machine_id: 0 is not an id") && err.contains("status: \"done\""), "{err}");
    }
}
