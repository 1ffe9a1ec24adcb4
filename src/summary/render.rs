//! Summaries as tables for people (the CLI); the API renders the same
//! structs as JSON.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

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

fn waits(w: &WaitTimes) -> String {
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
    format!("Operator queue waits\n{t}\n\nBy local hour\n{by_hour}\n\nBy local weekday\n{by_day}")
}

/// The summary as text tables.
pub fn text(summary: &Summary) -> String {
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
fn overview(o: &Overview) -> String {
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
    t.to_string()
}

/// The cases retried, one a row.
fn retries(r: &Retries) -> String {
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
    format!("{} cases retried, {} of them on a later day\n{t}", r.cases_retried, r.next_day_retries)
}

/// Attempts by local hour, and the best hours to call.
fn hours(h: &Hours) -> String {
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
    format!("{t}\nbest hours to call: {}", if best.is_empty() { "none yet".into() } else { best.join(", ") })
}

/// What operators asked, by topic and channel.
fn questions(q: &Questions) -> String {
    let mut t = table(&["topic", "asked", "by channel"]);
    for r in &q.topics {
        let by: Vec<String> = r.by_channel.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        t.add_row(vec![r.topic.to_string(), r.asked.to_string(), by.join(", ")]);
    }
    format!("What operators asked (have it at hand)\n{t}")
}

/// Activations a license.
fn licenses(l: &Licenses) -> String {
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
    t.to_string()
}

/// Open cases (with when to call) and follow-ups to do.
fn open(o: &Open) -> String {
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
    format!("Open cases\n{t}\n\nFollow-ups to do\n{f}")
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
