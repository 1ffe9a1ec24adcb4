//! Photos and files in the pages: the upload form on the license, machine,
//! case and call pages (a phone's camera offered), the list with
//! thumbnails for write sessions, archive and bring back, and the files
//! kept from read sessions.

use super::*;
use activation_journal::domain::attachment::samples::{jpeg_with_gps, GPS};

/// A multipart body of the upload form with `file`.
fn multipart(csrf: &str, once: &str, caption: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----ajtestboundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf), ("once", once), ("caption", caption)] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"box.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .bytes(),
    );
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Browser {
    async fn upload(&self, path: &str, content_type: &str, body: Vec<u8>) -> PageAnswer {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("accept-language", self.lang)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        Self::answer(res).await
    }

    async fn bytes(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        (res.status(), res.headers().clone(), res.bytes().await.unwrap().to_vec())
    }
}

#[tokio::test]
async fn a_photo_is_attached_from_a_license_page_and_shown_to_write_sessions_only() {
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let page = b.get(&format!("/licenses/{license}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.text("#attachments h2"), "Photos and files");
    let input = format!("form[action=\"/licenses/{license}/attachments\"] input[type=file]");
    assert_eq!(page.attr(&input, "accept").as_deref(), Some("image/*,application/pdf"));
    assert!(page.attr(&input, "capture").is_some(), "a phone's camera is offered");
    assert_eq!(page.attr("form.upload", "enctype").as_deref(), Some("multipart/form-data"));

    let csrf = page.attr("form.upload input[name=csrf]", "value").unwrap();
    let once = page.attr("form.upload input[name=once]", "value").unwrap();
    let (ct, body) = multipart(&csrf, &once, "the box", &jpeg_with_gps());
    let done = b.upload(&format!("/licenses/{license}/attachments"), &ct, body.clone()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html.html());
    assert_eq!(done.location(), format!("/licenses/{license}#attachments"));
    // Sent again with the same one-time key: stored once.
    b.upload(&format!("/licenses/{license}/attachments"), &ct, body).await;

    let page = b.get(&format!("/licenses/{license}")).await;
    assert_eq!(page.all("ul.files li").len(), 1);
    assert_eq!(page.text("ul.files .caption"), "the box");
    let src = page.attr("ul.files img", "src").expect("a thumbnail");
    let (status, headers, thumb) = b.bytes(&src).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (StatusCode::OK, "image/jpeg"));
    assert!(image::load_from_memory(&thumb).is_ok());
    let href = page.attr("ul.files a", "href").unwrap();
    let (status, headers, file) = b.bytes(&href).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert!(!file.windows(GPS.len()).any(|w| w == GPS));

    // A read session sees it is there, not the picture.
    let reader = Browser::signed_in(&app, &app.read, "ja").await;
    let seen = reader.get(&format!("/licenses/{license}")).await;
    assert_eq!(seen.text("#attachments h2"), "写真・添付ファイル");
    assert_eq!(seen.all("ul.files li").len(), 1);
    assert!(seen.all("ul.files img").is_empty());
    assert!(seen.all("form.upload").is_empty());
    assert_eq!(reader.bytes(&href).await.0, StatusCode::FORBIDDEN);
    assert_eq!(reader.bytes(&src).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_attachment_is_archived_and_brought_back_from_its_page() {
    let app = spawn_app().await;
    let machine = app.machine("PC 1").await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let page = b.get(&format!("/machines/{machine}")).await;
    let csrf = page.attr("form.upload input[name=csrf]", "value").unwrap();
    let (ct, body) = multipart(&csrf, "", "receipt", b"%PDF-1.4 receipt");
    assert_eq!(b.upload(&format!("/machines/{machine}/attachments"), &ct, body).await.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/machines/{machine}")).await;
    assert_eq!(page.text("ul.files .file-kind"), "PDF");
    let action = page.attr("ul.files form", "action").unwrap();
    assert!(action.ends_with("/archive"), "{action}");
    let done = b.post(&action, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/machines/{machine}")).await;
    assert!(page.attr("ul.files li", "class").unwrap().contains("archived"));
    let back = page.attr("ul.files form", "action").unwrap();
    assert!(back.ends_with("/unarchive"));
    assert_eq!(b.post(&back, &[("csrf", &csrf)]).await.status, StatusCode::SEE_OTHER);
    // Without the CSRF token, nothing is stored.
    let (ct, body) = multipart("forged", "", "x", b"%PDF-1.4");
    assert_eq!(b.upload(&format!("/machines/{machine}/attachments"), &ct, body).await.status, StatusCode::FORBIDDEN);
    // A file that is not a photo or PDF is refused on the machine's page.
    let (ct, body) = multipart(&csrf, "", "x", b"GIF89a");
    let refused = b.upload(&format!("/machines/{machine}/attachments"), &ct, body).await;
    assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(refused.text("#attach-file-error").contains("not a JPEG, PNG, WebP or PDF"));
}

#[tokio::test]
async fn an_upload_refused_shows_the_entitys_page_again_with_the_reason_beside_the_field() {
    let app = spawn_app().await;
    let (machine, license) = app.machine_and_license("PC 1", "retail_box").await;
    let case = app.create("/api/v1/cases", serde_json::json!({"machine_id": machine, "license_id": license})).await
        ["id"]
        .as_i64()
        .unwrap();
    let mut big = b"%PDF-1.4 ".to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let long = "x".repeat(201);
    // (file, caption, status, the field the message is beside, its words in en and ja)
    type Case<'a> = (&'a [u8], &'a str, StatusCode, &'a str, &'a str, &'a str);
    let cases: [Case; 5] = [
        (
            b"GIF89a",
            "a gif",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file",
            "not a JPEG, PNG, WebP or PDF",
            "JPEG、PNG、WebP、PDF のどれでもありません",
        ),
        (b"", "nothing", StatusCode::UNPROCESSABLE_ENTITY, "file", "is empty", "ファイルが空です"),
        (b"%PDF-1.4 r", &long, StatusCode::UNPROCESSABLE_ENTITY, "caption", "200", "200"),
        (b"%PDF-1.4 r", "key \u{202e}4321", StatusCode::UNPROCESSABLE_ENTITY, "caption", "U+202E", "U+202E"),
        (&big, "", StatusCode::PAYLOAD_TOO_LARGE, "file", "larger than 20 MiB", "20 MiB を超えています"),
    ];
    for (lang, heading) in [("en", "Photos and files"), ("ja", "写真・添付ファイル")] {
        let b = Browser::signed_in(&app, &app.write, lang).await;
        let pages = [
            (format!("/licenses/{license}"), "license"),
            (format!("/machines/{machine}"), "machine"),
            (format!("/cases/{case}"), "case"),
        ];
        for (path, page_marker) in pages {
            let page = b.get(&path).await;
            let csrf = page.attr("form.upload input[name=csrf]", "value").unwrap();
            for (file, caption, status, field, en, ja) in &cases {
                let (ct, body) = multipart(&csrf, "", caption, file);
                let refused = b.upload(&format!("{path}/attachments"), &ct, body).await;
                let what = format!("{lang} {page_marker} {field} {status}");
                assert_eq!(refused.status, *status, "{what}: {}", refused.text("main"));
                assert_eq!(refused.text("#attachments h2"), heading, "{what}: the entity's page again");
                assert_eq!(
                    refused.attr("form.upload", "action").as_deref(),
                    Some(format!("{path}/attachments").as_str())
                );
                let said = refused.text(&format!("#attach-{field}-error"));
                assert!(said.contains(if lang == "en" { en } else { ja }), "{what}: {said}");
                assert_eq!(
                    refused.attr(&format!("#attach-{field}"), "aria-describedby").as_deref(),
                    Some(format!("attach-{field}-error").as_str())
                );
                if *status != StatusCode::PAYLOAD_TOO_LARGE {
                    assert_eq!(
                        refused.attr("#attach-caption", "value").as_deref(),
                        Some(*caption),
                        "{what}: typed kept"
                    );
                }
            }
        }
    }
    for (entity, id) in [("license", license), ("machine", machine), ("case", case)] {
        let listed = app.get(&format!("/api/v1/attachments?entity={entity}&entity_id={id}")).await;
        assert_eq!(listed.body["items"], serde_json::json!([]), "nothing was stored");
    }
}

#[tokio::test]
async fn a_caption_is_edited_from_its_entitys_page_and_a_stale_form_comes_back_409() {
    use super::edit::edited;
    let app = spawn_app().await;
    let license = app.license("retail_box").await;
    let b = Browser::signed_in(&app, &app.write, "ja").await;
    let page = b.get(&format!("/licenses/{license}")).await;
    let csrf = page.attr("form.upload input[name=csrf]", "value").unwrap();
    let (ct, body) = multipart(&csrf, "", "the box", b"%PDF-1.4 box");
    assert_eq!(b.upload(&format!("/licenses/{license}/attachments"), &ct, body).await.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/licenses/{license}")).await;
    let edit = page.attr("ul.files a[href$='/edit']", "href").expect("an edit link");
    assert_eq!(page.text("ul.files a[href$='/edit']"), "説明を編集");
    let id: i64 = edit.trim_start_matches("/attachments/").trim_end_matches("/edit").parse().unwrap();
    let api = format!("/api/v1/attachments/{id}");

    let form = b.get(&edit).await;
    assert_eq!(form.status, 200);
    assert_eq!(form.text("label[for=caption]"), "説明 (何が写っているか)");
    let sent = edited(&b, &edit, &[("caption", "the sticker")]).await;
    let saved = b.post(&edit, &pairs(&sent)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text("main"));
    assert_eq!(saved.location(), format!("/licenses/{license}#attachment-{id}"));
    assert_eq!(app.get(&api).await.body["caption"], "the sticker");

    // Wrong: beside the field, in the page's language, nothing written.
    let sent = edited(&b, &edit, &[("caption", "a\u{202e}b")]).await;
    let refused = b.post(&edit, &pairs(&sent)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text("main"));
    assert!(refused.text("main").contains("U+202E"), "{}", refused.text("main"));
    assert_eq!(app.get(&api).await.body["caption"], "the sticker");

    // Changed meanwhile through the API: 409, both values to choose from.
    let opened = edited(&b, &edit, &[("caption", "mine")]).await;
    assert_eq!(app.patch(&api, serde_json::json!({"caption": "theirs"})).await.status, 200);
    let stale = b.post(&edit, &pairs(&opened)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.text("#caption .typed"), "mine");
    assert_eq!(stale.text("#caption .stored"), "theirs");
    assert_eq!(app.get(&api).await.body["caption"], "theirs");

    // A read session has no edit link and no form.
    let reader = Browser::signed_in(&app, &app.read, "en").await;
    assert!(reader.get(&format!("/licenses/{license}")).await.all("ul.files a[href$='/edit']").is_empty());
    assert_eq!(reader.get(&edit).await.status, StatusCode::FORBIDDEN);
}
