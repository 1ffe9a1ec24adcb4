//! Follow-ups: things to do later, on a machine or a case ("remove the old
//! motherboard's drivers").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{Check, FieldErrors, Msg};

/// A follow-up as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUp {
    pub id: i64,
    /// Always set: taken from the case when only `case_id` was given.
    pub machine_id: i64,
    pub case_id: Option<i64>,
    pub text: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// A parsed, valid follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFollowUp {
    pub machine_id: Option<i64>,
    pub case_id: Option<i64>,
    pub text: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

patch! {
    /// A parsed change to a follow-up.
    pub struct FollowUpPatch for NewFollowUp {
        machine_id: Option<i64>,
        case_id: Option<i64>,
        text: String,
        due_on: Option<NaiveDate>,
        done: bool,
    }
}

/// A follow-up is about a machine, a case, or both.
pub fn check_subject(c: &mut Check, machine_id: Option<Option<i64>>, case_id: Option<Option<i64>>) {
    if let (Some(None), Some(None)) = (machine_id, case_id) {
        c.push("machine_id", Msg::new("msg.machine_or_case"));
    }
}

impl NewFollowUp {
    /// This follow-up with `patch` laid over it. A new case without a
    /// machine brings its own machine (the store reads it from the case).
    pub fn patched(&self, patch: &FollowUpPatch) -> Result<Self, FieldErrors> {
        let mut f = self.clone();
        patch.apply_to(&mut f);
        if patch.case_id.is_some() && patch.machine_id.is_none() {
            f.machine_id = None;
        }
        let mut c = Check::default();
        check_subject(&mut c, Some(f.machine_id), Some(f.case_id));
        c.finish()?;
        Ok(f)
    }
}

impl From<&FollowUp> for NewFollowUp {
    fn from(u: &FollowUp) -> Self {
        Self {
            machine_id: Some(u.machine_id),
            case_id: u.case_id,
            text: u.text.clone(),
            due_on: u.due_on,
            done: u.done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_case_brings_its_machine_and_a_subject_stays_required() {
        let f = NewFollowUp { machine_id: Some(1), case_id: None, text: "t".into(), due_on: None, done: false };
        let moved = f.patched(&FollowUpPatch { case_id: Some(Some(4)), ..Default::default() }).unwrap();
        assert_eq!((moved.machine_id, moved.case_id), (None, Some(4)));
        let err = f.patched(&FollowUpPatch { machine_id: Some(None), ..Default::default() }).unwrap_err();
        assert_eq!(err.to_string(), "machine_id: is required, or case_id");
    }
}
