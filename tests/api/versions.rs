//! Optimistic concurrency: every single-resource answer carries an `ETag`;
//! `PATCH`, `DELETE` and `…/unarchive` honour `If-Match` (412 with the
//! resource as it now is on a mismatch) and behave as before without it.
use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

const IID: &str = "508760583450367066786558223034732344271525457574499727444472481";

/// The `ETag` of an answer, which must have one.
fn etag(a: &Answer) -> String {
    let tag = a.headers.get("etag").unwrap_or_else(|| panic!("no ETag on a {} answer: {}", a.status, a.body));
    let tag = tag.to_str().unwrap().to_string();
    assert!(tag.len() > 2 && tag.starts_with('"') && tag.ends_with('"'), "{tag}");
    tag
}

/// One row of each resource, with a change to patch it by:
/// (collection path, id, patch).
async fn one_of_each(app: &TestApp) -> Vec<(&'static str, Value, Value)> {
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let h = app.create(&format!("/api/v1/machines/{m}/hardware-changes"), json!({"changed_on": "2014-05-09"})).await;
    let c = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await;
    let a = app
        .attempt(json!({"case_id": c["id"], "started_at": "2014-05-09T18:00:00+09:00", "installation_id": IID}))
        .await;
    let f = app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "drivers"})).await;
    vec![
        ("follow-ups", f["id"].clone(), json!({"text": "drivers, again"})),
        ("attempts", a["id"].clone(), json!({"notes": "second try"})),
        ("cases", c["id"].clone(), json!({"notes": "the board died"})),
        ("hardware-changes", h["id"].clone(), json!({"notes": "new board"})),
        ("licenses", json!(l), json!({"notes": "the shop's receipt"})),
        ("machines", json!(m), json!({"notes": "study"})),
    ]
}

#[tokio::test]
async fn every_single_resource_answer_carries_the_etag_a_get_answers() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 0", "oem").await;
    let creates = [
        (format!("/api/v1/machines/{m}/hardware-changes"), "hardware-changes", json!({"changed_on": "2014-05-01"})),
        ("/api/v1/machines".into(), "machines", json!({"name": "PC 9"})),
        ("/api/v1/licenses".into(), "licenses", json!({"product": "Windows 8.1", "edition": "Pro", "channel": "oem"})),
        ("/api/v1/follow-ups".into(), "follow-ups", json!({"machine_id": m, "text": "drivers"})),
        ("/api/v1/cases".into(), "cases", json!({"machine_id": m, "license_id": l})),
        (
            "/api/v1/attempts".into(),
            "attempts",
            json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:00:00+09:00"}),
        ),
    ];
    for (url, path, body) in creates {
        let a = app.post(&url, body).await;
        assert_eq!(a.status, 201, "{path}: {}", a.body);
        let got = app.get(&format!("/api/v1/{path}/{}", a.body["id"])).await;
        assert_eq!(etag(&got), etag(&a), "{path}: the created row's tag is the one a GET answers");
    }
    for (path, id, patch) in one_of_each(&app).await {
        let at = format!("/api/v1/{path}/{id}");
        let before = etag(&app.get(&at).await);
        let patched = app.patch(&at, patch).await;
        assert_eq!(patched.status, 200, "{at}: {}", patched.body);
        assert_ne!(etag(&patched), before, "{at}: a change is a new version");
        assert_eq!(etag(&app.get(&at).await), etag(&patched), "{at}");
        assert_eq!(app.delete(&at).await.status, 204, "{at}");
        let archived = app.get(&format!("{at}?include_archived=true")).await;
        let back = app.post(&format!("{at}/unarchive"), json!({})).await;
        assert_eq!(back.status, 200, "{at}: {}", back.body);
        assert_ne!(etag(&back), etag(&archived), "{at}");
        assert_eq!(etag(&app.get(&at).await), etag(&back), "{at}");
    }
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_the_row_as_it_now_is() {
    let app = spawn_app().await;
    for (path, id, patch) in one_of_each(&app).await {
        let at = format!("/api/v1/{path}/{id}");
        let stale = etag(&app.get(&at).await);
        let theirs = app.patch(&at, patch).await;
        assert_eq!(theirs.status, 200, "{at}: {}", theirs.body);
        let now = etag(&theirs);
        for (method, url, body) in
            [(Method::PATCH, at.clone(), Some(json!({"notes": "mine"}))), (Method::DELETE, at.clone(), None)]
        {
            let body = match (&method, path) {
                (&Method::PATCH, "follow-ups") => Some(json!({"text": "mine"})),
                _ => body,
            };
            let mine = app.send_if_match(method.clone(), &url, &stale, body.as_ref()).await;
            assert_eq!(mine.status, 412, "{method} {url}: {}", mine.body);
            assert_eq!(mine.headers["content-type"], "application/json", "{url}");
            assert_eq!(mine.body, theirs.body, "{method} {url}: the body is the row as it now is");
            assert_eq!(etag(&mine), now, "{method} {url}");
        }
        assert_eq!(app.get(&at).await.body, theirs.body, "{at}: nothing was written");
        // Archived by someone else since: unarchive against an older version is refused too.
        assert_eq!(app.delete(&at).await.status, 204);
        let archived = app.get(&format!("{at}?include_archived=true")).await;
        let mine = app.send_if_match(Method::POST, &format!("{at}/unarchive"), &now, Some(&json!({}))).await;
        assert_eq!(mine.status, 412, "{at}/unarchive: {}", mine.body);
        assert_eq!(mine.body, archived.body, "{at}/unarchive");
        assert_eq!(etag(&mine), etag(&archived));
        assert_eq!(app.get(&at).await.status, 404, "{at} stays archived");
    }
}

