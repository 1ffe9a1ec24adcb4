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
        (Method::PUT, "/api/v1/follow-ups/1", None, vec![], 405, "it takes GET, PATCH, DELETE"),
        (Method::DELETE, "/api/v1/follow-ups/1", None, vec![], 404, "follow-up 1 not found"),
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
    assert_eq!(a.body["type"], "/problems/invalid-fields");
}

#[tokio::test]
async fn each_kind_of_problem_has_its_own_type_and_the_type_says_what_it_means() {
    let app = spawn_app().await;
    app.machine("PC 1").await;
    let l = app.license("retail_box").await;
    app.post("/api/v1/cases", serde_json::json!({"machine_id": 1, "license_id": l})).await;
    let kinds = [
        (app.post("/api/v1/machines", serde_json::json!({"name": "pc 1"})).await, "name-taken"),
        (app.post("/api/v1/cases", serde_json::json!({"machine_id": 1, "license_id": l})).await, "open-case-exists"),
        (app.post("/api/v1/machines/1/unarchive", serde_json::json!({})).await, "not-archived"),
        (app.get("/api/v1/machines/99").await, "not-found"),
        (app.send(reqwest::Method::GET, "/api/v1/machines", None, None).await, "unauthorized"),
        (app.get("/api/v1/machines?limit=0").await, "bad-request"),
        (app.post("/api/v1/machines", serde_json::json!({"name": ""})).await, "invalid-fields"),
    ];
    for (answer, kind) in kinds {
        assert_eq!(answer.body["type"], format!("/problems/{kind}"), "{}", answer.body);
        let page = app.send(reqwest::Method::GET, &format!("/problems/{kind}"), None, None).await;
        assert_eq!(page.status, 200, "/problems/{kind}");
    }
    assert_eq!(app.delete("/api/v1/machines/1").await.status, 204);
    let again = app.delete("/api/v1/machines/1").await;
    assert_eq!(again.body["type"], "/problems/already-archived", "{}", again.body);
    let unknown = app.send(reqwest::Method::GET, "/problems/teapot", None, None).await;
    assert_eq!((unknown.status.as_u16(), unknown.body["type"].as_str()), (404, Some("/problems/not-found")));
}

