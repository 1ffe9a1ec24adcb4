//! `/summaries`: all seven summaries as tables, with the server's SVG
//! charts where people would rather look (success and operator reached by
//! hour, queue waits by hour and weekday, retries). The same store calls
//! and filters as `GET /api/v1/summary/{name}`.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::session::{Form, FormState};
use super::{charts, shown_time, Chrome, Page, WebError};
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
    retry_rows: Vec<(i64, String, String, i64, String)>,
    license_rows: Vec<(i64, String, i64, String)>,
    best_hours: String,
    hours_svg: String,
    wait_hour_svg: String,
    wait_day_svg: String,
    retries_svg: String,
    next: Option<String>,
}

type Query = web::Query<Vec<(String, String)>>;

fn q<'a>(query: &'a Query, name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// `GET /summaries`, filtered by `from`, `to`, `machine_id`, `license_id`.
pub async fn summaries(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let id = |name: &str| -> Result<Option<i64>, WebError> {
        q(&query, name)
            .map(|v| v.parse::<i64>().map_err(|_| p.bad(format!("{name}: {v:?} is not a number"))))
            .transpose()
    };
    let filter = SummaryFilter::parse(q(&query, "from"), q(&query, "to"), id("machine_id")?, id("license_id")?)
        .map_err(|e| p.bad(e.to_string()))?;
    let page = PageRequest::parse(Some(50), q(&query, "cursor"), false).map_err(|e| p.bad(e.to_string()))?;
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
    let mut topic_rows: Vec<(String, i64, String)> = questions
        .topics
        .iter()
        .map(|r| {
            let by: Vec<String> = r.by_channel.iter().map(|(c, n)| format!("{} {n}", t.e(*c))).collect();
            (t.e(r.topic), r.asked, by.join(" · "))
        })
        .collect();
    topic_rows.sort_by_key(|b| std::cmp::Reverse(b.1));
    let retry_rows = retries
        .cases
        .iter()
        .map(|c| {
            (
                c.case_id,
                shown_time(&c.first_attempt_at),
                c.activated_at.as_deref().map(shown_time).unwrap_or_else(|| "–".into()),
                c.attempts,
                c.days_to_success.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
            )
        })
        .collect();
    let license_rows = licenses
        .licenses
        .iter()
        .map(|l| {
            (
                l.license_id,
                format!("{} · {}", l.product, t.e(l.channel)),
                l.activations,
                l.last_activated_at.as_deref().map(shown_time).unwrap_or_else(|| "–".into()),
            )
        })
        .collect();
    let mut days: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    for c in &retries.cases {
        if let Some(d) = c.days_to_success {
            *days.entry(d).or_default() += 1.0;
        }
    }
    let days: Vec<(String, f64)> =
        days.into_iter().map(|(d, n)| (t.f("chart.days", &[("n", &d.to_string())]), n)).collect();
    let best_hours = if hours.best_hours.is_empty() {
        "–".to_string()
    } else {
        hours.best_hours.iter().map(|h| t.f("fmt.hour", &[("h", &h.to_string())])).collect::<Vec<_>>().join(", ")
    };
    let next = retries.next_cursor.clone().map(|cursor| {
        let mut kept: Vec<(String, String)> =
            query.iter().filter(|(k, _)| k != "cursor" && k != "lang").cloned().collect();
        kept.push(("cursor".into(), cursor));
        format!("/summaries?{}", serde_urlencoded::to_string(&kept).unwrap_or_default())
    });
    p.render(&SummariesPage {
        c: p.chrome("summaries.title"),
        f: FormState::new(t, Form(query.iter().cloned().collect())),
        hours_svg: charts::hours(&t, &hours),
        wait_hour_svg: charts::wait_by_hour(&t, &waits),
        wait_day_svg: charts::wait_by_weekday(&t, &waits),
        retries_svg: charts::retries(&t, &days),
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