#[tokio::test]
async fn the_current_tag_or_a_star_lets_the_write_through() {
    let app = spawn_app().await;
    for (path, id, patch) in one_of_each(&app).await {
        let at = format!("/api/v1/{path}/{id}");
        let tag = etag(&app.get(&at).await);
        let listed = format!("\"0000\", {tag}");
        let patched = app.send_if_match(Method::PATCH, &at, &listed, Some(&patch)).await;
        assert_eq!(patched.status, 200, "{at}: one of the listed tags matches: {}", patched.body);
        let archived = app.send_if_match(Method::DELETE, &at, &etag(&patched), None).await;
        assert_eq!(archived.status, 204, "{at}: {}", archived.body);
        let tag = etag(&app.get(&format!("{at}?include_archived=true")).await);
        let back = app.send_if_match(Method::POST, &format!("{at}/unarchive"), &tag, Some(&json!({}))).await;
        assert_eq!(back.status, 200, "{at}/unarchive: {}", back.body);
        assert_eq!(app.send_if_match(Method::PATCH, &at, "*", Some(&patch)).await.status, 200, "{at}");
        assert_eq!(app.send_if_match(Method::DELETE, &at, "*", None).await.status, 204, "{at}");
        let back = app.send_if_match(Method::POST, &format!("{at}/unarchive"), "*", Some(&json!({}))).await;
        assert_eq!(back.status, 200, "{at}/unarchive with *: {}", back.body);
    }
}

#[tokio::test]
async fn if_match_does_not_hide_a_missing_or_archived_row() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let at = format!("/api/v1/machines/{m}");
    let gone = app.send_if_match(Method::PATCH, "/api/v1/machines/999", "*", Some(&json!({"notes": "x"}))).await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    let tag = etag(&app.get(&at).await);
    assert_eq!(app.delete(&at).await.status, 204);
    let again = app.send_if_match(Method::DELETE, &at, &tag, None).await;
    assert_eq!((again.status.as_u16(), again.body["type"].as_str()), (409, Some("/problems/already-archived")));
    let patch = app.send_if_match(Method::PATCH, &at, "*", Some(&json!({"notes": "x"}))).await;
    assert_eq!(patch.status, 404, "an archived row is not changed: {}", patch.body);
}

#[tokio::test]
async fn a_malformed_if_match_is_a_400_naming_the_header_and_a_weak_tag_never_matches() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let at = format!("/api/v1/machines/{m}");
    let tag = etag(&app.get(&at).await);
    for bad in ["abc", &tag[1..], "\"a b\"", "*, \"a\"", ",", " , ,"] {
        for (method, url) in [(Method::PATCH, at.clone()), (Method::DELETE, at.clone())] {
            let a = app.send_if_match(method.clone(), &url, bad, Some(&json!({"notes": "x"}))).await;
            assert_problem(&a, 400, "If-Match", "entity-tag");
        }
        let a = app.send_if_match(Method::POST, &format!("{at}/unarchive"), bad, Some(&json!({}))).await;
        assert_problem(&a, 400, "If-Match", "entity-tag");
    }
    let comma = app.send_if_match(Method::PATCH, &at, "\",t+\", \"x\"", Some(&json!({"owner": "Ken"}))).await;
    assert_eq!(comma.status, 412, "a tag may hold a comma: {}", comma.body);
    let empty = app.send_if_match(Method::PATCH, &at, "", Some(&json!({"owner": "Ken"}))).await;
    assert_eq!(empty.status, 200, "an empty If-Match is as if absent: {}", empty.body);
    let weak = app.send_if_match(Method::PATCH, &at, &format!("W/{tag}"), Some(&json!({"notes": "x"}))).await;
    assert_eq!(weak.status, 412, "If-Match compares strongly: {}", weak.body);
    assert!(app.get(&at).await.body["notes"].is_null());
}

#[tokio::test]
async fn a_replayed_create_carries_the_first_answers_etag() {
    let app = spawn_app().await;
    let send = || {
        app.client
            .post(format!("{}/api/v1/machines", app.base))
            .bearer_auth(&app.write)
            .header("Idempotency-Key", "etag-1")
            .json(&json!({"name": "PC 1"}))
            .send()
    };
    let first = send().await.unwrap();
    let tag = first.headers()["etag"].clone();
    let again = send().await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["etag"], tag);
}

#[test]
fn the_document_names_etag_if_match_and_412() {
    let doc = activation_journal::routes::openapi::document_json();
    let op = &doc["paths"]["/api/v1/machines/{id}"]["patch"];
    let params = op["parameters"].as_array().unwrap();
    assert!(params.iter().any(|p| p["name"] == "If-Match" && p["in"] == "header"), "{params:?}");
    assert!(op["responses"]["412"]["headers"]["ETag"].is_object());
    assert!(op["responses"]["200"]["headers"]["ETag"].is_object());
    for (path, method) in [
        ("/api/v1/machines/{id}", "delete"),
        ("/api/v1/cases/{id}", "delete"),
        ("/api/v1/attempts/{id}/unarchive", "post"),
    ] {
        assert!(doc["paths"][path][method]["responses"]["412"].is_object(), "{method} {path}");
    }
    for (path, method) in [("/api/v1/licenses", "post"), ("/api/v1/follow-ups/{id}", "get")] {
        let ok = doc["paths"][path][method]["responses"].as_object().unwrap();
        assert!(ok.values().any(|r| r["headers"]["ETag"].is_object()), "{method} {path}");
    }
}
