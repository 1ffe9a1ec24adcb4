//! The arithmetic of summaries: pure functions and the summaries' shapes.
//!
//! Data flows one way: the store (`Store::summary` in `store::summaries`)
//! counts and groups in SQL and hands the rows to the pure functions here —
//! nearest-rank percentiles over histograms, rates, the best hours, the next
//! good time to call, the retries rule — which know no `Store`, no async and
//! no I/O, and have table-driven tests. The same structs are rendered as
//! JSON by the API and as tables by the CLI ([`render`]).

pub mod render;
mod shapes;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Timelike};

use crate::domain::time::WEEKDAYS;
use crate::domain::{AttemptResult, FailureReason, IvrResult, OperatorOutcome};

pub use crate::domain::{summary_page, SummaryFilter, SummaryName};
pub use shapes::{
    CaseCounts, HourRow, Hours, LicenseRow, Licenses, Open, OpenCase, OpenFollowUp, Overview, Questions, RetriedCase,
    Retries, RetriesPage, Summary, TopicRow, WaitByHour, WaitByWeekday, WaitTimes, TOPICS_LATELY,
};

/// `num / den`, or `None` when `den` is 0.
pub fn rate(num: i64, den: i64) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

/// The nearest-rank percentile of a histogram of `(value, count)` pairs
/// sorted by value: the smallest value with at least `p` % of all values at
/// or below it. `None` for an empty histogram.
pub fn percentile(histogram: &[(i64, i64)], p: u32) -> Option<i64> {
    let total: i64 = histogram.iter().map(|(_, c)| c).sum();
    if total == 0 {
        return None;
    }
    // rank = ceil(p/100 * n), at least 1.
    let rank = ((i64::from(p) * total + 99) / 100).max(1);
    let mut seen = 0;
    for (value, count) in histogram {
        seen += count;
        if seen >= rank {
            return Some(*value);
        }
    }
    histogram.last().map(|(v, _)| *v)
}

/// Up to three hours with the best success rate (activated / attempts):
/// highest rate first, then more attempts, then the earlier hour. Hours
/// with no success are never "best".
pub fn best_hours(hours: &[HourRow]) -> Vec<u32> {
    let mut ranked: Vec<&HourRow> = hours.iter().filter(|h| h.activated > 0).collect();
    ranked.sort_by(|a, b| {
        let (ra, rb) = (a.success_rate.unwrap_or(0.0), b.success_rate.unwrap_or(0.0));
        rb.total_cmp(&ra).then(b.attempts.cmp(&a.attempts)).then(a.hour.cmp(&b.hour))
    });
    ranked.into_iter().take(3).map(|h| h.hour).collect()
}

/// `hours` rows, in hour order, from attempts counted by (local hour,
/// operator outcome, result): `(hour, outcome, result, count)`.
pub fn hour_rows(groups: &[(u32, Option<OperatorOutcome>, Option<AttemptResult>, i64)]) -> Vec<HourRow> {
    let mut by_hour: BTreeMap<u32, OutcomeCounts> = BTreeMap::new();
    for &(hour, outcome, result, n) in groups {
        by_hour.entry(hour).or_default().add(result, None, outcome, n);
    }
    by_hour.into_iter().map(|(hour, c)| c.hour_row(hour)).collect()
}

/// The next time after `now` (at `now`'s offset) that falls in one of
/// `good_hours`: `now` itself, rounded up to the minute, when the current
/// hour is good; otherwise the start of the next good hour. Weekdays are not
/// considered. `None` when there are no good hours.
pub fn next_call_at<Tz: chrono::TimeZone>(now: DateTime<Tz>, good_hours: &[u32]) -> Option<DateTime<Tz>> {
    if good_hours.is_empty() {
        return None;
    }
    if good_hours.contains(&now.hour()) {
        let rounded = now.with_second(0)?.with_nanosecond(0)?;
        return Some(if rounded < now { rounded + Duration::minutes(1) } else { rounded });
    }
    let start_of_hour = now.with_minute(0)?.with_second(0)?.with_nanosecond(0)?;
    (1..=24).map(|h| start_of_hour.clone() + Duration::hours(h)).find(|t| good_hours.contains(&t.hour()))
}

