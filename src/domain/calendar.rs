//! The calendar feed as the journal decides it: which follow-ups and which
//! suggested call times it holds, and its bounds. Rendering it as iCalendar
//! text is the edge's ([`crate::wire::calendar`]); reading it is the
//! store's. This module knows neither HTTP nor SQL.

use chrono::{DateTime, NaiveDate, Utc};

use super::time::Zone;

/// At most this many follow-ups are in the feed: the ones not done, and
/// done ones due from [`DONE_DAYS_BACK`] days ago on, latest due first.
pub const FEED_FOLLOW_UPS_MAX: i64 = 500;

/// Done follow-ups due longer ago than this many days are left out of the
/// feed (they stay in the journal).
pub const DONE_DAYS_BACK: i64 = 90;

/// At most this many open cases get a suggested call in the feed (the
/// ones opened first).
pub const FEED_CALLS_MAX: i64 = 200;

/// How long a suggested call lasts in the calendar, in minutes.
pub const CALL_MINUTES: i64 = 30;

/// How long before a suggested call its reminder goes off, in minutes.
pub const REMINDER_MINUTES: i64 = 10;

/// Everything one calendar feed holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// The household's zone: dates are its dates, times are correct in it.
    pub zone: Zone,
    /// When the feed was made (the `DTSTAMP` of its suggested calls).
    pub made_at: DateTime<Utc>,
    pub follow_ups: Vec<FeedFollowUp>,
    pub calls: Vec<FeedCall>,
}

/// A follow-up with a due date, as an all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFollowUp {
    pub id: i64,
    pub text: String,
    pub due_on: NaiveDate,
    pub done: bool,
    /// The name of the machine it is about.
    pub machine: String,
    /// When it was last changed (its `DTSTAMP`).
    pub updated_at: DateTime<Utc>,
}

/// An open case's suggested next call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCall {
    pub case_id: i64,
    pub machine: String,
    pub product: String,
    pub at: DateTime<Utc>,
}
