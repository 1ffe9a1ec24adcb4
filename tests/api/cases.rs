use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn cases_open_close_and_stay_one_per_pair() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let c = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l, "trigger": "reinstall"})).await;
    let id = c["id"].as_i64().unwrap();
    assert_eq!((c["status"].clone(), c["closed_at"].clone()), (json!("open"), json!(null)));
    let dup = app.post("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await;
    assert_eq!(dup.status, 409);
    let closed =
        app.patch(&format!("/api/v1/cases/{id}"), json!({"status": "abandoned", "notes": "bought a new key"})).await;
    assert_eq!(closed.body["status"], "abandoned");
    assert!(closed.body["closed_at"].is_string());
    assert_eq!(
        app.get(&format!("/api/v1/cases?machine_id={m}&status=abandoned")).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.get("/api/v1/cases?status=open").await.body["items"].as_array().unwrap().len(), 0);
    // Archived, not deleted (undone with POST /cases/{id}/unarchive, see tests/api/archive.rs).
    assert_eq!(
        app.send(reqwest::Method::DELETE, &format!("/api/v1/cases/{id}"), Some(&app.write), None).await.status,
        204
    );
}

#[tokio::test]
async fn every_case_field_sent_wrong_is_named() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let other = app.machine("PC 2").await;
    let h = app
        .create(&format!("/api/v1/machines/{other}/hardware-changes"), json!({"changed_on": "2014-05-09"}))
        .await["id"]
        .clone();
    let cases = [
        (json!({"license_id": l}), "machine_id", "is required"),
        (json!({"machine_id": m}), "license_id", "is required"),
        (json!({"machine_id": 0, "license_id": l}), "machine_id", "0 is not an id"),
        (json!({"machine_id": 99, "license_id": l}), "machine_id", "there is no machine 99"),
        (json!({"machine_id": m, "license_id": 99}), "license_id", "there is no license 99"),
        (json!({"machine_id": m, "license_id": l, "trigger": "motherboard"}), "trigger", "not one of hardware_change"),
        (json!({"machine_id": m, "license_id": l, "status": "closed"}), "status", "not one of open"),
        (
            json!({"machine_id": m, "license_id": l, "opened_at": "2041-05-09T18:00:00+09:00"}),
            "opened_at",
            "did you mean 2014?",
        ),
        (
            json!({"machine_id": m, "license_id": l, "hardware_change_id": h}),
            "hardware_change_id",
            "belongs to machine",
        ),
        (
            json!({"machine_id": m, "license_id": l, "hardware_change_id": 999}),
            "hardware_change_id",
            "no hardware change 999",
        ),
        (json!({"machine_id": m, "license_id": l, "opened_at": "2014-05-09 18:00"}), "opened_at", "RFC 3339"),
        (json!({"machine_id": m, "license_id": l, "notes": 3}), "notes", "invalid type"),
        (json!({"machine_id": "one", "license_id": l}), "machine_id", "invalid type"),
    ];
    for (body, field, message) in cases {
        assert_problem(&app.post("/api/v1/cases", body).await, 422, field, message);
    }
    let c = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await["id"].as_i64().unwrap();
    assert_problem(
        &app.patch(&format!("/api/v1/cases/{c}"), json!({"license_id": 5})).await,
        422,
        "license_id",
        "cannot be changed",
    );
    assert_eq!(app.get("/api/v1/cases?status=closed").await.status, 400);
}

#[tokio::test]
async fn a_case_never_opens_after_it_closed() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let c = app
        .create("/api/v1/cases", json!({"machine_id": m, "license_id": l, "opened_at": "2014-05-09T18:00:00+09:00"}))
        .await;
    let id = c["id"].as_i64().unwrap();
    let closed = app.patch(&format!("/api/v1/cases/{id}"), json!({"status": "abandoned"})).await;
    assert_eq!(closed.status, 200);
    // Opened after it was closed (now): refused, naming opened_at.
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    let a = app.patch(&format!("/api/v1/cases/{id}"), json!({"opened_at": later.to_rfc3339()})).await;
    assert_problem(&a, 422, "opened_at", "is after the case was closed");
    // Earlier is fine, and compared as instants whatever the offsets.
    let ok = app.patch(&format!("/api/v1/cases/{id}"), json!({"opened_at": "2014-05-09T08:00:00-10:00"})).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["opened_at"], "2014-05-09T08:00:00-10:00");
}

