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

mod attempt;
mod case;
mod follow_up;
mod hardware_change;
mod license;
mod machine;
mod slmgr;

use serde::{Deserialize, Deserializer};

pub use attempt::{AttemptCreate, AttemptFields, QuestionFields};
pub use case::{CaseCreate, CaseFields};
pub use follow_up::{FollowUpCreate, FollowUpFields};
pub use hardware_change::{HardwareChangeCreate, HardwareChangeFields};
pub use license::{LicenseCreate, LicenseFields};
pub use machine::{MachineCreate, MachineFields};
pub use slmgr::SlmgrParsed;

/// A request field: `None` when absent, `Some(None)` when `null`,
/// `Some(Some(v))` when given. POST treats absent and `null` alike; PATCH
/// leaves absent fields alone and clears `null` ones.
pub type Field<T> = Option<Option<T>>;

/// Deserialize a [`Field`] (use with `#[serde(default, deserialize_with = "nullable")]`).
pub fn nullable<'de, D, T>(d: D) -> Result<Field<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A body given as an object of its fields (a web form, command-line
/// flags), parsed exactly as the API parses it: `W` is the wire body, `D`
/// the domain value. A field of the wrong JSON type is named.
pub fn parse_object<W, D>(object: serde_json::Map<String, serde_json::Value>) -> Result<D, crate::domain::FieldErrors>
where
    W: serde::de::DeserializeOwned,
    D: for<'a> TryFrom<&'a W, Error = crate::domain::FieldErrors>,
{
    let value = serde_json::Value::Object(object);
    let wire: W = serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        crate::domain::FieldErrors::one(
            if field == "." { "body".to_string() } else { field },
            e.into_inner().to_string(),
        )
    })?;
    D::try_from(&wire)
}

/// A parsed PATCH, refused when it names no field to change.
fn named_something<P>(patch: P, fields: impl Fn(&P) -> Vec<&'static str>) -> Result<P, crate::domain::FieldErrors> {
    if fields(&patch).is_empty() {
        return Err(crate::domain::FieldErrors::one("body", "names no field to change"));
    }
    Ok(patch)
}

/// Declares the two bodies of a resource from one list of its fields, so
/// that a field is added in one place: the POST body (`create`, whose
/// required fields say `required = true`) and the PATCH body (`patch`,
/// which names at least one field). Each field is a [`Field`] of its raw
/// type, with the OpenAPI attributes of each body:
/// `name: Raw => [create attributes] [patch attributes]`.
macro_rules! bodies {
    (
        $(#[$create_doc:meta])* pub struct $create:ident;
        $(#[$patch_doc:meta])* pub struct $patch:ident;
        { $( $(#[doc = $doc:literal])* $name:ident : $raw:ty => [$($c:tt)*] [$($p:tt)*] ),+ $(,)? }
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
    };
}
use bodies;
