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
    assert_eq!(ok.body["opened_at"], "2014-05-09T18:00:00.000000Z");
}
