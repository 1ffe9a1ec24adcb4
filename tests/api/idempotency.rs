use crate::helpers::*;
use serde_json::json;

async fn post_with_key(
    app: &TestApp,
    token: &str,
    key: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value, String) {
    let res = app
        .client
        .post(format!("{}/api/v1/machines", app.base))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, res.json().await.unwrap(), location)
}

#[tokio::test]
async fn a_replayed_post_answers_the_first_time_and_creates_nothing() {
    let app = spawn_app().await;
    let first = post_with_key(&app, &app.write, "call-1", json!({"name": "PC 1"})).await;
    let again = post_with_key(&app, &app.write, "call-1", json!({"name": "PC 1"})).await;
    assert_eq!(first.0, 201);
    assert_eq!(first, again);
    assert_eq!(app.get("/api/v1/machines").await.body["items"].as_array().unwrap().len(), 1);
    // Another body with the same key is refused.
    let other = post_with_key(&app, &app.write, "call-1", json!({"name": "PC 2"})).await;
    assert_eq!(other.0, 422);
    // Keys belong to a token: another token's key is its own.
    let second = app
        .store
        .create_token(&activation_journal::store::Actor::cli(), "w2", activation_journal::domain::Scope::Write)
        .await
        .unwrap();
    let theirs = post_with_key(&app, &second.token, "call-1", json!({"name": "PC 3"})).await;
    assert_eq!(theirs.0, 201);
    // A failed request stores nothing under its key.
    assert_eq!(post_with_key(&app, &app.write, "call-2", json!({"name": ""})).await.0, 422);
    assert_eq!(post_with_key(&app, &app.write, "call-2", json!({"name": "PC 4"})).await.0, 201);
    let bad = app
        .client
        .post(format!("{}/api/v1/machines", app.base))
        .bearer_auth(&app.write)
        .header("Idempotency-Key", "x".repeat(300))
        .json(&json!({"name": "PC 5"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let spaced = app
        .client
        .post(format!("{}/api/v1/machines", app.base))
        .bearer_auth(&app.write)
        .header("Idempotency-Key", "call 3")
        .json(&json!({"name": "PC 6"}))
        .send()
        .await
        .unwrap();
    assert_eq!(spaced.status(), 400);
}
