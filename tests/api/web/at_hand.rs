//! What to have at hand for the license about to be activated, on the
//! home page and the call form (served with the license of the query
//! string; the block alone at `/calls/at-hand` for the form's script): the
//! answers given on its past calls, a key only masked, and its photos —
//! thumbnails for a write session, only that they exist for a read one.

use super::*;
use activation_journal::domain::attachment::samples::jpeg_with_gps;

/// A license with a call that asked three things (one answered with the
/// key, one not answered) and a photo of its box: (machine, license).
async fn license_with_a_past_call(app: &TestApp) -> (i64, i64) {
    let (m, l) = app.machine_and_license("PC 1", "retail_download").await;
    app.attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:00:00+09:00",
        "operator_outcome": "reached", "result": "not_activated", "failure_reason": "other",
        "questions": [{"topic": "box_colour", "question": "what colour is the box?", "answer": "blue"},
                      {"topic": "purchase_site", "question": "where was it bought?"},
                      {"topic": "product_key", "answer": format!("it is {KEY}")}]}))
        .await;
    let res = app
        .client
        .post(format!("{}/api/v1/attachments?entity=license&entity_id={l}&caption=the%20box", app.base))
        .bearer_auth(&app.write)
        .header("Content-Type", "application/octet-stream")
        .body(jpeg_with_gps())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    (m, l)
}

fn no_key_in(page: &PageAnswer) {
    let html = page.html.html();
    assert!(!html.contains(KEY) && !html.contains("GCRJD"), "the key in full on a page");
}

#[tokio::test]
async fn the_home_page_has_at_hand_the_answers_given_on_an_open_cases_past_calls_and_its_photos() {
    let app = spawn_app().await;
    let (_, l) = license_with_a_past_call(&app).await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    let card = format!("#at-hand-{l}");
    assert!(home.text(&format!("{card} h3")).starts_with("Have at hand for Windows 8.1 Pro"));
    let text = home.text(&card);
    for said in [
        "Box colour",
        "blue",
        "“what colour is the box?”",
        "Where it was bought",
        "not answered then",
        "9D6T9",
        "the box",
    ] {
        assert!(text.contains(said), "{said:?} in {text}");
    }
    assert!(home.attr(&format!("{card} ul.files img"), "src").unwrap().ends_with("/thumbnail"));
    no_key_in(&home);

    let r = Browser::signed_in(&app, &app.read, "ja").await;
    let home = r.get("/").await;
    assert!(home.text(&card).contains("パッケージの色"), "{}", home.text(&card));
    assert!(home.text(&card).contains("前回は答えられませんでした"));
    assert!(home.all(&format!("{card} ul.files img")).is_empty(), "a read session sees no photo");
    assert_eq!(home.text(&format!("{card} ul.files .file-kind")), "JPG", "only that it exists");
    assert!(home.all(&format!("{card} a[href*='/file']")).is_empty());
    no_key_in(&home);
}

#[tokio::test]
async fn the_call_form_shows_what_to_have_at_hand_for_the_license_of_the_query_string() {
    let app = spawn_app().await;
    let (m, l) = license_with_a_past_call(&app).await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let none = b.get("/calls/new").await;
    assert_eq!(none.status, 200);
    assert!(none.all("#at-hand .at-hand").is_empty(), "no license chosen: nothing at hand yet");
    let form = b.get(&format!("/calls/new?machine_id={m}&license_id={l}")).await;
    let text = form.text("#at-hand");
    assert!(text.contains("blue") && text.contains("the box"), "{text}");
    assert_eq!(form.attr("#at-hand .at-hand", "data-license-id"), Some(l.to_string()));
    assert!(form.all("#at-hand form").is_empty(), "no form inside the call form");
    no_key_in(&form);

    // The block alone, as the script asks for it when the license changes.
    let alone = b.get(&format!("/calls/at-hand?license_id={l}")).await;
    assert_eq!(alone.status, 200);
    assert!(alone.text(".at-hand").contains("blue"));
    no_key_in(&alone);
    let ja = Browser::signed_in(&app, &app.write, "ja").await;
    assert!(ja.get(&format!("/calls/at-hand?license_id={l}")).await.text(".at-hand h3").contains("手元に用意するもの"));
    for empty in ["", "new"] {
        let page = b.get(&format!("/calls/at-hand?license_id={empty}")).await;
        assert_eq!(page.status, 200);
        assert!(page.all(".at-hand").is_empty(), "{empty:?}: no block");
    }
}

#[tokio::test]
async fn the_at_hand_block_refuses_an_id_that_is_not_one_and_a_license_that_is_not_there() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let bad = b.get("/calls/at-hand?license_id=x1").await;
    assert_eq!(bad.status, 400);
    assert!(bad.text("main").contains("license_id: \"x1\" is not a number"), "{}", bad.text("main"));
    let missing = b.get("/calls/at-hand?license_id=999").await;
    assert_eq!(missing.status, 404);
    assert!(missing.text("main").contains("999"), "{}", missing.text("main"));
    let ja = Browser::signed_in(&app, &app.write, "ja").await;
    assert_eq!(ja.get("/calls/at-hand?license_id=x1").await.status, 400);
    let l = app.license("oem").await;
    app.delete(&format!("/api/v1/licenses/{l}")).await;
    assert_eq!(b.get(&format!("/calls/at-hand?license_id={l}")).await.status, 404, "an archived license");
    // A form asking for a license that is not there is still the form.
    assert_eq!(b.get("/calls/new?license_id=999").await.status, 200);
}