#[tokio::test]
async fn every_query_parameter_sent_wrong_is_named() {
    let app = spawn_app().await;
    let m = app.post("/api/v1/machines", serde_json::json!({"name": "PC 1"})).await.body["id"].as_i64().unwrap();
    let lists = ["/api/v1/machines", "/api/v1/licenses", "/api/v1/cases", "/api/v1/attempts", "/api/v1/follow-ups"];
    let mut cases: Vec<(Method, String, &str, &str)> = Vec::new();
    for list in lists.iter().copied().chain([format!("/api/v1/machines/{m}/hardware-changes").as_str()]) {
        for (query, field, message) in [
            ("limit=0", "limit", "0 is not a page size from 1 to 500"),
            ("limit=501", "limit", "501 is not a page size from 1 to 500"),
            ("limit=ten", "limit", "\"ten\" is not a whole number"),
            ("limit=", "limit", "\"\" is not a whole number"),
            ("cursor=nope", "cursor", "is not a cursor from this API"),
            ("cursor=", "cursor", "is not a cursor from this API"),
            ("include_archived=maybe", "include_archived", "\"maybe\" is not true or false"),
            ("limit=1&limit=2", "query", "duplicate field `limit`"),
            ("colour=blue", "colour", "unknown field `colour`"),
        ] {
            cases.push((Method::GET, format!("{list}?{query}"), field, message));
        }
    }
    let one = |path: &str, field: &'static str, message: &'static str| (Method::GET, path.to_string(), field, message);
    cases.extend([
        // Filters of the lists.
        one("/api/v1/attempts?machine_id=abc", "machine_id", "\"abc\" is not a whole number"),
        one("/api/v1/attempts?machine_id=0", "machine_id", "0 is not an id"),
        one("/api/v1/attempts?license_id=-1", "license_id", "-1 is not an id"),
        one("/api/v1/attempts?case_id=1.5", "case_id", "\"1.5\" is not a whole number"),
        one("/api/v1/attempts?case_id=99999999999999999999", "case_id", "is not a whole number"),
        one("/api/v1/attempts?result=maybe", "result", "unknown variant `maybe`"),
        one("/api/v1/attempts?operator_outcome=busy", "operator_outcome", "unknown variant `busy`"),
        one("/api/v1/attempts?from=tuesday", "from", "\"tuesday\" is not a date like 2014-05-10 or an RFC 3339 time"),
        one("/api/v1/attempts?to=2014-13-01", "to", "\"2014-13-01\" is not a date"),
        one("/api/v1/attempts?from=2014-05-10&to=2014-05-09", "to", "2014-05-09 is before from (2014-05-10)"),
        one("/api/v1/attempts?from=2014-05-10T10:00:00%2B09:00&to=2014-05-10T00:00:00Z", "to", "is before from"),
        one("/api/v1/cases?machine_id=x", "machine_id", "\"x\" is not a whole number"),
        one("/api/v1/cases?license_id=0", "license_id", "0 is not an id"),
        one("/api/v1/cases?status=closed", "status", "unknown variant `closed`"),
        one("/api/v1/follow-ups?case_id=-4", "case_id", "-4 is not an id"),
        one("/api/v1/follow-ups?machine_id=z", "machine_id", "\"z\" is not a whole number"),
        one("/api/v1/follow-ups?done=maybe", "done", "\"maybe\" is not true or false"),
        // One resource, the lookup, the summaries, the export.
        one(&format!("/api/v1/machines/{m}?include_archived=yes"), "include_archived", "\"yes\" is not true or false"),
        one(&format!("/api/v1/machines/{m}?limit=5"), "limit", "unknown field `limit`"),
        one("/api/v1/confirmation-ids", "installation_id", "is required"),
        one("/api/v1/confirmation-ids?installation_id=", "installation_id", "installation ID is empty"),
        one("/api/v1/confirmation-ids?installation_id=123", "installation_id", "has 3 digits"),
        one(
            "/api/v1/confirmation-ids?installation_id=508760583450367066786558223034732344271525457574499727444472482",
            "installation_id",
            "group 9 does not check",
        ),
        one("/api/v1/summary/overview?machine_id=0", "machine_id", "0 is not an id"),
        one("/api/v1/summary/overview?license_id=two", "license_id", "\"two\" is not a whole number"),
        one("/api/v1/summary/hours?from=May", "from", "May"),
        one("/api/v1/export?format=xml", "format", "unknown variant `xml`"),
        // Routes that take no parameters refuse any.
        one(
            &format!("/api/v1/machines/{m}/timeline?include_archived=2"),
            "include_archived",
            "\"2\" is not true or false",
        ),
        one("/api/v1/licenses/1/product-key?reveal=1", "reveal", "takes none"),
        (Method::DELETE, format!("/api/v1/machines/{m}?hard=true"), "hard", "takes none"),
        (Method::PATCH, format!("/api/v1/machines/{m}?include_archived=true"), "include_archived", "takes none"),
        (Method::POST, "/api/v1/machines?dry_run=1".to_string(), "dry_run", "takes none"),
    ]);
    for (method, path, field, message) in cases {
        let body = (method != Method::GET && method != Method::DELETE).then(|| serde_json::json!({"name": "PC 2"}));
        let a = app.send(method.clone(), &path, Some(&app.write), body.as_ref()).await;
        assert_eq!(a.status.as_u16(), 400, "{method} {path}: {}", a.body);
        let errors = a.field_errors();
        assert!(
            errors.iter().any(|(f, m)| f == field && m.contains(message)),
            "{method} {path}: expected {field}: {message}, got {errors:?}"
        );
    }
    // Nothing was written or archived by the refused writes.
    assert_eq!(app.get(&format!("/api/v1/machines/{m}")).await.body["name"], "PC 1");
    assert_eq!(app.get("/api/v1/machines").await.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_long_bad_cursor_is_not_echoed_whole_and_health_answers_head() {
    let app = spawn_app().await;
    let long = "x".repeat(5000);
    let a = app.get(&format!("/api/v1/machines?cursor={long}")).await;
    assert_eq!(a.status, 400);
    let message = a.field_errors()[0].1.clone();
    assert!(message.contains("is not a cursor from this API") && message.len() < 120, "{message}");
    let head = app.send(Method::HEAD, "/health", None, None).await;
    assert_eq!(head.status, 200);
}

#[test]
fn the_readme_lists_every_kind_of_problem() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (kind, _) in activation_journal::error::PROBLEMS {
        assert!(readme.contains(&format!("`/problems/{kind}`")), "README does not list /problems/{kind}");
    }
}
