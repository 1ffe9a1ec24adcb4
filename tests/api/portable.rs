//! `/export` and `/import`: the same content as JSON or a zip, a round trip
//! into a fresh journal, idempotence, and every kind of bad import refused
//! whole.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A journal with something of everything, archived rows and a sealed answer included.
async fn journal(app: &TestApp) {
    activation_journal::demo::load(&app.store).await.unwrap();
    let spare = app.machine("old PC").await;
    assert_eq!(app.delete(&format!("/api/v1/machines/{spare}")).await.status, StatusCode::NO_CONTENT);
}

async fn raw(app: &TestApp, path: &str, token: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let res = app.client.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

/// The journal recorded in `app` and exported from `path` with a read
/// token, answered 200 as `content_type`: the headers and the bytes.
async fn journal_exported(app: &TestApp, path: &str, content_type: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    journal(app).await;
    let (status, headers, bytes) = raw(app, path, &app.read).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], content_type);
    (headers, bytes)
}

async fn import(app: &TestApp, body: Vec<u8>, content_type: &str, token: &str) -> Answer {
    let res = app
        .client
        .post(format!("{}/api/v1/import", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = serde_json::from_slice(&res.bytes().await.unwrap()).unwrap_or(Value::Null);
    Answer { status, headers, body }
}

fn without_exported_at(mut doc: Value) -> Value {
    doc.as_object_mut().unwrap().remove("exported_at");
    doc
}

#[tokio::test]
async fn an_export_round_trips_through_a_fresh_journal_and_a_second_import_adds_nothing() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    let (headers, bytes) = journal_exported(&a, "/api/v1/export", "application/json").await;
    assert!(headers["content-disposition"].to_str().unwrap().contains("activation-journal-"));
    let exported: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(exported["format_version"], 1);
    assert_eq!(exported["includes_secrets"], false);
    assert_eq!(exported["machines"].as_array().unwrap().len(), 3, "archived rows are exported");
    assert!(exported["licenses"][0].get("product_key").is_none(), "no key without secrets");

    let first = import(&b, bytes.clone(), "application/json", &b.write).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["created"]["machines"], 3);
    assert_eq!(first.body["created"]["attempts"], 4);
    let again = import(&b, bytes, "application/json", &b.write).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["created"]["attempts"], 0);
    assert_eq!(again.body["unchanged"]["attempts"], 4);

    let (_, _, back) = raw(&b, "/api/v1/export", &b.read).await;
    let back: Value = serde_json::from_slice(&back).unwrap();
    assert_eq!(without_exported_at(back), without_exported_at(exported));
    // The imported journal answers like the first one.
    for name in ["overview", "retries"] {
        let path = format!("/api/v1/summary/{name}");
        assert_eq!(a.get(&path).await.body, b.get(&path).await.body, "{name}");
    }
    assert_eq!(b.get("/api/v1/summary/retries").await.body["cases_retried"], 2);
    // The last five of a key are not secret: they survive an export without secrets.
    let licenses = b.get("/api/v1/licenses").await.body;
    assert_eq!(
        licenses["items"][0]["product_key_masked"],
        a.get("/api/v1/licenses").await.body["items"][0]["product_key_masked"]
    );
    assert!(licenses["items"][0]["product_key_masked"].as_str().unwrap().starts_with("*****-*****-*****-*****-"));
}

#[tokio::test]
async fn an_answer_to_a_product_key_question_that_holds_no_key_stays_readable() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_download").await;
    let a = app
        .attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-10T10:30:00+09:00", "questions": [
                {"topic": "product_key", "answer": "didn't have it"},
                {"topic": "product_key", "answer": "read out GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"}]}))
        .await;
    assert_eq!(a["questions"][0]["answer"], "didn't have it");
    assert_eq!(a["questions"][1]["answer"], "read out *****-*****-*****-*****-9D6T9");
}

#[tokio::test]
async fn the_csv_zip_holds_the_same_content_and_imports_too() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    let (_, zip) = journal_exported(&a, "/api/v1/export?format=csv", "application/zip").await;
    assert!(zip.starts_with(b"PK"));
    let r = import(&b, zip, "application/zip", &b.write).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (_, _, one) = raw(&a, "/api/v1/export", &a.read).await;
    let (_, _, two) = raw(&b, "/api/v1/export", &b.read).await;
    let (one, two): (Value, Value) = (serde_json::from_slice(&one).unwrap(), serde_json::from_slice(&two).unwrap());
    assert_eq!(without_exported_at(one), without_exported_at(two));
}

