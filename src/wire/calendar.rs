//! The calendar feed as iCalendar text (RFC 5545): what `/calendar.ics`
//! sends. Pure: a [`Feed`] and the words of one language in, the text out.
//!
//! - Follow-ups are all-day `VEVENT`s on their due date
//!   (`UID:followup-<id>@activation-journal`). A done one is still a
//!   `VEVENT`: RFC 5545 allows `STATUS:COMPLETED` only on a `VTODO`, and
//!   Google Calendar and Apple Calendar's subscriptions do not show
//!   `VTODO`s, so a done follow-up says so in its summary (the words'
//!   [`FeedWords::done`]), is `TRANSP:TRANSPARENT` and carries
//!   `X-ACTIVATION-JOURNAL-DONE:TRUE`.
//! - Each open case's suggested call is a 30-minute `VEVENT` with a
//!   `VALARM` (`UID:call-case-<id>@activation-journal`; the time moves, the
//!   UID stays, so a calendar moves the event rather than adding one).
//! - Times are in UTC (`…Z`), so no `VTIMEZONE` is needed and every
//!   calendar shows the right moment; the suggested time itself was worked
//!   out in the household's zone (daylight saving included). Dates are the
//!   household's dates. `X-WR-TIMEZONE` names the zone for calendars that
//!   want a hint.
//! - Lines end in CRLF and are folded at 75 octets (never inside a UTF-8
//!   character); text values escape `\`, `;`, `,` and newlines.

use chrono::{DateTime, Duration, Utc};

use crate::domain::calendar::{Feed, FeedCall, FeedFollowUp, CALL_MINUTES, REMINDER_MINUTES};

/// The media type of the feed.
pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// The words a feed holds, in one language.
pub trait FeedWords {
    /// The calendar's name (`X-WR-CALNAME`).
    fn calendar_name(&self) -> String;
    /// A suggested call's summary.
    fn call(&self, call: &FeedCall) -> String;
    /// A done follow-up's summary, from its text.
    fn done(&self, text: &str) -> String;
    /// The description of a follow-up: the machine it is about.
    fn machine(&self, name: &str) -> String;
}

/// The feed as iCalendar text.
pub fn ics(feed: &Feed, words: &dyn FeedWords) -> String {
    let mut out = Ics::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//activation-journal//calendar feed//EN");
    out.line("CALSCALE:GREGORIAN");
    out.text("X-WR-CALNAME", &words.calendar_name());
    out.line(&format!("X-WR-TIMEZONE:{}", feed.zone.name()));
    out.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    out.line("X-PUBLISHED-TTL:PT1H");
    for f in &feed.follow_ups {
        follow_up(&mut out, f, words);
    }
    for c in &feed.calls {
        call(&mut out, c, feed.made_at, words);
    }
    out.line("END:VCALENDAR");
    out.0
}

fn follow_up(out: &mut Ics, f: &FeedFollowUp, words: &dyn FeedWords) {
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:followup-{}@activation-journal", f.id));
    out.line(&format!("DTSTAMP:{}", utc(f.updated_at)));
    out.line(&format!("DTSTART;VALUE=DATE:{}", f.due_on.format("%Y%m%d")));
    if let Some(next) = f.due_on.succ_opt() {
        out.line(&format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
    }
    let summary = if f.done { words.done(&f.text) } else { f.text.clone() };
    out.text("SUMMARY", &summary);
    out.text("DESCRIPTION", &words.machine(&f.machine));
    out.line("TRANSP:TRANSPARENT");
    if f.done {
        out.line("X-ACTIVATION-JOURNAL-DONE:TRUE");
    }
    out.line("END:VEVENT");
}

fn call(out: &mut Ics, c: &FeedCall, made_at: DateTime<Utc>, words: &dyn FeedWords) {
    let summary = words.call(c);
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:call-case-{}@activation-journal", c.case_id));
    out.line(&format!("DTSTAMP:{}", utc(made_at)));
    out.line(&format!("DTSTART:{}", utc(c.at)));
    out.line(&format!("DTEND:{}", utc(c.at + Duration::minutes(CALL_MINUTES))));
    out.text("SUMMARY", &summary);
    out.line("BEGIN:VALARM");
    out.line("ACTION:DISPLAY");
    out.line(&format!("TRIGGER:-PT{REMINDER_MINUTES}M"));
    out.text("DESCRIPTION", &summary);
    out.line("END:VALARM");
    out.line("END:VEVENT");
}

/// A UTC date-time in iCalendar's form.
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// iCalendar text being written: folded content lines, each ending in CRLF.
#[derive(Default)]
struct Ics(String);

impl Ics {
    /// One content line, folded at 75 octets: a continuation line starts
    /// with a space, which counts towards its 75.
    fn line(&mut self, line: &str) {
        let mut width = 0;
        for ch in line.chars() {
            let len = ch.len_utf8();
            if width + len > 75 {
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(ch);
            width += len;
        }
        self.0.push_str("\r\n");
    }

    /// A property whose value is TEXT, escaped.
    fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape(value)));
    }
}

