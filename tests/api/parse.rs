//! `POST /api/v1/parse/slmgr`: pasted `slmgr` output, English and Japanese.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

const DLV_EN: &str = "Software licensing service version: 6.3.9600.17415

Name: Windows(R), Professional edition
Description: Windows(R) Operating System, RETAIL channel
Activation ID: c06b6981-d7fd-4a35-b7b4-054742b7af67
Application ID: 55c92734-d682-4d71-983e-d6ec3f16059f
Extended PID: 06401-02508-000-000000-00-1041-9600.0000-1342014
Product Key Channel: Retail
Installation ID: 508760583450367066786558223034732344271525457574499727444472481
Partial Product Key: 9D6T9
License Status: Notification
Notification Reason: 0xC004F200 (non-genuine).
Remaining Windows rearm count: 1000
Trusted time: 2014/05/09 18:02:11
";

const DLV_JA: &str = "ソフトウェア ライセンス サービスのバージョン: 6.3.9600.17415

名前: Windows(R), Core edition
説明: Windows(R) Operating System, OEM_DM channel
アクティブ化 ID: c72c6a1d-f252-4e7e-bdd1-3fca342acb35
拡張 PID: 00180-60000-00000-AA586
プロダクト キー チャネル: OEM:DM
インストール ID: 508760583450367066786558223034732344271525457574499727444472481
プロダクト キーの一部: 3V66T
ライセンスの状態: ライセンスされています
";

async fn paste(app: &TestApp, token: Option<&str>, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let mut req = app.client.post(format!("{}/api/v1/parse/slmgr", app.base)).header("content-type", content_type);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.body(body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn english_and_japanese_dlv_are_read_with_any_token_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (status, en) = paste(&app, Some(&app.read), "text/plain", DLV_EN.into()).await;
    assert_eq!(status, 200, "{en}");
    assert_eq!(en["edition"], "Professional");
    assert_eq!(en["channel"], Value::Null);
    assert_eq!(en["windows_channel"], "RETAIL");
    assert_eq!(en["partial_product_key"], "9D6T9");
    assert_eq!(en["license_status"], "Notification");
    assert_eq!(en["installation_id"], "5087605-8345036-7066786-5582230-3473234-4271525-4575744-9972744-4472481");
    assert_eq!(en["unrecognised"], serde_json::json!([]));
    let (status, ja) = paste(&app, Some(&app.write), "text/plain; charset=utf-8", DLV_JA.into()).await;
    assert_eq!(status, 200, "{ja}");
    assert_eq!(ja["edition"], "Core");
    assert_eq!(ja["channel"], "oem");
    assert_eq!(ja["partial_product_key"], "3V66T");
    assert_eq!(ja["license_status"], "ライセンスされています");
    let (_, dti) = paste(
        &app,
        Some(&app.read),
        "text/plain",
        "インストール ID: 5087605-8345036-7066786-5582230-3473234-4271525-4575744-9972744-4472481\nhello".into(),
    )
    .await;
    assert_eq!(dti["edition"], Value::Null);
    assert_eq!(dti["unrecognised"], serde_json::json!(["hello"]));
    assert_eq!(app.all("/api/v1/licenses", 50).await.len(), 0);
}

#[tokio::test]
async fn bad_pastes_are_refused_with_their_reason() {
    let app = spawn_app().await;
    let bad_iid = format!("Installation ID: {IID_GROUP7_BAD}");
    for (token, content_type, body, status, field, message) in [
        (Some(app.read.as_str()), "text/plain", bad_iid.into_bytes(), 422, "installation_id", "group 7 does not check"),
        (Some(app.read.as_str()), "text/plain", b"   \n ".to_vec(), 422, "body", "is empty"),
        (Some(app.read.as_str()), "text/plain", vec![0xff, 0xfe, 0x41], 422, "body", "is not UTF-8"),
        (Some(app.read.as_str()), "application/json", b"{}".to_vec(), 415, "", "text/plain"),
        (Some(app.read.as_str()), "text/plain", vec![b'a'; 70 * 1024], 413, "", "larger than"),
        (None, "text/plain", DLV_EN.as_bytes().to_vec(), 401, "", "Bearer"),
    ] {
        let (got, body) = paste(&app, token, content_type, body).await;
        assert_eq!(got.as_u16(), status, "{body}");
        let detail = body["detail"].as_str().unwrap_or("");
        assert!(detail.contains(message), "{detail}");
        if !field.is_empty() {
            assert_eq!(body["errors"][0]["field"], field);
        }
    }
}
