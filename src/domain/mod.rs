//! The journal's vocabulary: parsed newtypes, closed sets and entities.
//!
//! Everything a user sends is parsed here into types that cannot hold bad
//! values (parse, don't validate); the store and the routes only ever see
//! parsed values. This module knows neither HTTP nor SQL.

/// `if patch.f.is_some() { base.f = patch.f.clone() }` for each field.
macro_rules! overlay {
    ($base:ident, $patch:ident; $($f:ident),+ $(,)?) => {
        $( if $patch.$f.is_some() { $base.$f = $patch.$f.clone(); } )+
    };
}

/// The names of the fields that are present in a fields struct.
macro_rules! present {
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

pub use attempt::{Attempt, AttemptFields, AttemptTarget, NewAttempt, NewQuestion, Question, QuestionFields};
pub use case::{Case, CaseFields, NewCase};
pub use enums::*;
pub use fields::{FieldError, FieldErrors};
pub use follow_up::{FollowUp, FollowUpFields, NewFollowUp};
pub use hardware_change::{HardwareChange, HardwareChangeFields, NewHardwareChange};
pub use ids::{CheckedConfirmationId, ConfirmationId, IdError, InstallationId, ProductKey};
pub use license::{License, LicenseFields, NewLicense};
pub use machine::{Machine, MachineFields, NewMachine};
pub use page::{Cursor, Page, PageRequest};
pub use summary_filter::SummaryFilter;
pub use time::CallerTime;
