use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::helpers::*;
use activation_journal::domain::NewAttempt;
use activation_journal::store::{Actor, WriteCtx};
use activation_journal::summary::SummaryFilter;
use activation_journal::wire::AttemptCreate;
use chrono::{DateTime, Datelike, Duration, FixedOffset, TimeZone, Timelike};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};

/// The story of the README, through the API. Returns (pc1, pc2, boxed, download).
async fn story(app: &TestApp) -> (i64, i64, i64, i64) {
    let pc1 = app.machine("PC 1").await;
    let pc2 = app.machine("PC 2").await;
    let boxed = app
        .create(
            "/api/v1/licenses",
            json!({"product": "Windows 8.1", "edition": "Pro", "channel": "retail_box", "box_colour": "blue"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let download = app
        .create("/api/v1/licenses", json!({"product": "Windows 8.1", "edition": "Pro", "channel": "retail_download"}))
        .await["id"]
        .as_i64()
        .unwrap();
    for (m, l, at) in [(pc1, boxed, "2014-05-09T18:02:00+09:00"), (pc2, download, "2014-05-09T18:15:00+09:00")] {
        app.attempt(json!({"machine_id": m, "license_id": l, "trigger": "hardware_change", "started_at": at,
            "installation_id": IID, "ivr_result": "not_confirmed", "operator_outcome": "unavailable",
            "result": "not_activated", "failure_reason": "operator_unavailable"}))
            .await;
    }
    app.attempt(json!({"machine_id": pc1, "license_id": boxed, "started_at": "2014-05-10T10:05:00+09:00",
        "ivr_result": "not_confirmed", "operator_outcome": "reached", "wait_seconds": 0,
        "questions": [{"topic": "installation_id_group"}, {"topic": "edition", "answer": "Pro"},
                      {"topic": "purchase_type", "answer": "box"}, {"topic": "box_colour", "answer": "blue"}],
        "confirmation_id": CID, "result": "activated"}))
        .await;
    app.attempt(json!({"machine_id": pc2, "license_id": download, "started_at": "2014-05-10T10:30:00+09:00",
        "ivr_result": "not_confirmed", "operator_outcome": "reached", "wait_seconds": 180,
        "questions": [{"topic": "purchase_site", "answer": "did not know"}, {"topic": "product_key", "answer": KEY}],
        "confirmation_id": CID, "result": "activated"}))
        .await;
    (pc1, pc2, boxed, download)
}

async fn summary(app: &TestApp, name: &str) -> Value {
    let a = app.get(&format!("/api/v1/summary/{name}")).await;
    assert_eq!(a.status, 200, "{name}: {}", a.body);
    a.body
}

/// `retries` (with `query`, e.g. `from=…`) with every page of its case
/// list gathered: the counts of each page, checked equal, and all cases.
async fn all_retries(app: &TestApp, query: &str) -> Value {
    let (mut cases, mut cursor, mut counts) = (Vec::new(), None::<String>, None);
    loop {
        let after = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let page = app.get(&format!("/api/v1/summary/retries?limit=100&{query}{after}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let these = (page.body["cases_retried"].clone(), page.body["next_day_retries"].clone());
        assert_eq!(counts.get_or_insert(these.clone()), &these, "every page counts every case");
        cases.extend(page.body["cases"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let (retried, next_day) = counts.unwrap();
    json!({"cases_retried": retried, "next_day_retries": next_day, "cases": cases})
}

#[tokio::test]
async fn the_story_gives_its_numbers() {
    let app = spawn_app().await;
    let (pc1, pc2, boxed, download) = story(&app).await;
    let o = summary(&app, "overview").await;
    assert_eq!(o["cases"], json!({"open": 0, "activated": 2, "abandoned": 0}));
    assert_eq!((o["attempts"].clone(), o["activated_attempts"].clone()), (json!(4), json!(2)));
    assert_eq!(o["activation_rate"], 0.5);
    assert_eq!(o["ivr_confirmed_rate"], 0.0);
    assert_eq!(o["operator_transfer_rate"], 1.0);
    assert_eq!(o["operator_unavailable_rate"], 0.5);

    let r = summary(&app, "retries").await;
    assert_eq!((r["cases_retried"].clone(), r["next_day_retries"].clone()), (json!(2), json!(2)));
    for c in r["cases"].as_array().unwrap() {
        assert_eq!(c["first_failure_reason"], "operator_unavailable");
        assert_eq!(c["days_to_success"], 1);
        assert_eq!(c["next_day"], true);
        assert_eq!(c["attempts"], 2);
    }
    assert_eq!(r["cases"][0]["first_attempt_at"], "2014-05-09T18:02:00+09:00");
    assert_eq!(r["cases"][0]["activated_at"], "2014-05-10T10:05:00+09:00");

    let w = summary(&app, "wait-times").await;
    assert_eq!(
        (w["count"].clone(), w["min"].clone(), w["p50"].clone(), w["p90"].clone(), w["max"].clone()),
        (json!(2), json!(0), json!(0), json!(180), json!(180))
    );
    assert_eq!(w["by_hour"], json!([{"hour": 10, "count": 2, "p50": 0, "p90": 180}]));
    assert_eq!(w["by_weekday"], json!([{"weekday": "sat", "count": 2, "p50": 0, "p90": 180}]));

    let h = summary(&app, "hours").await;
    assert_eq!(
        h["hours"],
        json!([
            {"hour": 10, "attempts": 2, "operator_reached": 2, "operator_unavailable": 0, "activated": 2, "success_rate": 1.0},
            {"hour": 18, "attempts": 2, "operator_reached": 0, "operator_unavailable": 2, "activated": 0, "success_rate": 0.0},
        ])
    );
    assert_eq!(h["best_hours"], json!([10]));

    let q = summary(&app, "questions").await;
    let topics: HashMap<String, Value> = q["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["topic"].as_str().unwrap().to_string(), t["by_channel"].clone()))
        .collect();
    assert_eq!(topics["box_colour"], json!({"retail_box": 1}));
    assert_eq!(topics["purchase_site"], json!({"retail_download": 1}));
    assert_eq!(topics["product_key"], json!({"retail_download": 1}));
    assert_eq!(topics["edition"], json!({"retail_box": 1}));

    let l = summary(&app, "licenses").await;
    assert_eq!(l["licenses"][0]["license_id"], boxed);
    assert_eq!(l["licenses"][0]["machines"], json!([pc1]));
    assert_eq!(l["licenses"][1]["license_id"], download);
    assert_eq!(l["licenses"][1]["machines"], json!([pc2]));
    // Names beside the ids, as people call them.
    assert_eq!(l["licenses"][1]["machine_names"], json!(["PC 2"]));
    assert_eq!(l["licenses"][1]["license_name"], "Windows 8.1 Pro");
    assert_eq!(l["licenses"][1]["activations"], 1);
    assert_eq!(l["licenses"][1]["last_activated_at"], "2014-05-10T10:30:00+09:00");

    // Filters: day 1 alone has no activation; PC 2 alone has one case.
    let day1 = app.get("/api/v1/summary/overview?from=2014-05-09&to=2014-05-09").await.body;
    assert_eq!((day1["attempts"].clone(), day1["activation_rate"].clone()), (json!(2), json!(0.0)));
    let only_pc2 = app.get(&format!("/api/v1/summary/retries?machine_id={pc2}")).await.body;
    assert_eq!(only_pc2["cases_retried"], 1);
    let empty = app.get("/api/v1/summary/wait-times?from=2020-01-01").await.body;
    assert_eq!((empty["count"].clone(), empty["p50"].clone()), (json!(0), Value::Null));
    assert_eq!(app.get("/api/v1/summary/overview?from=2020-01-01").await.body["activation_rate"], Value::Null);
}

#[tokio::test]
async fn an_archived_case_is_left_out_of_retries_with_or_without_a_date_range() {
    let app = spawn_app().await;
    story(&app).await;
    let dated = "/api/v1/summary/retries?from=2014-05-01&to=2014-05-31";
    let before = summary(&app, "retries").await;
    assert_eq!(app.get(dated).await.body, before);
    let case_id = before["cases"][0]["case_id"].as_i64().unwrap();
    // The API has no DELETE for cases; archived ones come from an import.
    let actor = activation_journal::store::Actor::cli();
    app.store.archive_case(&activation_journal::store::WriteCtx::new(&actor), case_id).await.unwrap();
    let after = summary(&app, "retries").await;
    assert_eq!((after["cases_retried"].clone(), after["next_day_retries"].clone()), (json!(1), json!(1)));
    assert_ne!(after["cases"][0]["case_id"], case_id);
    assert_eq!(app.get(dated).await.body, after);
}

#[tokio::test]
async fn the_open_summary_suggests_an_hour_when_operators_answered() {
    let app = spawn_app().await;
    let (pc1, _, boxed, _) = story(&app).await;
    // A reinstall later on: the line is closed at 18:00 again.
    app.attempt(json!({"machine_id": pc1, "license_id": boxed, "trigger": "reinstall",
        "started_at": "2015-02-01T18:00:00+09:00", "operator_outcome": "unavailable",
        "result": "not_activated", "failure_reason": "operator_unavailable"}))
        .await;
    app.create("/api/v1/follow-ups", json!({"machine_id": pc1, "text": "call before 18:00"})).await;
    let o = summary(&app, "open").await;
    let case = &o["cases"][0];
    assert_eq!(
        (case["attempts"].clone(), case["last_failure_reason"].clone()),
        (json!(1), json!("operator_unavailable"))
    );
    let at = DateTime::parse_from_rfc3339(case["suggested_call_at"].as_str().unwrap()).unwrap();
    assert_eq!((at.hour(), at.offset().local_minus_utc()), (10, 9 * 3600), "{at}");
    assert!(at > chrono::Utc::now() - Duration::minutes(1));
    assert_eq!(o["follow_ups"][0]["text"], "call before 18:00");
    // Names beside the ids (the ids stay: scripts read them).
    assert_eq!((case["machine_id"].clone(), case["machine_name"].clone()), (json!(pc1), json!("PC 1")));
    assert_eq!((case["license_id"].clone(), case["license_name"].clone()), (json!(boxed), json!("Windows 8.1 Pro")));
    assert_eq!(
        (o["follow_ups"][0]["machine_id"].clone(), o["follow_ups"][0]["machine_name"].clone()),
        (json!(pc1), json!("PC 1"))
    );
}

#[tokio::test]
async fn a_case_without_calls_is_suggested_a_time_in_the_households_offset_or_told_why_not() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await;
    // No call ever reached an operator: no time, and why.
    let o = summary(&app, "open").await;
    assert_eq!(o["cases"][0]["suggested_call_at"], json!(null));
    assert!(o["cases"][0]["suggested_call_reason"].as_str().unwrap().contains("no call has reached an operator"));
    // Calls from Japan reached operators at 10:00: the case without calls gets 10:00 at +09:00, not UTC.
    let m2 = app.machine("PC 2").await;
    app.attempt(json!({"machine_id": m2, "license_id": l, "started_at": "2014-05-10T10:05:00+09:00",
        "operator_outcome": "reached", "result": "activated"}))
        .await;
    let o = summary(&app, "open").await;
    let case = o["cases"].as_array().unwrap().iter().find(|c| c["machine_id"] == m).unwrap().clone();
    let at = DateTime::parse_from_rfc3339(case["suggested_call_at"].as_str().unwrap()).unwrap();
    assert_eq!((at.hour(), at.offset().local_minus_utc()), (10, 9 * 3600), "{at}");
    assert_eq!(case["suggested_call_reason"], json!(null));
}

#[tokio::test]
async fn local_dates_are_each_attempts_own() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let m2 = app.machine("PC 2").await;
    let fail = |m: i64, at: &str| json!({"machine_id": m, "license_id": l, "started_at": at, "result": "not_activated", "failure_reason": "line_closed"});
    // 23:30 and 00:10 the next day at +09:00: a next-day retry.
    app.attempt(fail(m, "2014-05-10T23:30:00+09:00")).await;
    app.attempt(fail(m, "2014-05-11T00:10:00+09:00")).await;
    // Different UTC dates (05-09 15:30Z and 05-11 04:00Z), the same local date 2014-05-10.
    app.attempt(fail(m2, "2014-05-10T00:30:00+09:00")).await;
    app.attempt(fail(m2, "2014-05-10T23:00:00-05:00")).await;
    let r = summary(&app, "retries").await;
    let by_machine: HashMap<i64, bool> = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["machine_id"].as_i64().unwrap(), c["next_day"].as_bool().unwrap()))
        .collect();
    assert!(by_machine[&m], "23:30 then 00:10 is a next-day retry");
    assert!(!by_machine[&m2], "one local date at two offsets is not");
    assert_eq!(r["next_day_retries"], 1);
}

#[tokio::test]
async fn bad_summary_requests_are_4xx() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/summary/everything").await.status, 404);
    for (query, field) in [
        ("from=May", "from"),
        ("to=2014-13-01", "to"),
        ("from=2014-05-10&to=2014-05-09", "to"),
        ("machine_id=x", "machine_id"),
        ("colour=blue", "colour"),
    ] {
        let a = app.get(&format!("/api/v1/summary/hours?{query}")).await;
        assert_eq!(a.status, 400, "{query}");
        assert_eq!(a.field_errors()[0].0, field, "{query}");
    }
    let read = app.send(reqwest::Method::GET, "/api/v1/summary/overview", Some(&app.read), None).await;
    assert_eq!(read.status, 200, "summaries need only a read token");
}

/// One generated attempt, as the test remembers it.
struct Gen {
    case_id: i64,
    id: i64,
    machine: i64,
    license: i64,
    at: DateTime<FixedOffset>,
    outcome: Option<&'static str>,
    wait: Option<i64>,
    ivr: Option<&'static str>,
    result: Option<&'static str>,
    reason: Option<&'static str>,
    topics: Vec<&'static str>,
}

fn nearest_rank(values: &mut [i64], p: usize) -> Option<i64> {
    values.sort_unstable();
    if values.is_empty() {
        return None;
    }
    let rank = (p * values.len()).div_ceil(100).max(1);
    Some(values[rank - 1])
}

fn rate(a: usize, b: usize) -> Value {
    if b == 0 {
        Value::Null
    } else {
        json!(a as f64 / b as f64)
    }
}

#[tokio::test]
async fn two_thousand_random_attempts_agree_with_a_plain_computation() {
    let app = spawn_app().await;
    let store = &app.store;
    let actor = Actor::cli();
    let mut rng = StdRng::seed_from_u64(20261125);
    let machines: Vec<i64> = [0, 1, 2, 3].iter().map(|i| i64::from(*i)).collect::<Vec<_>>();
    let mut machine_ids = Vec::new();
    for i in &machines {
        machine_ids.push(app.machine(&format!("PC {i}")).await);
    }
    let channels = ["retail_box", "retail_download", "oem"];
    let mut license_ids = Vec::new();
    for c in channels {
        license_ids.push(
            app.create("/api/v1/licenses", json!({"product": "Windows 8.1", "channel": c})).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let offsets = [9 * 3600, -5 * 3600, 0, 5 * 3600 + 1800];
    let outcomes = [None, Some("not_needed"), Some("unavailable"), Some("reached"), Some("abandoned")];
    let ivrs = [None, Some("confirmed"), Some("not_confirmed"), Some("input_error"), Some("skipped")];
    let topics =
        ["installation_id_group", "edition", "purchase_type", "box_colour", "purchase_site", "product_key", "other"];
    let base = chrono::Utc.with_ymd_and_hms(2014, 5, 1, 0, 0, 0).unwrap();
    let mut generated = Vec::new();
    for _ in 0..2000 {
        let offset = FixedOffset::east_opt(offsets[rng.gen_range(0..offsets.len())]).unwrap();
        let at = (base + Duration::minutes(rng.gen_range(0..60 * 24 * 40))).with_timezone(&offset);
        let machine = machine_ids[rng.gen_range(0..machine_ids.len())];
        let li = rng.gen_range(0..license_ids.len());
        let outcome = outcomes[rng.gen_range(0..outcomes.len())];
        let wait = (outcome == Some("reached") && rng.gen_bool(0.9)).then(|| rng.gen_range(0..900));
        let (result, reason) = match rng.gen_range(0..10) {
            0..=2 => (Some("activated"), None),
            3..=7 => (
                Some("not_activated"),
                Some(["operator_unavailable", "line_closed", "wait_too_long"][rng.gen_range(0..3)]),
            ),
            _ => (None, None),
        };
        let n_topics = rng.gen_range(0..4);
        let picked: Vec<&'static str> = (0..n_topics).map(|_| topics[rng.gen_range(0..topics.len())]).collect();
        let ivr = ivrs[rng.gen_range(0..ivrs.len())];
        let body = json!({"machine_id": machine, "license_id": license_ids[li],
            "started_at": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "operator_outcome": outcome, "wait_seconds": wait, "ivr_result": ivr,
            "result": result, "failure_reason": reason,
            "questions": picked.iter().map(|t| json!({"topic": t})).collect::<Vec<_>>()});
        let fields: AttemptCreate = serde_json::from_value(body).unwrap();
        let parsed = NewAttempt::try_from(&fields).unwrap();
        let a = match store.create_attempt(&WriteCtx::new(&actor), &parsed).await.unwrap() {
            activation_journal::store::Created::New(a) => a,
            _ => unreachable!(),
        };
        generated.push(Gen {
            case_id: a.case_id,
            id: a.id,
            machine,
            license: license_ids[li],
            at,
            outcome,
            wait,
            ivr,
            result,
            reason,
            topics: picked,
        });
    }
    let channel_of: HashMap<i64, &str> = license_ids.iter().copied().zip(channels).collect();

    // overview
    let n = generated.len();
    let activated = generated.iter().filter(|g| g.result == Some("activated")).count();
    let confirmed = generated.iter().filter(|g| g.ivr == Some("confirmed")).count();
    let answered =
        generated.iter().filter(|g| matches!(g.ivr, Some("confirmed" | "not_confirmed" | "input_error"))).count();
    let transferred =
        generated.iter().filter(|g| matches!(g.outcome, Some("unavailable" | "reached" | "abandoned"))).count();
    let unavailable = generated.iter().filter(|g| g.outcome == Some("unavailable")).count();
    let o = summary(&app, "overview").await;
    assert_eq!(o["attempts"], n);
    assert_eq!(o["activated_attempts"], activated);
    assert_eq!(o["activation_rate"], rate(activated, n));
    assert_eq!(o["ivr_confirmed_rate"], rate(confirmed, answered));
    assert_eq!(o["operator_transfer_rate"], rate(transferred, n));
    assert_eq!(o["operator_unavailable_rate"], rate(unavailable, transferred));
    assert_eq!((o["machines"].clone(), o["licenses"].clone()), (json!(4), json!(3)));

    // hours
    let mut hours: BTreeMap<u32, [usize; 4]> = BTreeMap::new();
    for g in &generated {
        let h = hours.entry(g.at.hour()).or_default();
        h[0] += 1;
        h[1] += usize::from(g.outcome == Some("reached"));
        h[2] += usize::from(g.outcome == Some("unavailable"));
        h[3] += usize::from(g.result == Some("activated"));
    }
    let want: Vec<Value> = hours
        .iter()
        .map(|(hour, h)| {
            json!({"hour": hour, "attempts": h[0], "operator_reached": h[1],
        "operator_unavailable": h[2], "activated": h[3], "success_rate": rate(h[3], h[0])})
        })
        .collect();
    assert_eq!(summary(&app, "hours").await["hours"], json!(want));

    // wait-times
    let reached: Vec<&Gen> = generated.iter().filter(|g| g.outcome == Some("reached") && g.wait.is_some()).collect();
    let mut all: Vec<i64> = reached.iter().filter_map(|g| g.wait).collect();
    let w = summary(&app, "wait-times").await;
    assert_eq!(w["count"], all.len());
    assert_eq!(w["p50"], json!(nearest_rank(&mut all, 50)));
    assert_eq!(w["p90"], json!(nearest_rank(&mut all, 90)));
    assert_eq!((w["min"].clone(), w["max"].clone()), (json!(all.first()), json!(all.last())));
    let mut by_day: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for g in &reached {
        by_day.entry(g.at.weekday().num_days_from_monday()).or_default().extend(g.wait);
    }
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let want: Vec<Value> = by_day
        .iter_mut()
        .map(|(d, v)| {
            json!({"weekday": names[*d as usize], "count": v.len(),
        "p50": nearest_rank(v, 50), "p90": nearest_rank(v, 90)})
        })
        .collect();
    assert_eq!(w["by_weekday"], json!(want));

    // retries, over the attempts `keep` keeps (a date range: only its calls count)
    let expected = |keep: &dyn Fn(&Gen) -> bool| {
        let mut by_case: BTreeMap<i64, Vec<&Gen>> = BTreeMap::new();
        for g in generated.iter().filter(|g| keep(g)) {
            by_case.entry(g.case_id).or_default().push(g);
        }
        let mut want = Vec::new();
        for (case_id, gs) in by_case.iter_mut().filter(|(_, gs)| gs.len() > 1) {
            gs.sort_by_key(|g| (g.at.timestamp_millis(), g.id));
            let first = gs[0];
            let act = gs.iter().find(|g| g.result == Some("activated"));
            let last_date = gs.iter().map(|g| g.at.date_naive()).max().unwrap();
            let machine_name = format!("PC {}", machine_ids.iter().position(|m| *m == first.machine).unwrap());
            want.push(json!({"case_id": case_id, "machine_id": first.machine, "machine_name": machine_name,
                "license_id": first.license, "license_name": "Windows 8.1",
                "attempts": gs.len(), "first_attempt_at": first.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "first_failure_reason": first.reason, "activated_at": act.map(|a| a.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                "next_day": last_date > first.at.date_naive(),
                "days_to_success": act.map(|a| (a.at.date_naive() - first.at.date_naive()).num_days())}));
        }
        want
    };
    let want = expected(&|_| true);
    let r = all_retries(&app, "").await;
    assert_eq!(r["cases_retried"], want.len());
    assert!(want.len() > 100, "more than one page of cases: {}", want.len());
    assert_eq!(r["cases"], json!(want));
    // A page is at most the limit asked for, 50 by default.
    assert_eq!(summary(&app, "retries").await["cases"].as_array().unwrap().len(), 50);
    // Dated: cases wholly inside the range, and cases straddling either end
    // (counted over their calls inside it only), as the plain computation says.
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2014, 5, d).unwrap();
    for (query, from, to) in [
        ("from=2014-05-10&to=2014-05-20", Some(day(10)), Some(day(20))),
        ("from=2014-05-15", Some(day(15)), None),
        ("to=2014-05-12", None, Some(day(12))),
        ("from=2014-05-13&to=2014-05-13", Some(day(13)), Some(day(13))),
    ] {
        let inside = |g: &Gen| from.is_none_or(|f| g.at.date_naive() >= f) && to.is_none_or(|t| g.at.date_naive() <= t);
        let want = expected(&inside);
        let dated = all_retries(&app, query).await;
        assert_eq!(dated["cases_retried"], want.len(), "{query}");
        assert_eq!(dated["cases"], json!(want), "{query}");
        let straddling =
            generated.iter().filter(|g| !inside(g)).any(|g| want.iter().any(|w| w["case_id"] == g.case_id));
        assert!(straddling, "{query}: some listed case has calls outside the range too");
    }

    // questions
    let mut asked: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for g in &generated {
        for t in &g.topics {
            *asked.entry(t).or_default().entry(channel_of[&g.license]).or_default() += 1;
        }
    }
    let q = summary(&app, "questions").await;
    let got: BTreeMap<String, Value> =
        q["topics"].as_array().unwrap().iter().map(|t| (t["topic"].as_str().unwrap().to_string(), t.clone())).collect();
    assert_eq!(got.len(), asked.len());
    for (topic, by) in &asked {
        assert_eq!(got[*topic]["by_channel"], json!(by), "{topic}");
        assert_eq!(got[*topic]["asked"], by.values().sum::<usize>(), "{topic}");
    }

    // licenses
    let l = summary(&app, "licenses").await;
    for (i, id) in license_ids.iter().enumerate() {
        let acts: Vec<&Gen> = generated.iter().filter(|g| g.license == *id && g.result == Some("activated")).collect();
        let machines: BTreeSet<i64> = acts.iter().map(|g| g.machine).collect();
        let last = acts
            .iter()
            .max_by_key(|g| (g.at.timestamp_millis(), g.id))
            .map(|g| g.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let row = &l["licenses"][i];
        assert_eq!(row["activations"], acts.len());
        assert_eq!(row["machines"], json!(machines));
        let names: Vec<String> =
            machines.iter().map(|m| format!("PC {}", machine_ids.iter().position(|x| x == m).unwrap())).collect();
        assert_eq!((row["license_name"].clone(), row["machine_names"].clone()), (json!("Windows 8.1"), json!(names)));
        assert_eq!(row["last_activated_at"], json!(last));
    }

    // A filtered summary equals the plain computation over the same slice.
    let f = SummaryFilter {
        from: chrono::NaiveDate::from_ymd_opt(2014, 5, 10),
        to: chrono::NaiveDate::from_ymd_opt(2014, 5, 20),
        machine_id: Some(machine_ids[1]),
        license_id: None,
    };
    let slice = generated
        .iter()
        .filter(|g| g.machine == machine_ids[1] && (f.from.unwrap()..=f.to.unwrap()).contains(&g.at.date_naive()))
        .count();
    assert_eq!(store.overview(&f).await.unwrap().attempts, slice as i64);
    // The cases a dated overview counts: those with a live attempt in the
    // range, as a plain EXISTS over every case says.
    let plain: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM cases c WHERE archived_at IS NULL AND machine_id = ?3 AND EXISTS (
             SELECT 1 FROM attempts a WHERE a.case_id = c.id AND a.archived_at IS NULL
               AND a.local_date >= ?1 AND a.local_date <= ?2) GROUP BY status",
    )
    .bind(f.from.unwrap().to_string())
    .bind(f.to.unwrap().to_string())
    .bind(machine_ids[1])
    .fetch_all(store.pool())
    .await
    .unwrap();
    let counted = store.overview(&f).await.unwrap().cases;
    let status = |name: &str| plain.iter().find(|(s, _)| s == name).map_or(0, |(_, n)| *n);
    assert_eq!(
        (counted.open, counted.activated, counted.abandoned),
        (status("open"), status("activated"), status("abandoned"))
    );
    assert!(counted.open + counted.activated + counted.abandoned > 0, "the range holds some cases");

    // retries with a date range that holds everything equals retries
    // without one, also after archives and patches that move attempts and
    // change their results.
    let everything = "from=2000-01-01&to=2100-12-31";
    assert_eq!(all_retries(&app, "").await, all_retries(&app, everything).await);
    for g in generated.iter().step_by(97) {
        assert_eq!(app.delete(&format!("/api/v1/attempts/{}", g.id)).await.status, 204);
    }
    for g in generated.iter().skip(5).step_by(89) {
        let later = (g.at - Duration::days(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let a = app
            .patch(
                &format!("/api/v1/attempts/{}", g.id),
                json!({"started_at": later, "ended_at": null,
                   "result": "activated", "failure_reason": null}),
            )
            .await;
        assert!(a.status == 200 || a.status == 404, "{}", a.body);
    }
    let kept = all_retries(&app, "").await;
    assert_ne!(kept, r, "the archives and patches changed something");
    assert_eq!(kept, all_retries(&app, everything).await);
}

/// The questions summary reads copies of each attempt's filter columns kept
/// on its questions: archiving an attempt, moving it to another day or
/// replacing its questions must show at once.
#[tokio::test]
async fn questions_follow_their_attempts_through_patches_and_archives() {
    let app = spawn_app().await;
    let (m, l) = (app.machine("PC 1").await, app.license("retail_box").await);
    let asked = |topic: &str| json!({"topic": topic, "question": "?", "answer": "x"});
    let mut ids = Vec::new();
    for day in ["2014-05-09", "2014-05-10", "2014-05-11"] {
        let a = app
            .attempt(json!({"machine_id": m, "license_id": l, "started_at": format!("{day}T10:00:00+09:00"),
                       "questions": [asked("edition"), asked("box_colour")]}))
            .await;
        ids.push(a["id"].as_i64().unwrap());
    }
    let count = |body: &Value, topic: &str| {
        body["topics"].as_array().unwrap().iter().find(|t| t["topic"] == topic).map(|t| t["asked"].as_i64().unwrap())
    };
    let all = app.get("/api/v1/summary/questions").await.body;
    assert_eq!((count(&all, "edition"), count(&all, "box_colour")), (Some(3), Some(3)));

    assert_eq!(app.delete(&format!("/api/v1/attempts/{}", ids[0])).await.status, 204);
    let patched = app
        .patch(
            &format!("/api/v1/attempts/{}", ids[1]),
            json!({"started_at": "2014-06-01T10:00:00+09:00", "questions": [asked("product_key")]}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let all = app.get("/api/v1/summary/questions").await.body;
    assert_eq!(count(&all, "edition"), Some(1), "{all}");
    assert_eq!(count(&all, "product_key"), Some(1), "{all}");
    let may = app.get("/api/v1/summary/questions?from=2014-05-01&to=2014-05-31").await.body;
    assert_eq!((count(&may, "edition"), count(&may, "product_key")), (Some(1), None), "{may}");
    let june = app.get(&format!("/api/v1/summary/questions?from=2014-06-01&machine_id={m}&license_id={l}")).await.body;
    assert_eq!((count(&june, "edition"), count(&june, "product_key")), (None, Some(1)), "{june}");
    let other = app.get(&format!("/api/v1/summary/questions?machine_id={}", m + 1)).await.body;
    assert_eq!(other["topics"], json!([]));
}

#[tokio::test]
async fn only_retries_is_paged_and_its_paging_is_checked() {
    let app = spawn_app().await;
    for (query, field, message) in [
        ("overview?limit=5", "limit", "only the retries summary is paged; overview is one answer"),
        ("hours?cursor=abc", "cursor", "only the retries summary is paged"),
        ("retries?limit=0", "limit", "0 is not a page size from 1 to 500"),
        ("retries?limit=501", "limit", "501 is not a page size"),
        ("retries?limit=ten", "limit", "\"ten\" is not a whole number"),
        ("retries?cursor=abc", "cursor", "is not a cursor from this API"),
    ] {
        assert_problem(&app.get(&format!("/api/v1/summary/{query}")).await, 400, field, message);
    }
    let r = app.get("/api/v1/summary/retries?limit=1").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["next_cursor"], json!(null));
}
