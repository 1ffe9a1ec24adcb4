use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_key_is_masked_everywhere_but_the_audited_reveal() {
    let app = spawn_app().await;
    let l = app.create("/api/v1/licenses", json!({"product": "Windows 8.1", "channel": "retail_box", "box_colour": "blue", "product_key": "gcrjd 8nw9h f2cdx ccm8d 9d6t9"})).await;
    assert_eq!(l["product_key_masked"], "*****-*****-*****-*****-9D6T9");
    assert_eq!(l["product_key_checks"], true);
    assert!(l.get("product_key").is_none());
    let id = l["id"].as_i64().unwrap();
    let m = app.machine("PC 1").await;
    app.attempt(json!({"machine_id": m, "license_id": id, "started_at": "2014-05-10T10:30:00+09:00",
        "questions": [{"topic": "product_key", "answer": KEY}, {"topic": "other", "answer": format!("said {KEY}")}]}))
        .await;
    // Nothing a read route answers holds the key.
    for path in [
        "/api/v1/licenses",
        &format!("/api/v1/licenses/{id}"),
        "/api/v1/attempts",
        &format!("/api/v1/machines/{m}/timeline"),
    ] {
        let text = app.get(path).await.body.to_string();
        assert!(!text.contains("GCRJD") && !text.contains("8NW9H"), "{path}: {text}");
    }
    let attempt = &app.get("/api/v1/attempts").await.body["items"][0];
    assert_eq!(attempt["questions"][0]["answer"], "*****-*****-*****-*****-9D6T9");
    assert_eq!(attempt["questions"][1]["answer"], "said *****-*****-*****-*****-9D6T9");
    // The reveal: write tokens only.
    let denied = app.send(Method::GET, &format!("/api/v1/licenses/{id}/product-key"), Some(&app.read), None).await;
    assert_eq!(denied.status, 403);
    let shown = app.get(&format!("/api/v1/licenses/{id}/product-key")).await;
    assert_eq!(shown.body["product_key"], KEY);
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'reveal_product_key' AND entity_id = ?")
            .bind(id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn every_license_field_sent_wrong_is_named() {
    let app = spawn_app().await;
    let ok = || json!({"product": "Windows 8.1", "channel": "retail_download"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = ok();
        b[k] = v;
        b
    };
    let cases = [
        (json!({"channel": "oem"}), "product", "is required"),
        (with("product", json!("")), "product", "must not be empty"),
        (with("edition", json!("x".repeat(201))), "edition", "201 characters"),
        (with("channel", json!("boxed")), "channel", "\"boxed\" is not one of retail_box"),
        (json!({"product": "Windows 8.1"}), "channel", "is required"),
        (with("purchased_from", json!(7)), "purchased_from", "invalid type"),
        (with("purchased_on", json!("May 2014")), "purchased_on", "is not a date"),
        (with("purchased_on", json!("0214-05-01")), "purchased_on", "is before 1985-01-01"),
        (with("box_colour", json!(false)), "box_colour", "invalid type"),
        (with("product_key", json!("GCRJD-8NW9H-F2CDX-CCM8D-9D6T8")), "product_key", "does not check"),
        (with("product_key", json!("GCRJD-8NW9H")), "product_key", "10 characters"),
        (with("product_key", json!("ACRJD-8NW9H-F2CDX-CCM8D-9D6T9")), "product_key", "'A'"),
        (with("notes", json!({"a": 1})), "notes", "invalid type"),
        (with("product_key_masked", json!("x")), "product_key_masked", "unknown field"),
    ];
    for (body, field, message) in cases {
        let a = app.post("/api/v1/licenses", body).await;
        assert_problem(&a, 422, field, message);
        assert!(!a.body.to_string().contains("GCRJD"), "a rejected key is not echoed: {}", a.body);
    }
    let a = app.get("/api/v1/licenses/77/product-key").await;
    assert_eq!(a.status, 404);
    let id = app.create("/api/v1/licenses", ok()).await["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/licenses/{id}/product-key")).await.body["product_key"],
        serde_json::Value::Null
    );
    let changed =
        app.patch(&format!("/api/v1/licenses/{id}"), json!({"product_key": KEY, "purchased_on": "2014-01-02"})).await;
    assert_eq!(changed.body["product_key_masked"], "*****-*****-*****-*****-9D6T9");
    assert_eq!(app.delete(&format!("/api/v1/licenses/{id}")).await.status, 204);
}

#[tokio::test]
async fn at_hand_answers_the_last_answer_of_each_topic_asked_a_key_only_masked_and_the_licenses_photos() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_download").await;
    app.attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:00:00+09:00",
        "questions": [{"topic": "box_colour", "question": "what colour is the box?", "answer": "green"},
                      {"topic": "purchase_site"},
                      {"topic": "product_key", "answer": format!("it is {KEY}")}]}))
        .await;
    app.attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-10T10:00:00+09:00",
        "questions": [{"topic": "box_colour", "answer": "blue"}]}))
        .await;
    let photo = app
        .client
        .post(format!("{}/api/v1/attachments?entity=license&entity_id={l}&caption=the%20box", app.base))
        .bearer_auth(&app.write)
        .header("Content-Type", "application/octet-stream")
        .body(activation_journal::domain::attachment::samples::jpeg_with_gps())
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), 201);

    // A read token sees it all (the photo's bytes stay behind a write token).
    let a = app.send(Method::GET, &format!("/api/v1/licenses/{l}/at-hand"), Some(&app.read), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["license_id"], l);
    let answers = a.body["answers"].as_array().unwrap();
    assert_eq!(answers[0]["topic"], "box_colour", "most recently asked first: {answers:?}");
    assert_eq!((answers[0]["answer"].as_str(), answers[0]["asked_on"].as_str()), (Some("blue"), Some("2014-05-10")));
    let of = |t: &str| answers.iter().find(|a| a["topic"] == t).unwrap().clone();
    assert_eq!(of("purchase_site")["answer"], json!(null), "asked, never answered");
    assert_eq!(of("product_key")["answer"], "it is *****-*****-*****-*****-9D6T9");
    assert!(!a.body.to_string().contains("GCRJD"), "the key never in full: {}", a.body);
    assert_eq!(a.body["attachments"][0]["caption"], "the box");
    assert_eq!(a.body["more_attachments"], false);
}

#[tokio::test]
async fn at_hand_refuses_an_id_that_is_not_one_a_license_not_there_and_any_parameter() {
    let app = spawn_app().await;
    let a = app.get("/api/v1/licenses/abc/at-hand").await;
    assert_problem(&a, 400, "id", "\"abc\" is not an id");
    let a = app.get("/api/v1/licenses/1.5/at-hand").await;
    assert_problem(&a, 400, "id", "\"1.5\" is not an id");
    let a = app.get("/api/v1/licenses/77/at-hand").await;
    assert_eq!(a.status, 404, "{}", a.body);
    assert!(a.body["detail"].as_str().unwrap_or("").contains("77"), "{}", a.body);
    let l = app.license("oem").await;
    let a = app.get(&format!("/api/v1/licenses/{l}/at-hand?limit=5")).await;
    assert_problem(&a, 400, "limit", "takes none");
    assert_eq!(app.send(Method::GET, &format!("/api/v1/licenses/{l}/at-hand"), None, None).await.status, 401);
    assert_eq!(app.delete(&format!("/api/v1/licenses/{l}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/licenses/{l}/at-hand")).await.status, 404, "an archived license");
    let a = app.send(Method::POST, &format!("/api/v1/licenses/{l}/at-hand"), Some(&app.write), None).await;
    assert_eq!(a.status, 405);
}
