//! Time, decided once. A caller's time keeps the RFC 3339 text it was given
//! (with its offset), plus the instant in UTC milliseconds for ordering and
//! ranges, plus the local date, hour and weekday at that offset for grouping.
//! System times are RFC 3339 UTC with microseconds, one fixed-width format,
//! so that they sort as text.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

/// A time given by a caller, e.g. `2014-05-10T18:02:00+09:00`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerTime {
    text: String,
    at: DateTime<FixedOffset>,
}

impl CallerTime {
    /// Parse RFC 3339 text with an offset (`Z` counts as `+00:00`).
    ///
    /// ```
    /// use activation_journal::domain::CallerTime;
    /// let t = CallerTime::parse("2014-05-10T23:30:00+09:00").unwrap();
    /// assert_eq!(t.local_date().to_string(), "2014-05-10");
    /// assert_eq!(t.local_hour(), 23);
    /// assert_eq!(t.text(), "2014-05-10T23:30:00+09:00");
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = Self::parse_stored(text)?;
        if t.at.nanosecond() >= 1_000_000_000 && !leap_second(t.at.with_timezone(&Utc)) {
            return Err(format!("{:?} has a 60th second, and no leap second was inserted then", text.trim()));
        }
        Ok(t)
    }

    /// A time as it was stored: read as [`CallerTime::parse`] reads new
    /// input, but a 60th second that is no leap second is kept (earlier
    /// versions took one), so that such a row can still be read, changed
    /// and exported.
    pub fn parse_stored(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let at = DateTime::parse_from_rfc3339(trimmed).map_err(|_| {
            format!("{trimmed:?} is not an RFC 3339 time with an offset, like 2014-05-10T18:02:00+09:00")
        })?;
        Ok(Self { text: canonical(at), at })
    }

    /// The text in canonical RFC 3339: `T`, seconds (and a fraction only
    /// when one was given), `Z` or `±hh:mm` — as the caller's offset was.
    /// `2014-05-11 10:00:00+09:00` reads back as `2014-05-11T10:00:00+09:00`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Milliseconds since the Unix epoch.
    pub fn utc_millis(&self) -> i64 {
        self.at.timestamp_millis()
    }

    /// Seconds east of UTC at which the caller was.
    pub fn offset_seconds(&self) -> i32 {
        self.at.offset().local_minus_utc()
    }

    /// The caller's local date.
    pub fn local_date(&self) -> NaiveDate {
        self.at.date_naive()
    }

    /// The caller's local hour, 0–23.
    pub fn local_hour(&self) -> u32 {
        self.at.hour()
    }

    /// The caller's local weekday, 0 = Monday … 6 = Sunday.
    pub fn local_weekday(&self) -> u32 {
        self.at.weekday().num_days_from_monday()
    }

    /// The instant, with the caller's offset.
    pub fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }

    /// The same instant as a system time (UTC, fixed format).
    pub fn to_system(&self) -> String {
        format_system(self.at.with_timezone(&Utc))
    }
}

/// A caller's time as stored before times were kept canonical, read
/// back canonical (as it is, if it does not parse: it is shown, not lost).
pub fn canonical_text(stored: String) -> String {
    match CallerTime::parse_stored(&stored) {
        Ok(t) if t.text != stored => t.text,
        _ => stored,
    }
}

