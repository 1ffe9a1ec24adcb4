//! The shapes of the summaries, as the API answers them and the CLI
//! renders them: one struct a summary (and its rows), and [`Summary`], the
//! one answer of them all.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Channel, FailureReason, FollowUp, Topic};

/// `overview`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Overview {
    pub machines: i64,
    pub licenses: i64,
    pub cases: CaseCounts,
    pub attempts: i64,
    pub activated_attempts: i64,
    pub activation_rate: Option<f64>,
    /// confirmed / attempts whose ivr_result is confirmed, not_confirmed or input_error.
    pub ivr_confirmed_rate: Option<f64>,
    /// attempts transferred to an operator (unavailable, reached, abandoned) / attempts.
    pub operator_transfer_rate: Option<f64>,
    /// unavailable / attempts transferred.
    pub operator_unavailable_rate: Option<f64>,
}

/// Cases by status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct CaseCounts {
    pub open: i64,
    pub activated: i64,
    pub abandoned: i64,
}

/// `retries`: the counts cover every case; the case list is paged like
/// lists, by case id.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Retries {
    pub cases_retried: i64,
    pub next_day_retries: i64,
    pub cases: Vec<RetriedCase>,
    /// Pass back as `cursor` for the next page of cases; null on the last.
    pub next_cursor: Option<String>,
}

/// Gathers `retries` from retried cases seen in any order: counts every
/// one, keeps only the page asked for (the first `limit` case ids after
/// `after`), so that memory stays bounded however many cases there are.
#[derive(Debug)]
pub struct RetriesPage {
    after: i64,
    limit: usize,
    cases: Vec<RetriedCase>,
    retried: i64,
    next_day: i64,
}

impl RetriesPage {
    /// A page of `limit` cases after case id `after` (0: the first page).
    pub fn new(after: i64, limit: i64) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        Self { after, limit, cases: Vec::with_capacity(limit + 1), retried: 0, next_day: 0 }
    }

    /// Count one retried case, and keep it if it may be on the page.
    pub fn take(&mut self, case: RetriedCase) {
        self.retried += 1;
        self.next_day += i64::from(case.next_day);
        if case.case_id > self.after {
            self.cases.push(case);
            if self.cases.len() > 2 * (self.limit + 1) {
                self.trim();
            }
        }
    }

    /// Keep the `limit + 1` smallest case ids (one more than the page: it
    /// says that there is more).
    fn trim(&mut self) {
        self.cases.sort_unstable_by_key(|c| c.case_id);
        self.cases.truncate(self.limit + 1);
    }

    /// The summary, with the cursor of the next page when there is one.
    pub fn finish(mut self) -> Retries {
        self.trim();
        let more = self.cases.len() > self.limit;
        self.cases.truncate(self.limit);
        let next_cursor =
            if more { self.cases.last().map(|c| crate::domain::Cursor(c.case_id).encode()) } else { None };
        Retries { cases_retried: self.retried, next_day_retries: self.next_day, cases: self.cases, next_cursor }
    }
}

/// One case with more than one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RetriedCase {
    pub case_id: i64,
    pub machine_id: i64,
    /// The machine's name (beside its id; archived machines too).
    pub machine_name: String,
    pub license_id: i64,
    /// The license as people name it: product and edition (`Windows 8.1 Pro`).
    pub license_name: String,
    pub attempts: i64,
    /// As the caller gave it.
    pub first_attempt_at: String,
    pub first_failure_reason: Option<FailureReason>,
    /// The start of the first activated attempt, as the caller gave it.
    pub activated_at: Option<String>,
    /// An attempt fell on a later local date than the first one.
    pub next_day: bool,
    /// Local days from the first attempt to the activated one.
    pub days_to_success: Option<i64>,
}

/// `wait-times`, in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WaitTimes {
    pub count: i64,
    pub min: Option<i64>,
    pub p50: Option<i64>,
    pub p90: Option<i64>,
    pub max: Option<i64>,
    pub by_hour: Vec<WaitByHour>,
    pub by_weekday: Vec<WaitByWeekday>,
}

