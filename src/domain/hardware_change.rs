//! Hardware changes: what was swapped in a machine, and when.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::{Part, PartSet};
use super::fields::{date, got, member, nullable, opt_text, Check, Field, FieldErrors, LONG_MAX};

/// A hardware change as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HardwareChange {
    pub id: i64,
    pub machine_id: i64,
    pub changed_on: NaiveDate,
    pub parts_replaced: Vec<Part>,
    pub parts_kept: Vec<Part>,
    pub os_reinstalled: bool,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// The writable fields of a hardware change. `machine_id` comes from the
/// path on POST and cannot be changed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HardwareChangeFields {
    /// The date of the change, `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date, example = "2014-05-09")]
    pub changed_on: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Part>>)]
    pub parts_replaced: Field<Vec<String>>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Part>>)]
    pub parts_kept: Field<Vec<String>>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<bool>)]
    pub os_reinstalled: Field<bool>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub notes: Field<String>,
}

/// A parsed, valid hardware change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHardwareChange {
    pub changed_on: NaiveDate,
    pub parts_replaced: PartSet,
    pub parts_kept: PartSet,
    pub os_reinstalled: bool,
    pub notes: Option<String>,
}

fn parts(raw: &Vec<String>) -> Result<Option<PartSet>, String> {
    let mut set = PartSet::default();
    for p in raw {
        let part: Part = member(p)?;
        if set.contains(part) {
            return Err(format!("{:?} is listed twice", part.as_str()));
        }
        set.insert(part);
    }
    Ok(Some(set))
}

impl TryFrom<&HardwareChangeFields> for NewHardwareChange {
    type Error = FieldErrors;

    fn try_from(f: &HardwareChangeFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let changed_on = c.required("changed_on", &f.changed_on, date);
        let replaced = c.optional("parts_replaced", &f.parts_replaced, parts);
        let kept = c.optional("parts_kept", &f.parts_kept, parts);
        let notes = c.optional("notes", &f.notes, opt_text(LONG_MAX));
        let os_reinstalled = f.os_reinstalled.flatten().unwrap_or(false);
        if let (Some(Some(r)), Some(Some(k))) = (replaced, kept) {
            let both = r.intersection(k).parts();
            if let Some(p) = both.first() {
                c.push("parts_kept", format!("{:?} cannot be both replaced and kept", p.as_str()));
            }
        }
        c.finish()?;
        Ok(Self {
            changed_on: got(changed_on)?,
            parts_replaced: got(replaced)?.unwrap_or_default(),
            parts_kept: got(kept)?.unwrap_or_default(),
            os_reinstalled,
            notes: got(notes)?,
        })
    }
}

impl HardwareChangeFields {
    /// The fields of a stored change, to lay a PATCH over.
    pub fn of(h: &HardwareChange) -> Self {
        let names = |ps: &[Part]| Some(Some(ps.iter().map(|p| p.as_str().to_string()).collect()));
        Self {
            changed_on: Some(Some(h.changed_on.to_string())),
            parts_replaced: names(&h.parts_replaced),
            parts_kept: names(&h.parts_kept),
            os_reinstalled: Some(Some(h.os_reinstalled)),
            notes: Some(h.notes.clone()),
        }
    }

    /// Lay `patch` over these fields.
    pub fn overlay(mut self, patch: &HardwareChangeFields) -> Self {
        overlay!(self, patch; changed_on, parts_replaced, parts_kept, os_reinstalled, notes);
        self
    }

    /// Names of the fields present.
    pub fn present(&self) -> Vec<&'static str> {
        present!(self; changed_on, parts_replaced, parts_kept, os_reinstalled, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(replaced: &[&str], kept: &[&str]) -> HardwareChangeFields {
        let v = |xs: &[&str]| Some(Some(xs.iter().map(|s| s.to_string()).collect()));
        HardwareChangeFields {
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
        let err = NewHardwareChange::try_from(&HardwareChangeFields::default()).unwrap_err();
        assert_eq!(err.to_string(), "changed_on: is required");
    }
}
