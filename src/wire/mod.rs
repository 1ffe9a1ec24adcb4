//! The edge: request bodies as they are sent, and their `TryFrom` into the
//! parsed values of [`crate::domain`].
//!
//! Every writable resource has two bodies: `*Create` for POST (and for the
//! rows of an import, which are POST bodies with an id and system times)
//! and `*Fields` for PATCH. They differ in what the OpenAPI document says
//! (POST requires some fields; PATCH requires none and names at least one),
//! so the document is derived from these types as they are. Both take every
//! field as a [`Field`], so that a `null` is told from an absent field, and
//! both refuse unknown fields. Parsing collects every failing field
//! (`installation_id: group 7 does not check`), never just the first.
//!
//! Shared by the JSON API (`routes/`), export and import (`portable/`) and
//! the command line. This module knows no SQL and no HTTP; the rules
//! themselves (what a valid name or Installation ID is, which fields go
//! together) live in `domain/` — here they are only applied to what was sent.

mod attachment;
mod attempt;
pub mod calendar;
mod case;
mod follow_up;
mod hardware_change;
mod license;
mod machine;
mod slmgr;

use serde::{Deserialize, Deserializer};

use crate::i18n::Msg;

pub use attachment::{attachment_caption, attachment_fields, AttachmentFields};
pub use attempt::{attempt_fields, question_fields, AttemptCreate, AttemptFields, QuestionFields};
pub use case::{case_fields, CaseCreate, CaseFields};
pub use follow_up::{follow_up_fields, FollowUpCreate, FollowUpFields};
pub use hardware_change::{hardware_change_fields, HardwareChangeCreate, HardwareChangeFields};
pub use license::{license_fields, LicenseCreate, LicenseFields};
pub use machine::{machine_fields, MachineCreate, MachineFields};
pub use slmgr::SlmgrParsed;

/// A request field: `None` when absent, `Some(None)` when `null`,
/// `Some(Some(v))` when given. POST treats absent and `null` alike; PATCH
/// leaves absent fields alone and clears `null` ones.
pub type Field<T> = Option<Option<T>>;

/// Deserialize a [`Field`] (use with `#[serde(default, deserialize_with = "nullable")]`).
pub fn nullable<'de, D, T>(d: D) -> Result<Field<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Raw,
{
    Option::<RawOf<T>>::deserialize(d).map(|v| Some(v.map(|r| r.0)))
}

/// A raw field's type as JSON gives it. A whole number may come as
/// `300.0`: JSON (and JSON Schema's `integer`) make no difference, and
/// Python's `json` writes a float that way.
pub trait Raw: Sized {
    fn raw<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Deserialize through [`Raw`].
pub struct RawOf<T>(T);

impl<'de, T: Raw> Deserialize<'de> for RawOf<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::raw(d).map(RawOf)
    }
}

macro_rules! raw_as_is {
    ($($t:ty),+) => {$(
        impl Raw for $t {
            fn raw<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$t>::deserialize(d)
            }
        }
    )+};
}
raw_as_is!(String, bool, Vec<String>, Vec<QuestionFields>);

/// A JSON number that is a whole number within `i64`.
fn whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
}

impl Raw for i64 {
    fn raw<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        whole(&n).ok_or_else(|| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Other(&n.to_string()), &"a whole number")
        })
    }
}

impl Raw for Vec<i64> {
    fn raw<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<RawOf<i64>>::deserialize(d).map(|v| v.into_iter().map(|r| r.0).collect())
    }
}

/// A parsed PATCH, refused when it names no field to change.
fn named_something<P>(patch: P, fields: impl Fn(&P) -> Vec<&'static str>) -> Result<P, crate::domain::FieldErrors> {
    if fields(&patch).is_empty() {
        return Err(crate::domain::FieldErrors::one("body", Msg::new("msg.no_field_to_change")));
    }
    Ok(patch)
}

/// A raw field's value from one text (a form field, a command-line flag):
/// what a form holds is text, and this is the one place it becomes the
/// body's own type, named as the field would be in JSON.
pub trait FromText: Sized {
    fn from_text(raw: &str) -> Result<Self, Msg>;
}

impl FromText for String {
    fn from_text(raw: &str) -> Result<Self, Msg> {
        Ok(raw.to_string())
    }
}

/// A whole number as a person types it: full-width digits too.
fn whole_number(raw: &str) -> Result<i64, Msg> {
    use unicode_normalization::UnicodeNormalization as _;
    let t: String = raw.trim().nfkc().collect();
    t.parse::<i64>().map_err(|_| Msg::new("msg.whole_number"))
}

impl FromText for i64 {
    fn from_text(raw: &str) -> Result<Self, Msg> {
        whole_number(raw)
    }
}

impl FromText for bool {
    fn from_text(raw: &str) -> Result<Self, Msg> {
        match raw.trim() {
            "true" | "on" | "yes" | "1" => Ok(true),
            "false" | "off" | "no" | "0" => Ok(false),
            other => Err(Msg::new("msg.not_a_bool").arg("text", format!("{other:?}"))),
        }
    }
}

/// Items separated by commas or spaces (ASCII, full-width and the
/// ideographic comma alike).
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', ' ', '\u{3001}', '\u{ff0c}', '\u{3000}']).map(str::trim).filter(|s| !s.is_empty())
}

impl FromText for Vec<i64> {
    fn from_text(raw: &str) -> Result<Self, Msg> {
        items(raw).map(whole_number).collect::<Result<_, _>>().map_err(|_| Msg::new("msg.group_numbers"))
    }
}

