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
    assert_eq!(exported["format_version"], 2);
    assert_eq!(exported["includes_secrets"], false);
    assert_eq!(exported["machines"].as_array().unwrap().len(), 3, "archived rows are exported");
    assert!(exported["licenses"][0].get("product_key").is_none(), "no key without secrets");
    // A case's times travel with their calls' offsets.
    let case = &exported["cases"][0];
    for t in [&case["opened_at"], &case["closed_at"]] {
        assert!(t.as_str().is_some_and(|t| t.ends_with("+09:00")), "{case}");
    }

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
    doc["format_version"] = json!(3);
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

/// A journal with a photo of license 1's sticker (taken with location data)
/// and a PDF receipt of call 3, archived: their ids.
async fn with_attachments(app: &TestApp) -> (i64, i64) {
    use crate::attachments::upload;
    use activation_journal::domain::attachment::samples::{jpeg_with_gps, pdf};
    journal(app).await;
    let photo =
        upload(app, "entity=license&entity_id=1&caption=the%20key%20sticker", &app.write, jpeg_with_gps()).await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.body);
    let receipt = upload(app, "entity=attempt&entity_id=3&caption=receipt", &app.write, pdf("order 1234")).await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{}", receipt.body);
    let receipt = receipt.body["id"].as_i64().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/attachments/{receipt}")).await.status, StatusCode::NO_CONTENT);
    (photo.body["id"].as_i64().unwrap(), receipt)
}

/// An attachment's row (archived ones too), file and thumbnail, as the API gives them.
async fn attachment_of(app: &TestApp, id: i64) -> (Value, Vec<u8>, Vec<u8>) {
    use crate::attachments::fetch;
    let row = app.get(&format!("/api/v1/attachments/{id}?include_archived=true")).await;
    assert_eq!(row.status, StatusCode::OK, "{}", row.body);
    let (_, _, file) = fetch(app, &format!("/api/v1/attachments/{id}/file"), &app.write).await;
    let (_, _, thumbnail) = fetch(app, &format!("/api/v1/attachments/{id}/thumbnail"), &app.write).await;
    (row.body, file, thumbnail)
}

#[tokio::test]
async fn attachments_travel_with_secrets_as_json_and_as_a_zip_and_come_back_the_same() {
    let (a, b, c) = (spawn_app().await, spawn_app().await, spawn_app().await);
    let (photo, receipt) = with_attachments(&a).await;
    let (status, _, json) = raw(&a, "/api/v1/export?include_secrets=true", &a.write).await;
    assert_eq!(status, StatusCode::OK);
    let doc: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["attachments"].as_array().unwrap().len(), 2);
    assert_eq!(doc["attachments"][0]["caption"], "the key sticker");
    assert!(doc["attachments"][0]["content"].as_str().unwrap().len() > 100, "the file, base64");
    let (status, _, zip) = raw(&a, "/api/v1/export?include_secrets=true&format=csv", &a.write).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<String> = zip::ZipArchive::new(std::io::Cursor::new(&zip))
        .unwrap()
        .file_names()
        .map(|n| n.unwrap().to_string())
        .collect();
    for name in ["attachments.csv", &format!("attachments/{photo}.jpg"), &format!("attachments/{receipt}.pdf")] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }

    for (to, body, media) in [(&b, json.clone(), "application/json"), (&c, zip, "application/zip")] {
        let r = import(to, body.clone(), media, &to.write).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["created"]["attachments"], 2, "{media}");
        for id in [photo, receipt] {
            let (row, file, thumbnail) = attachment_of(to, id).await;
            let (row_a, file_a, thumbnail_a) = attachment_of(&a, id).await;
            assert_eq!(row, row_a, "{media}: the row, caption and archived stamp");
            assert_eq!(file, file_a, "{media}: the bytes");
            assert_eq!(thumbnail, thumbnail_a, "{media}: the thumbnail, made again");
        }
        let again = import(to, body, media, &to.write).await;
        assert_eq!(again.body["created"]["attachments"], 0, "{}", again.body);
        assert_eq!(again.body["unchanged"]["attachments"], 2);
    }
    let (_, _, back) = raw(&b, "/api/v1/export?include_secrets=true", &b.write).await;
    let back: Value = serde_json::from_slice(&back).unwrap();
    assert_eq!(back["attachments"], doc["attachments"]);
    // Captions are found by search in the new journal too.
    assert_eq!(b.get("/api/v1/search?q=sticker").await.body["items"][0]["entity"], "attachment");
}

