//! Summaries as tables for people (the CLI); the API renders the same
//! structs as JSON. A summary becomes [`Part`]s (headings, tables, notes)
//! that the command line prints as it prints every table (fitted to the
//! terminal, or TSV); nothing here knows the terminal.

use comfy_table::Table;

/// A piece of a summary as printed.
#[derive(Debug)]
pub enum Part {
    /// A line naming the table after it.
    Heading(String),
    /// A table.
    Table(Table),
    /// A sentence of figures beside the tables.
    Note(String),
}

use super::{Hours, Licenses, Open, Overview, Questions, Retries, Summary, WaitTimes};
use crate::cli::table::Words;

/// A duration in seconds as `3m 00s` (the form scripts read).
pub fn duration(seconds: Option<i64>) -> String {
    match seconds {
        Some(s) => format!("{}m {:02}s", s / 60, s % 60),
        None => "—".into(),
    }
}

/// A rate as a percentage, `—` when there is none.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.1} %", r * 100.0),
        None => "—".into(),
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "—".to_string(), ToString::to_string)
}

impl Words {
    /// A wait: `3m 00s` for scripts, `3 min 00 s` / `3分00秒` for people.
    fn wait(&self, seconds: Option<i64>) -> String {
        match seconds {
            Some(s) if !self.codes => self.t.duration(s),
            other => duration(other),
        }
    }

    /// A local hour: `10:00` for scripts, `10:00` / `10時台` for people.
    fn hour(&self, hour: u32) -> String {
        if self.codes {
            format!("{hour:02}:00")
        } else {
            self.f("fmt.hour", &[("h", &format!("{hour:02}"))])
        }
    }

    /// A caller's time as written (scripts), or as people read it (own offset).
    fn at(&self, at: &str) -> String {
        if self.codes {
            at.to_string()
        } else {
            crate::cli::table::local(at)
        }
    }

    fn opt_at(&self, at: &Option<String>) -> String {
        at.as_deref().map_or_else(|| "—".to_string(), |a| self.at(a))
    }
}

fn waits(w: &WaitTimes, x: &Words) -> Vec<Part> {
    let mut t = x.table(&["cli.sum.all", "cli.sum.count", "cli.sum.min", "cli.sum.p50", "cli.sum.p90", "cli.sum.max"]);
    t.add_row(vec![
        x.s("cli.sum.all_calls"),
        w.count.to_string(),
        x.wait(w.min),
        x.wait(w.p50),
        x.wait(w.p90),
        x.wait(w.max),
    ]);
    let mut by_hour = x.table(&["cli.sum.hour", "cli.sum.count", "cli.sum.p50", "cli.sum.p90"]);
    for h in &w.by_hour {
        by_hour.add_row(vec![x.hour(h.hour), h.count.to_string(), x.wait(h.p50), x.wait(h.p90)]);
    }
    let mut by_day = x.table(&["cli.sum.weekday", "cli.sum.count", "cli.sum.p50", "cli.sum.p90"]);
    for d in &w.by_weekday {
        let day = if x.codes { d.weekday.clone() } else { x.s(&format!("weekday.{}", d.weekday)) };
        by_day.add_row(vec![day, d.count.to_string(), x.wait(d.p50), x.wait(d.p90)]);
    }
    vec![
        Part::Heading(x.s("cli.sum.waits")),
        Part::Table(t),
        Part::Heading(x.s("cli.sum.by_hour")),
        Part::Table(by_hour),
        Part::Heading(x.s("cli.sum.by_weekday")),
        Part::Table(by_day),
    ]
}

/// The summary as headings, tables and notes, in `words`.
pub fn parts(summary: &Summary, words: &Words) -> Vec<Part> {
    match summary {
        Summary::Overview(o) => overview(o, words),
        Summary::Retries(r) => retries(r, words),
        Summary::WaitTimes(w) => waits(w, words),
        Summary::Hours(h) => hours(h, words),
        Summary::Questions(q) => questions(q, words),
        Summary::Licenses(l) => licenses(l, words),
        Summary::Open(o) => open(o, words),
    }
}

/// The `overview` counts and rates.
fn overview(o: &Overview, x: &Words) -> Vec<Part> {
    let mut t = x.table(&["cli.sum.figure", "cli.sum.value"]);
    for (k, v) in [
        ("summary.machines", o.machines.to_string()),
        ("summary.licenses", o.licenses.to_string()),
        ("cli.sum.cases_by_status", format!("{} / {} / {}", o.cases.open, o.cases.activated, o.cases.abandoned)),
        ("summary.attempts", o.attempts.to_string()),
        ("summary.activated_attempts", o.activated_attempts.to_string()),
        ("summary.activation_rate", percent(o.activation_rate)),
        ("summary.ivr_confirmed_rate", percent(o.ivr_confirmed_rate)),
        ("summary.operator_transfer_rate", percent(o.operator_transfer_rate)),
        ("summary.operator_unavailable_rate", percent(o.operator_unavailable_rate)),
    ] {
        t.add_row(vec![x.s(k), v]);
    }
    vec![Part::Table(t)]
}

