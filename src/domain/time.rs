//! Time, decided once. A caller's time keeps the RFC 3339 text it was given
//! (with its offset), plus the instant in UTC milliseconds for ordering and
//! ranges, plus the local date, hour and weekday at that offset for grouping.
//! System times are RFC 3339 UTC with microseconds, one fixed-width format,
//! so that they sort as text.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

use super::fields::Check;

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
        let trimmed = text.trim();
        let at = DateTime::parse_from_rfc3339(trimmed).map_err(|_| {
            format!("{trimmed:?} is not an RFC 3339 time with an offset, like 2014-05-10T18:02:00+09:00")
        })?;
        Ok(Self { text: trimmed.to_string(), at })
    }

    /// The text exactly as given (trimmed of surrounding spaces).
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

/// A `from`/`to` range as a user gives it: each bound parsed by `parse`,
/// and `to` refused when it comes before `from`. Every failure is recorded
/// in `c` under its parameter's name.
pub fn range<T: PartialOrd>(
    c: &mut Check,
    from: Option<&str>,
    to: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> (Option<T>, Option<T>) {
    let bound = |c: &mut Check, name: &str, raw: Option<&str>| raw.and_then(|s| c.record(name, parse(s)));
    let (first, last) = (bound(c, "from", from), bound(c, "to", to));
    if let (Some(f), Some(t), Some(from), Some(to)) = (&first, &last, from, to) {
        if t < f {
            c.push("to", format!("{} is before from ({})", to.trim(), from.trim()));
        }
    }
    (first, last)
}

/// A system time from Unix milliseconds.
pub fn system_from_millis(ms: i64) -> String {
    format_system(DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

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