/// Waits in one local hour.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WaitByHour {
    pub hour: u32,
    pub count: i64,
    pub p50: Option<i64>,
    pub p90: Option<i64>,
}

/// Waits on one local weekday.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WaitByWeekday {
    /// `mon` … `sun`.
    pub weekday: String,
    pub count: i64,
    pub p50: Option<i64>,
    pub p90: Option<i64>,
}

/// `hours`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Hours {
    pub hours: Vec<HourRow>,
    pub best_hours: Vec<u32>,
}

/// Attempts in one local hour.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HourRow {
    pub hour: u32,
    pub attempts: i64,
    pub operator_reached: i64,
    pub operator_unavailable: i64,
    pub activated: i64,
    pub success_rate: Option<f64>,
}

/// How many of the newest questions order the topics offered while a
/// call is logged (in the call form and in `call`).
pub const TOPICS_LATELY: i64 = 10_000;

/// `questions`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Questions {
    pub topics: Vec<TopicRow>,
}

/// How often a topic was asked, per license channel.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TopicRow {
    pub topic: Topic,
    pub asked: i64,
    pub by_channel: BTreeMap<Channel, i64>,
}

impl Questions {
    /// Every topic, most asked for `channel` first (then in declared order),
    /// with how often it was asked: the order topics are offered in while a
    /// call is logged.
    pub fn ranked_for(&self, channel: Channel) -> Vec<(Topic, i64)> {
        let mut ranked: Vec<(Topic, i64)> = Topic::ALL
            .iter()
            .map(|t| {
                let n = self.topics.iter().find(|r| r.topic == *t).and_then(|r| r.by_channel.get(&channel).copied());
                (*t, n.unwrap_or(0))
            })
            .collect();
        // Stable: equal counts keep the declared order.
        ranked.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        ranked
    }
}

/// `licenses`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Licenses {
    pub licenses: Vec<LicenseRow>,
}

/// How often one license was activated, and where.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LicenseRow {
    pub license_id: i64,
    /// The license as people name it: product and edition (`Windows 8.1 Pro`).
    pub license_name: String,
    pub product: String,
    pub channel: Channel,
    pub activations: i64,
    /// The ids of the machines it was activated on, in id order.
    pub machines: Vec<i64>,
    /// Their names, in the same order.
    pub machine_names: Vec<String>,
    /// The start of the latest activated attempt, as the caller gave it.
    pub last_activated_at: Option<String>,
}

/// `open`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Open {
    pub cases: Vec<OpenCase>,
    pub follow_ups: Vec<OpenFollowUp>,
}

/// A follow-up to do, with its machine's name.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OpenFollowUp {
    #[serde(flatten)]
    pub follow_up: FollowUp,
    /// The machine's name (beside `machine_id`).
    pub machine_name: String,
}

impl std::ops::Deref for OpenFollowUp {
    type Target = FollowUp;
    fn deref(&self) -> &FollowUp {
        &self.follow_up
    }
}

/// A case still to activate.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OpenCase {
    pub case_id: i64,
    pub machine_id: i64,
    /// The machine's name.
    pub machine_name: String,
    pub license_id: i64,
    /// The license as people name it: product and edition.
    pub license_name: String,
    pub attempts: i64,
    pub last_attempt_at: Option<String>,
    pub last_failure_reason: Option<FailureReason>,
    /// The next time after now, in a local hour in which operators were
    /// reached before (see [`next_call_at`]), at the offset of the case's
    /// last attempt — or, for a case without attempts, at the offset most
    /// calls that reached an operator were made at (the household's);
    /// null when no operator was ever reached, with `suggested_call_reason`.
    pub suggested_call_at: Option<String>,
    /// Why there is no suggested time, when there is none.
    pub suggested_call_reason: Option<String>,
}

/// Any summary, for the API and the CLI.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Summary {
    Overview(Overview),
    Retries(Retries),
    WaitTimes(WaitTimes),
    Hours(Hours),
    Questions(Questions),
    Licenses(Licenses),
    Open(Open),
}
