//! Cases: one goal — license L activated on machine M — and its status.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::{CaseStatus, Trigger};
use super::fields::{Check, FieldErrors, Msg};
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
    /// When the case was opened, canonical RFC 3339 with an offset: as
    /// given, or the start of its first attempt as the call gave it, or its
    /// creation in the household's offset then.
    pub opened_at: String,
    /// When it was activated (the activating call's end or start, with the
    /// call's offset) or abandoned (in the household's offset then); null
    /// while open.
    pub closed_at: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// A parsed, valid case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub machine_id: i64,
    pub license_id: i64,
    pub trigger: Trigger,
    pub hardware_change_id: Option<i64>,
    pub status: CaseStatus,
    /// Canonical RFC 3339 with its offset; `None` means now.
    pub opened_at: Option<String>,
    pub notes: Option<String>,
}

patch! {
    /// A parsed change to a case. `opened_at` is canonical RFC 3339 with its
    /// offset; `Some(None)` keeps the stored one.
    pub struct CasePatch for NewCase {
        trigger: Trigger,
        hardware_change_id: Option<i64>,
        status: CaseStatus,
        opened_at: Option<String>,
        notes: Option<String>,
    }
    checked {
        /// Only to be refused when it differs from the case's.
        machine_id: Option<i64>,
        /// Only to be refused when it differs from the case's.
        license_id: Option<i64>,
    }
}

impl NewCase {
    /// This case with `patch` laid over it; its machine and license cannot change.
    pub fn patched(&self, patch: &CasePatch) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        for (name, now, new) in
            [("machine_id", self.machine_id, patch.machine_id), ("license_id", self.license_id, patch.license_id)]
        {
            if new.is_some_and(|n| n != Some(now)) {
                c.push(name, Msg::new("msg.case_target_fixed"));
            }
        }
        c.finish()?;
        let mut k = self.clone();
        patch.apply_to(&mut k);
        Ok(k)
    }
}

impl From<&Case> for NewCase {
    fn from(k: &Case) -> Self {
        Self {
            machine_id: k.machine_id,
            license_id: k.license_id,
            trigger: k.trigger,
            hardware_change_id: k.hardware_change_id,
            status: k.status,
            opened_at: Some(k.opened_at.clone()),
            notes: k.notes.clone(),
        }
    }
}

/// A case's `closed_at` is never before its `opened_at` (compared as
/// instants, whatever their offsets).
pub fn check_open_before_closed(opened_at: &str, closed_at: Option<&str>) -> Result<(), FieldErrors> {
    let Some(closed_at) = closed_at else { return Ok(()) };
    let instant = |t: &str| CallerTime::parse_stored(t).map(|t| t.at()).ok();
    match (instant(opened_at), instant(closed_at)) {
        (Some(o), Some(c)) if o > c => Err(FieldErrors::one(
            "opened_at",
            Msg::new("msg.opened_after_closed").arg("opened", opened_at).arg("closed", closed_at),
        )),
        _ => Ok(()),
    }
}

/// An `opened_at` as sent (RFC 3339 with an offset), canonical with its
/// offset. (A case's time is not read in the household's zone: it needs
/// its offset.)
#[allow(clippy::ptr_arg)]
pub fn opened_at(raw: &String) -> Result<Option<String>, Msg> {
    match super::fields::caller_time(raw)? {
        t if t.is_local() => Err(Msg::new("msg.not_rfc3339").arg("text", format!("{:?}", raw.trim()))),
        t => Ok(Some(t.text().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_cannot_move_a_case_to_another_pair() {
        let k = NewCase {
            machine_id: 1,
            license_id: 2,
            trigger: Trigger::Other,
            hardware_change_id: None,
            status: CaseStatus::Open,
            opened_at: None,
            notes: None,
        };
        let same = CasePatch { machine_id: Some(Some(1)), notes: Some(Some("n".into())), ..Default::default() };
        assert_eq!(k.patched(&same).unwrap().notes.as_deref(), Some("n"));
        let moved = CasePatch { license_id: Some(Some(3)), ..Default::default() };
        assert_eq!(
            k.patched(&moved).unwrap_err().to_string(),
            "license_id: cannot be changed; open a new case instead"
        );
    }
}
