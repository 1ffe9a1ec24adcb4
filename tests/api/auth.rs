use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn health_needs_no_token_and_everything_else_does() {
    let app = spawn_app().await;
    let h = app.send(Method::GET, "/health", None, None).await;
    assert_eq!((h.status.as_u16(), h.body["status"].clone()), (200, json!("ok")));
    for (token, status) in [(None, 401), (Some("aj_not_a_token"), 401)] {
        let a = app.send(Method::GET, "/api/v1/machines", token, None).await;
        assert_eq!(a.status, status);
        assert_eq!(a.content_type(), "application/problem+json");
        assert_eq!(a.headers["www-authenticate"], "Bearer");
    }
    let basic = app
        .client
        .get(format!("{}/api/v1/machines", app.base))
        .header("authorization", "Basic dTpw")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
}

#[tokio::test]
async fn a_read_token_reads_but_never_writes() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let read = Some(app.read.as_str());
    assert_eq!(app.send(Method::GET, "/api/v1/machines", read, None).await.status, 200);
    let writes = [
        (Method::POST, "/api/v1/machines".to_string(), Some(json!({"name": "PC 2"}))),
        (Method::PATCH, format!("/api/v1/machines/{m}"), Some(json!({"owner": "x"}))),
        (Method::DELETE, format!("/api/v1/machines/{m}"), None),
        (Method::POST, "/api/v1/licenses".to_string(), Some(json!({"product": "x", "channel": "oem"}))),
        (Method::POST, "/api/v1/attempts".to_string(), Some(json!({}))),
        (Method::GET, "/api/v1/licenses/1/product-key".to_string(), None),
    ];
    for (method, path, body) in writes {
        let a = app.send(method.clone(), &path, read, body.as_ref()).await;
        assert_eq!(a.status, 403, "{method} {path}");
        assert_eq!(a.content_type(), "application/problem+json");
    }
    assert_eq!(app.get(&format!("/api/v1/machines/{m}")).await.body["owner"], json!(null));
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let app = spawn_app().await;
    app.store.revoke_token(&activation_journal::store::Actor::cli(), "reader").await.unwrap();
    assert_eq!(app.send(Method::GET, "/api/v1/machines", Some(&app.read), None).await.status, 401);
}
