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

/// Declares the parsed patch of a value from one list of its fields, so
/// that a field is added in one place: each field is `Option` of the
/// value's own field type (`None` keeps it; for an optional field
/// `Some(None)` clears it), laid over the value by `apply_to`, and named by
/// `fields()` (for the audit log). Fields under `checked` are carried only
/// to be compared with the stored row (an id that cannot change): named,
/// never applied.
macro_rules! patch {
    (
        $(#[$m:meta])* pub struct $patch:ident for $base:ty {
            $( $(#[$fm:meta])* $f:ident : $ty:ty ),* $(,)?
        }
        $( checked { $( $(#[$cm:meta])* $c:ident : $cty:ty ),* $(,)? } )?
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $patch {
            $($( $(#[$cm])* pub $c: Option<$cty>, )*)?
            $( $(#[$fm])* pub $f: Option<$ty>, )*
        }

        impl $patch {
            /// The names of the fields it names.
            pub fn fields(&self) -> Vec<&'static str> {
                let mut names = Vec::new();
                $($( if self.$c.is_some() { names.push(stringify!($c)); } )*)?
                $( if self.$f.is_some() { names.push(stringify!($f)); } )*
                names
            }

            /// Lay the fields it changes over `base`.
            fn apply_to(&self, base: &mut $base) {
                $( if let Some(v) = &self.$f { base.$f = v.clone(); } )*
            }
        }
    };
}

pub mod at_hand;
pub mod attachment;
pub mod attempt;
pub mod calendar;
pub mod case;
pub mod enums;
pub mod fields;
pub mod follow_up;
pub mod hardware_change;
pub mod ids;
pub mod license;
pub mod machine;
pub mod page;
pub mod search;
pub mod shape;
pub mod slmgr;
pub mod summary_filter;
pub mod time;
pub mod warning;

pub use at_hand::{AtHand, PastAnswer};
pub use attachment::{Attachment, AttachmentPatch, NewAttachment, UploadError};
pub use attempt::{Attempt, AttemptPatch, AttemptTarget, NewAttempt, NewQuestion, Question};
pub use case::{Case, CasePatch, NewCase};
pub use enums::*;
pub use fields::{FieldError, FieldErrors};
pub use follow_up::{FollowUp, FollowUpPatch, NewFollowUp};
pub use hardware_change::{HardwareChange, HardwareChangePatch, NewHardwareChange};
pub use ids::{CheckedConfirmationId, ConfirmationId, IdError, InstallationId, ProductKey};
pub use license::{KeyChange, License, LicensePatch, NewLicense};
pub use machine::{Machine, MachinePatch, NewMachine};
pub use page::{Cursor, Page, PageRequest, TimeCursor, TimePageRequest};
pub use summary_filter::{summary_page, SummaryFilter};
pub use time::CallerTime;