/// A case's times keep an offset: a call's own, or the household's when no
/// call gave them.
#[tokio::test]
async fn case_times_keep_the_offset_of_the_call_or_the_household() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let call = |started_at: &str| json!({"machine_id": m, "license_id": l, "started_at": started_at});
    // Opened by a call in Tokyo, closed by a call from Berlin that ended later.
    let first = app.attempt(call("2014-05-09T18:02:00+09:00")).await;
    let case = first["case_id"].as_i64().unwrap();
    let c = app.get(&format!("/api/v1/cases/{case}")).await.body;
    assert_eq!(c["opened_at"], "2014-05-09T18:02:00+09:00");
    let mut done = call("2014-05-10T03:05:00+02:00");
    done["ended_at"] = json!("2014-05-10T03:20:30+02:00");
    done["confirmation_id"] = json!(CID);
    done["installation_id"] = json!(IID);
    done["result"] = json!("activated");
    app.attempt(done).await;
    let c = app.get(&format!("/api/v1/cases/{case}")).await.body;
    assert_eq!((c["status"].clone(), c["closed_at"].clone()), (json!("activated"), json!("2014-05-10T03:20:30+02:00")));
    // A call that began earlier, recorded afterwards, opens the case at its own time and offset.
    let earlier = app.attempt(call("2014-05-09T08:00:00Z")).await;
    assert_eq!(earlier["case_id"], case);
    assert_eq!(app.get(&format!("/api/v1/cases/{case}")).await.body["opened_at"], "2014-05-09T08:00:00Z");
    // Opened and closed by hand: now, in whole seconds, at the household's offset (Tokyo).
    let (m2, l2) = app.machine_and_license("PC 2", "oem").await;
    let by_hand = app.create("/api/v1/cases", json!({"machine_id": m2, "license_id": l2})).await;
    let opened = by_hand["opened_at"].as_str().unwrap();
    assert!(opened.ends_with("+09:00") && !opened.contains('.'), "{opened}");
    let id = by_hand["id"].as_i64().unwrap();
    let closed = app.patch(&format!("/api/v1/cases/{id}"), json!({"status": "abandoned"})).await.body;
    let closed_at = closed["closed_at"].as_str().unwrap();
    assert!(closed_at.ends_with("+09:00") && !closed_at.contains('.'), "{closed_at}");
    // A time given with its offset keeps it, canonical.
    let p = app.patch(&format!("/api/v1/cases/{id}"), json!({"opened_at": "2014-05-11 10:00:00+09:00"})).await;
    assert_eq!((p.status.as_u16(), p.body["opened_at"].clone()), (200, json!("2014-05-11T10:00:00+09:00")));
}

/// Cases at different offsets sort by their instants, not their text.
#[tokio::test]
async fn cases_at_different_offsets_sort_by_instant() {
    let app = spawn_app().await;
    let m = app.create("/api/v1/machines", json!({"name": "PC 1"})).await["id"].as_i64().unwrap();
    let mut opened = Vec::new();
    // As text "2014-05-09T20:00:00-05:00" sorts first; as instants it is the later.
    for (channel, at) in [("oem", "2014-05-09T20:00:00-05:00"), ("retail_box", "2014-05-10T09:00:00+09:00")] {
        let l = app.create("/api/v1/licenses", json!({"product": "Windows 8.1", "channel": channel})).await["id"]
            .as_i64()
            .unwrap();
        let c = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l, "opened_at": at})).await;
        opened.push(c["id"].as_i64().unwrap());
    }
    let tl = app.get(&format!("/api/v1/machines/{m}/timeline")).await.body;
    let order: Vec<i64> = tl["events"].as_array().unwrap().iter().map(|e| e["case"]["id"].as_i64().unwrap()).collect();
    assert_eq!(order, vec![opened[1], opened[0]]);
    assert_eq!(tl["events"][0]["at"], "2014-05-10T00:00:00.000000Z");
    // Paged one at a time, the cursor keeps that order.
    let first = app.get(&format!("/api/v1/machines/{m}/timeline?limit=1")).await.body;
    assert_eq!(first["events"][0]["case"]["id"], opened[1]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/api/v1/machines/{m}/timeline?limit=1&cursor={cursor}")).await.body;
    assert_eq!(second["events"][0]["case"]["id"], opened[0]);
    assert_eq!(second["next_cursor"], json!(null));
}
