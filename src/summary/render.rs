//! Summaries as tables for people (the CLI); the API renders the same
//! structs as JSON. A summary becomes [`Part`]s (headings, tables, notes)
//! that the command line prints as it prints every table (fitted to the
//! terminal, or TSV); nothing here knows the terminal.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

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

/// A duration in seconds as `3m 00s`.
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

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header.iter().copied());
    t
}

fn waits(w: &WaitTimes) -> Vec<Part> {
    let mut t = table(&["", "count", "min", "p50", "p90", "max"]);
    t.add_row(vec![
        "all".into(),
        w.count.to_string(),
        duration(w.min),
        duration(w.p50),
        duration(w.p90),
        duration(w.max),
    ]);
    let mut by_hour = table(&["hour", "count", "p50", "p90"]);
    for h in &w.by_hour {
        by_hour.add_row(vec![format!("{:02}:00", h.hour), h.count.to_string(), duration(h.p50), duration(h.p90)]);
    }
    let mut by_day = table(&["weekday", "count", "p50", "p90"]);
    for d in &w.by_weekday {
        by_day.add_row(vec![d.weekday.clone(), d.count.to_string(), duration(d.p50), duration(d.p90)]);
    }
    vec![
        Part::Heading("Operator queue waits".into()),
        Part::Table(t),
        Part::Heading("By local hour".into()),
        Part::Table(by_hour),
        Part::Heading("By local weekday".into()),
        Part::Table(by_day),
    ]
}

/// The summary as headings, tables and notes.
pub fn parts(summary: &Summary) -> Vec<Part> {
    match summary {
        Summary::Overview(o) => overview(o),
        Summary::Retries(r) => retries(r),
        Summary::WaitTimes(w) => waits(w),
        Summary::Hours(h) => hours(h),
        Summary::Questions(q) => questions(q),
        Summary::Licenses(l) => licenses(l),
        Summary::Open(o) => open(o),
    }
}

/// The `overview` counts and rates.
fn overview(o: &Overview) -> Vec<Part> {
    let mut t = table(&["", ""]);
    for (k, v) in [
        ("machines", o.machines.to_string()),
        ("licenses", o.licenses.to_string()),
        (
            "cases open / activated / abandoned",
            format!("{} / {} / {}", o.cases.open, o.cases.activated, o.cases.abandoned),
        ),
        ("attempts", o.attempts.to_string()),
        ("activated attempts", o.activated_attempts.to_string()),
        ("activation rate", percent(o.activation_rate)),
        ("menu confirmed the ID", percent(o.ivr_confirmed_rate)),
        ("transferred to an operator", percent(o.operator_transfer_rate)),
        ("no operator available", percent(o.operator_unavailable_rate)),
    ] {
        t.add_row(vec![k.to_string(), v]);
    }
    vec![Part::Table(t)]
}

/// The cases retried, one a row.
fn retries(r: &Retries) -> Vec<Part> {
    let mut t = table(&[
        "case",
        "machine",
        "license",
        "attempts",
        "first attempt",
        "first failure",
        "activated",
        "next day",
        "days",
    ]);
    for c in &r.cases {
        t.add_row(vec![
            c.case_id.to_string(),
            c.machine_id.to_string(),
            c.license_id.to_string(),
            c.attempts.to_string(),
            c.first_attempt_at.clone(),
            opt(&c.first_failure_reason),
            opt(&c.activated_at),
            if c.next_day { "yes" } else { "no" }.to_string(),
            opt(&c.days_to_success),
        ]);
    }
    vec![
        Part::Note(format!("{} cases retried, {} of them on a later day", r.cases_retried, r.next_day_retries)),
        Part::Table(t),
    ]
}

/// Attempts by local hour, and the best hours to call.
fn hours(h: &Hours) -> Vec<Part> {
    let mut t = table(&["hour", "attempts", "operator reached", "no operator", "activated", "success"]);
    for r in &h.hours {
        t.add_row(vec![
            format!("{:02}:00", r.hour),
            r.attempts.to_string(),
            r.operator_reached.to_string(),
            r.operator_unavailable.to_string(),
            r.activated.to_string(),
            percent(r.success_rate),
        ]);
    }
    let best: Vec<String> = h.best_hours.iter().map(|b| format!("{b:02}:00")).collect();
    let best = if best.is_empty() { "none yet".into() } else { best.join(", ") };
    vec![Part::Table(t), Part::Note(format!("best hours to call: {best}"))]
}

/// What operators asked, by topic and channel.
fn questions(q: &Questions) -> Vec<Part> {
    let mut t = table(&["topic", "asked", "by channel"]);
    for r in &q.topics {
        let by: Vec<String> = r.by_channel.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        t.add_row(vec![r.topic.to_string(), r.asked.to_string(), by.join(", ")]);
    }
    vec![Part::Heading("What operators asked (have it at hand)".into()), Part::Table(t)]
}

/// Activations a license.
fn licenses(l: &Licenses) -> Vec<Part> {
    let mut t = table(&["license", "product", "channel", "activations", "machines", "last activated"]);
    for r in &l.licenses {
        let machines: Vec<String> = r.machines.iter().map(ToString::to_string).collect();
        t.add_row(vec![
            r.license_id.to_string(),
            r.product.clone(),
            r.channel.to_string(),
            r.activations.to_string(),
            machines.join(", "),
            opt(&r.last_activated_at),
        ]);
    }
    vec![Part::Table(t)]
}

/// Open cases (with when to call) and follow-ups to do.
fn open(o: &Open) -> Vec<Part> {
    let mut t = table(&["case", "machine", "license", "attempts", "last attempt", "last failure", "call at"]);
    for c in &o.cases {
        t.add_row(vec![
            c.case_id.to_string(),
            c.machine_id.to_string(),
            c.license_id.to_string(),
            c.attempts.to_string(),
            opt(&c.last_attempt_at),
            opt(&c.last_failure_reason),
            opt(&c.suggested_call_at),
        ]);
    }
    let mut f = table(&["follow-up", "machine", "due", "text"]);
    for u in &o.follow_ups {
        f.add_row(vec![u.id.to_string(), u.machine_id.to_string(), opt(&u.due_on), u.text.clone()]);
    }
    vec![Part::Heading("Open cases".into()), Part::Table(t), Part::Heading("Follow-ups to do".into()), Part::Table(f)]
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