/// What is known of one case with its attempts, before the retries rule:
/// the raw facts the store keeps (or reads from a date range's attempts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts<'a> {
    pub case_id: i64,
    pub machine_id: i64,
    pub license_id: i64,
    pub attempts: i64,
    /// The first attempt's start, as the caller gave it.
    pub first_attempt_at: &'a str,
    pub first_failure_reason: Option<FailureReason>,
    /// The first attempt's local date, as a day number ([`day_number`]).
    pub first_day: i64,
    /// The latest local date of any attempt, as a day number.
    pub last_day: i64,
    /// The first activated attempt's start, as the caller gave it.
    pub activated_at: Option<&'a str>,
    /// Its local date, as a day number.
    pub activated_day: Option<i64>,
}

/// The retries rule: a case was retried on a later day (`next_day`) when
/// any of its attempts fell on a later local date than its first one, and
/// `days_to_success` counts the local dates from the first attempt to the
/// activated one (each attempt's own local date, at its own offset).
pub fn retried_case(f: CaseFacts<'_>) -> RetriedCase {
    RetriedCase {
        case_id: f.case_id,
        machine_id: f.machine_id,
        machine_name: String::new(),
        license_id: f.license_id,
        license_name: String::new(),
        attempts: f.attempts,
        first_attempt_at: crate::domain::time::canonical_text(f.first_attempt_at.to_string()),
        first_failure_reason: f.first_failure_reason,
        activated_at: f.activated_at.map(|t| crate::domain::time::canonical_text(t.to_string())),
        next_day: f.last_day > f.first_day,
        days_to_success: f.activated_day.map(|d| d - f.first_day),
    }
}

/// The names of machines and licenses by id, as the store reads them for
/// the rows of a summary (archived ones too: their calls still count).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub machines: BTreeMap<i64, String>,
    pub licenses: BTreeMap<i64, String>,
}

impl Names {
    /// A machine's name; its id, as `#6`, if it has none here.
    pub fn machine(&self, id: i64) -> String {
        self.machines.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    /// A license's name; its id, as `#4`, if it has none here.
    pub fn license(&self, id: i64) -> String {
        self.licenses.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }
}

/// A license as people name it: its product and edition (`Windows 8.1 Pro`).
pub fn license_name(product: &str, edition: Option<&str>) -> String {
    match edition.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => format!("{product} {e}"),
        None => product.to_string(),
    }
}

/// A summary whose rows name machines and licenses by id: which ids it
/// names, and their names filled in beside them.
pub trait Named {
    /// The machine and license ids the rows hold.
    fn ids(&self) -> (Vec<i64>, Vec<i64>);
    /// Set each row's names from `names`.
    fn name(&mut self, names: &Names);
}

impl Named for Retries {
    fn ids(&self) -> (Vec<i64>, Vec<i64>) {
        (self.cases.iter().map(|c| c.machine_id).collect(), self.cases.iter().map(|c| c.license_id).collect())
    }
    fn name(&mut self, names: &Names) {
        for c in &mut self.cases {
            c.machine_name = names.machine(c.machine_id);
            c.license_name = names.license(c.license_id);
        }
    }
}

impl Named for Open {
    fn ids(&self) -> (Vec<i64>, Vec<i64>) {
        let machines = self.cases.iter().map(|c| c.machine_id).chain(self.follow_ups.iter().map(|f| f.machine_id));
        (machines.collect(), self.cases.iter().map(|c| c.license_id).collect())
    }
    fn name(&mut self, names: &Names) {
        for c in &mut self.cases {
            c.machine_name = names.machine(c.machine_id);
            c.license_name = names.license(c.license_id);
        }
        for f in &mut self.follow_ups {
            f.machine_name = names.machine(f.follow_up.machine_id);
        }
    }
}

