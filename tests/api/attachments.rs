//! Attachments: upload (sniffed, stripped, sealed, thumbnailed), list,
//! download with its headers, who may read the bytes, archive, search.

use activation_journal::domain::attachment::samples::{jpeg_with_gps, pdf, GPS};
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app, Answer, TestApp};

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Send raw bytes with a token.
pub(crate) async fn upload(app: &TestApp, query: &str, token: &str, bytes: Vec<u8>) -> Answer {
    let res = app
        .client
        .post(format!("{}/api/v1/attachments?{query}", app.base))
        .bearer_auth(token)
        .header("Content-Type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("request failed");
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, headers, body }
}

/// GET raw bytes with a token: status, headers, body.
pub(crate) async fn fetch(app: &TestApp, path: &str, token: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = app.client.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_photo_is_stored_without_its_location_and_served_with_safe_headers() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let jpeg = jpeg_with_gps();
    let a = upload(&app, &format!("entity=license&entity_id={license}&caption=the%20box"), &app.write, jpeg).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["media_type"], "image/jpeg");
    assert_eq!(a.body["caption"], "the box");
    assert_eq!(a.body["thumbnail"], true);
    assert!(a.headers.get("etag").is_some());
    let id = a.body["id"].as_i64().unwrap();
    assert_eq!(a.headers["location"], format!("/api/v1/attachments/{id}").as_str());

    let (status, headers, body) = fetch(&app, &format!("/api/v1/attachments/{id}/file"), &app.write).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-disposition"], format!("attachment; filename=\"attachment-{id}.jpg\"").as_str());
    assert!(!contains(&body, GPS), "the GPS bytes are gone");
    assert_eq!(body.len() as i64, a.body["size"].as_i64().unwrap());
    assert!(image::load_from_memory(&body).is_ok(), "still a picture");

    let (status, headers, thumb) = fetch(&app, &format!("/api/v1/attachments/{id}/thumbnail"), &app.write).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "image/jpeg"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let t = image::load_from_memory(&thumb).unwrap();
    assert!(t.width() <= 320 && t.height() <= 320);

    let list = app.get(&format!("/api/v1/attachments?entity=license&entity_id={license}")).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["items"][0]["id"], id);
}

#[tokio::test]
async fn read_tokens_see_attachments_exist_but_cannot_fetch_or_add_them() {
    let app = spawn_app().await;
    let machine = app.machine("PC 1").await;
    let a = upload(&app, &format!("entity=machine&entity_id={machine}"), &app.write, pdf("receipt")).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let id = a.body["id"].as_i64().unwrap();
    assert_eq!(a.body["thumbnail"], false);
    let listed = app
        .send(Method::GET, &format!("/api/v1/attachments?entity=machine&entity_id={machine}"), Some(&app.read), None)
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["items"][0]["media_type"], "application/pdf");
    for path in [format!("/api/v1/attachments/{id}/file"), format!("/api/v1/attachments/{id}/thumbnail")] {
        let (status, _, body) = fetch(&app, &path, &app.read).await;
        assert_eq!(status, 403, "{path}");
        assert!(!contains(&body, b"receipt"));
    }
    let refused = upload(&app, &format!("entity=machine&entity_id={machine}"), &app.read, pdf("x")).await;
    assert_eq!(refused.status, 403);
    let (status, _, _) = fetch(&app, &format!("/api/v1/attachments/{id}/thumbnail"), &app.write).await;
    assert_eq!(status, 404, "a PDF has no thumbnail");
}

#[tokio::test]
async fn the_bytes_are_sealed_in_the_journal_file() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let marker = "STICKER-KEY-TEXT-7Q2W9";
    let a = upload(&app, &format!("entity=license&entity_id={license}"), &app.write, pdf(marker)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let mut raw = std::fs::read(app.db_path()).unwrap();
    raw.extend(std::fs::read(format!("{}-wal", app.db_path().display())).unwrap_or_default());
    assert!(!contains(&raw, marker.as_bytes()), "the file's text is not in the database in clear");
    let (_, _, body) = fetch(&app, &format!("/api/v1/attachments/{}/file", a.body["id"]), &app.write).await;
    assert!(contains(&body, marker.as_bytes()), "and it opens again");
}

