//! Licenses: a product, how it was bought, and its (secret) product key.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::Channel;
use super::fields::{date, got, member, nullable, opt_text, text, Check, Field, FieldErrors, LONG_MAX, SHORT_MAX};
use super::ids::ProductKey;

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

/// The writable fields of a license.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenseFields {
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "Windows 8.1")]
    pub product: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "Pro")]
    pub edition: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Channel>)]
    pub channel: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub purchased_from: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub purchased_on: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub box_colour: Field<String>,
    /// Write-only. Spaces, hyphens, full-width characters and lower case are
    /// accepted. A key with an `N` must pass its checksum. `null` removes the
    /// stored key; leaving the field out keeps it.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9")]
    pub product_key: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub notes: Field<String>,
}

/// What to do with the stored product key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChange {
    /// Leave it as it is (PATCH without `product_key`).
    Keep,
    /// Remove it.
    Clear,
    /// Store this one.
    Set(ProductKey),
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

impl TryFrom<&LicenseFields> for NewLicense {
    type Error = FieldErrors;

    fn try_from(f: &LicenseFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let product = c.required("product", &f.product, text(SHORT_MAX));
        let edition = c.optional("edition", &f.edition, opt_text(SHORT_MAX));
        let channel = c.required("channel", &f.channel, member::<Channel>);
        let purchased_from = c.optional("purchased_from", &f.purchased_from, opt_text(SHORT_MAX));
        let purchased_on = c.optional("purchased_on", &f.purchased_on, |s| date(s).map(Some));
        let box_colour = c.optional("box_colour", &f.box_colour, opt_text(SHORT_MAX));
        let notes = c.optional("notes", &f.notes, opt_text(LONG_MAX));
        let product_key = match &f.product_key {
            None => Some(KeyChange::Keep),
            Some(None) => Some(KeyChange::Clear),
            Some(Some(raw)) if raw.trim().is_empty() => Some(KeyChange::Clear),
            Some(Some(raw)) => c.record("product_key", raw.parse::<ProductKey>().map(KeyChange::Set).map_err(|e| e.0)),
        };
        c.finish()?;
        Ok(Self {
            product: got(product)?,
            edition: got(edition)?,
            channel: got(channel)?,
            purchased_from: got(purchased_from)?,
            purchased_on: got(purchased_on)?,
            box_colour: got(box_colour)?,
            product_key: got(product_key)?,
            notes: got(notes)?,
        })
    }
}

impl LicenseFields {
    /// The fields of a stored license, to lay a PATCH over. The key is left
    /// out, so that it is kept unless the patch names it.
    pub fn of(l: &License) -> Self {
        Self {
            product: Some(Some(l.product.clone())),
            edition: Some(l.edition.clone()),
            channel: Some(Some(l.channel.as_str().to_string())),
            purchased_from: Some(l.purchased_from.clone()),
            purchased_on: Some(l.purchased_on.map(|d| d.to_string())),
            box_colour: Some(l.box_colour.clone()),
            product_key: None,
            notes: Some(l.notes.clone()),
        }
    }

    /// Lay `patch` over these fields.
    pub fn overlay(mut self, patch: &LicenseFields) -> Self {
        overlay!(self, patch; product, edition, channel, purchased_from, purchased_on, box_colour, product_key, notes);
        self
    }

    /// Names of the fields present.
    pub fn present(&self) -> Vec<&'static str> {
        present!(self; product, edition, channel, purchased_from, purchased_on, box_colour, product_key, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(key: &str) -> LicenseFields {
        LicenseFields {
            product: Some(Some("Windows 8.1".into())),
            channel: Some(Some("retail_box".into())),
            product_key: Some(Some(key.into())),
            ..Default::default()
        }
    }

    #[test]
    fn keys_are_parsed_and_typos_refused() {
        let l = NewLicense::try_from(&boxed("gcrjd-8nw9h-f2cdx-ccm8d-9d6t9")).unwrap();
        assert!(matches!(l.product_key, KeyChange::Set(_)));
        let err = NewLicense::try_from(&boxed("GCRJD-8NW9H-F2CDX-CCM8D-9D6T8")).unwrap_err();
        assert!(err.to_string().starts_with("product_key: product key does not check"), "{err}");
        assert!(!err.to_string().contains("GCRJD"));
    }

    #[test]
    fn every_failing_field_is_listed() {
        let f = LicenseFields {
            channel: Some(Some("boxed".into())),
            purchased_on: Some(Some("May".into())),
            ..Default::default()
        };
        let err = NewLicense::try_from(&f).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["product", "channel", "purchased_on"]);
    }
}
