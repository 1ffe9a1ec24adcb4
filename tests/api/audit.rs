//! `/audit`: who did what, newest first, never a key.
use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_audit_log_says_who_did_what_newest_first_and_never_shows_a_key() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let l = app
        .create(
            "/api/v1/licenses",
            json!({"product": "Windows 8.1", "channel": "retail_box",
        "product_key": "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"}),
        )
        .await;
    app.patch(&format!("/api/v1/machines/{m}"), json!({"owner": "Ken"})).await;
    app.get(&format!("/api/v1/licenses/{}/product-key", l["id"])).await;
    let all = app.get("/api/v1/audit").await;
    assert_eq!(all.status, 200, "{}", all.body);
    let items = all.body["items"].as_array().unwrap();
    let actions: Vec<(&str, &str)> =
        items.iter().map(|e| (e["action"].as_str().unwrap(), e["entity"].as_str().unwrap())).collect();
    assert_eq!(
        actions,
        [
            ("reveal_product_key", "license"),
            ("update", "machine"),
            ("create", "license"),
            ("create", "machine"),
            // The test's two tokens, made from the command line.
            ("token_create", "api_token"),
            ("token_create", "api_token"),
        ]
    );
    assert_eq!(items[1]["fields"], json!(["owner"]));
    assert!(items[..4].iter().all(|e| e["actor"] == "writer"), "{items:?}");
    assert_eq!(app.get("/api/v1/audit?token=cli").await.body["items"].as_array().unwrap().len(), 2);
    assert!(!all.body.to_string().contains("GCRJD"), "no key in the audit log");
    // Filters and paging.
    let machine = app.get(&format!("/api/v1/audit?entity=machine&entity_id={m}")).await.body;
    assert_eq!(machine["items"].as_array().unwrap().len(), 2);
    let first = app.get("/api/v1/audit?limit=1").await.body;
    assert_eq!(first["items"][0]["action"], "reveal_product_key");
    let next = app.get(&format!("/api/v1/audit?limit=1&cursor={}", first["next_cursor"].as_str().unwrap())).await.body;
    assert_eq!(next["items"][0]["action"], "update");
    assert_eq!(app.get("/api/v1/audit?token=nobody").await.body["items"], json!([]));
    assert_eq!(app.get("/api/v1/audit?from=2999-01-01T00:00:00Z").await.body["items"], json!([]));
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        app.get(&format!("/api/v1/audit?from={today}&to={today}")).await.body["items"].as_array().unwrap().len(),
        6
    );
    // Bad filters are named; a read token may not read it.
    for (query, field, message) in [
        ("entity=pc", "entity", "unknown variant `pc`"),
        ("entity_id=0", "entity_id", "0 is not an id"),
        ("token=", "token", "must not be empty"),
        ("from=soon", "from", "is not a date"),
        ("from=2014-05-10&to=2014-05-09", "to", "is before from"),
        ("limit=0", "limit", "0 is not a page size"),
        ("page=2", "page", "unknown field"),
    ] {
        assert_problem(&app.get(&format!("/api/v1/audit?{query}")).await, 400, field, message);
    }
    let read = app.send(reqwest::Method::GET, "/api/v1/audit", Some(&app.read), None).await;
    assert_eq!(read.status, 403);
}