impl FromText for Vec<String> {
    fn from_text(raw: &str) -> Result<Self, Msg> {
        Ok(items(raw).map(str::to_string).collect())
    }
}

impl FromText for Vec<QuestionFields> {
    fn from_text(_: &str) -> Result<Self, Msg> {
        Err(Msg::new("msg.questions_not_text"))
    }
}

/// A request body whose fields are declared: what the edges that are not
/// JSON (a web form, command-line flags) build a body with, field by
/// field, before it is parsed into its domain value as a JSON body is.
pub trait Body: Default {
    /// The declarations of the body's fields.
    const FIELDS: &'static [crate::domain::shape::FieldDecl];

    /// Set the field `field` from one text as a person typed it: `None`
    /// when the body has no such field, an error (the field's message) when
    /// the text is not of its type.
    fn set_text(&mut self, field: &str, raw: &str) -> Option<Result<(), Msg>>;

    /// Set the field `field` to `null` (a PATCH clears it; a POST takes it
    /// as absent); `false` when the body has no such field.
    fn set_null(&mut self, field: &str) -> bool;

    /// A body from `(field, text)` pairs, with the errors of texts that are
    /// not of their field's type (named as the field).
    fn from_texts<'a>(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, crate::domain::FieldErrors) {
        let mut body = Self::default();
        let mut errors = crate::domain::FieldErrors::default();
        for (field, raw) in texts {
            match body.set_text(field, raw) {
                Some(Err(message)) => errors.0.push(crate::domain::FieldError { field: field.to_string(), message }),
                None => errors
                    .0
                    .push(crate::domain::FieldError { field: field.to_string(), message: Msg::new("msg.not_a_field") }),
                Some(Ok(())) => {}
            }
        }
        (body, errors)
    }
}

/// Declares a resource's fields once: the POST body (`create`; left out for
/// a resource made otherwise, as an attachment by its upload), the PATCH
/// body (`patch`, which names at least one field) and the declarations
/// ([`crate::domain::shape::FieldDecl`], in the module `decls`, one const a
/// field and `ALL`) that every edge reads — the parse takes its limits from
/// them, the OpenAPI document states them, forms set fields by them, tests
/// send each one wrong. Each field is a [`Field`] of its raw type:
///
/// `name: Raw as KIND [, required] => [create attributes] [patch attributes]`
///
/// where `KIND` is a [`crate::domain::shape::Kind`] and the attributes are
/// utoipa's (type and examples; limits and `required` come from the kind).
macro_rules! bodies {
    (
        $(#[$patch_doc:meta])* pub struct $patch:ident;
        pub mod $decls:ident;
        { $( $(#[doc = $doc:literal])* $name:ident : $raw:ty as $kind:expr $(, $req:ident)? => [$($p:tt)*] ),+ $(,)? }
    ) => {
        $(#[$patch_doc])*
        #[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        #[schema(min_properties = 1)]
        pub struct $patch {
            $(
                $(#[doc = $doc])*
                #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
                #[schema($($p)*)]
                pub $name: $crate::wire::Field<$raw>,
            )+
        }

        /// The declarations of the resource's fields, one const a field (named
        /// as the field) and `ALL` in the body's order.
        #[allow(non_upper_case_globals)]
        pub mod $decls {
            use super::*;
            use $crate::domain::shape::FieldDecl;
            $(
                pub const $name: FieldDecl = FieldDecl {
                    name: stringify!($name),
                    kind: $kind,
                    required: $crate::wire::bodies!(@required $($req)?),
                    label: concat!("field.", stringify!($name)),
                };
            )+
            pub const ALL: &[FieldDecl] = &[$($name),+];
        }

        $crate::wire::bodies!(@body $patch, $decls, $($name : $raw),+);
    };
    (
        $(#[$create_doc:meta])* pub struct $create:ident;
        $(#[$patch_doc:meta])* pub struct $patch:ident;
        pub mod $decls:ident;
        { $( $(#[doc = $doc:literal])* $name:ident : $raw:ty as $kind:expr $(, $req:ident)? => [$($c:tt)*] [$($p:tt)*] ),+ $(,)? }
    ) => {
        $(#[$create_doc])*
        #[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $create {
            $(
                $(#[doc = $doc])*
                #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
                #[schema($($c)*)]
                pub $name: $crate::wire::Field<$raw>,
            )+
        }

        // The PATCH body and the declarations, as for a resource with a
        // PATCH body only (the arm above).
        $crate::wire::bodies! {
            $(#[$patch_doc])* pub struct $patch;
            pub mod $decls;
            { $( $(#[doc = $doc])* $name : $raw as $kind $(, $req)? => [$($p)*] ),+ }
        }

        $crate::wire::bodies!(@body $create, $decls, $($name : $raw),+);
    };
    (@required) => { false };
    (@required required) => { true };
    (@body $body:ident, $decls:ident, $($name:ident : $raw:ty),+) => {
        impl $crate::wire::Body for $body {
            const FIELDS: &'static [$crate::domain::shape::FieldDecl] = $decls::ALL;

            fn set_text(&mut self, field: &str, raw: &str) -> Option<Result<(), $crate::i18n::Msg>> {
                match field {
                    $(stringify!($name) => Some(
                        <$raw as $crate::wire::FromText>::from_text(raw).map(|v| self.$name = Some(Some(v)))
                    ),)+
                    _ => None,
                }
            }

            fn set_null(&mut self, field: &str) -> bool {
                match field {
                    $(stringify!($name) => { self.$name = Some(None); true })+
                    _ => false,
                }
            }
        }
    };
}
use bodies;
