//! The household's time zone: local times typed without an offset, times
//! at another offset warned of, dates at local midnight in timelines, and
//! suggested call times from every PC's calls.

use crate::helpers::*;
use activation_journal::domain::time::Zone;
use chrono::{DateTime, Timelike};
use serde_json::{json, Value};

fn call(m: i64, l: i64, started_at: &str) -> Value {
    json!({"machine_id": m, "license_id": l, "started_at": started_at})
}

#[tokio::test]
async fn a_local_time_takes_the_households_offset_at_that_moment() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    for typed in [
        "2016-03-26 18:00",
        "2016-03-26T18:00",
        "2016-03-26 18:00:00",
        "２０１６－０３－２６　１８：００",
        "2016/03/26 18:00",
    ] {
        let a = app.attempt(call(m, l, typed)).await;
        assert_eq!(a["started_at"], "2016-03-26T18:00:00+09:00", "{typed}");
        assert_eq!(a["warnings"], json!([]), "{typed}");
    }
    // A space for the T, no seconds, with an offset: canonical.
    let a = app.attempt(call(m, l, "2016-03-26 18:00+09:00")).await;
    assert_eq!(a["started_at"], "2016-03-26T18:00:00+09:00");
    // A change of the time by PATCH is placed the same way.
    let id = a["id"].as_i64().unwrap();
    let p = app.patch(&format!("/api/v1/attempts/{id}"), json!({"started_at": "2016-03-27 09:30"})).await;
    assert_eq!((p.status.as_u16(), p.body["started_at"].clone()), (200, json!("2016-03-27T09:30:00+09:00")));
}

#[tokio::test]
async fn daylight_saving_decides_the_offset_and_a_skipped_time_is_refused() {
    let app = spawn_app().await;
    app.store.fix_zone(Some(Zone::parse("Europe/Berlin").unwrap()));
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    for (typed, stored) in [
        ("2016-01-15 12:00", "2016-01-15T12:00:00+01:00"),
        ("2016-07-15 12:00", "2016-07-15T12:00:00+02:00"),
        // 02:30 happened twice on 2016-10-30: the first.
        ("2016-10-30 02:30", "2016-10-30T02:30:00+02:00"),
    ] {
        assert_eq!(app.attempt(call(m, l, typed)).await["started_at"], stored, "{typed}");
    }
    let a = app.post("/api/v1/attempts", call(m, l, "2016-03-27 02:30")).await;
    assert_problem(&a, 422, "started_at", "2016-03-27 02:30 does not exist in Europe/Berlin");
    let a = app.post("/api/v1/attempts", call(m, l, "2014-06-30 23:59:60")).await;
    assert_problem(&a, 422, "started_at", "no leap second");
    let mut ended = call(m, l, "2016-07-15 12:00");
    ended["ended_at"] = json!("2016-07-15T11:00:00+02:00");
    assert_problem(&app.post("/api/v1/attempts", ended).await, 422, "ended_at", "is before started_at");
}

#[tokio::test]
async fn a_time_at_another_offset_is_kept_and_warned_of() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let a = app.attempt(call(m, l, "2014-05-10T01:05:00Z")).await;
    assert_eq!(a["started_at"], "2014-05-10T01:05:00Z");
    let w = a["warnings"][0].as_str().unwrap();
    assert!(
        w.starts_with("started_at: 2014-05-10T01:05:00Z is at Z, not at the household's +09:00 (Asia/Tokyo)"),
        "{w}"
    );
    // Corrected to the household's offset, the warning goes; others stay.
    let id = a["id"].as_i64().unwrap();
    let p = app.patch(&format!("/api/v1/attempts/{id}"), json!({"started_at": "2014-05-10 10:05"})).await;
    assert_eq!(
        (p.body["started_at"].clone(), p.body["warnings"].clone()),
        (json!("2014-05-10T10:05:00+09:00"), json!([]))
    );
    // A case's time needs its offset.
    let c = app.post("/api/v1/cases", json!({"machine_id": m, "license_id": l, "opened_at": "2014-05-09 18:00"})).await;
    assert_problem(&c, 422, "opened_at", "RFC 3339 time with an offset");
}

#[tokio::test]
async fn a_days_events_sit_at_the_households_midnight_in_a_timeline_and_page_through() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    // 08:00 in Tokyo is 23:00 UTC the day before: the change of that day still comes first.
    app.attempt(call(m, l, "2014-05-09T08:00:00+09:00")).await;
    app.create(
        &format!("/api/v1/machines/{m}/hardware-changes"),
        json!({"changed_on": "2014-05-09", "parts_replaced": ["motherboard"]}),
    )
    .await;
    app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "call again", "due_on": "2014-05-10"})).await;
    app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "no day"})).await;
    app.attempt(call(m, l, "2014-05-10T00:00:00+09:00")).await;
    let whole = app.get(&format!("/api/v1/machines/{m}/timeline")).await.body;
    let kinds: Vec<&str> = whole["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    // At the same instant a call comes before a follow-up (the kinds' ranks).
    assert_eq!(kinds, ["hardware_change", "case", "attempt", "attempt", "follow_up", "follow_up"], "{whole}");
    assert_eq!(whole["events"][4]["at"], "2014-05-09T15:00:00.000000Z");
    assert_eq!(whole["events"][0]["at"], "2014-05-08T15:00:00.000000Z");
    // One event a page gives the same events in the same order.
    let (mut paged, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let q = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let p = app.get(&format!("/api/v1/machines/{m}/timeline?limit=1{q}")).await.body;
        paged.extend(p["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()));
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(paged, kinds);
}

#[tokio::test]
async fn a_new_pc_is_suggested_the_hours_any_pc_reached_an_operator_in_the_households_zone() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let reached = |m: i64, at: &str| json!({"machine_id": m, "license_id": l, "started_at": at, "operator_outcome": "reached", "result": "activated"});
    app.attempt(reached(m, "2014-05-10T10:05:00+09:00")).await;
    // A script in UTC: 01:30Z is 10:30 in Tokyo, but its own hour (1) is what it counts for.
    let new_pc = app.machine("PC 3").await;
    app.create("/api/v1/cases", json!({"machine_id": new_pc, "license_id": l})).await;
    let o = app.get(&format!("/api/v1/summary/open?machine_id={new_pc}")).await.body;
    let at = DateTime::parse_from_rfc3339(o["cases"][0]["suggested_call_at"].as_str().unwrap()).unwrap();
    assert_eq!((at.hour(), at.minute() % 60, at.offset().local_minus_utc()), (10, at.minute(), 9 * 3600), "{o}");
    // In Berlin the same 10:00 is at +01:00 or +02:00.
    app.store.fix_zone(Some(Zone::parse("Europe/Berlin").unwrap()));
    let o = app.get(&format!("/api/v1/summary/open?machine_id={new_pc}")).await.body;
    let at = DateTime::parse_from_rfc3339(o["cases"][0]["suggested_call_at"].as_str().unwrap()).unwrap();
    assert_eq!(at.hour(), 10, "{o}");
    assert!([3600, 7200].contains(&at.offset().local_minus_utc()), "{o}");
}