impl Named for Licenses {
    fn ids(&self) -> (Vec<i64>, Vec<i64>) {
        (self.licenses.iter().flat_map(|l| l.machines.iter().copied()).collect(), Vec::new())
    }
    fn name(&mut self, names: &Names) {
        for l in &mut self.licenses {
            l.machine_names = l.machines.iter().map(|m| names.machine(*m)).collect();
        }
    }
}

/// A `YYYY-MM-DD` date as a count of days (0 = 1970-01-01), read straight
/// from its bytes: the summary reads hundreds of thousands of them, and
/// these are the store's own dates. `None` for anything else.
pub fn day_number(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0i64, |n, c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The counts behind `overview`, added up from groups of attempts that
/// share a result, a menu result and an operator outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    pub attempts: i64,
    pub activated: i64,
    pub ivr_confirmed: i64,
    /// Attempts whose menu result was confirmed, not_confirmed or input_error.
    pub ivr_answered: i64,
    /// Attempts handed to an operator: unavailable, reached or abandoned.
    pub transferred: i64,
    pub reached: i64,
    pub unavailable: i64,
}

impl OutcomeCounts {
    /// Count `n` attempts with these outcomes.
    pub fn add(
        &mut self,
        result: Option<AttemptResult>,
        ivr: Option<IvrResult>,
        outcome: Option<OperatorOutcome>,
        n: i64,
    ) {
        let when = |yes: bool| if yes { n } else { 0 };
        self.attempts += n;
        self.activated += when(result == Some(AttemptResult::Activated));
        self.ivr_confirmed += when(ivr == Some(IvrResult::Confirmed));
        self.ivr_answered +=
            when(matches!(ivr, Some(IvrResult::Confirmed | IvrResult::NotConfirmed | IvrResult::InputError)));
        self.transferred += when(matches!(
            outcome,
            Some(OperatorOutcome::Unavailable | OperatorOutcome::Reached | OperatorOutcome::Abandoned)
        ));
        self.reached += when(outcome == Some(OperatorOutcome::Reached));
        self.unavailable += when(outcome == Some(OperatorOutcome::Unavailable));
    }

    /// The `hours` row of these counts, for one local hour.
    pub fn hour_row(self, hour: u32) -> HourRow {
        HourRow {
            hour,
            attempts: self.attempts,
            operator_reached: self.reached,
            operator_unavailable: self.unavailable,
            activated: self.activated,
            success_rate: rate(self.activated, self.attempts),
        }
    }

    /// The `overview` of these counts.
    pub fn overview(self, machines: i64, licenses: i64, cases: CaseCounts) -> Overview {
        Overview {
            machines,
            licenses,
            cases,
            attempts: self.attempts,
            activated_attempts: self.activated,
            activation_rate: rate(self.activated, self.attempts),
            ivr_confirmed_rate: rate(self.ivr_confirmed, self.ivr_answered),
            operator_transfer_rate: rate(self.transferred, self.attempts),
            operator_unavailable_rate: rate(self.unavailable, self.transferred),
        }
    }
}

/// `n` operator waits of `wait` seconds at a local hour and weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitRow {
    pub hour: u32,
    /// 0 = Monday.
    pub weekday: u32,
    pub wait: i64,
    pub n: i64,
}

/// Count, p50 and p90 of `(wait, n)` pairs, sorted here by wait (equal
/// waits may repeat: the percentile walks the counts in order).
fn wait_stats(pairs: &mut [(i64, i64)]) -> (i64, Option<i64>, Option<i64>) {
    pairs.sort_unstable_by_key(|(wait, _)| *wait);
    (pairs.iter().map(|(_, c)| c).sum(), percentile(pairs, 50), percentile(pairs, 90))
}