#[tokio::test]
async fn every_upload_field_sent_wrong_is_refused_with_its_message() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let ok = format!("entity=license&entity_id={license}");
    let long = "x".repeat(201);
    let cases: Vec<(String, Vec<u8>, u16, &str, &str)> = vec![
        (format!("{ok}&caption={long}"), pdf("a"), 422, "caption", "200"),
        (format!("{ok}&caption=a%07b"), pdf("a"), 422, "caption", "control"),
        (format!("{ok}&caption=a%0Ab"), pdf("a"), 422, "caption", ""),
        (format!("entity=printer&entity_id={license}"), pdf("a"), 400, "entity", "expected one of"),
        ("entity=license&entity_id=0".into(), pdf("a"), 400, "entity_id", ""),
        ("entity=license&entity_id=abc".into(), pdf("a"), 400, "entity_id", ""),
        ("entity=license".into(), pdf("a"), 400, "entity_id", "is required"),
        ("entity=license&entity_id=999".into(), pdf("a"), 422, "entity_id", "999"),
        (ok.clone(), Vec::new(), 422, "file", "is empty"),
        (format!("{ok}&colour=red"), pdf("a"), 400, "colour", ""),
    ];
    for (query, bytes, status, field, message) in cases {
        let a = upload(&app, &query, &app.write, bytes).await;
        assert_problem(&a, status, field, message);
    }
    let gif = upload(&app, &ok, &app.write, b"GIF89a\x01\x00\x01\x00".to_vec()).await;
    assert_eq!(gif.status, 415, "{}", gif.body);
    assert!(gif.body["detail"].as_str().unwrap().contains("not a JPEG, PNG, WebP or PDF"));
    let html = upload(&app, &ok, &app.write, b"<html><script>alert(1)</script>".to_vec()).await;
    assert_eq!(html.status, 415);
}

#[tokio::test]
async fn a_file_over_20_mib_is_413() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let mut big = pdf("big");
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let a = upload(&app, &format!("entity=license&entity_id={license}"), &app.write, big).await;
    assert_eq!(a.status, 413, "{}", a.body);
    assert!(a.body["detail"].as_str().unwrap().contains("20 MiB"));
}

#[tokio::test]
async fn attachments_are_archived_brought_back_and_found_by_caption() {
    let app = spawn_app().await;
    let case_machine = app.machine("PC 9").await;
    let a = upload(
        &app,
        &format!("entity=machine&entity_id={case_machine}&caption=Receipt%20from%20Softmart"),
        &app.write,
        pdf("r"),
    )
    .await;
    let id = a.body["id"].as_i64().unwrap();
    let found = app.get("/api/v1/search?q=softmart").await;
    assert_eq!(found.status, 200);
    assert_eq!(found.body["items"][0]["entity"], "attachment", "{}", found.body);
    assert_eq!(found.body["items"][0]["id"], id);

    assert_eq!(app.delete(&format!("/api/v1/attachments/{id}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/attachments/{id}")).await.status, 404);
    let (status, _, _) = fetch(&app, &format!("/api/v1/attachments/{id}/file"), &app.write).await;
    assert_eq!(status, 404);
    let listed = app.get(&format!("/api/v1/attachments?entity=machine&entity_id={case_machine}")).await;
    assert_eq!(listed.body["items"], serde_json::json!([]));
    let again = app.delete(&format!("/api/v1/attachments/{id}")).await;
    assert_eq!(again.status, 409);
    assert!(app.get("/api/v1/search?q=softmart").await.body["items"].as_array().unwrap().is_empty());

    let back = app.send(Method::POST, &format!("/api/v1/attachments/{id}/unarchive"), Some(&app.write), None).await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(back.headers.get("etag").is_some());
    let shown = app.get(&format!("/api/v1/attachments/{id}")).await;
    assert_eq!(shown.body["archived_at"], Value::Null);
    assert_eq!(shown.headers["etag"], back.headers["etag"]);
    let stale = app.send_if_match(Method::DELETE, &format!("/api/v1/attachments/{id}"), "\"nope\"", None).await;
    assert_eq!(stale.status, 412);
}

