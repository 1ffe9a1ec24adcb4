//! What to have at hand for one license before calling (issue 26, point
//! 2): what operators asked on this license's past calls, each topic with
//! the answer given the last time, and the license's photos. A value read
//! by the home page, the call form, `call` and the API; built by the store
//! (`src/store/at_hand.rs`), shown by each of them. No SQL, no HTTP.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Attachment, Topic};

/// How many photos and files of the license are shown with what to have
/// at hand (the license's page lists them all).
pub const AT_HAND_FILES: i64 = 6;

/// The topics whose answers are worth having at hand: every topic but the
/// Installation ID's groups, which the PC shows on the day and which are
/// never the same twice.
pub const AT_HAND_TOPICS: [Topic; 7] = [
    Topic::Edition,
    Topic::PurchaseType,
    Topic::BoxColour,
    Topic::PurchaseSite,
    Topic::ProductKey,
    Topic::InstalledCount,
    Topic::Other,
];

/// One topic operators asked about on a past call of the license, with the
/// answer given then.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PastAnswer {
    pub topic: Topic,
    /// The operator's words, if they were written down.
    pub question: Option<String>,
    /// The answer given on that call: the last one that had an answer, or
    /// none when it was asked and never answered (have it ready this time).
    /// An answer that held a product key shows only its mask
    /// (`*****-*****-*****-*****-9D6T9`); the key stays sealed.
    #[schema(example = "blue")]
    pub answer: Option<String>,
    /// The call it was asked on.
    pub attempt_id: i64,
    /// That call's local date, in the household's zone.
    #[schema(example = "2014-05-10")]
    pub asked_on: String,
}

/// What to have at hand for one license.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AtHand {
    pub license_id: i64,
    /// One a topic, most recently asked first (at most one a topic, so
    /// never more than [`AT_HAND_TOPICS`]' length).
    pub answers: Vec<PastAnswer>,
    /// The license's live photos and files, oldest first, at most
    /// [`AT_HAND_FILES`] (their bytes are served to write tokens only).
    pub attachments: Vec<Attachment>,
    /// The license has more photos and files than are listed here.
    pub more_attachments: bool,
}

impl PastAnswer {
    /// An answer as it may be shown: one that still holds anything shaped
    /// like a product key (it never should: such answers are stored masked)
    /// is masked again here, so a key is never shown in full.
    pub fn shown(answer: Option<String>) -> Option<String> {
        answer.map(|a| super::attempt::masked_answer(&a).unwrap_or(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_holding_a_key_is_shown_masked_and_any_other_as_given() {
        let shown = PastAnswer::shown(Some("GCRJD-8NW9H-F2CDX-CCM8D-9D6T9".into())).unwrap();
        assert!(!shown.contains("GCRJD"), "{shown}");
        assert!(shown.ends_with("9D6T9"), "{shown}");
        assert_eq!(PastAnswer::shown(Some(shown.clone())), Some(shown), "a mask stays as it is");
        assert_eq!(PastAnswer::shown(Some("blue".into())).as_deref(), Some("blue"));
        assert_eq!(PastAnswer::shown(None), None);
    }
}