#[tokio::test]
async fn without_secrets_attachments_are_listed_without_their_files_and_not_imported() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    with_attachments(&a).await;
    let (_, _, json) = raw(&a, "/api/v1/export", &a.read).await;
    let doc: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["attachments"][0]["caption"], "the key sticker");
    assert!(doc["attachments"][0].get("content").is_none(), "no file without secrets");
    let r = import(&b, json, "application/json", &b.write).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["created"]["attachments"], 0);
    assert_eq!(r.body["attachments_without_file"], 2);
    assert_eq!(b.get("/api/v1/attachments?entity=license&entity_id=1").await.body["items"], json!([]));
    // The same export into the journal it came from: the rows are there, unchanged.
    let r = import(&a, serde_json::to_vec(&doc).unwrap(), "application/json", &a.write).await;
    assert_eq!(r.body["unchanged"]["attachments"], 2, "{}", r.body);
}

#[tokio::test]
async fn an_export_of_format_1_without_attachments_still_imports() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    journal(&a).await;
    let (_, _, json) = raw(&a, "/api/v1/export", &a.read).await;
    let mut doc: Value = serde_json::from_slice(&json).unwrap();
    doc["format_version"] = json!(1);
    doc.as_object_mut().unwrap().remove("attachments");
    let r = import(&b, serde_json::to_vec(&doc).unwrap(), "application/json", &b.write).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["created"]["attempts"], 4);
}

#[tokio::test]
async fn bad_attachment_rows_are_refused_naming_the_row_and_field() {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| json!(base64::engine::general_purpose::STANDARD.encode(bytes));
    let (a, b) = (spawn_app().await, spawn_app().await);
    with_attachments(&a).await;
    let (_, _, json) = raw(&a, "/api/v1/export?include_secrets=true", &a.write).await;
    let good: Value = serde_json::from_slice(&json).unwrap();
    let png = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(2, 2).write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("entity", json!("printer"), "attachments[1].entity", "unknown variant"),
        ("entity_id", json!(99), "attachments[1].entity_id", "there is no attempt 99"),
        ("entity_id", json!(0), "attachments[1].entity_id", "0 is not an id"),
        ("caption", json!("x".repeat(201)), "attachments[1].caption", "200"),
        ("media_type", json!("image/gif"), "attachments[1].media_type", "unknown variant"),
        ("content", json!("not base64!"), "attachments[1].content", "is not base64"),
        ("content", b64(&png), "attachments[1].media_type", "is image/png by its bytes, not application/pdf"),
        ("content", b64(b"GIF89a and so on"), "attachments[1].content", "is not a JPEG, PNG, WebP or PDF"),
        ("content", b64(b""), "attachments[1].content", "is empty"),
        ("content", Value::Null, "attachments[1].content", "is required in an export with secrets"),
        ("id", json!(1), "attachments[1].id", "listed twice"),
    ];
    for (field, value, at, message) in cases {
        let mut doc = good.clone();
        doc["attachments"][1][field] = value;
        let r = import(&b, serde_json::to_vec(&doc).unwrap(), "application/json", &b.write).await;
        assert_problem(&r, 422, at, message);
    }
    // A file over 20 MiB.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let mut doc = good.clone();
    doc["attachments"][1]["content"] = b64(&big);
    let r = import(&b, serde_json::to_vec(&doc).unwrap(), "application/json", &b.write).await;
    assert_problem(&r, 422, "attachments[1].content", "is larger than 20 MiB");
    // A file in an export that says it holds no secrets.
    let mut doc = good.clone();
    doc["includes_secrets"] = json!(false);
    for l in doc["licenses"].as_array_mut().unwrap() {
        l.as_object_mut().unwrap().remove("product_key");
    }
    let r = import(&b, serde_json::to_vec(&doc).unwrap(), "application/json", &b.write).await;
    assert_problem(&r, 422, "attachments[0].content", "is only in an export with secrets");
    assert_eq!(b.get("/api/v1/machines").await.body["items"], json!([]), "nothing was written");
}