#[tokio::test]
async fn attachments_of_a_row_that_does_not_exist_are_not_found() {
    let app = spawn_app().await;
    let a = app.get("/api/v1/attachments?entity=case&entity_id=42").await;
    assert_eq!(a.status, 404, "{}", a.body);
    let b = app.get("/api/v1/attachments?entity=case").await;
    assert_problem(&b, 400, "entity_id", "is required");
}

#[tokio::test]
async fn a_missing_key_file_refuses_an_upload_as_it_refuses_a_product_key() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let first = upload(&app, &format!("entity=license&entity_id={license}"), &app.write, pdf("one")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    std::fs::remove_file(app.key_path()).unwrap();
    let a = upload(&app, &format!("entity=license&entity_id={license}"), &app.write, pdf("two")).await;
    assert_eq!(a.status, 503, "{}", a.body);
    assert!(a.body["detail"].as_str().unwrap().contains("is missing"), "{}", a.body);
    assert!(!app.key_path().exists(), "no new key file is made over the journal's sealed files");
}

#[tokio::test]
async fn a_caption_is_changed_with_if_match_audited_and_found_by_its_new_words() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let a = upload(&app, &format!("entity=license&entity_id={license}&caption=the%20box"), &app.write, pdf("c")).await;
    let (id, etag) = (a.body["id"].as_i64().unwrap(), a.headers["etag"].to_str().unwrap().to_string());
    let path = format!("/api/v1/attachments/{id}");

    let changed = app
        .send_if_match(Method::PATCH, &path, &etag, Some(&serde_json::json!({"caption": "  Receipt from Softmart "})))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["caption"], "Receipt from Softmart");
    assert_eq!(changed.body["size"], a.body["size"], "the file stays");
    assert_ne!(changed.headers["etag"].to_str().unwrap(), etag);

    let stale = app.send_if_match(Method::PATCH, &path, &etag, Some(&serde_json::json!({"caption": "late"}))).await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    assert_eq!(stale.body["caption"], "Receipt from Softmart", "nothing was changed; the row as it is now");

    let found = app.get("/api/v1/search?q=softmart").await;
    assert_eq!(found.body["items"][0]["id"], id, "{}", found.body);
    assert!(
        app.get("/api/v1/search?q=box").await.body["items"].as_array().unwrap().is_empty(),
        "the old words are gone"
    );
    let audit = app.get("/api/v1/audit?entity=attachment").await;
    let update = audit.body["items"].as_array().unwrap().iter().find(|e| e["action"] == "update").cloned();
    assert_eq!(update.expect("an audit row")["fields"], serde_json::json!(["caption"]), "{}", audit.body);

    let cleared = app.patch(&path, serde_json::json!({"caption": null})).await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert_eq!(cleared.body["caption"], Value::Null);
}

#[tokio::test]
async fn every_caption_sent_wrong_in_a_patch_is_refused_with_its_message() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let a = upload(&app, &format!("entity=license&entity_id={license}"), &app.write, pdf("w")).await;
    let path = format!("/api/v1/attachments/{}", a.body["id"]);
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (serde_json::json!({"caption": "x".repeat(201)}), 422, "caption", "200"),
        (serde_json::json!({"caption": "a\u{7}b"}), 422, "caption", "U+0007"),
        (serde_json::json!({"caption": "a\nb"}), 422, "caption", "U+000A"),
        (serde_json::json!({"caption": "key \u{202e}4321"}), 422, "caption", "U+202E"),
        (serde_json::json!({"caption": 7}), 422, "caption", "string"),
        (serde_json::json!({}), 422, "body", "names no field to change"),
        (serde_json::json!({"media_type": "image/png"}), 422, "media_type", "unknown field"),
    ];
    for (body, status, field, message) in cases {
        let answer = app.patch(&path, body.clone()).await;
        assert_problem(&answer, status, field, message);
    }
    let read = app.send(Method::PATCH, &path, Some(&app.read), Some(&serde_json::json!({"caption": "x"}))).await;
    assert_eq!(read.status, 403, "{}", read.body);
    let missing = app.patch("/api/v1/attachments/999", serde_json::json!({"caption": "x"})).await;
    assert_eq!(missing.status, 404, "{}", missing.body);
}

