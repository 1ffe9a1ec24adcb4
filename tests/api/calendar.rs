//! `/calendar.ics`: the one route that takes a token in its URL, and only a
//! calendar token; what the feed holds, in the household's zone.

use crate::helpers::*;
use activation_journal::domain::Scope;
use activation_journal::store::Actor;
use chrono::{DateTime, Duration, TimeZone as _, Timelike as _, Utc};
use reqwest::Method;
use serde_json::json;

async fn calendar_token(app: &TestApp, name: &str) -> String {
    app.store.create_token(&Actor::cli(), name, Scope::Calendar).await.unwrap().token
}

/// The feed as text, with its status and content type.
async fn feed(app: &TestApp, query: &str) -> (u16, String, String) {
    let res = app.client.get(format!("{}/calendar.ics{query}", app.base)).send().await.unwrap();
    let status = res.status().as_u16();
    let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, kind, res.text().await.unwrap())
}

fn utc(text: &str) -> DateTime<Utc> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ").unwrap().and_utc()
}

/// The content lines of iCalendar text, unfolded.
fn unfolded(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split("\r\n") {
        match raw.strip_prefix(' ') {
            Some(rest) => lines.last_mut().unwrap().push_str(rest),
            None if raw.is_empty() => {}
            None => lines.push(raw.to_string()),
        }
    }
    lines
}

#[tokio::test]
async fn a_calendar_token_reads_the_feed_and_nothing_else() {
    let app = spawn_app().await;
    let cal = calendar_token(&app, "phone calendar").await;
    let (status, kind, text) = feed(&app, &format!("?token={cal}")).await;
    assert_eq!((status, kind.as_str()), (200, "text/calendar; charset=utf-8"));
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));

    // Nothing else takes it: the API refuses it in the header, saying why.
    let a = app.send(Method::GET, "/api/v1/machines", Some(&cal), None).await;
    assert_eq!((a.status.as_u16(), a.content_type()), (403, "application/problem+json"));
    assert!(a.body["detail"].as_str().unwrap().contains("is a calendar token"), "{}", a.body);
    // Nor can it sign in to the pages.
    assert!(app.store.open_session(&cal).await.unwrap().is_none());

    // No other route takes a token from its URL, even a write token.
    for path in ["/api/v1/machines", "/api/v1/summary/open", "/api/v1/export"] {
        let a = app.send(Method::GET, &format!("{path}?token={}", app.write), None, None).await;
        assert_eq!(a.status, 401, "{path}");
    }
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/follow-ups?token={}", app.base, app.write))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert!(page.headers()["location"].to_str().unwrap().starts_with("/sign-in"));
}

