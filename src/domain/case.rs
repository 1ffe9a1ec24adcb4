//! Cases: one goal — license L activated on machine M — and its status.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::{CaseStatus, Trigger};
use super::fields::{got, id, member, nullable, opt_text, Check, Field, FieldErrors, LONG_MAX};
use super::time::CallerTime;

/// A case as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Case {
    pub id: i64,
    pub machine_id: i64,
    pub license_id: i64,
    pub trigger: Trigger,
    pub hardware_change_id: Option<i64>,
    pub status: CaseStatus,
    /// When the case was opened (UTC): given, or the start of its first attempt, or its creation.
    pub opened_at: String,
    /// When it was activated or abandoned (UTC); null while open.
    pub closed_at: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// The writable fields of a case. `machine_id` and `license_id` are set on
/// POST and cannot be changed afterwards.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseFields {
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub machine_id: Field<i64>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub license_id: Field<i64>,
    /// Defaults to `other`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Trigger>)]
    pub trigger: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub hardware_change_id: Field<i64>,
    /// Defaults to `open`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<CaseStatus>)]
    pub status: Field<String>,
    /// RFC 3339 with an offset; defaults to now.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opened_at: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub notes: Field<String>,
}

/// A parsed, valid case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub machine_id: i64,
    pub license_id: i64,
    pub trigger: Trigger,
    pub hardware_change_id: Option<i64>,
    pub status: CaseStatus,
    /// As a system time (UTC); `None` means now.
    pub opened_at: Option<String>,
    pub notes: Option<String>,
}

impl TryFrom<&CaseFields> for NewCase {
    type Error = FieldErrors;

    fn try_from(f: &CaseFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let machine_id = c.required("machine_id", &f.machine_id, id);
        let license_id = c.required("license_id", &f.license_id, id);
        let trigger = c.optional("trigger", &f.trigger, |s| member::<Trigger>(s).map(Some));
        let hardware_change_id = c.optional("hardware_change_id", &f.hardware_change_id, |v| id(v).map(Some));
        let status = c.optional("status", &f.status, |s| member::<CaseStatus>(s).map(Some));
        let opened_at = c.optional("opened_at", &f.opened_at, |s| {
            // Already a system time when laid from a stored case.
            CallerTime::parse(s).map(|t| Some(t.to_system()))
        });
        let notes = c.optional("notes", &f.notes, opt_text(LONG_MAX));
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

impl CaseFields {
    /// The fields of a stored case, to lay a PATCH over.
    pub fn of(k: &Case) -> Self {
        Self {
            machine_id: Some(Some(k.machine_id)),
            license_id: Some(Some(k.license_id)),
            trigger: Some(Some(k.trigger.as_str().to_string())),
            hardware_change_id: Some(k.hardware_change_id),
            status: Some(Some(k.status.as_str().to_string())),
            opened_at: Some(Some(k.opened_at.clone())),
            notes: Some(k.notes.clone()),
        }
    }

    /// Lay `patch` over these fields; `machine_id` and `license_id` cannot change.
    pub fn overlay(mut self, patch: &CaseFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        for (name, now, new) in
            [("machine_id", &self.machine_id, &patch.machine_id), ("license_id", &self.license_id, &patch.license_id)]
        {
            if new.is_some() && new != now {
                c.push(name, "cannot be changed; open a new case instead");
            }
        }
        c.finish()?;
        overlay!(self, patch; trigger, hardware_change_id, status, opened_at, notes);
        Ok(self)
    }

    /// Names of the fields present.
    pub fn present(&self) -> Vec<&'static str> {
        present!(self; machine_id, license_id, trigger, hardware_change_id, status, opened_at, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_needs_its_pair_and_defaults_the_rest() {
        let err = NewCase::try_from(&CaseFields::default()).unwrap_err();
        assert_eq!(err.to_string(), "machine_id: is required; license_id: is required");
        let f = CaseFields { machine_id: Some(Some(1)), license_id: Some(Some(2)), ..Default::default() };
        let k = NewCase::try_from(&f).unwrap();
        assert_eq!((k.trigger, k.status), (Trigger::Other, CaseStatus::Open));
        let bad = CaseFields {
            machine_id: Some(Some(0)),
            license_id: Some(Some(2)),
            status: Some(Some("done".into())),
            ..Default::default()
        };
        let err = NewCase::try_from(&bad).unwrap_err().to_string();
        assert!(err.contains("machine_id: 0 is not an id") && err.contains("status: \"done\""), "{err}");
    }
}