#[tokio::test]
async fn secrets_need_a_write_token_and_travel_in_clear_only_when_asked() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    a.license("retail_box").await;
    let (status, _, body) = raw(&a, "/api/v1/export?include_secrets=true", &a.read).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{}", String::from_utf8_lossy(&body));
    let (status, headers, body) = raw(&a, "/api/v1/export?include_secrets=true", &a.write).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["licenses"][0]["product_key"], KEY);
    let r = import(&b, body, "application/json", &b.write).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(b.get("/api/v1/licenses/1/product-key").await.body["product_key"], KEY);
    assert_eq!(b.get("/api/v1/licenses/1").await.body["product_key_masked"], "*****-*****-*****-*****-9D6T9");
}

#[tokio::test]
async fn bad_export_parameters_are_400s() {
    let app = spawn_app().await;
    let a = app.get("/api/v1/export?format=xml").await;
    assert_problem(&a, 400, "format", "unknown variant `xml`");
    let a = app.get("/api/v1/export?include_secrets=maybe").await;
    assert_problem(&a, 400, "include_secrets", "");
    let a = app.get("/api/v1/export?since=2014").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.send(Method::GET, "/api/v1/export", None, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_import_is_refused_whole_and_names_the_row_and_field() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    journal(&a).await;
    let (_, _, bytes) = raw(&a, "/api/v1/export", &a.read).await;
    let good: Value = serde_json::from_slice(&bytes).unwrap();
    let send = |doc: Value| {
        let b = &b;
        async move { import(b, serde_json::to_vec(&doc).unwrap(), "application/json", &b.write).await }
    };

    // A row that does not parse: nothing at all is written.
    let mut doc = good.clone();
    doc["attempts"][3]["installation_id"] = json!(IID.replacen("8345036", "8345037", 1));
    assert_problem(&send(doc).await, 422, "attempts[3].installation_id", "group 2 does not check");
    assert_eq!(b.get("/api/v1/machines").await.body["items"], json!([]), "nothing was written");

    // A row that parses but refers to nothing: refused at the database, still nothing written.
    let mut doc = good.clone();
    doc["follow_ups"][0]["case_id"] = json!(99);
    assert_problem(&send(doc).await, 422, "follow_ups[0].case_id", "there is no case 99");
    assert_eq!(b.get("/api/v1/machines").await.body["items"], json!([]), "nothing was written");

    // Each kind of bad document.
    let mut doc = good.clone();
    doc["format_version"] = json!(2);
    assert_problem(&send(doc).await, 422, "format_version", "newer activation-journal");
    let mut doc = good.clone();
    doc["machines"][0]["colour"] = json!("beige");
    assert_problem(&send(doc).await, 422, "machines[0].colour", "unknown field");
    let mut doc = good.clone();
    doc["cases"][0]["status"] = json!("done");
    assert_problem(&send(doc).await, 422, "cases[0].status", "\"done\" is not one of");
    let mut doc = good.clone();
    doc["machines"][1]["id"] = json!(1);
    assert_problem(&send(doc).await, 422, "machines[1].id", "listed twice");
    let mut doc = good.clone();
    doc["attempts"][0]["machine_id"] = json!(2);
    assert_problem(&send(doc).await, 422, "attempts[0].machine_id", "but case 1 has machine_id 1");
    let mut doc = good.clone();
    doc["tokens"] = json!([]);
    assert_problem(&send(doc).await, 422, "tokens", "is not part of an export");
    assert_problem(&send(json!([1, 2])).await, 422, "document", "must be a JSON object");
    assert_eq!(b.get("/api/v1/machines").await.body["items"], json!([]), "nothing was written");

    // A row whose id holds other content here.
    assert_eq!(send(good.clone()).await.status, StatusCode::OK);
    let mut doc = good.clone();
    doc["machines"][0]["owner"] = json!("someone else");
    assert_problem(&send(doc).await, 422, "machines[0].id", "already in this journal with other content");
}

#[tokio::test]
async fn import_refuses_what_is_not_an_export() {
    let app = spawn_app().await;
    let a = import(&app, b"{\"format_version\": 1,".to_vec(), "application/json", &app.write).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(a.body["detail"].as_str().unwrap().contains("not valid JSON"));
    let a = import(&app, b"PK\x03\x04 not really".to_vec(), "application/zip", &app.write).await;
    assert_problem(&a, 422, "body", "not a zip of CSV files");
    let a = import(&app, b"name,owner\nPC 1,Ken\n".to_vec(), "text/csv", &app.write).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let a = import(&app, b"{}".to_vec(), "application/json", &app.read).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = import(&app, b"{}".to_vec(), "application/json", &app.write).await;
    assert_problem(&a, 422, "format_version", "is required");
}