#[tokio::test]
async fn the_feed_refuses_what_is_not_a_live_calendar_token_and_says_why() {
    let app = spawn_app().await;
    let cal = calendar_token(&app, "cal").await;
    let cases: Vec<(String, u16, &str)> = vec![
        (String::new(), 401, "add ?token="),
        ("?token=".into(), 401, "add ?token="),
        ("?token=aj_not_a_token".into(), 401, "not known or was revoked"),
        (format!("?token={}", app.read), 403, "a token in a URL ends up in logs"),
        (format!("?token={}", app.write), 403, "only a calendar token"),
        (format!("?token={cal}&lang=fr"), 400, "is not en or ja"),
        (format!("?token={cal}&colour=red"), 400, "colour"),
    ];
    for (query, status, says) in cases {
        let res = app.client.get(format!("{}/calendar.ics{query}", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{query}");
        assert_eq!(res.headers()["content-type"], "application/problem+json", "{query}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body.to_string().contains(says), "{query}: {body}");
    }
    // A header is not read here: the token is in the URL or nowhere.
    let res = app.client.get(format!("{}/calendar.ics", app.base)).bearer_auth(&cal).send().await.unwrap();
    assert_eq!(res.status(), 401);
    // Revoked, it reads nothing on the very next request.
    app.store.revoke_token(&Actor::cli(), "cal").await.unwrap();
    assert_eq!(feed(&app, &format!("?token={cal}")).await.0, 401);
    // Other methods are 405.
    let res = app.client.post(format!("{}/calendar.ics?token={cal}", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn the_feed_holds_follow_ups_all_day_and_each_open_cases_call_with_a_reminder() {
    let app = spawn_app().await; // Asia/Tokyo
    let cal = calendar_token(&app, "cal").await;
    let (m, l) = app.machine_and_license("Study PC", "retail_box").await;
    app.attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-10T10:05:00+09:00",
        "operator_outcome": "reached", "result": "activated"}))
        .await;
    let m2 = app.machine("Living-room PC").await;
    let case = app.create("/api/v1/cases", json!({"machine_id": m2, "license_id": l})).await["id"].as_i64().unwrap();
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let soon = today + Duration::days(3);
    let long_text = "Ask the shop; which site, box colour\\edition — ".repeat(3);
    let open = app
        .create("/api/v1/follow-ups", json!({"machine_id": m, "text": long_text, "due_on": soon.to_string()}))
        .await["id"]
        .as_i64()
        .unwrap();
    let done = app
        .create(
            "/api/v1/follow-ups",
            json!({"machine_id": m2, "text": "remove the old driver",
            "due_on": (today - Duration::days(2)).to_string(), "done": true}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let undated = app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "undated"})).await["id"].clone();
    let old_done = app
        .create(
            "/api/v1/follow-ups",
            json!({"machine_id": m, "text": "long done",
            "due_on": (today - Duration::days(400)).to_string(), "done": true}),
        )
        .await["id"]
        .clone();
    let old_open = app
        .create(
            "/api/v1/follow-ups",
            json!({"machine_id": m, "text": "long overdue",
            "due_on": (today - Duration::days(400)).to_string()}),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    let (status, _, text) = feed(&app, &format!("?token={cal}")).await;
    assert_eq!(status, 200);
    assert!(text.split("\r\n").all(|l| l.len() <= 75 && !l.contains('\n')), "{text}");
    let lines = unfolded(&text);
    let has = |l: &str| lines.iter().any(|x| x == l);
    // Follow-ups with a date, all day; a done one says so; undated and long-done ones are left out.
    for id in [open, done, old_open] {
        assert!(has(&format!("UID:followup-{id}@activation-journal")), "{id}\n{text}");
    }
    for id in [undated, old_done] {
        assert!(!text.contains(&format!("followup-{id}@")), "{id}");
    }
    assert!(has(&format!("DTSTART;VALUE=DATE:{}", soon.format("%Y%m%d"))));
    assert!(has(&format!("DTEND;VALUE=DATE:{}", (soon + Duration::days(1)).format("%Y%m%d"))));
    let escaped = long_text.trim().replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,");
    assert!(has(&format!("SUMMARY:{escaped}")), "{text}");
    assert!(has("SUMMARY:✓ Done: remove the old driver"));
    assert!(has("DESCRIPTION:PC: Study PC"));
    // The open case's call: 10:00 in Tokyo is 01:00 UTC, 30 minutes, a reminder before.
    assert!(has(&format!("UID:call-case-{case}@activation-journal")));
    let start = lines.iter().find_map(|l| l.strip_prefix("DTSTART:")).unwrap();
    let at = utc(start);
    assert_eq!(at.with_timezone(&chrono_tz::Asia::Tokyo).hour(), 10, "{start}");
    assert!(at > Utc::now());
    let end = lines.iter().find_map(|l| l.strip_prefix("DTEND:")).unwrap();
    assert_eq!(utc(end) - at, Duration::minutes(30));
    assert!(has("BEGIN:VALARM") && has("TRIGGER:-PT10M") && has("ACTION:DISPLAY"));
    assert!(has("X-WR-TIMEZONE:Asia/Tokyo"));
    // Stamped, every event.
    assert_eq!(lines.iter().filter(|l| l.starts_with("DTSTAMP:")).count(), 4);
    // In Japanese when asked.
    let (_, _, ja) = feed(&app, &format!("?token={cal}&lang=ja")).await;
    assert!(unfolded(&ja).iter().any(|l| l.starts_with("SUMMARY:Living-room PC の ")), "{ja}");
}

#[tokio::test]
async fn a_suggested_call_is_at_the_households_hour_across_daylight_saving() {
    let app = spawn_app_with_zone(Some("Europe/Berlin")).await;
    let (m, l) = app.machine_and_license("PC", "oem").await;
    // Operators answered at 10:00 in Berlin, in winter (+01:00).
    app.attempt(json!({"machine_id": m, "license_id": l, "started_at": "2026-01-10T10:05:00+01:00",
        "operator_outcome": "reached", "result": "not_activated", "failure_reason": "other"}))
        .await;
    // The evening before summer time starts: the call is 10:00 CEST, 08:00 UTC.
    let now: DateTime<Utc> = Utc.with_ymd_and_hms(2027, 3, 27, 20, 0, 0).unwrap();
    let f = app.store.calendar_feed(now).await.unwrap();
    assert_eq!(f.calls.len(), 1);
    assert_eq!(f.calls[0].at, Utc.with_ymd_and_hms(2027, 3, 28, 8, 0, 0).unwrap());
    // And the evening before it ends: 10:00 CET, 09:00 UTC.
    let now: DateTime<Utc> = Utc.with_ymd_and_hms(2027, 10, 30, 20, 0, 0).unwrap();
    let f = app.store.calendar_feed(now).await.unwrap();
    assert_eq!(f.calls[0].at, Utc.with_ymd_and_hms(2027, 10, 31, 9, 0, 0).unwrap());
    assert_eq!(f.zone.name(), "Europe/Berlin");
}
