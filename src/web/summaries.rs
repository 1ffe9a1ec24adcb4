//! `/summaries`: all seven summaries as tables, with the server's SVG
//! charts where people would rather look (success and operator reached by
//! hour, queue waits by hour and weekday, retries). The same store calls
//! and filters as `GET /api/v1/summary/{name}`.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::session::{next_link, param, Form, FormState, Query};
use super::{charts, shown_time, Chrome, Page, Tr, WebError};
use crate::domain::{PageRequest, SummaryFilter};
use crate::store::Store;
use crate::summary::{Hours, Open, Overview, Retries, WaitTimes};

#[derive(Template)]
#[template(path = "summaries.html")]
struct SummariesPage {
    c: Chrome,
    f: FormState,
    overview: Overview,
    retries: Retries,
    waits: WaitTimes,
    hours: Hours,
    open: Open,
    /// Rows of the questions table: topic label, total, per channel.
    topic_rows: Vec<(String, i64, String)>,
    retry_rows: Vec<(i64, String, String, String, i64, String)>,
    license_rows: Vec<(i64, String, String, i64, String)>,
    best_hours: String,
    hours_chart: charts::Chart,
    wait_hour_chart: charts::Chart,
    wait_day_chart: charts::Chart,
    retries_chart: charts::Chart,
    /// The figures of the wait charts: when, waits recorded, median, p90.
    wait_hour_rows: Vec<(String, i64, String, String)>,
    wait_day_rows: Vec<(String, i64, String, String)>,
    /// The figures of the retries chart: days to success, cases.
    days: Vec<(String, f64)>,
    next: Option<String>,
}

/// The best hours to call, as `10:00, 11:00`; `None` before any success.
pub fn best_hours(t: &Tr, hours: &Hours) -> Option<String> {
    let shown: Vec<String> = hours.best_hours.iter().map(|h| t.f("fmt.hour", &[("h", &h.to_string())])).collect();
    (!shown.is_empty()).then(|| shown.join(", "))
}

/// `GET /summaries`, filtered by `from`, `to`, `machine_id`, `license_id`.
pub async fn summaries(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let (machine_id, license_id) = (p.id_param(&query, "machine_id")?, p.id_param(&query, "license_id")?);
    let filter = p.params(SummaryFilter::parse(param(&query, "from"), param(&query, "to"), machine_id, license_id))?;
    let page = p.params(PageRequest::parse(Some(50), param(&query, "cursor"), false))?;
    // The seven read on their own connections at once (reads never wait
    // for each other or for the writer).
    let (overview, retries, waits, hours, questions, licenses, open) = tokio::join!(
        store.overview(&filter),
        store.retries(&filter, &page),
        store.wait_times(&filter),
        store.hours(&filter),
        store.questions(&filter),
        store.license_activations(&filter),
        store.open_work(&filter, chrono::Utc::now()),
    );
    let (overview, retries, waits, hours, questions, licenses, open) =
        (p.ok(overview)?, p.ok(retries)?, p.ok(waits)?, p.ok(hours)?, p.ok(questions)?, p.ok(licenses)?, p.ok(open)?);
    let topic_rows = topic_rows(&t, &questions);
    let retry_rows = retry_rows(&retries);
    let license_rows = license_rows(&t, &licenses);
    let days = days_to_success(&t, &retries);
    let best_hours = best_hours(&t, &hours).unwrap_or_else(|| "–".into());
    let next = next_link("/summaries", &query, retries.next_cursor.clone());
    p.render(&SummariesPage {
        c: p.chrome("summaries.title"),
        f: FormState::new(t, Form(query.iter().cloned().collect())),
        hours_chart: charts::hours(&t, &hours),
        wait_hour_chart: charts::wait_by_hour(&t, &waits),
        wait_day_chart: charts::wait_by_weekday(&t, &waits),
        retries_chart: charts::retries(&t, &days),
        wait_hour_rows: wait_hour_rows(&t, &waits),
        wait_day_rows: wait_day_rows(&t, &waits),
        days,
        overview,
        retries,
        waits,
        hours,
        open,
        topic_rows,
        retry_rows,
        license_rows,
        best_hours,
        next,
    })
}

/// What operators asked, most asked first: topic, count, by channel.
fn topic_rows(t: &Tr, questions: &crate::summary::Questions) -> Vec<(String, i64, String)> {
    let mut rows: Vec<(String, i64, String)> = questions
        .topics
        .iter()
        .map(|r| {
            let by: Vec<String> = r.by_channel.iter().map(|(c, n)| format!("{} {n}", t.e(*c))).collect();
            (t.e(r.topic), r.asked, by.join(" · "))
        })
        .collect();
    rows.sort_by_key(|b| std::cmp::Reverse(b.1));
    rows
}

/// The retried cases as table rows, each named by its PC and license.
fn retry_rows(retries: &crate::summary::Retries) -> Vec<(i64, String, String, String, i64, String)> {
    retries
        .cases
        .iter()
        .map(|c| {
            (
                c.case_id,
                format!("{} · {}", c.machine_name, c.license_name),
                shown_time(&c.first_attempt_at),
                c.activated_at.as_deref().map(shown_time).unwrap_or_else(|| "–".into()),
                c.attempts,
                c.days_to_success.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
            )
        })
        .collect()
}

/// A wait, or `–` when there is none.
fn wait(t: &Tr, seconds: Option<i64>) -> String {
    seconds.map(|s| t.duration(s)).unwrap_or_else(|| "–".into())
}

/// Waits by local hour as table rows (the wait-by-hour chart's figures).
fn wait_hour_rows(t: &Tr, w: &WaitTimes) -> Vec<(String, i64, String, String)> {
    w.by_hour
        .iter()
        .map(|r| (t.f("fmt.hour", &[("h", &r.hour.to_string())]), r.count, wait(t, r.p50), wait(t, r.p90)))
        .collect()
}

/// Waits by local weekday as table rows, Monday first.
fn wait_day_rows(t: &Tr, w: &WaitTimes) -> Vec<(String, i64, String, String)> {
    crate::domain::time::WEEKDAYS
        .iter()
        .filter_map(|d| w.by_weekday.iter().find(|r| r.weekday == *d))
        .map(|r| (t.s(&format!("weekday.{}", r.weekday)), r.count, wait(t, r.p50), wait(t, r.p90)))
        .collect()
}

/// Activations by license as table rows, with the PCs it was activated on by name.
fn license_rows(t: &Tr, licenses: &crate::summary::Licenses) -> Vec<(i64, String, String, i64, String)> {
    licenses
        .licenses
        .iter()
        .map(|l| {
            (
                l.license_id,
                format!("{} · {}", l.license_name, t.e(l.channel)),
                if l.machine_names.is_empty() { "–".into() } else { t.list(&l.machine_names) },
                l.activations,
                l.last_activated_at.as_deref().map(shown_time).unwrap_or_else(|| "–".into()),
            )
        })
        .collect()
}

/// How many cases took how many days to succeed, for the chart.
fn days_to_success(t: &Tr, retries: &crate::summary::Retries) -> Vec<(String, f64)> {
    let mut days: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    for c in &retries.cases {
        if let Some(d) = c.days_to_success {
            *days.entry(d).or_default() += 1.0;
        }
    }
    days.into_iter().map(|(d, n)| (t.f("chart.days", &[("n", &d.to_string())]), n)).collect()
}
