//! Follow-up bodies. Give `machine_id`, `case_id` or both.

use super::{bodies, named_something, nullable};
use crate::domain::fields::{due_date, got, id, Check, FieldErrors};
use crate::domain::follow_up::check_subject;
use crate::domain::shape::{Kind, NOTES};
use crate::domain::{FollowUpPatch, NewFollowUp};

bodies! {
    /// A new follow-up.
    pub struct FollowUpCreate;
    /// A change to a follow-up: the fields sent replace the stored ones.
    pub struct FollowUpFields;
    pub mod follow_up_fields;
    {
        machine_id: i64 as Kind::Id => [value_type = Option<i64>] [value_type = Option<i64>],
        case_id: i64 as Kind::Id => [value_type = Option<i64>] [value_type = Option<i64>],
        text: String as NOTES, required => [value_type = String, example = "remove the old motherboard's drivers"] [value_type = String, example = "remove the old motherboard's drivers"],
        due_on: String as Kind::Date => [value_type = Option<String>] [value_type = Option<String>],
        done: bool as Kind::Bool => [value_type = Option<bool>] [value_type = Option<bool>],
    }
}

impl TryFrom<&FollowUpCreate> for NewFollowUp {
    type Error = FieldErrors;

    fn try_from(f: &FollowUpCreate) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let machine_id = c.optional("machine_id", &f.machine_id, |v| id(v).map(Some));
        let case_id = c.optional("case_id", &f.case_id, |v| id(v).map(Some));
        let text = c.required("text", &f.text, follow_up_fields::text.text());
        let due_on = c.optional("due_on", &f.due_on, |s| due_date(s).map(Some));
        check_subject(&mut c, machine_id, case_id);
        c.finish()?;
        Ok(Self {
            machine_id: got(machine_id)?,
            case_id: got(case_id)?,
            text: got(text)?,
            due_on: got(due_on)?,
            done: f.done.flatten().unwrap_or(false),
        })
    }
}

impl TryFrom<&FollowUpFields> for FollowUpPatch {
    type Error = FieldErrors;

    fn try_from(f: &FollowUpFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let machine_id = c.patch_optional("machine_id", &f.machine_id, |v| id(v).map(Some));
        let case_id = c.patch_optional("case_id", &f.case_id, |v| id(v).map(Some));
        let text = c.patch_required("text", &f.text, follow_up_fields::text.text());
        let due_on = c.patch_optional("due_on", &f.due_on, |s| due_date(s).map(Some));
        c.finish()?;
        let patch = Self {
            machine_id: got(machine_id)?,
            case_id: got(case_id)?,
            text: got(text)?,
            due_on: got(due_on)?,
            done: f.done.map(|d| d.unwrap_or(false)),
        };
        named_something(patch, FollowUpPatch::fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follow_up_needs_text_and_a_subject() {
        let err = NewFollowUp::try_from(&FollowUpCreate::default()).unwrap_err().to_string();
        assert_eq!(err, "text: is required; machine_id: is required, or case_id");
    }
}
