use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_machine_is_created_read_changed_and_archived() {
    let app = spawn_app().await;
    let created = app.post("/api/v1/machines", json!({"name": "PC 1", "owner": "Ken"})).await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.headers["location"], format!("/api/v1/machines/{id}"));
    assert_eq!(app.get(&format!("/api/v1/machines/{id}")).await.body["owner"], "Ken");
    let changed =
        app.patch(&format!("/api/v1/machines/{id}"), json!({"notes": "the one by the window", "owner": null})).await;
    assert_eq!(changed.status, 200);
    assert_eq!((changed.body["owner"].clone(), changed.body["name"].clone()), (json!(null), json!("PC 1")));
    assert_eq!(app.delete(&format!("/api/v1/machines/{id}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/machines/{id}")).await.status, 404);
    assert_eq!(app.get(&format!("/api/v1/machines/{id}?include_archived=true")).await.status, 200);
    // Archiving it again says so (it used to be a bare 404).
    let again = app.delete(&format!("/api/v1/machines/{id}")).await;
    assert_eq!(again.status, 409);
    assert!(again.body["detail"].as_str().unwrap().contains("is already archived"), "{}", again.body);
    assert!(app.get("/api/v1/machines").await.body["items"].as_array().unwrap().is_empty());
    assert_eq!(app.get("/api/v1/machines?include_archived=true").await.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn every_machine_field_sent_wrong_is_named() {
    let app = spawn_app().await;
    app.machine("PC 1").await;
    let cases = [
        (json!({}), 422, "name", "is required"),
        (json!({"name": ""}), 422, "name", "must not be empty"),
        (json!({"name": "x".repeat(101)}), 422, "name", "101 characters"),
        (json!({"name": 5}), 422, "name", "invalid type"),
        (json!({"name": "PC 2", "owner": ["Ken"]}), 422, "owner", "invalid type"),
        (json!({"name": "PC 2", "notes": "x".repeat(4001)}), 422, "notes", "4001 characters"),
        (json!({"name": "PC 2", "colour": "grey"}), 422, "colour", "unknown field"),
        (json!(["PC 2"]), 422, "body", "must be a JSON object"),
        (json!({"name": "\u{200B}\u{200D}"}), 422, "name", "holds no visible character"),
        (json!({"name": "\u{202E}\u{2066}\u{FEFF}"}), 422, "name", "must be one line of text"),
        // Single-line fields take no control and no bidirectional override
        // or isolate anywhere (a name that reads as another); notes keep their lines.
        (json!({"name": "PC\u{202E}2"}), 422, "name", "it holds U+202E"),
        (json!({"name": "PC\u{2067}2"}), 422, "name", "it holds U+2067"),
        (json!({"name": "PC 2\n"}), 422, "name", "it holds U+000A"),
        (json!({"name": "PC 2", "owner": "Ken\tJr"}), 422, "owner", "it holds U+0009"),
        (json!({"name": "PC 2", "owner": "\u{2066}"}), 422, "owner", "it holds U+2066"),
        (json!({"name": "PC 2", "notes": "a\u{0}b"}), 422, "notes", "must not contain control characters"),
    ];
    for (body, status, field, message) in cases {
        let a = app.post("/api/v1/machines", body.clone()).await;
        assert_problem(&a, status, field, message);
    }
    // Names clash after NFKC and case folding: full-width and lower case are the same name.
    for same in ["PC 1", "pc 1", "ＰＣ　１", "Ｐｃ 1"] {
        let dup = app.post("/api/v1/machines", json!({"name": same})).await;
        assert_eq!(dup.status, 409, "{same}: {}", dup.body);
        assert!(dup.body["detail"].as_str().unwrap().contains(same), "{}", dup.body);
    }
    let a = app.patch("/api/v1/machines/1", json!({"name": null})).await;
    assert_problem(&a, 422, "name", "is required");
    let a = app.patch("/api/v1/machines/1", json!({})).await;
    assert_problem(&a, 422, "body", "names no field to change");
}

#[tokio::test]
async fn pages_visit_every_machine_once() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(app.machine(&format!("PC {i}")).await);
    }
    for size in [1, 5, 12, 500] {
        let got: Vec<i64> = app.all("/api/v1/machines", size).await.iter().map(|m| m["id"].as_i64().unwrap()).collect();
        assert_eq!(got, ids, "page size {size}");
    }
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("cursor=nope", "cursor"),
        ("include_archived=maybe", "include_archived"),
        ("page=2", "page"),
    ] {
        let a = app.get(&format!("/api/v1/machines?{query}")).await;
        assert_eq!(a.status, 400, "{query}: {}", a.body);
        assert_eq!(a.field_errors()[0].0, field, "{query}");
    }
}

#[tokio::test]
async fn a_timeline_lists_a_machines_history_in_time_order() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    app.create(
        &format!("/api/v1/machines/{m}/hardware-changes"),
        json!({"changed_on": "2014-05-09", "parts_replaced": ["motherboard"]}),
    )
    .await;
    for (at, result) in [("2014-05-10T10:05:00+09:00", "activated"), ("2014-05-09T18:02:00+09:00", "not_activated")] {
        let mut body = json!({"machine_id": m, "license_id": l, "started_at": at, "result": result});
        if result == "not_activated" {
            body["failure_reason"] = json!("operator_unavailable");
        }
        app.attempt(body).await;
    }
    app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "remove old drivers", "due_on": "2014-05-20"}))
        .await;
    let tl = app.get(&format!("/api/v1/machines/{m}/timeline")).await;
    assert_eq!(tl.status, 200);
    let kinds: Vec<&str> = tl.body["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["hardware_change", "case", "attempt", "attempt", "follow_up"]);
    assert_eq!(tl.body["next_cursor"], json!(null));
    assert_eq!(app.get("/api/v1/machines/999/timeline").await.status, 404);
    // Paged like lists: two events a page, the same events in the same order.
    let (mut paged, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let q = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let page = app.get(&format!("/api/v1/machines/{m}/timeline?limit=2{q}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        paged.extend(page.body["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()));
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(paged, kinds);
    for (query, field) in [("limit=0", "limit"), ("cursor=nope", "cursor"), ("limit=x", "limit"), ("page=2", "page")] {
        let a = app.get(&format!("/api/v1/machines/{m}/timeline?{query}")).await;
        assert_eq!(a.status, 400, "{query}");
        assert_eq!(a.field_errors()[0].0, field, "{query}");
    }

    // An archived attempt leaves the timeline; an archived machine's timeline
    // is a 404, unless asked for with include_archived, archived rows and all.
    let first = tl.body["events"][2]["attempt"]["id"].as_i64().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/attempts/{first}")).await.status, 204);
    let tl = app.get(&format!("/api/v1/machines/{m}/timeline")).await;
    assert_eq!(tl.body["events"].as_array().unwrap().len(), 4);
    assert_eq!(app.delete(&format!("/api/v1/machines/{m}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/machines/{m}/timeline")).await.status, 404);
    let all = app.get(&format!("/api/v1/machines/{m}/timeline?include_archived=true")).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(all.body["machine"]["archived_at"].is_string());
    assert_eq!(all.body["events"].as_array().unwrap().len(), 5);
    assert!(all.body["events"][2]["attempt"]["archived_at"].is_string());
}