#[tokio::test]
async fn attachments_go_with_the_row_they_belong_to_and_come_back_with_it() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let call = app
        .attempt(serde_json::json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:00:00+09:00"}))
        .await;
    let on = |entity: &str, id: &Value, caption: &str| format!("entity={entity}&entity_id={id}&caption={caption}");
    let mut ids = Vec::new();
    for (query, bytes) in [
        (on("license", &Value::from(l), "boxgreen"), pdf("a")),
        (on("attempt", &call["id"], "screenshotred"), pdf("b")),
        (on("case", &call["case_id"], "mailblue"), pdf("c")),
        (on("license", &Value::from(l), "receiptgrey"), pdf("d")),
    ] {
        let a = upload(&app, &query, &app.write, bytes).await;
        assert_eq!(a.status, 201, "{}", a.body);
        ids.push(a.body["id"].as_i64().unwrap());
    }
    // The receipt was a mistake, archived on its own before the license.
    assert_eq!(app.delete(&format!("/api/v1/attachments/{}", ids[3])).await.status, 204);
    assert_eq!(app.delete(&format!("/api/v1/licenses/{l}")).await.status, 204);

    for id in &ids[..3] {
        assert_eq!(app.get(&format!("/api/v1/attachments/{id}")).await.status, 404, "attachment {id} went with it");
        let (status, _, _) = fetch(&app, &format!("/api/v1/attachments/{id}/file"), &app.write).await;
        assert_eq!(status, 404);
    }
    for word in ["boxgreen", "screenshotred", "mailblue"] {
        let found = app.get(&format!("/api/v1/search?q={word}")).await;
        assert_eq!(found.body["items"], serde_json::json!([]), "{word}: {}", found.body);
    }
    let listed = app.get(&format!("/api/v1/attachments?entity=license&entity_id={l}&include_archived=true")).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.body["items"][0]["archived_at"].is_string(), "answered with its license's stamp: {}", listed.body);
    // Not alone, while its license is archived: 409 naming the license.
    let alone = app.post(&format!("/api/v1/attachments/{}/unarchive", ids[0]), serde_json::json!({})).await;
    assert_eq!(alone.status, 409, "{}", alone.body);
    assert!(alone.body.to_string().contains(&format!("license {l}")), "{}", alone.body);
    let again = app.delete(&format!("/api/v1/attachments/{}", ids[1])).await;
    assert_eq!(again.status, 409, "already archived, through its call's license");

    assert_eq!(app.post(&format!("/api/v1/licenses/{l}/unarchive"), serde_json::json!({})).await.status, 200);
    for id in &ids[..3] {
        let shown = app.get(&format!("/api/v1/attachments/{id}")).await;
        assert_eq!(shown.status, 200, "attachment {id} came back: {}", shown.body);
        assert_eq!(shown.body["archived_at"], Value::Null);
    }
    assert_eq!(app.get("/api/v1/search?q=mailblue").await.body["items"][0]["id"], ids[2]);
    assert_eq!(app.get(&format!("/api/v1/attachments/{}", ids[3])).await.status, 404, "archived on its own stays");
    let live = app.get(&format!("/api/v1/attachments?entity=license&entity_id={l}")).await;
    assert_eq!(live.body["items"].as_array().map(Vec::len), Some(1), "{}", live.body);
}