fn canonical(at: DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The days at whose last UTC minute a leap second was inserted (IERS),
/// from 1985 on: the only times a 60th second was ever read off a clock.
const LEAP_SECOND_DAYS: [(i32, u32, u32); 15] = [
    (1985, 6, 30),
    (1987, 12, 31),
    (1989, 12, 31),
    (1990, 12, 31),
    (1992, 6, 30),
    (1993, 6, 30),
    (1994, 6, 30),
    (1995, 12, 31),
    (1997, 6, 30),
    (1998, 12, 31),
    (2005, 12, 31),
    (2008, 12, 31),
    (2012, 6, 30),
    (2015, 6, 30),
    (2016, 12, 31),
];

/// Whether a 60th second at this instant was a real leap second.
fn leap_second(at: DateTime<Utc>) -> bool {
    at.hour() == 23
        && at.minute() == 59
        && LEAP_SECOND_DAYS.iter().any(|(y, m, d)| (at.year(), at.month(), at.day()) == (*y, *m, *d))
}

/// Weekday names used in summaries, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Now, as a system time.
pub fn now_system() -> String {
    format_system(Utc::now())
}

/// A UTC instant in the one system format: `2026-11-25T19:37:29.123456Z`.
pub fn format_system(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parse a calendar date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{:?} is not a date like 2014-05-10", text.trim()))
}

/// One end of a time range in a filter: a local date (compared with each
/// attempt's own local date) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBound {
    /// A calendar date, inclusive, local to each attempt.
    Date(NaiveDate),
    /// An instant, in Unix milliseconds, inclusive.
    Instant(i64),
}

impl TimeBound {
    /// Parse `2014-05-10` or an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Ok(d) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            return Ok(TimeBound::Date(d));
        }
        CallerTime::parse(text)
            .map(|t| TimeBound::Instant(t.utc_millis()))
            .map_err(|_| format!("{:?} is not a date like 2014-05-10 or an RFC 3339 time", text.trim()))
    }
}

/// Bounds of one kind compare; a date and an instant do not (a date is
/// local to each attempt, an instant is not).
impl PartialOrd for TimeBound {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (TimeBound::Date(a), TimeBound::Date(b)) => a.partial_cmp(b),
            (TimeBound::Instant(a), TimeBound::Instant(b)) => a.partial_cmp(b),
            _ => None,
        }
    }
}

/// A system time from Unix milliseconds.
pub fn system_from_millis(ms: i64) -> String {
    format_system(DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default())
}

/// The earliest date a caller's time may fall on: no licence was activated
/// by phone before it, and a year like `0214` is a slip of the keyboard.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1985, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// How far ahead a caller's time may be: a day (every offset's today).
pub const DAY_AHEAD: chrono::Days = chrono::Days::new(1);

/// How far ahead a follow-up may be due: ten years.
pub const DUE_AHEAD: chrono::Days = chrono::Days::new(3653);

/// Whether a date `shown` as the caller gave it lies between [`EARLIEST`]
/// and `latest` (inclusive), with a message that helps when it does not:
/// a year with its last two digits swapped that would fit is offered
/// ("2041-05-10 is in the future — did you mean 2014?").
pub fn plausible(date: NaiveDate, latest: NaiveDate, shown: &str) -> Result<(), String> {
    if date >= EARLIEST && date <= latest {
        return Ok(());
    }
    let year = date.year();
    let swapped = year - year % 100 + (year % 10) * 10 + (year % 100) / 10;
    let fits = |y: i32| date.with_year(y).is_some_and(|d| d >= EARLIEST && d <= latest);
    let hint = if swapped != year && fits(swapped) { format!(" — did you mean {swapped}?") } else { String::new() };
    if date > latest {
        Err(format!("{shown} is in the future{hint}"))
    } else {
        Err(format!("{shown} is before {EARLIEST}, earlier than any activation by phone{hint}"))
    }
}

/// A caller's time between [`EARLIEST`] and a day after `now`.
pub fn plausible_time(t: &CallerTime, now: DateTime<Utc>) -> Result<(), String> {
    let latest = now.date_naive().checked_add_days(DAY_AHEAD).unwrap_or(NaiveDate::MAX);
    // The instant decides, at UTC: a time a day ahead at any offset passes.
    plausible(t.at().with_timezone(&Utc).date_naive(), latest, t.text())
}

