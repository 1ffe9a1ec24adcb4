//! Licenses: a product, how it was bought, and its (secret) product key.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::Channel;
use super::fields::{Check, Msg};
use super::ids::ProductKey;
use super::shape::Kind;

/// A license as the API shows it. The product key itself is never shown
/// here: only its masked form and whether its checksum passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct License {
    pub id: i64,
    #[schema(example = "Windows 8.1")]
    pub product: String,
    #[schema(example = "Pro")]
    pub edition: Option<String>,
    pub channel: Channel,
    pub purchased_from: Option<String>,
    pub purchased_on: Option<NaiveDate>,
    pub box_colour: Option<String>,
    /// e.g. `*****-*****-*****-*****-9D6T9`; null when no key is stored.
    pub product_key_masked: Option<String>,
    /// true when the key has an `N` and its checksum passed; null when the
    /// key has no checksum (older keys) or no key is stored.
    pub product_key_checks: Option<bool>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// What to do with the stored product key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeyChange {
    /// Leave it as it is (PATCH without `product_key`).
    #[default]
    Keep,
    /// Remove it.
    Clear,
    /// Store this one.
    Set(ProductKey),
    /// Keep only its last five characters, which are not secret: what an
    /// export without secrets carries of a key.
    LastFive(String),
}

/// A parsed, valid license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLicense {
    pub product: String,
    pub edition: Option<String>,
    pub channel: Channel,
    pub purchased_from: Option<String>,
    pub purchased_on: Option<NaiveDate>,
    pub box_colour: Option<String>,
    pub product_key: KeyChange,
    pub notes: Option<String>,
}

patch! {
    /// A parsed change to a license. Its `product_key` is named only when
    /// the key changes (it is never shown in the audit log, only named).
    pub struct LicensePatch for NewLicense {
        product: String,
        edition: Option<String>,
        channel: Channel,
        purchased_from: Option<String>,
        purchased_on: Option<NaiveDate>,
        box_colour: Option<String>,
        product_key: KeyChange,
        notes: Option<String>,
    }
}

impl NewLicense {
    /// This license with `patch` laid over it.
    pub fn patched(&self, patch: &LicensePatch) -> Self {
        let mut l = self.clone();
        patch.apply_to(&mut l);
        l
    }
}

impl From<&License> for NewLicense {
    /// A stored license, its key kept as it is.
    fn from(l: &License) -> Self {
        Self {
            product: l.product.clone(),
            edition: l.edition.clone(),
            channel: l.channel,
            purchased_from: l.purchased_from.clone(),
            purchased_on: l.purchased_on,
            box_colour: l.box_colour.clone(),
            product_key: KeyChange::Keep,
            notes: l.notes.clone(),
        }
    }
}

/// A product key as typed: five groups of five from the key alphabet, with
/// hyphens or spaces, in either case, full-width too (the checksum a key
/// with an `N` must pass is beyond a pattern).
pub const PRODUCT_KEY: Kind = Kind::Code { pattern: "", max: 100 };

/// A product key as sent: absent keeps the stored one, `null` or blank
/// removes it, anything else must parse.
pub fn key_change(c: &mut Check, raw: &Option<Option<String>>) -> Option<KeyChange> {
    match raw {
        None => Some(KeyChange::Keep),
        Some(None) => Some(KeyChange::Clear),
        Some(Some(raw)) if raw.trim().is_empty() => Some(KeyChange::Clear),
        Some(Some(raw)) => {
            let n = raw.chars().count();
            let max = PRODUCT_KEY.max_chars().unwrap_or(n);
            if n > max {
                c.push("product_key", Msg::new("msg.too_long").arg("n", n).arg("max", max));
                return None;
            }
            c.record("product_key", raw.parse::<ProductKey>().map(KeyChange::Set).map_err(|e| e.0))
        }
    }
}