/// A TEXT value escaped: `\` `;` `,` and newlines (a CR is dropped).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::Zone;
    use chrono::{NaiveDate, TimeZone as _};

    struct En;

    impl FeedWords for En {
        fn calendar_name(&self) -> String {
            "Activation journal".into()
        }
        fn call(&self, c: &FeedCall) -> String {
            format!("Call to activate {} on {}", c.product, c.machine)
        }
        fn done(&self, text: &str) -> String {
            format!("✓ {text}")
        }
        fn machine(&self, name: &str) -> String {
            format!("Machine: {name}")
        }
    }

    fn feed() -> Feed {
        let at = |y, mo, d, h, mi| Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap();
        Feed {
            zone: Zone::parse("Europe/Berlin").unwrap(),
            made_at: at(2027, 3, 27, 20, 0),
            follow_ups: vec![FeedFollowUp {
                id: 7,
                text: "Ask the shop; which site, box colour\\edition\nthen call".into(),
                due_on: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
                done: true,
                machine: "Study PC".into(),
                updated_at: at(2027, 3, 1, 9, 30),
            }],
            calls: vec![FeedCall {
                case_id: 3,
                machine: "Study PC".into(),
                product: "Office".into(),
                at: at(2027, 3, 28, 8, 0),
            }],
        }
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\r\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn every_line_ends_in_crlf_and_holds_at_most_75_octets() {
        let mut out = Ics::default();
        let long = "日本語のとても長い説明".repeat(10);
        out.text("SUMMARY", &long);
        assert!(out.0.ends_with("\r\n"));
        let lines: Vec<&str> = out.0.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.len() <= 75), "{lines:?}");
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        let unfolded: String =
            lines.iter().enumerate().map(|(i, l)| if i == 0 { *l } else { &l[1..] }).collect::<Vec<_>>().concat();
        assert_eq!(unfolded, format!("SUMMARY:{long}"));
    }

    #[test]
    fn a_feed_holds_its_events_with_stable_uids_in_utc() {
        let text = ics(&feed(), &En);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        for want in [
            "UID:followup-7@activation-journal",
            "DTSTAMP:20270301T093000Z",
            "DTSTART;VALUE=DATE:20270331",
            "DTEND;VALUE=DATE:20270401",
            "SUMMARY:✓ Ask the shop\\; which site\\, box colour\\\\edition\\nthen call",
            "X-ACTIVATION-JOURNAL-DONE:TRUE",
            "UID:call-case-3@activation-journal",
            // 10:00 in Berlin on the first day of summer time is 08:00 UTC.
            "DTSTART:20270328T080000Z",
            "DTEND:20270328T083000Z",
            "TRIGGER:-PT10M",
            "X-WR-TIMEZONE:Europe/Berlin",
        ] {
            assert!(text.contains(&format!("{want}\r\n")), "{want} missing from\n{text}");
        }
    }
}