/// A caller's date between [`EARLIEST`] and `ahead` after today.
pub fn plausible_date(d: NaiveDate, now: DateTime<Utc>, ahead: chrono::Days) -> Result<(), String> {
    plausible(d, now.date_naive().checked_add_days(ahead).unwrap_or(NaiveDate::MAX), &d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_times_are_kept_canonical_with_their_offset() {
        let t = |s: &str| CallerTime::parse(s).map(|t| t.text().to_string());
        assert_eq!(t("2014-05-11 10:00:00+09:00"), Ok("2014-05-11T10:00:00+09:00".into()));
        assert_eq!(t("2014-05-11t01:00:00z"), Ok("2014-05-11T01:00:00Z".into()));
        assert_eq!(t("2014-05-11T01:00:00+00:00"), Ok("2014-05-11T01:00:00Z".into()));
        assert_eq!(t("2014-05-11T10:00:00.250+09:00"), Ok("2014-05-11T10:00:00.250+09:00".into()));
        assert_eq!(t("2016-12-31T23:59:60Z"), Ok("2016-12-31T23:59:60Z".into()));
        assert_eq!(t("2017-01-01T08:59:60+09:00"), Ok("2017-01-01T08:59:60+09:00".into()));
        assert!(t("2014-06-30T23:59:60Z").unwrap_err().contains("no leap second was inserted then"));
        // A row stored by an earlier version with such a second is still read (and can be changed).
        let stored = CallerTime::parse_stored("2014-05-12T10:04:60+09:00").map(|t| t.text().to_string());
        assert_eq!(stored, Ok("2014-05-12T10:04:60+09:00".into()));
        assert_eq!(canonical_text("2014-05-11 10:00:00+09:00".into()), "2014-05-11T10:00:00+09:00");
        assert_eq!(canonical_text("garbled".into()), "garbled");
    }

    #[test]
    fn times_are_plausible_between_1985_and_a_day_ahead() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z").unwrap().with_timezone(&Utc);
        let t = |s: &str| plausible_time(&CallerTime::parse(s).unwrap(), now);
        let table: &[(&str, Result<(), &str>)] = &[
            ("2014-05-10T10:05:00+09:00", Ok(())),
            ("1985-01-01T00:00:00Z", Ok(())),
            ("2026-12-01T23:59:00Z", Ok(())),
            ("2041-05-10T10:05:00+09:00", Err("2041-05-10T10:05:00+09:00 is in the future — did you mean 2014?")),
            ("9999-12-31T23:59:59-12:00", Err("9999-12-31T23:59:59-12:00 is in the future")),
            ("2026-12-02T12:00:00Z", Err("is in the future")),
            ("0000-01-01T00:00:00Z", Err("is before 1985-01-01, earlier than any activation by phone")),
            ("1941-05-10T10:00:00+09:00", Err("is before 1985-01-01")),
            ("1914-05-10T10:00:00+09:00", Err("is before 1985-01-01")),
        ];
        for (text, want) in table {
            match (t(text), want) {
                (Ok(()), Ok(())) => {}
                (Err(e), Err(part)) => assert!(e.contains(part), "{text}: {e}"),
                (got, _) => panic!("{text}: {got:?}"),
            }
        }
        let d = |s: &str, ahead| plausible_date(s.parse().unwrap(), now, ahead);
        assert!(d("2036-11-30", DUE_AHEAD).is_ok(), "a follow-up may be due ten years ahead");
        assert!(d("2036-12-30", DUE_AHEAD).unwrap_err().contains("is in the future"));
        assert_eq!(d("2099-01-01", DAY_AHEAD).unwrap_err(), "2099-01-01 is in the future");
        assert_eq!(d("2062-01-01", DAY_AHEAD).unwrap_err(), "2062-01-01 is in the future — did you mean 2026?");
    }

    #[test]
    fn local_fields_come_from_the_callers_offset() {
        let t = CallerTime::parse("2014-05-10T00:10:00+09:00").unwrap();
        assert_eq!(t.local_date().to_string(), "2014-05-10");
        assert_eq!(t.local_hour(), 0);
        assert_eq!(t.local_weekday(), 5); // a Saturday
        assert_eq!(t.to_system(), "2014-05-09T15:10:00.000000Z");
        assert_eq!(t.offset_seconds(), 9 * 3600);
    }

    #[test]
    fn times_without_an_offset_are_refused() {
        assert!(CallerTime::parse("2014-05-10T18:00:00").is_err());
        assert!(CallerTime::parse("yesterday").unwrap_err().contains("yesterday"));
        assert!(parse_date("2014-13-01").is_err());
    }
}
