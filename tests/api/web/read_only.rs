//! A journal that cannot be written where the server runs: reads work over
//! the API and the pages; a write answers what to do — a `read-only`
//! problem (503) naming the file, and an error page in the page's language.

use super::*;
use activation_journal::startup::Application;
use std::os::unix::fs::PermissionsExt as _;

/// The journal of `app` served again, opened for reading only, its file
/// made read-only: the base URL of that server.
async fn served_read_only(app: &TestApp) -> String {
    let file = app.db_path();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let store = Store::open_read_only(&file, &app.key_path()).await.unwrap();
    assert!(store.is_read_only());
    let server = Application::build(store, "127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.addr());
    tokio::spawn(server.run_until_stopped());
    base
}

#[tokio::test]
async fn a_read_only_journal_reads_and_says_what_to_do_on_a_write() {
    let app = spawn_app().await;
    let machine = app.machine("PC 1").await;
    let mut en = Browser::signed_in(&app, &app.write, "en").await;
    let mut ja = Browser::signed_in(&app, &app.write, "ja").await;
    let base = served_read_only(&app).await;
    let file = app.db_path().display().to_string();

    // The API: reads as before; a write is a read-only problem naming the file.
    let client = reqwest::Client::new();
    let listed = client.get(format!("{base}/api/v1/machines")).bearer_auth(&app.write).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    let refused = client
        .post(format!("{base}/api/v1/machines"))
        .bearer_auth(&app.write)
        .json(&json!({"name": "PC 2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/read-only", "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("the journal {file} is read-only")), "{detail}");
    assert!(detail.contains(&format!("chmod u+w {file}")), "{detail}");
    assert!(!detail.contains("--db") && !detail.contains("commands"), "the command line's words: {detail}");
    let explained = client.get(format!("{base}/problems/read-only")).send().await.unwrap();
    assert_eq!(explained.status(), 200);
    assert!(explained.text().await.unwrap().contains("read-only"));
    let archive =
        client.delete(format!("{base}/api/v1/machines/{machine}")).bearer_auth(&app.write).send().await.unwrap();
    assert_eq!(archive.status(), 503, "an archive is a write too");

    // The pages: a session made before reads on; a write is an error page
    // in the page's language saying what to do, nothing stored.
    for (b, title, words) in [
        (&mut en, "The journal cannot be written", "whoever runs the server can make the file writable"),
        (&mut ja, "ジャーナルに書き込めません", "書き込み可能にする"),
    ] {
        b.base = base.clone();
        let page = b.get("/machines").await;
        assert_eq!(page.status, 200, "{}", b.lang);
        assert!(page.text("main").contains("PC 1"));
        let csrf = page.attr("form input[name=csrf]", "value").unwrap();
        let once = page.attr("form input[name=once]", "value").unwrap_or_default();
        let refused = b.post("/machines", &[("csrf", &csrf), ("once", &once), ("name", "PC 2")]).await;
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.text("main"));
        assert_eq!(refused.text("h1"), title, "{}", b.lang);
        let said = refused.text("main");
        assert!(said.contains(words) && said.contains(&format!("chmod u+w {file}")), "{}: {said}", b.lang);
        assert!(!said.contains("--db"), "{}: the command line's flag on a page: {said}", b.lang);
    }
    // Signing in makes a session, a write: said the same way.
    let mut new = Browser::new(&app, "ja");
    new.base = base.clone();
    let form = new.get("/sign-in").await;
    let signed = new.post("/sign-in", &[("csrf", &form.csrf()), ("token", &app.read), ("next", "/")]).await;
    assert_eq!(signed.status, StatusCode::SERVICE_UNAVAILABLE, "{}", signed.text("main"));
    assert_eq!(signed.text("h1"), "ジャーナルに書き込めません");
    let names: Vec<String> = app.all("/api/v1/machines", 10).await.iter().map(|m| m["name"].to_string()).collect();
    assert_eq!(names, ["\"PC 1\""], "nothing was stored");
}
