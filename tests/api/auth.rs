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

/// Every route but `/health` and the OpenAPI document needs a token; a read
/// token reads everything but the product key, and writes nothing.
#[tokio::test]
async fn every_route_checks_its_token_and_a_read_token_never_writes() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let read = Some(app.read.as_str());
    let body = json!({"name": "PC 2"});
    let mut checked = 0;
    for (method, template) in crate::openapi::ROUTES {
        // The feed takes its token from the URL, and a calendar token only (tests/api/calendar.rs).
        if *template == "/health" || *template == "/calendar.ics" {
            continue;
        }
        let path = template.replace("{id}", &m.to_string()).replace("{name}", "overview");
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
        let body = (method == Method::POST || method == Method::PATCH).then_some(&body);
        for token in [None, Some("aj_not_a_token")] {
            let a = app.send(method.clone(), &path, token, body).await;
            assert_eq!(a.status, 401, "{method} {path} with {token:?}: {}", a.body);
            assert_eq!(a.content_type(), "application/problem+json");
        }
        // Reading pasted text stores nothing: any token may. An attachment's
        // bytes (a sticker shows the key) are for write tokens, like the key.
        let reads_only = path.ends_with("/parse/slmgr");
        let secret = ["/product-key", "/audit", "/file", "/thumbnail"].iter().any(|end| path.ends_with(end));
        let writes = !reads_only && (method != Method::GET || secret);
        let a = app.send(method.clone(), &path, read, body).await;
        if writes {
            assert_eq!(a.status, 403, "{method} {path} with a read token: {}", a.body);
            assert_eq!(a.content_type(), "application/problem+json");
        } else {
            assert_ne!(a.status.as_u16(), 401, "{method} {path}");
            assert_ne!(a.status.as_u16(), 403, "{method} {path}");
        }
        checked += 1;
    }
    assert_eq!(checked, crate::openapi::ROUTES.len() - 2);
    // Secrets in an export need a write token too.
    assert_eq!(app.send(Method::GET, "/api/v1/export?include_secrets=true", read, None).await.status, 403);
    // Nothing was written or archived by the read token.
    let machines = app.get("/api/v1/machines").await.body;
    assert_eq!(machines["items"].as_array().unwrap().len(), 1);
    assert_eq!(machines["items"][0]["owner"], json!(null));
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let app = spawn_app().await;
    app.store.revoke_token(&activation_journal::store::Actor::cli(), "reader").await.unwrap();
    assert_eq!(app.send(Method::GET, "/api/v1/machines", Some(&app.read), None).await.status, 401);
}
