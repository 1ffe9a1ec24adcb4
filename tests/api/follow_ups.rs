use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn follow_ups_are_made_listed_and_done() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let c = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await["id"].as_i64().unwrap();
    let f = app
        .create(
            "/api/v1/follow-ups",
            json!({"case_id": c, "text": "remove the old motherboard's drivers", "due_on": "2014-05-20"}),
        )
        .await;
    assert_eq!(f["machine_id"], m);
    let id = f["id"].as_i64().unwrap();
    assert_eq!(app.get("/api/v1/follow-ups?done=false").await.body["items"].as_array().unwrap().len(), 1);
    let done = app.patch(&format!("/api/v1/follow-ups/{id}"), json!({"done": true})).await;
    assert_eq!(done.body["done"], true);
    assert_eq!(app.get("/api/v1/follow-ups?done=false").await.body["items"].as_array().unwrap().len(), 0);
    assert_eq!(app.get(&format!("/api/v1/follow-ups/{id}")).await.body["text"], "remove the old motherboard's drivers");
}

#[tokio::test]
async fn every_follow_up_field_sent_wrong_is_named() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let other = app.machine("PC 2").await;
    let l = app.license("oem").await;
    let c = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await["id"].as_i64().unwrap();
    let cases = [
        (json!({"machine_id": m}), "text", "is required"),
        (json!({"text": "x"}), "machine_id", "is required, or case_id"),
        (json!({"machine_id": m, "text": " "}), "text", "must not be empty"),
        (json!({"machine_id": m, "text": "x", "due_on": "soon"}), "due_on", "is not a date"),
        (json!({"machine_id": m, "text": "x", "due_on": "2099-01-01"}), "due_on", "2099-01-01 is in the future"),
        (json!({"machine_id": m, "text": "x", "due_on": "1984-12-31"}), "due_on", "is before 1985-01-01"),
        (json!({"machine_id": m, "text": "x", "done": "no"}), "done", "invalid type"),
        (json!({"machine_id": 42, "text": "x"}), "machine_id", "there is no machine 42"),
        (json!({"case_id": 42, "text": "x"}), "case_id", "there is no case 42"),
        (json!({"case_id": c, "machine_id": other, "text": "x"}), "machine_id", "is about machine"),
        (json!({"machine_id": m, "text": "x", "priority": 1}), "priority", "unknown field"),
    ];
    for (body, field, message) in cases {
        assert_problem(&app.post("/api/v1/follow-ups", body).await, 422, field, message);
    }
}
