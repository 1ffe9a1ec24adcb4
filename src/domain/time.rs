//! Time, decided once. A caller's time keeps the RFC 3339 text it was given
//! (with its offset), plus the instant in UTC milliseconds for ordering and
//! ranges, plus the local date, hour and weekday at that offset for grouping.
//! System times are RFC 3339 UTC with microseconds, one fixed-width format,
//! so that they sort as text.
//!
//! A person may enter a caller's time without an offset
//! (`2016-03-26 18:00`, full-width digits too): [`CallerTime::entered`]
//! keeps it as a local time, and [`CallerTime::in_zone`] gives it the
//! household's offset at that moment ([`Zone`], daylight saving correct)
//! before it is stored. Dates without a time sit at the household's local
//! midnight ([`Zone::midnight_millis`]).

use super::warning::Warning;
use crate::i18n::Msg;
use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};

/// A time given by a caller, e.g. `2014-05-10T18:02:00+09:00`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerTime {
    text: String,
    at: DateTime<FixedOffset>,
    /// Entered without an offset: `at` holds the local wall time at +00:00
    /// until [`CallerTime::in_zone`] gives it the household's.
    local: bool,
}

/// The household's time zone: an IANA name such as `Asia/Tokyo`. It
/// applies wherever a time has no offset of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(chrono_tz::Tz);

impl Default for Zone {
    fn default() -> Self {
        Zone(chrono_tz::Tz::UTC)
    }
}

impl Zone {
    /// Parse an IANA zone name (`Asia/Tokyo`, `Europe/Berlin`, `UTC`).
    ///
    /// ```
    /// use activation_journal::domain::time::Zone;
    /// assert_eq!(Zone::parse("Asia/Tokyo").unwrap().name(), "Asia/Tokyo");
    /// assert!(Zone::parse("Tokyo").unwrap_err().to_string().contains("Asia/Tokyo"));
    /// ```
    pub fn parse(name: &str) -> Result<Self, Msg> {
        let name = name.trim();
        name.parse::<chrono_tz::Tz>().map(Zone).map_err(|_| Msg::new("msg.not_a_zone").arg("text", format!("{name:?}")))
    }

    /// The system's zone (from `TZ` or the system's setting), or UTC when
    /// it cannot be told.
    pub fn system() -> Self {
        std::env::var("TZ")
            .ok()
            .and_then(|tz| Zone::parse(tz.trim_start_matches(':')).ok())
            .or_else(|| iana_time_zone::get_timezone().ok().and_then(|n| Zone::parse(&n).ok()))
            .unwrap_or_default()
    }

