//! Hardware changes: what was swapped in a machine, and when.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::{Part, PartSet};
use super::fields::{Check, FieldErrors, Msg};

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

/// A parsed, valid hardware change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHardwareChange {
    pub changed_on: NaiveDate,
    pub parts_replaced: PartSet,
    pub parts_kept: PartSet,
    pub os_reinstalled: bool,
    pub notes: Option<String>,
}

patch! {
    /// A parsed change to a hardware change.
    pub struct HardwareChangePatch for NewHardwareChange {
        changed_on: NaiveDate,
        parts_replaced: PartSet,
        parts_kept: PartSet,
        os_reinstalled: bool,
        notes: Option<String>,
    }
}

/// A list of part names as a set; a part listed twice is refused.
pub fn parts(raw: &[String]) -> Result<PartSet, Msg> {
    let mut set = PartSet::default();
    for p in raw {
        let part: Part = p.trim().parse()?;
        if set.contains(part) {
            return Err(Msg::new("msg.listed_twice").arg("text", format!("{:?}", part.as_str())));
        }
        set.insert(part);
    }
    Ok(set)
}

/// The rule across the two lists: no part is both replaced and kept
/// (recorded against `parts_kept`).
pub fn check_parts(c: &mut Check, replaced: Option<PartSet>, kept: Option<PartSet>) {
    if let (Some(r), Some(k)) = (replaced, kept) {
        if let Some(p) = r.intersection(k).parts().first() {
            c.push("parts_kept", Msg::new("msg.replaced_and_kept").arg("text", format!("{:?}", p.as_str())));
        }
    }
}

impl NewHardwareChange {
    /// This change with `patch` laid over it, its rules checked again.
    pub fn patched(&self, patch: &HardwareChangePatch) -> Result<Self, FieldErrors> {
        let mut h = self.clone();
        patch.apply_to(&mut h);
        let mut c = Check::default();
        check_parts(&mut c, Some(h.parts_replaced), Some(h.parts_kept));
        c.finish()?;
        Ok(h)
    }
}

impl From<&HardwareChange> for NewHardwareChange {
    fn from(h: &HardwareChange) -> Self {
        Self {
            changed_on: h.changed_on,
            parts_replaced: h.parts_replaced.iter().copied().collect(),
            parts_kept: h.parts_kept.iter().copied().collect(),
            os_reinstalled: h.os_reinstalled,
            notes: h.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_cannot_keep_what_the_change_replaced() {
        let h = NewHardwareChange {
            changed_on: NaiveDate::from_ymd_opt(2014, 5, 9).unwrap(),
            parts_replaced: [Part::Cpu].into_iter().collect(),
            parts_kept: PartSet::default(),
            os_reinstalled: false,
            notes: None,
        };
        let patch = HardwareChangePatch { parts_kept: Some([Part::Cpu].into_iter().collect()), ..Default::default() };
        assert_eq!(h.patched(&patch).unwrap_err().to_string(), "parts_kept: \"cpu\" cannot be both replaced and kept");
        assert_eq!(patch.fields(), ["parts_kept"]);
    }
}
