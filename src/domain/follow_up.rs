//! Follow-ups: things to do later, on a machine or a case ("remove the old
//! motherboard's drivers").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{date, got, id, nullable, text, Check, Field, FieldErrors, LONG_MAX};

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

/// The writable fields of a follow-up. Give `machine_id`, `case_id` or both.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpFields {
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub machine_id: Field<i64>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub case_id: Field<i64>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, example = "remove the old motherboard's drivers")]
    pub text: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<bool>)]
    pub done: Field<bool>,
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

impl TryFrom<&FollowUpFields> for NewFollowUp {
    type Error = FieldErrors;

    fn try_from(f: &FollowUpFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let machine_id = c.optional("machine_id", &f.machine_id, |v| id(v).map(Some));
        let case_id = c.optional("case_id", &f.case_id, |v| id(v).map(Some));
        let text = c.required("text", &f.text, text(LONG_MAX));
        let due_on = c.optional("due_on", &f.due_on, |s| date(s).map(Some));
        if let (Some(None), Some(None)) = (machine_id, case_id) {
            c.push("machine_id", "is required, or case_id");
        }
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

impl FollowUpFields {
    /// The fields of a stored follow-up, to lay a PATCH over.
    pub fn of(u: &FollowUp) -> Self {
        Self {
            machine_id: Some(Some(u.machine_id)),
            case_id: Some(u.case_id),
            text: Some(Some(u.text.clone())),
            due_on: Some(u.due_on.map(|d| d.to_string())),
            done: Some(Some(u.done)),
        }
    }

    /// Lay `patch` over these fields.
    pub fn overlay(mut self, patch: &FollowUpFields) -> Self {
        overlay!(self, patch; machine_id, case_id, text, due_on, done);
        self
    }

    /// Names of the fields present.
    pub fn present(&self) -> Vec<&'static str> {
        present!(self; machine_id, case_id, text, due_on, done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follow_up_needs_text_and_a_subject() {
        let err = NewFollowUp::try_from(&FollowUpFields::default()).unwrap_err().to_string();
        assert_eq!(err, "text: is required; machine_id: is required, or case_id");
    }
}
