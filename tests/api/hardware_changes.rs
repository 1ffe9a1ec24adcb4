use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn hardware_changes_of_a_machine() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let h = app.post(&format!("/api/v1/machines/{m}/hardware-changes"), json!({"changed_on": "2014-05-09", "parts_replaced": ["motherboard", "cpu", "memory"], "parts_kept": ["storage"], "os_reinstalled": false})).await;
    assert_eq!(h.status, 201);
    let id = h.body["id"].as_i64().unwrap();
    assert_eq!(h.headers["location"], format!("/api/v1/hardware-changes/{id}"));
    assert_eq!(app.get(&format!("/api/v1/machines/{m}/hardware-changes")).await.body["items"][0]["id"], id);
    let p = app.patch(&format!("/api/v1/hardware-changes/{id}"), json!({"notes": "kept the SSD"})).await;
    assert_eq!((p.status.as_u16(), p.body["parts_kept"].clone()), (200, json!(["storage"])));
    assert_eq!(app.delete(&format!("/api/v1/hardware-changes/{id}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/hardware-changes/{id}")).await.status, 404);
    assert_eq!(app.get("/api/v1/machines/999/hardware-changes").await.status, 404);
    assert_eq!(
        app.post("/api/v1/machines/999/hardware-changes", json!({"changed_on": "2014-05-09"})).await.status,
        404
    );
}

#[tokio::test]
async fn every_hardware_change_field_sent_wrong_is_named() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let path = format!("/api/v1/machines/{m}/hardware-changes");
    let cases = [
        (json!({}), "changed_on", "is required"),
        (json!({"changed_on": "yesterday"}), "changed_on", "is not a date"),
        (json!({"changed_on": "2099-05-09"}), "changed_on", "2099-05-09 is in the future"),
        (json!({"changed_on": "2041-05-09"}), "changed_on", "did you mean 2014?"),
        (json!({"changed_on": "2014-05-09", "parts_replaced": ["drive"]}), "parts_replaced", "\"drive\" is not one of"),
        (json!({"changed_on": "2014-05-09", "parts_replaced": "cpu"}), "parts_replaced", "invalid type"),
        (json!({"changed_on": "2014-05-09", "parts_kept": ["cpu", "cpu"]}), "parts_kept", "listed twice"),
        (
            json!({"changed_on": "2014-05-09", "parts_replaced": ["cpu"], "parts_kept": ["cpu"]}),
            "parts_kept",
            "both replaced and kept",
        ),
        (json!({"changed_on": "2014-05-09", "os_reinstalled": "yes"}), "os_reinstalled", "invalid type"),
        (json!({"changed_on": "2014-05-09", "notes": 1}), "notes", "invalid type"),
        (json!({"changed_on": "2014-05-09", "machine_id": 1}), "machine_id", "unknown field"),
    ];
    for (body, field, message) in cases {
        assert_problem(&app.post(&path, body).await, 422, field, message);
    }
    assert_eq!(
        app.post("/api/v1/machines/abc/hardware-changes", json!({"changed_on": "2014-05-09"})).await.status,
        400
    );
}
