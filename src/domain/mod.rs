//! The journal's vocabulary: parsed newtypes, closed sets and entities.
//!
//! Everything a user sends is parsed into types that cannot hold bad values
//! (parse, don't validate): a new row is a `New*` value, a change to one a
//! `*Patch`, and `New*::patched` lays a patch over a stored row and checks
//! the rules across fields again. The request bodies themselves, and their
//! `TryFrom` into these values, are the edge's ([`crate::wire`]); the rules
//! they apply — field parsers, rules across fields — live here, once. The
//! store only ever sees these values. The entities as the API shows them
//! (`Machine`, `Attempt`, …) are here too, as the store returns them. This
//! module knows neither HTTP nor SQL.

/// `if let Some(v) = &patch.f { base.f = v.clone() }` for each field of a
/// parsed patch (`Option<T>` over a required `T`, `Option<Option<T>>` over
/// an optional one).
macro_rules! apply {
    ($base:ident, $patch:ident; $($f:ident),+ $(,)?) => {
        $( if let Some(v) = &$patch.$f { $base.$f = v.clone(); } )+
    };
}

/// The names of the fields a parsed patch changes.
macro_rules! named {
    ($s:ident; $($f:ident),+ $(,)?) => {{
        let mut names = Vec::new();
        $( if $s.$f.is_some() { names.push(stringify!($f)); } )+
        names
    }};
}

pub mod attempt;
pub mod case;
pub mod enums;
pub mod fields;
pub mod follow_up;
pub mod hardware_change;
pub mod ids;
pub mod license;
pub mod machine;
pub mod page;
pub mod summary_filter;
pub mod time;

pub use attempt::{Attempt, AttemptPatch, AttemptTarget, NewAttempt, NewQuestion, Question};
pub use case::{Case, CasePatch, NewCase};
pub use enums::*;
pub use fields::{FieldError, FieldErrors};
pub use follow_up::{FollowUp, FollowUpPatch, NewFollowUp};
pub use hardware_change::{HardwareChange, HardwareChangePatch, NewHardwareChange};
pub use ids::{CheckedConfirmationId, ConfirmationId, IdError, InstallationId, ProductKey};
pub use license::{KeyChange, License, LicensePatch, NewLicense};
pub use machine::{Machine, MachinePatch, NewMachine};
pub use page::{Cursor, Page, PageRequest};
pub use summary_filter::SummaryFilter;
pub use time::CallerTime;