/// The cases retried, one a row.
fn retries(r: &Retries, x: &Words) -> Vec<Part> {
    let mut t = x.table(&[
        "cli.col.case",
        "cli.col.machine",
        "cli.col.license",
        "cli.col.calls",
        "cli.sum.first_call",
        "cli.sum.first_failure",
        "cli.sum.activated_at",
        "cli.sum.next_day",
        "cli.sum.days",
    ]);
    for c in &r.cases {
        t.add_row(vec![
            c.case_id.to_string(),
            c.machine_name.clone(),
            c.license_name.clone(),
            c.attempts.to_string(),
            x.at(&c.first_attempt_at),
            c.first_failure_reason.map_or_else(|| "—".into(), |f| x.e(f)),
            x.opt_at(&c.activated_at),
            x.yes_no(c.next_day),
            opt(&c.days_to_success),
        ]);
    }
    let (n, later) = (r.cases_retried.to_string(), r.next_day_retries.to_string());
    vec![Part::Note(x.f("cli.sum.retried", &[("n", &n), ("later", &later)])), Part::Table(t)]
}

/// Attempts by local hour, and the best hours to call.
fn hours(h: &Hours, x: &Words) -> Vec<Part> {
    let mut t = x.table(&[
        "cli.sum.hour",
        "cli.col.calls",
        "cli.sum.reached",
        "cli.sum.unavailable",
        "cli.sum.activated",
        "cli.sum.success",
    ]);
    for r in &h.hours {
        t.add_row(vec![
            x.hour(r.hour),
            r.attempts.to_string(),
            r.operator_reached.to_string(),
            r.operator_unavailable.to_string(),
            r.activated.to_string(),
            percent(r.success_rate),
        ]);
    }
    let best: Vec<String> = h.best_hours.iter().map(|b| x.hour(*b)).collect();
    let best = if best.is_empty() { x.s("cli.sum.none_yet") } else { best.join(", ") };
    vec![Part::Table(t), Part::Note(x.f("cli.sum.best_hours", &[("hours", &best)]))]
}

/// What operators asked, by topic and channel.
fn questions(q: &Questions, x: &Words) -> Vec<Part> {
    let mut t = x.table(&["cli.sum.topic", "cli.sum.asked", "cli.sum.by_channel"]);
    for r in &q.topics {
        let by: Vec<String> = r.by_channel.iter().map(|(c, n)| format!("{}: {n}", x.e(*c))).collect();
        t.add_row(vec![x.e(r.topic), r.asked.to_string(), by.join(", ")]);
    }
    vec![Part::Heading(x.s("cli.sum.questions")), Part::Table(t)]
}

/// Activations a license, and the machines it was activated on, by name.
fn licenses(l: &Licenses, x: &Words) -> Vec<Part> {
    let mut t = x.table(&[
        "cli.col.id",
        "cli.col.license",
        "cli.col.channel",
        "cli.sum.activations",
        "cli.sum.on_machines",
        "cli.sum.last_activated",
    ]);
    for r in &l.licenses {
        t.add_row(vec![
            r.license_id.to_string(),
            r.license_name.clone(),
            x.e(r.channel),
            r.activations.to_string(),
            if r.machine_names.is_empty() { "—".into() } else { r.machine_names.join(", ") },
            x.opt_at(&r.last_activated_at),
        ]);
    }
    vec![Part::Table(t)]
}

/// Open cases (with when to call) and follow-ups to do.
fn open(o: &Open, x: &Words) -> Vec<Part> {
    let mut t = x.table(&[
        "cli.col.case",
        "cli.col.machine",
        "cli.col.license",
        "cli.col.calls",
        "cli.sum.last_call",
        "cli.sum.last_failure",
        "cli.sum.call_at",
    ]);
    for c in &o.cases {
        t.add_row(vec![
            c.case_id.to_string(),
            c.machine_name.clone(),
            c.license_name.clone(),
            c.attempts.to_string(),
            x.opt_at(&c.last_attempt_at),
            c.last_failure_reason.map_or_else(|| "—".into(), |f| x.e(f)),
            x.opt_at(&c.suggested_call_at),
        ]);
    }
    let mut f = x.table(&["cli.col.id", "cli.col.machine", "cli.col.due", "cli.col.to_do"]);
    for u in &o.follow_ups {
        f.add_row(vec![u.id.to_string(), u.machine_name.clone(), opt(&u.due_on), u.text.clone()]);
    }
    vec![
        Part::Heading(x.s("cli.sum.open_cases")),
        Part::Table(t),
        Part::Heading(x.s("cli.sum.follow_ups")),
        Part::Table(f),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_rates_read_well() {
        assert_eq!(duration(Some(180)), "3m 00s");
        assert_eq!(duration(Some(0)), "0m 00s");
        assert_eq!(duration(Some(3725)), "62m 05s");
        assert_eq!(duration(None), "—");
        assert_eq!(percent(Some(0.5)), "50.0 %");
        assert_eq!(percent(None), "—");
    }
}