    /// Its IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The household's offset at an instant.
    pub fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        self.0.offset_from_utc_datetime(&at.naive_utc()).fix()
    }

    /// Now (or any instant) in the household's zone, as a calendar sees it
    /// (adding hours crosses daylight saving correctly).
    pub fn now_in(&self, at: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
        at.with_timezone(&self.0)
    }

    /// An instant in the household's zone.
    pub fn at(&self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.offset_at(at))
    }

    /// A local wall time in the household's zone. Of a time that happens
    /// twice (clocks going back) the first; a time that never happened
    /// (clocks going forward) is refused, naming the zone.
    pub fn local(&self, wall: NaiveDateTime) -> Result<DateTime<FixedOffset>, Msg> {
        match self.0.from_local_datetime(&wall) {
            LocalResult::Single(t) => Ok(t.fixed_offset()),
            LocalResult::Ambiguous(first, _) => Ok(first.fixed_offset()),
            LocalResult::None => {
                Err(Msg::new("msg.skipped_time").arg("time", wall.format("%Y-%m-%d %H:%M")).arg("zone", self.name()))
            }
        }
    }

    /// The household's local midnight of a date, in Unix milliseconds (a
    /// day that starts later, as when clocks skip midnight, at its first
    /// moment).
    pub fn midnight_millis(&self, date: NaiveDate) -> i64 {
        let wall = date.and_time(chrono::NaiveTime::MIN);
        (0..=3)
            .find_map(|h| self.local(wall + chrono::Duration::hours(h)).ok())
            .unwrap_or_else(|| wall.and_utc().fixed_offset())
            .timestamp_millis()
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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
    pub fn parse(text: &str) -> Result<Self, Msg> {
        let t = Self::parse_stored(text)?;
        if t.at.nanosecond() >= 1_000_000_000 && !leap_second(t.at.with_timezone(&Utc)) {
            return Err(Msg::new("msg.no_leap_second").arg("text", format!("{:?}", text.trim())));
        }
        Ok(t)
    }

    /// A time as it was stored: read as [`CallerTime::parse`] reads new
    /// input, but a 60th second that is no leap second is kept (earlier
    /// versions took one), so that such a row can still be read, changed
    /// and exported.
    pub fn parse_stored(text: &str) -> Result<Self, Msg> {
        let trimmed = text.trim();
        let at = DateTime::parse_from_rfc3339(trimmed)
            .map_err(|_| Msg::new("msg.not_rfc3339").arg("text", format!("{trimmed:?}")))?;
        Ok(Self { text: canonical(at), at, local: false })
    }

    /// A time as a person enters it: RFC 3339 with an offset (a space for
    /// the `T` and no seconds allowed), or a local date and time without
    /// one (`2016-03-26 18:00`, `2016-03-26T18:00:30`), full-width digits
    /// and punctuation too. A local time stays local until
    /// [`CallerTime::in_zone`].
    ///
    /// ```
    /// use activation_journal::domain::time::{CallerTime, Zone};
    /// let t = CallerTime::entered("２０１６-０３-２６ １８:００").unwrap();
    /// assert!(t.is_local());
    /// let tokyo = Zone::parse("Asia/Tokyo").unwrap();
    /// assert_eq!(t.in_zone(&tokyo).unwrap().0.text(), "2016-03-26T18:00:00+09:00");
    /// let t = CallerTime::entered("2016-03-26 18:00+09:00").unwrap();
    /// assert_eq!(t.text(), "2016-03-26T18:00:00+09:00");
    /// ```
    pub fn entered(text: &str) -> Result<Self, Msg> {
        use unicode_normalization::UnicodeNormalization as _;
        let typed: String = text.trim().nfkc().collect();
        let typed = typed.trim();
        if let Ok(t) = Self::parse(typed) {
            return Ok(t);
        }
        let refused = || Msg::new("msg.not_a_time").arg("text", format!("{:?}", text.trim()));
        let (wall, offset) = split_offset(typed);
        let wall = parse_wall(wall).ok_or_else(refused)?;
        let Some(offset) = offset else {
            let at = wall.and_utc().fixed_offset();
            return Ok(Self { text: wall.format("%Y-%m-%dT%H:%M:%S%.f").to_string(), at, local: true });
        };
        let offset = offset.ok_or_else(refused)?;
        let at = offset.from_local_datetime(&wall).single().ok_or_else(refused)?;
        Self::parse(&canonical(at))
    }

    /// A caller's time from an instant with its offset (a time the program
    /// works out, such as a suggested call time), canonical.
    pub fn from_instant(at: DateTime<FixedOffset>) -> Self {
        Self { text: canonical(at), at, local: false }
    }

    /// Whether it was entered without an offset and still waits for the
    /// household's ([`CallerTime::in_zone`]).
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// The time with an offset: a local time takes the household's offset
    /// at that moment; a time with its own keeps it, and a warning says so
    /// when it is not the household's then (its local hour and date are
    /// read at its own offset).
    pub fn in_zone(&self, zone: &Zone) -> Result<(CallerTime, Option<Msg>), Msg> {
        if !self.local {
            let home = zone.offset_at(self.at.with_timezone(&Utc));
            let warning = (home != *self.at.offset()).then(|| {
                let offset = offset_text(*self.at.offset());
                Warning::offset(&self.text, &offset, &offset_text(home), zone.name())
            });
            return Ok((self.clone(), warning));
        }
        let at = zone.local(self.at.naive_local())?;
        Ok((Self::parse(&canonical(at))?, None))
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

/// An offset as RFC 3339 writes it: `Z` or `±hh:mm`.
fn offset_text(o: FixedOffset) -> String {
    let s = o.local_minus_utc();
    if s == 0 {
        return "Z".into();
    }
    let sign = if s < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", s.abs() / 3600, s.abs() % 3600 / 60)
}

/// Split a typed time into its wall part and its offset: none, or `Z`,
/// `±hh:mm` or `±hhmm` (`Some(None)` when the offset is not one).
fn split_offset(typed: &str) -> (&str, Option<Option<FixedOffset>>) {
    if let Some(wall) = typed.strip_suffix(['Z', 'z']) {
        return (wall.trim_end(), Some(FixedOffset::east_opt(0)));
    }
    // An offset's sign comes after the time's colon; a date's hyphens come before it.
    let Some(colon) = typed.find(':') else { return (typed, None) };
    let Some(at) = typed[colon..].rfind(['+', '-']).map(|i| colon + i) else { return (typed, None) };
    let digits: String = typed[at + 1..].chars().filter(|c| *c != ':').collect();
    let offset = (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| {
            let (h, m) = (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?);
            let secs = (h * 3600 + m * 60) * if typed.as_bytes()[at] == b'-' { -1 } else { 1 };
            (h < 24 && m < 60).then(|| FixedOffset::east_opt(secs)).flatten()
        })
        .flatten();
    (typed[..at].trim_end(), Some(offset))
}

/// A wall time: a date, `T` or spaces, and `HH:MM` with optional seconds
/// (and fraction); `/` may separate the date too.
fn parse_wall(wall: &str) -> Option<NaiveDateTime> {
    let wall = wall.replace('/', "-");
    let (date, time) = wall.split_once(['T', 't', ' '])?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let time = time.trim();
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveTime::parse_from_str(time, f).ok())
        .map(|t| date.and_time(t))
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
pub fn parse_date(text: &str) -> Result<NaiveDate, Msg> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Msg::new("msg.not_a_date").arg("text", format!("{:?}", text.trim())))
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
    pub fn parse(text: &str) -> Result<Self, Msg> {
        if let Ok(d) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            return Ok(TimeBound::Date(d));
        }
        CallerTime::parse(text)
            .map(|t| TimeBound::Instant(t.utc_millis()))
            .map_err(|_| Msg::new("msg.not_a_bound").arg("text", format!("{:?}", text.trim())))
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
pub fn plausible(date: NaiveDate, latest: NaiveDate, shown: &str) -> Result<(), Msg> {
    if date >= EARLIEST && date <= latest {
        return Ok(());
    }
    let year = date.year();
    let swapped = year - year % 100 + (year % 10) * 10 + (year % 100) / 10;
    let fits = |y: i32| date.with_year(y).is_some_and(|d| d >= EARLIEST && d <= latest);
    let msg = if date > latest {
        Msg::new("msg.in_the_future").arg("when", shown)
    } else {
        Msg::new("msg.too_early").arg("when", shown).arg("earliest", EARLIEST)
    };
    if swapped != year && fits(swapped) {
        Err(Msg::new("msg.did_you_mean").inner("msg", msg).arg("year", swapped))
    } else {
        Err(msg)
    }
}

/// A caller's time between [`EARLIEST`] and a day after `now`.
pub fn plausible_time(t: &CallerTime, now: DateTime<Utc>) -> Result<(), Msg> {
    let latest = now.date_naive().checked_add_days(DAY_AHEAD).unwrap_or(NaiveDate::MAX);
    // The instant decides, at UTC: a time a day ahead at any offset passes.
    plausible(t.at().with_timezone(&Utc).date_naive(), latest, t.text())
}

/// A caller's date between [`EARLIEST`] and `ahead` after today.
pub fn plausible_date(d: NaiveDate, now: DateTime<Utc>, ahead: chrono::Days) -> Result<(), Msg> {
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
