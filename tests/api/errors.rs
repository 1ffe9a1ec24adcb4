use crate::helpers::*;
use reqwest::Method;

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, String, String) {
    let mut req = app.client.request(method, format!("{}{path}", app.base)).bearer_auth(&app.write).body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, ct, res.text().await.unwrap())
}

#[tokio::test]
async fn malformed_requests_are_problems_never_5xx() {
    let app = spawn_app().await;
    let json = Some("application/json");
    type Case<'a> = (Method, &'a str, Option<&'a str>, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (Method::POST, "/api/v1/machines", json, b"{\"name\": ".to_vec(), 400, "not valid JSON"),
        (Method::POST, "/api/v1/machines", json, b"".to_vec(), 400, "not valid JSON"),
        (Method::POST, "/api/v1/machines", json, b"{\"name\": \"a\"} trailing".to_vec(), 400, "not valid JSON"),
        (Method::POST, "/api/v1/machines", json, vec![0xff, 0xfe], 400, "not valid JSON"),
        (Method::POST, "/api/v1/machines", Some("text/plain"), b"{\"name\": \"a\"}".to_vec(), 415, "Content-Type"),
        (Method::POST, "/api/v1/machines", None, b"{\"name\": \"a\"}".to_vec(), 415, "Content-Type"),
        (
            Method::POST,
            "/api/v1/machines",
            json,
            format!("{{\"name\": \"{}\"}}", "x".repeat(70_000)).into_bytes(),
            413,
            "KiB",
        ),
        (Method::GET, "/api/v1/nothing-here", None, vec![], 404, "no route"),
        (Method::GET, "/nothing", None, vec![], 404, "no route"),
        (Method::PUT, "/api/v1/machines", json, b"{}".to_vec(), 405, "it takes GET, POST"),
        (Method::DELETE, "/api/v1/follow-ups/1", None, vec![], 405, "method"),
        (Method::GET, "/api/v1/machines/abc", None, vec![], 400, "not an id"),
        (Method::GET, "/api/v1/machines/99999999999999999999", None, vec![], 400, "not an id"),
        (Method::GET, "/api/v1/machines/-3", None, vec![], 404, "not found"),
        (Method::PATCH, "/api/v1/machines/1", json, b"{\"name\": \"x\"}".to_vec(), 404, "not found"),
    ];
    for (method, path, ct, body, status, detail) in cases {
        let (got, content_type, text) = raw(&app, method.clone(), path, ct, body).await;
        assert_eq!(got, status, "{method} {path}: {text}");
        assert_eq!(content_type, "application/problem+json", "{method} {path}");
        assert!(text.contains(detail), "{method} {path}: {text}");
    }
}

#[tokio::test]
async fn a_problem_lists_every_failing_field() {
    let app = spawn_app().await;
    let a = app
        .post("/api/v1/licenses", serde_json::json!({"product": "", "channel": "boxed", "purchased_on": "May"}))
        .await;
    let fields: Vec<String> = a.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["product", "channel", "purchased_on"]);
    assert_eq!(a.body["title"], "Unprocessable Entity");
    assert_eq!(a.body["type"], "about:blank");
}