/// `wait-times` from counted waits: overall, by local hour, by local weekday.
/// (Plain vectors sorted once, not maps: at a million attempts the grouped
/// rows number in the hundreds of thousands.)
pub fn wait_times(rows: &[WaitRow]) -> WaitTimes {
    let mut all: Vec<(i64, i64)> = rows.iter().map(|r| (r.wait, r.n)).collect();
    let mut by_hour: BTreeMap<u32, Vec<(i64, i64)>> = BTreeMap::new();
    let mut by_weekday: BTreeMap<u32, Vec<(i64, i64)>> = BTreeMap::new();
    for r in rows {
        by_hour.entry(r.hour).or_default().push((r.wait, r.n));
        by_weekday.entry(r.weekday).or_default().push((r.wait, r.n));
    }
    let (count, p50, p90) = wait_stats(&mut all);
    WaitTimes {
        count,
        min: all.first().map(|(w, _)| *w),
        p50,
        p90,
        max: all.last().map(|(w, _)| *w),
        by_hour: by_hour
            .iter_mut()
            .map(|(hour, h)| {
                let (count, p50, p90) = wait_stats(h);
                WaitByHour { hour: *hour, count, p50, p90 }
            })
            .collect(),
        by_weekday: by_weekday
            .iter_mut()
            .map(|(day, h)| {
                let (count, p50, p90) = wait_stats(h);
                let weekday = WEEKDAYS.get(*day as usize).unwrap_or(&"?").to_string();
                WaitByWeekday { weekday, count, p50, p90 }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn day_numbers_count_days_across_months_years_and_leap_days() {
        let table: &[(&str, Option<i64>)] = &[
            ("1970-01-01", Some(0)),
            ("1970-01-02", Some(1)),
            ("2014-05-10", Some(16_200)),
            ("2000-02-29", Some(11_016)),
            ("2000-03-01", Some(11_017)),
            ("1969-12-31", Some(-1)),
            ("2014-5-10", None),
            ("2014-13-01", None),
            ("2014-05-1x", None),
            ("", None),
        ];
        for (date, want) in table {
            assert_eq!(day_number(date), *want, "{date}");
        }
        // Against chrono, over every day of several years.
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut d = chrono::NaiveDate::from_ymd_opt(1995, 1, 1).unwrap();
        while d.year() < 2031 {
            assert_eq!(day_number(&d.to_string()), Some((d - epoch).num_days()), "{d}");
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn a_retries_page_counts_every_case_and_keeps_one_page_in_any_order() {
        let case = |id: i64| RetriedCase {
            case_id: id,
            machine_id: 1,
            machine_name: "PC 1".into(),
            license_id: 1,
            license_name: "Windows 8.1".into(),
            attempts: 2,
            first_attempt_at: String::new(),
            first_failure_reason: None,
            activated_at: None,
            next_day: id % 3 == 0,
            days_to_success: None,
        };
        // 1..=100 in a scrambled order; pages of 7.
        let order: Vec<i64> = (0..100).map(|i| (i * 37) % 100 + 1).collect();
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let mut page = RetriesPage::new(after, 7);
            order.iter().for_each(|id| page.take(case(*id)));
            let r = page.finish();
            assert_eq!((r.cases_retried, r.next_day_retries), (100, 33));
            assert!(r.cases.len() <= 7);
            all.extend(r.cases.iter().map(|c| c.case_id));
            match r.next_cursor {
                Some(c) => after = crate::domain::Cursor::decode(&c).unwrap().0,
                None => break,
            }
        }
        assert_eq!(all, (1..=100).collect::<Vec<_>>());
    }

    #[test]
    fn the_retries_rule() {
        let day = |s: &str| day_number(s).unwrap();
        let facts = |first: &str, last: &str, activated: Option<&str>| CaseFacts {
            case_id: 1,
            machine_id: 2,
            license_id: 3,
            attempts: 2,
            first_attempt_at: "2014-05-09T18:02:00+09:00",
            first_failure_reason: Some(FailureReason::OperatorUnavailable),
            first_day: day(first),
            last_day: day(last),
            activated_at: activated.map(|_| "2014-05-10T10:05:00+09:00"),
            activated_day: activated.map(day),
        };
        // (first date, last date, activated date) -> (next_day, days_to_success)
        type Case<'a> = ((&'a str, &'a str, Option<&'a str>), (bool, Option<i64>));
        let table: &[Case] = &[
            (("2014-05-09", "2014-05-09", None), (false, None)),
            (("2014-05-09", "2014-05-09", Some("2014-05-09")), (false, Some(0))),
            (("2014-05-09", "2014-05-10", Some("2014-05-10")), (true, Some(1))),
            (("2014-05-09", "2014-05-12", None), (true, None)),
            (("2014-05-31", "2014-06-01", Some("2014-06-01")), (true, Some(1))),
            (("2014-12-31", "2015-01-02", Some("2015-01-02")), (true, Some(2))),
            // Retried the next day, but the earlier call on the first day activated.
            (("2014-05-09", "2014-05-10", Some("2014-05-09")), (true, Some(0))),
        ];
        for ((first, last, activated), (next_day, days)) in table {
            let r = retried_case(facts(first, last, *activated));
            assert_eq!((r.next_day, r.days_to_success), (*next_day, *days), "{first} {last} {activated:?}");
            assert_eq!(r.first_failure_reason, Some(FailureReason::OperatorUnavailable));
            assert_eq!(r.activated_at.is_some(), activated.is_some());
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        type Case<'a> = (&'a [(i64, i64)], u32, Option<i64>);
        let cases: &[Case] = &[
            (&[], 50, None),
            (&[(0, 1), (180, 1)], 50, Some(0)),
            (&[(0, 1), (180, 1)], 90, Some(180)),
            (&[(0, 1), (180, 1)], 100, Some(180)),
            (&[(5, 1)], 0, Some(5)),
            (&[(1, 1), (2, 1), (3, 1), (4, 1)], 50, Some(2)),
            (&[(1, 1), (2, 1), (3, 1), (4, 1)], 75, Some(3)),
            (&[(1, 1), (2, 1), (3, 1), (4, 1)], 76, Some(4)),
            (&[(10, 9), (20, 1)], 90, Some(10)),
            (&[(10, 9), (20, 1)], 91, Some(20)),
        ];
        for (hist, p, want) in cases {
            assert_eq!(percentile(hist, *p), *want, "{hist:?} p{p}");
        }
    }

    #[test]
    fn outcome_groups_add_up_to_the_overview_rates() {
        use AttemptResult as R;
        use IvrResult as I;
        use OperatorOutcome as O;
        let mut c = OutcomeCounts::default();
        for (result, ivr, outcome, n) in [
            (Some(R::NotActivated), Some(I::NotConfirmed), Some(O::Unavailable), 2),
            (Some(R::Activated), Some(I::NotConfirmed), Some(O::Reached), 2),
            (None, Some(I::Skipped), Some(O::NotNeeded), 1),
        ] {
            c.add(result, ivr, outcome, n);
        }
        let o = c.overview(2, 2, CaseCounts::default());
        assert_eq!((o.attempts, o.activated_attempts), (5, 2));
        assert_eq!(o.ivr_confirmed_rate, Some(0.0));
        assert_eq!(o.operator_transfer_rate, Some(0.8));
        assert_eq!(o.operator_unavailable_rate, Some(0.5));
    }

    #[test]
    fn waits_are_counted_by_hour_and_weekday() {
        let rows = [
            WaitRow { hour: 10, weekday: 5, wait: 0, n: 1 },
            WaitRow { hour: 10, weekday: 5, wait: 180, n: 1 },
            WaitRow { hour: 18, weekday: 6, wait: 60, n: 3 },
        ];
        let w = wait_times(&rows);
        assert_eq!((w.count, w.min, w.p50, w.p90, w.max), (5, Some(0), Some(60), Some(180), Some(180)));
        assert_eq!(w.by_hour[0], WaitByHour { hour: 10, count: 2, p50: Some(0), p90: Some(180) });
        assert_eq!(w.by_weekday[1].weekday, "sun");
        assert!(wait_times(&[]).by_hour.is_empty());
    }

    #[test]
    fn rates_are_null_on_a_zero_denominator() {
        assert_eq!(rate(1, 0), None);
        assert_eq!(rate(0, 4), Some(0.0));
        assert_eq!(rate(3, 4), Some(0.75));
    }

    fn hour(hour: u32, attempts: i64, activated: i64) -> HourRow {
        HourRow {
            hour,
            attempts,
            operator_reached: 0,
            operator_unavailable: 0,
            activated,
            success_rate: rate(activated, attempts),
        }
    }

    #[test]
    fn hour_rows_add_up_the_groups_of_each_hour() {
        use AttemptResult::{Activated, NotActivated};
        use OperatorOutcome::{NotNeeded, Reached, Unavailable};
        type Case<'a> = (&'a [(u32, Option<OperatorOutcome>, Option<AttemptResult>, i64)], &'a [(u32, [i64; 4])]);
        let cases: &[Case] = &[
            (&[], &[]),
            (
                &[(18, Some(Unavailable), Some(NotActivated), 2), (10, Some(Reached), Some(Activated), 2)],
                &[(10, [2, 2, 0, 2]), (18, [2, 0, 2, 0])],
            ),
            (
                &[(9, None, None, 1), (9, Some(NotNeeded), Some(Activated), 3), (9, Some(Reached), None, 4)],
                &[(9, [8, 4, 0, 3])],
            ),
        ];
        for (groups, want) in cases {
            let got: Vec<(u32, [i64; 4])> = hour_rows(groups)
                .iter()
                .map(|h| (h.hour, [h.attempts, h.operator_reached, h.operator_unavailable, h.activated]))
                .collect();
            assert_eq!(&got, want);
        }
        assert_eq!(hour_rows(&[(9, None, Some(Activated), 1), (9, None, None, 3)])[0].success_rate, Some(0.25));
    }

    #[test]
    fn best_hours_rank_by_rate_then_volume_then_hour() {
        let cases: &[(Vec<HourRow>, Vec<u32>)] = &[
            (vec![], vec![]),
            (vec![hour(18, 2, 0), hour(10, 2, 2)], vec![10]),
            (vec![hour(9, 1, 1), hour(10, 4, 4), hour(11, 4, 2), hour(12, 2, 1), hour(13, 1, 0)], vec![10, 9, 11]),
            (vec![hour(14, 2, 2), hour(8, 2, 2)], vec![8, 14]),
        ];
        for (rows, want) in cases {
            assert_eq!(&best_hours(rows), want);
        }
    }

    #[test]
    fn the_next_good_time_to_call() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let cases: &[(&str, &[u32], Option<&str>)] = &[
            ("2014-05-09T18:30:00+09:00", &[10], Some("2014-05-10T10:00:00+09:00")),
            ("2014-05-10T10:20:30+09:00", &[10], Some("2014-05-10T10:21:00+09:00")),
            ("2014-05-10T10:20:00+09:00", &[10], Some("2014-05-10T10:20:00+09:00")),
            ("2014-05-10T23:10:00+09:00", &[0, 10], Some("2014-05-11T00:00:00+09:00")),
            ("2014-05-10T09:59:00+09:00", &[10, 11], Some("2014-05-10T10:00:00+09:00")),
            ("2014-05-10T09:59:00+09:00", &[], None),
        ];
        for (now, hours, want) in cases {
            assert_eq!(next_call_at(at(now), hours), want.map(at), "{now} {hours:?}");
        }
    }
}
