//! License bodies. The product key is write-only.

use super::{bodies, named_something, nullable};
use crate::domain::fields::{got, member, past_date, Check, FieldErrors};
use crate::domain::license::{key_change, PRODUCT_KEY};
use crate::domain::shape::{Kind, LINE, NOTES};
use crate::domain::{Channel, LicensePatch, NewLicense};

bodies! {
    /// A new license.
    pub struct LicenseCreate;
    /// A change to a license: the fields sent replace the stored ones.
    pub struct LicenseFields;
    pub mod license_fields;
    {
        product: String as LINE, required => [value_type = String, example = "Windows 8.1"] [value_type = String, example = "Windows 8.1"],
        edition: String as LINE => [value_type = Option<String>, example = "Pro"] [value_type = Option<String>, example = "Pro"],
        channel: String as Kind::OneOf(Channel::SET), required => [value_type = Channel] [value_type = Channel],
        purchased_from: String as LINE => [value_type = Option<String>] [value_type = Option<String>],
        purchased_on: String as Kind::Date => [value_type = Option<String>] [value_type = Option<String>],
        box_colour: String as LINE => [value_type = Option<String>] [value_type = Option<String>],
        /// Write-only. Spaces, hyphens, full-width characters and lower case are
        /// accepted. A key with an `N` must pass its checksum. `null` removes the
        /// stored key; leaving the field out keeps it.
        product_key: String as PRODUCT_KEY => [value_type = Option<String>, example = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"] [value_type = Option<String>, example = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"],
        notes: String as NOTES => [value_type = Option<String>] [value_type = Option<String>],
    }
}

impl TryFrom<&LicenseCreate> for NewLicense {
    type Error = FieldErrors;

    fn try_from(f: &LicenseCreate) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let product = c.required("product", &f.product, license_fields::product.text());
        let edition = c.optional("edition", &f.edition, license_fields::edition.opt_text());
        let channel = c.required("channel", &f.channel, member::<Channel>);
        let purchased_from = c.optional("purchased_from", &f.purchased_from, license_fields::purchased_from.opt_text());
        let purchased_on = c.optional("purchased_on", &f.purchased_on, |s| past_date(s).map(Some));
        let box_colour = c.optional("box_colour", &f.box_colour, license_fields::box_colour.opt_text());
        let notes = c.optional("notes", &f.notes, license_fields::notes.opt_text());
        let product_key = key_change(&mut c, &f.product_key);
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

impl TryFrom<&LicenseFields> for LicensePatch {
    type Error = FieldErrors;

    fn try_from(f: &LicenseFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let product = c.patch_required("product", &f.product, license_fields::product.text());
        let edition = c.patch_optional("edition", &f.edition, license_fields::edition.opt_text());
        let channel = c.patch_required("channel", &f.channel, member::<Channel>);
        let purchased_from =
            c.patch_optional("purchased_from", &f.purchased_from, license_fields::purchased_from.opt_text());
        let purchased_on = c.patch_optional("purchased_on", &f.purchased_on, |s| past_date(s).map(Some));
        let box_colour = c.patch_optional("box_colour", &f.box_colour, license_fields::box_colour.opt_text());
        let notes = c.patch_optional("notes", &f.notes, license_fields::notes.opt_text());
        let product_key = key_change(&mut c, &f.product_key);
        c.finish()?;
        let patch = Self {
            product: got(product)?,
            edition: got(edition)?,
            channel: got(channel)?,
            purchased_from: got(purchased_from)?,
            purchased_on: got(purchased_on)?,
            box_colour: got(box_colour)?,
            product_key: f.product_key.is_some().then(|| got(product_key)).transpose()?,
            notes: got(notes)?,
        };
        named_something(patch, LicensePatch::fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::KeyChange;

    fn boxed(key: &str) -> LicenseCreate {
        LicenseCreate {
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
        let f = LicenseCreate {
            channel: Some(Some("boxed".into())),
            purchased_on: Some(Some("May".into())),
            ..Default::default()
        };
        let err = NewLicense::try_from(&f).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["product", "channel", "purchased_on"]);
    }
}
