//! The web pages at HTML level: sign-in and sessions, CSRF, read sessions,
//! the call form (errors beside their fields, typed values kept, both
//! languages), `slmgr` paste, the live ID check, and every page rendering.
//! Pages are parsed with a real HTML parser (scraper).

use crate::helpers::*;
use activation_journal::domain::Scope;
use activation_journal::store::{Actor, Store};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::json;

mod at_hand;
mod attachments;
mod calendar;
mod edit;
mod read_only;

/// A browser: keeps cookies, does not follow redirects.
struct Browser {
    client: reqwest::Client,
    base: String,
    lang: &'static str,
}

struct PageAnswer {
    status: StatusCode,
    headers: HeaderMap,
    html: Html,
}

impl PageAnswer {
    fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap();
        self.html.select(&sel).collect()
    }

    fn text(&self, css: &str) -> String {
        self.all(css).first().map(|e| e.text().collect::<String>().trim().to_string()).unwrap_or_default()
    }

    fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.all(css).first().and_then(|e| e.value().attr(name)).map(str::to_string)
    }

    fn location(&self) -> String {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    /// The page's CSRF token (from its first form).
    fn csrf(&self) -> String {
        self.attr("input[name=csrf]", "value").expect("a form with a CSRF token")
    }
}

impl Browser {
    fn new(app: &TestApp, lang: &'static str) -> Self {
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { client, base: app.base.clone(), lang }
    }

    async fn answer(res: reqwest::Response) -> PageAnswer {
        let status = res.status();
        let headers = res.headers().clone();
        let html = Html::parse_document(&res.text().await.unwrap());
        PageAnswer { status, headers, html }
    }

    async fn get(&self, path: &str) -> PageAnswer {
        let res =
            self.client.get(format!("{}{path}", self.base)).header("accept-language", self.lang).send().await.unwrap();
        Self::answer(res).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> PageAnswer {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("accept-language", self.lang)
            .form(fields)
            .send()
            .await
            .unwrap();
        Self::answer(res).await
    }

    /// Sign in with `token` through the form.
    async fn signed_in(app: &TestApp, token: &str, lang: &'static str) -> Self {
        let b = Browser::new(app, lang);
        let form = b.get("/sign-in").await;
        let done = b.post("/sign-in", &[("csrf", &form.csrf()), ("token", token), ("next", "/")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        b
    }
}

#[tokio::test]
async fn pages_need_a_session_that_signing_in_sets_strictly() {
    let app = spawn_app().await;
    let b = Browser::new(&app, "en");
    let home = b.get("/attempts?result=activated").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/sign-in?next=%2Fattempts%3Fresult%3Dactivated");

    let form = b.get("/sign-in").await;
    assert_eq!(form.status, 200);
    assert_eq!(form.text("h1"), "Sign in");
    assert_eq!(form.attr("label[for=token]", "for").as_deref(), Some("token"));
    assert_eq!(form.attr("input#token", "name").as_deref(), Some("token"));
    let csrf = form.csrf();

    // Without the form's CSRF token: 403.
    let forged = b.post("/sign-in", &[("token", &app.write)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = b.post("/sign-in", &[("csrf", "x"), ("token", &app.write)]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // A token that is not one: the form again, the reason beside the field.
    let bad = b.post("/sign-in", &[("csrf", &csrf), ("token", "aj_nope")]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.text("#token-error"), "This token is not known or was revoked.");
    let empty = b.post("/sign-in", &[("csrf", &csrf), ("token", " ")]).await;
    assert_eq!(empty.text("#token-error"), "Paste a token first.");

    let ok = b.post("/sign-in", &[("csrf", &csrf), ("token", &app.write), ("next", "/attempts")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/attempts");
    let cookie = ok.headers.get_all(SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.starts_with("aj_session=").then(|| v.to_string())
    });
    let cookie = cookie.expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=2592000"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    // Only a hash of the session id is stored.
    let id = cookie.trim_start_matches("aj_session=").split(';').next().unwrap().to_string();
    let dump = std::fs::read(app._dir.path().join("journal.db")).unwrap();
    assert!(!dump.windows(id.len()).any(|w| w == id.as_bytes()));

    let journal = b.get("/attempts").await;
    assert_eq!(journal.status, 200);
    assert_eq!(journal.text("h1"), "Journal");
    let csp = journal.headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(journal.headers.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"));
    assert_eq!(journal.headers.get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"));

    // Off-site `next` is not followed.
    let c = Browser::new(&app, "en");
    let f = c.get("/sign-in").await;
    let away = c.post("/sign-in", &[("csrf", &f.csrf()), ("token", &app.write), ("next", "//evil.example/")]).await;
    assert_eq!(away.location(), "/");
}

#[tokio::test]
async fn signing_out_and_revoking_the_token_end_the_session() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    let csrf = home.csrf();
    assert_eq!(b.post("/sign-out", &[]).await.status, StatusCode::FORBIDDEN, "sign-out needs the CSRF token");
    let out = b.post("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.location(), "/sign-in");
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);

    let token = app.store.create_token(&Actor::cli(), "phone", Scope::Write).await.unwrap().token;
    let c = Browser::signed_in(&app, &token, "en").await;
    assert_eq!(c.get("/").await.status, 200);
    app.store.revoke_token(&Actor::cli(), "phone").await.unwrap();
    let after = c.get("/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.location().starts_with("/sign-in"));
}

#[tokio::test]
async fn a_write_without_the_csrf_token_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    for (path, fields) in [
        ("/machines", vec![("name", "PC 1")]),
        ("/machines", vec![("name", "PC 1"), ("csrf", "forged")]),
        ("/follow-ups", vec![("text", "x")]),
        ("/calls/new", vec![("machine_id", "new"), ("machine.name", "PC 1")]),
        ("/licenses/1/product-key", vec![]),
    ] {
        let a = b.post(path, &fields).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}");
        assert!(a.text("p.error").contains("Reload the page"), "{path}: {}", a.text("p.error"));
    }
    assert!(app.all("/api/v1/machines", 50).await.is_empty());
    assert!(app.all("/api/v1/follow-ups", 50).await.is_empty());
}

#[tokio::test]
async fn a_read_session_sees_no_write_forms_and_cannot_write() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let b = Browser::signed_in(&app, &app.read, "en").await;
    for path in [
        "/",
        "/machines",
        "/licenses",
        &format!("/licenses/{l}"),
        "/follow-ups",
        "/attempts",
        &format!("/machines/{m}"),
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let posts: Vec<String> =
            page.all("form[method=post]").iter().filter_map(|f| f.value().attr("action").map(str::to_string)).collect();
        assert_eq!(posts, vec!["/sign-out".to_string()], "{path}");
        assert!(page.all("a[href='/calls/new']").is_empty(), "{path}");
    }
    let calls = b.get("/calls/new").await;
    assert_eq!(calls.status, StatusCode::FORBIDDEN);
    assert!(calls.text("p.error").contains("read-only"));
    let csrf = b.get("/").await.csrf();
    let add = b.post("/machines", &[("csrf", &csrf), ("name", "PC 2")]).await;
    assert_eq!(add.status, StatusCode::FORBIDDEN);
    let reveal = b.post(&format!("/licenses/{l}/product-key"), &[("csrf", &csrf)]).await;
    assert_eq!(reveal.status, StatusCode::FORBIDDEN);
    assert_eq!(app.all("/api/v1/machines", 50).await.len(), 1);
}

/// The fields of a good call, as the form sends them.
fn good_call(csrf: &str) -> Vec<(String, String)> {
    [
        ("csrf", csrf),
        ("machine_id", "new"),
        ("machine.name", "PC 1"),
        ("license_id", "new"),
        ("license.product", "Windows 8.1"),
        ("license.edition", "Pro"),
        ("license.channel", "retail_box"),
        ("license.box_colour", "blue"),
        ("trigger", "hardware_change"),
        ("started_at", "2014-05-10T10:05:00+09:00"),
        ("method", "phone"),
        ("number_kind", "toll_free"),
        ("called_from", "mobile"),
        ("country", "JP"),
        ("ivr_product", "windows"),
        ("installation_id", IID),
        ("ivr_result", "not_confirmed"),
        ("groups_reentered", "7"),
        ("operator_outcome", "reached"),
        ("wait_seconds", "180"),
        ("operator_rating", "2"),
        ("questions[0].topic", "purchase_site"),
        ("questions[0].question", "Where was it bought?"),
        ("questions[0].answer", "do not know"),
        ("questions[1].topic", ""),
        ("questions[2].topic", "product_key"),
        ("questions[2].answer", KEY),
        ("confirmation_id", CID),
        ("result", "activated"),
        ("notes", "rude operator"),
        ("action", "save"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn with(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fields.iter().filter(|(k, _)| k != name).cloned().collect();
    out.push((name.to_string(), value.to_string()));
    out
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn logging_a_call_stores_it_with_a_new_pc_and_license() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let form = b.get("/calls/new").await;
    assert_eq!(form.status, 200);
    assert_eq!(form.text("h1"), "Log a call");
    // Every visible field has a label; the live check region is there.
    for input in form.all("input:not([type=hidden]), select, textarea") {
        let id = input.value().attr("id").expect("an id");
        assert_eq!(form.all(&format!("label[for='{id}']")).len(), 1, "label for {id}");
    }
    assert_eq!(form.attr("#installation_id-live", "aria-live").as_deref(), Some("polite"));
    let saved = b.post("/calls/new", &pairs(&good_call(&form.csrf()))).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text(".alert"));
    assert!(saved.location().starts_with("/attempts/"), "{}", saved.location());
    let attempts = app.all("/api/v1/attempts", 50).await;
    assert_eq!(attempts.len(), 1);
    let a = &attempts[0];
    assert_eq!(a["wait_seconds"], 180);
    assert_eq!(a["groups_reentered"], json!([7]));
    assert_eq!(a["questions"].as_array().unwrap().len(), 2, "the blank row is not a question");
    assert_eq!(a["questions"][1]["answer"], "*****-*****-*****-*****-9D6T9");
    assert_eq!(app.all("/api/v1/licenses", 50).await[0]["box_colour"], "blue");
    let shown = b.get(&saved.location()).await;
    assert_eq!(shown.text("p.saved"), "The call was saved.");
    assert!(shown.text("dl.facts").contains("5087605-8345036"));
    assert!(shown.text("dl.facts").contains("3 min 00 s"));
    assert!(!shown.text("main").contains(KEY), "the key is never shown on a call");
    // "Log another call" carries the Installation ID over, filled in.
    let again = shown.attr("a[href*='installation_id=']", "href").expect("call again names the ID");
    let form = b.get(&again.replace("&amp;", "&")).await;
    assert_eq!(
        form.attr("input[name=installation_id]", "value").as_deref(),
        Some(a["installation_id"].as_str().unwrap())
    );
    assert_eq!(form.attr("#machine_id option[selected]", "value"), a["machine_id"].as_i64().map(|m| m.to_string()));
}

#[tokio::test]
async fn a_call_with_no_pc_license_or_case_says_what_to_choose_and_links_each_error_to_its_field() {
    let app = spawn_app().await;
    for (lang, said) in
        [("en", "choose a PC and a license, or a case"), ("ja", "PC とライセンス、またはケースを選んでください")]
    {
        let b = Browser::signed_in(&app, &app.write, lang).await;
        let csrf = b.get("/calls/new").await.csrf();
        let sent = with(&with(&with(&good_call(&csrf), "machine_id", ""), "license_id", ""), "wait_seconds", "soon");
        let page = b.post("/calls/new", &pairs(&sent)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert_eq!(page.text("#form-errors a[href='#machine_id']"), said, "{lang}");
        assert!(page.text("#form-errors a[href='#wait_seconds']").contains(':'), "{lang}: the field's name, then why");
        for link in page.all("#form-errors a") {
            let id = link.value().attr("href").unwrap_or_default().trim_start_matches('#');
            assert_eq!(page.all(&format!("[id='{id}']")).len(), 1, "{lang}: #{id} is one field on the page");
        }
    }
}

#[tokio::test]
async fn a_refused_call_shows_each_error_beside_its_field_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await.to_string();
    let l = app.license("retail_box").await.to_string();
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let csrf = b.get("/calls/new").await.csrf();
    let base = with(&with(&with(&good_call(&csrf), "machine_id", &m), "license_id", &l), "license.product", "");
    for (field, value, error_field, message) in [
        ("installation_id", IID_GROUP7_BAD, "installation_id", "group 7 does not check"),
        ("installation_id", "12345", "installation_id", "installation ID has 5 digits"),
        ("confirmation_id", "109062-530373", "confirmation_id", "confirmation ID has 12 digits"),
        ("wait_seconds", "three minutes", "wait_seconds", "must be a whole number"),
        ("wait_seconds", "-5", "wait_seconds", ""),
        ("operator_rating", "9", "operator_rating", ""),
        ("started_at", "yesterday", "started_at", ""),
        ("started_at", "", "started_at", "is required"),
        ("country", "JPN", "country", ""),
        ("number_kind", "free", "number_kind", "is not one of"),
        ("called_from", "pager", "called_from", "is not one of"),
        ("ivr_product", "word", "ivr_product", "is not one of"),
        ("ivr_result", "maybe", "ivr_result", "is not one of"),
        ("operator_outcome", "sleeping", "operator_outcome", "is not one of"),
        ("result", "sort_of", "result", "is not one of"),
        ("failure_reason", "operator_unavailable", "failure_reason", ""),
        ("trigger", "boredom", "trigger", "is not one of"),
        ("method", "fax", "method", "is not one of"),
        ("groups_reentered", "seven", "groups_reentered", "must be group numbers"),
        ("groups_reentered", "12", "groups_reentered", ""),
        ("machine_id", "abc", "machine_id", "must be a whole number"),
        ("machine_id", "999", "machine_id", ""),
        ("license_id", "", "license_id", ""),
        ("questions[0].topic", "weather", "questions[0].topic", "is not one of"),
        ("questions[2].topic", "", "questions[2].topic", "is required"),
        ("notes", &"x".repeat(5000), "notes", "characters long"),
    ] {
        let sent = with(&base, field, value);
        let page = b.post("/calls/new", &pairs(&sent)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}: {}", page.text(".alert"));
        let beside = page.text(&format!("[id='{error_field}-error'], .field:has([name='{error_field}']) p.error"));
        assert!(
            !beside.is_empty() && beside.contains(message),
            "{field}={value}: {beside:?} / {}",
            page.text(".alert")
        );
        // What was typed is still there.
        let kept = page.attr("[name='notes']", "name").is_some()
            && page.text("textarea[name=notes]") == "rude operator"
            || field == "notes";
        assert!(kept, "{field}: notes kept");
        if field != "installation_id" {
            assert_eq!(page.attr("input[name=installation_id]", "value").as_deref(), Some(IID), "{field}");
        }
        assert_eq!(page.attr("input[name='questions[0].question']", "value").as_deref(), Some("Where was it bought?"));
    }
    // A new PC without a name, a new license without a product.
    let new = with(&with(&base, "machine_id", "new"), "machine.name", "");
    let page = b.post("/calls/new", &pairs(&new)).await;
    assert!(page.text("[id='machine.name-error']").contains("is required"));
    let new = with(&with(&base, "license_id", "new"), "license.channel", "stolen");
    let page = b.post("/calls/new", &pairs(&new)).await;
    assert!(page.text("[id='license.product-error']").contains("is required"));
    assert!(page.text("[id='license.channel-error']").contains("is not one of"));
    let new = with(&with(&base, "license_id", "new"), "license.product_key", "GCRJD-8NW9H-F2CDX-CCM8D-9D6T8");
    let page = b.post("/calls/new", &pairs(&new)).await;
    assert!(!page.text("[id='license.product_key-error']").is_empty());
    assert!(app.all("/api/v1/attempts", 50).await.is_empty(), "nothing stored");
    assert_eq!(app.all("/api/v1/machines", 50).await.len(), 1);
    assert_eq!(app.all("/api/v1/licenses", 50).await.len(), 1);
}

#[tokio::test]
async fn the_call_form_speaks_japanese_with_the_phone_menus_words() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await.to_string();
    let l = app.license("retail_box").await.to_string();
    let b = Browser::signed_in(&app, &app.write, "ja,en;q=0.5").await;
    let form = b.get("/calls/new").await;
    assert_eq!(form.text("h1"), "通話を記録");
    assert_eq!(form.attr("html", "lang").as_deref(), Some("ja"));
    assert_eq!(form.text("label[for=installation_id]"), "インストール ID");
    assert!(form.text("select#number_kind").contains("フリーダイヤル"));
    let sent = with(
        &with(&with(&good_call(&form.csrf()), "machine_id", &m), "license_id", &l),
        "installation_id",
        IID_GROUP7_BAD,
    );
    let page = b.post("/calls/new", &pairs(&sent)).await;
    assert_eq!(page.text("#installation_id-error"), "7 番目のグループが正しくありません");
    let check = b.get(&format!("/calls/check?kind=iid&value={IID_GROUP7_BAD}")).await;
    assert!(check.html.root_element().text().collect::<String>().contains("7 番目のグループが正しくありません"));
    // Switching is a link on every page, remembered in a cookie.
    let en_link = form.all(".langs a").iter().find_map(|a| a.value().attr("href").map(str::to_string)).unwrap();
    assert_eq!(en_link, "/calls/new?lang=en");
    let english = b.get(&en_link).await;
    assert_eq!(english.text("h1"), "Log a call");
    assert_eq!(b.get("/").await.text("h1"), "Before you call", "remembered over Accept-Language");
    assert_eq!(b.get("/?lang=ja").await.text("h1"), "電話をかける前に");
}

/// Whether a message reads as Japanese: Japanese words, and no English
/// word left but names a Japanese reader meets as they are (what was typed,
/// quoted, is said back as it was).
fn reads_as_japanese(text: &str) -> bool {
    let text: String = text.split('"').step_by(2).collect();
    const AS_THEY_ARE: &[&str] = &["ID", "PC", "JP", "ISO", "BCDFGHJKMPQRTVWXY", "U", "Windows", "XP"];
    let japanese = text.chars().any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'));
    let english = text.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w.len() > 1 && !AS_THEY_ARE.contains(&w));
    japanese && !english
}

#[tokio::test]
async fn a_refused_call_in_japanese_says_every_error_in_japanese() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await.to_string();
    let l = app.license("retail_box").await.to_string();
    let b = Browser::signed_in(&app, &app.write, "ja").await;
    let csrf = b.get("/calls/new").await.csrf();
    let base = with(&with(&with(&good_call(&csrf), "machine_id", &m), "license_id", &l), "license.product", "");
    for (field, value, error_field, expected) in [
        ("installation_id", IID_GROUP7_BAD, "installation_id", "7 番目のグループが正しくありません"),
        ("installation_id", "12345", "installation_id", "インストール ID が 5 桁です"),
        ("installation_id", "1234a", "installation_id", "数字"),
        ("confirmation_id", "109062-530373", "confirmation_id", "確認 ID が 12 桁です"),
        ("wait_seconds", "three minutes", "wait_seconds", "整数"),
        ("wait_seconds", "-5", "wait_seconds", "秒数"),
        ("operator_rating", "9", "operator_rating", "評価"),
        ("started_at", "yesterday", "started_at", "日時"),
        ("started_at", "2041-05-10 10:05", "started_at", "未来"),
        ("started_at", "1914-05-10 10:05", "started_at", "1985-01-01"),
        ("started_at", "", "started_at", "入力してください"),
        ("country", "JPN", "country", "国コード"),
        ("number_kind", "free", "number_kind", "「フリーダイヤル」、「有料の番号」 のどれか"),
        ("groups_reentered", "12", "groups_reentered", "グループの番号"),
        ("machine_id", "999", "machine_id", "PC 999 はありません"),
        ("questions[2].topic", "", "questions[2].topic", "入力してください"),
        ("notes", &"x".repeat(5000), "notes", "5000 文字"),
        ("phone_number", "0120-ABC", "phone_number", "電話番号"),
    ] {
        let page = b.post("/calls/new", &pairs(&with(&base, field, value))).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}: {}", page.text(".alert"));
        let beside = page.text(&format!("[id='{error_field}-error'], .field:has([name='{error_field}']) p.error"));
        assert!(beside.contains(expected), "{field}={value}: {beside:?}");
        assert!(reads_as_japanese(&beside), "{field}={value}: {beside:?}");
        for summary in page.all(".alert li") {
            let text: String = summary.text().collect();
            let message = text.split_once(':').map_or(text.as_str(), |(_, m)| m);
            assert!(reads_as_japanese(message), "{field}={value}: the summary says {text:?}");
        }
    }
    // Neither a PC nor a case: said in plain words.
    let none = with(&with(&base, "machine_id", ""), "license_id", "");
    let page = b.post("/calls/new", &pairs(&none)).await;
    assert!(page
        .html
        .root_element()
        .text()
        .collect::<String>()
        .contains("PC とライセンス、またはケースを選んでください"));
    // A key with a letter no key has, and a row that is not there.
    let key = with(&with(&base, "license_id", "new"), "license.product_key", "GCRJD-8NW9H-F2CDX-CCM8D-9D6TA");
    let page = b.post("/calls/new", &pairs(&key)).await;
    let said = page.text("[id='license.product_key-error']");
    assert!(said.contains("プロダクト キーに使えるのは") && reads_as_japanese(&said), "{said:?}");
    let missing = b.get("/attempts/99999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text("main").contains("通話 99999 は見つかりません"), "{}", missing.text("main"));
    let search = b.get(&format!("/search?q={}", "x".repeat(300))).await;
    assert!(search.text("main").contains("200 文字までです"), "{}", search.text("main"));
}

#[tokio::test]
async fn pasted_slmgr_output_fills_a_new_license_and_the_installation_id() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let csrf = b.get("/calls/new").await.csrf();
    let dlv = format!(
        "名前: Windows(R), Core edition\n説明: Windows(R) Operating System, OEM_DM channel\nインストール ID: {IID}\nプロダクト キーの一部: 3V66T\nライセンスの状態: ライセンスされています"
    );
    let page =
        b.post("/calls/new", &[("csrf", csrf.as_str()), ("slmgr", &dlv), ("notes", "kept"), ("action", "fill")]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.attr("option[value=new][selected]", "value").as_deref(), Some("new"));
    assert_eq!(page.attr("input[name='license.edition']", "value").as_deref(), Some("Core"));
    assert_eq!(page.attr("select[name='license.channel'] option[selected]", "value").as_deref(), Some("oem"));
    assert!(page.attr("input[name=installation_id]", "value").unwrap().starts_with("5087605-8345036"));
    assert!(page.text("p.note").contains("3V66T"), "{}", page.text("p.note"));
    assert_eq!(page.text("textarea[name=notes]"), "kept");
    // The licenses page fills the same way.
    let page = b.post("/licenses", &[("csrf", csrf.as_str()), ("slmgr", &dlv), ("action", "fill")]).await;
    assert_eq!(page.attr("input[name=edition]", "value").as_deref(), Some("Core"));
    assert!(app.all("/api/v1/licenses", 50).await.is_empty(), "filling in stores nothing");
}

#[tokio::test]
async fn the_live_check_marks_each_group_as_the_phone_menu_would() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let check = |value: &str, kind: &str| {
        let url = format!("{}/calls/check?kind={kind}&value={}", b.base, urlencode(value));
        let client = b.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let a: serde_json::Value =
        check("5087605 8345036 7066786 5582230 3473234 4271525 4575754 99", "iid").await.json().await.unwrap();
    let states: Vec<&str> = a["groups"].as_array().unwrap().iter().map(|g| g["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["ok", "ok", "ok", "ok", "ok", "ok", "bad", "typing"]);
    assert_eq!(a["message"], "group 7 does not check");
    let a: serde_json::Value = check(&format!("Installation ID: {IID}"), "iid").await.json().await.unwrap();
    assert_eq!(a["complete"], "5087605-8345036-7066786-5582230-3473234-4271525-4575744-9972744-4472481");
    let a: serde_json::Value = check(CID, "cid").await.json().await.unwrap();
    assert_eq!(a["groups"][6]["name"], "G");
    assert_eq!(a["complete"], CID);
    assert_eq!(check("1", "ssn").await.status(), 400);
    assert_eq!(check(&"1".repeat(401), "iid").await.status(), 400);
    let anonymous = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = anonymous.get(format!("{}/calls/check?kind=iid&value=1", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 303, "a session is needed");
}

fn urlencode(s: &str) -> String {
    url_escape(s)
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn the_product_key_is_masked_and_revealed_only_by_a_write_session_with_an_audit_row() {
    let app = spawn_app().await;
    let l = app.license("retail_box").await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let page = b.get(&format!("/licenses/{l}")).await;
    assert!(!page.text("main").contains(KEY));
    assert!(page.text("dl.facts").contains("*****-*****-*****-*****-9D6T9"));
    let shown = b.post(&format!("/licenses/{l}/product-key"), &[("csrf", &page.csrf())]).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.text("#product-key"), KEY);
    let audit = app.all("/api/v1/audit", 50).await;
    assert!(audit.iter().any(|e| e["action"] == "reveal_product_key" && e["entity_id"] == l), "{audit:?}");
}

#[tokio::test]
async fn machines_licenses_and_follow_ups_are_added_and_refused_through_their_forms() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let csrf = b.get("/machines").await.csrf();
    let added = b.post("/machines", &[("csrf", &csrf), ("name", "PC 1"), ("owner", "Ken")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let m = app.all("/api/v1/machines", 50).await[0]["id"].as_i64().unwrap().to_string();
    for (path, fields, field, message) in [
        ("/machines", vec![("name", "")], "name", "is required"),
        ("/machines", vec![("name", "PC 1")], "name", "already"),
        ("/machines", vec![("name", &*"n".repeat(300))], "name", "characters long"),
        ("/licenses", vec![("product", ""), ("channel", "oem")], "product", "is required"),
        ("/licenses", vec![("product", "Windows"), ("channel", "shop")], "channel", "is not one of"),
        (
            "/licenses",
            vec![("product", "Windows"), ("channel", "oem"), ("purchased_on", "someday")],
            "purchased_on",
            "",
        ),
        ("/licenses", vec![("product", "Windows"), ("channel", "oem"), ("product_key", "ABC")], "product_key", ""),
        ("/follow-ups", vec![("text", ""), ("machine_id", &m)], "text", "is required"),
        ("/follow-ups", vec![("text", "drivers"), ("machine_id", "x")], "machine_id", "must be a whole number"),
        ("/follow-ups", vec![("text", "drivers"), ("machine_id", &m), ("due_on", "tomorrow")], "due_on", ""),
        ("/follow-ups", vec![("text", "drivers"), ("case_id", "-3")], "case_id", ""),
        ("/follow-ups", vec![("text", &*"t".repeat(5000)), ("machine_id", &m)], "text", "characters long"),
        ("/machines", vec![("name", "PC 9"), ("owner", &*"o".repeat(300))], "owner", "characters long"),
        ("/machines", vec![("name", "PC 9"), ("notes", &*"n".repeat(5000))], "notes", "characters long"),
        (
            "/licenses",
            vec![("product", "W"), ("channel", "oem"), ("edition", &*"e".repeat(300))],
            "edition",
            "characters long",
        ),
        (
            "/licenses",
            vec![("product", "W"), ("channel", "oem"), ("box_colour", &*"b".repeat(300))],
            "box_colour",
            "characters long",
        ),
        (
            "/licenses",
            vec![("product", "W"), ("channel", "oem"), ("purchased_from", &*"p".repeat(300))],
            "purchased_from",
            "characters long",
        ),
        (
            "/licenses",
            vec![("product", "W"), ("channel", "oem"), ("notes", &*"n".repeat(5000))],
            "notes",
            "characters long",
        ),
    ] {
        let mut sent = vec![("csrf", csrf.as_str())];
        sent.extend(fields.iter().copied());
        let page = b.post(path, &sent).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {fields:?}");
        // Beside its field, or listed above the form when the form has no such field.
        let beside = page.text(&format!("[id='{field}-error']"));
        let shown = if beside.is_empty() { page.text("#form-errors li") } else { beside };
        assert!(!shown.is_empty() && shown.contains(message), "{path} {field}: {shown:?}");
        assert!(!page.text("#form-errors").is_empty(), "{path} {field}: the form says it was refused");
        if !page.all(&format!("[id='{field}']")).is_empty() {
            let link = page.text(&format!("#form-errors a[href='#{field}']"));
            assert!(link.contains(message), "{path} {field}: the summary links to the field: {link:?}");
        }
    }
    let done = b.post("/follow-ups", &[("csrf", &csrf), ("text", "remove the old drivers"), ("machine_id", &m)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let f = app.all("/api/v1/follow-ups", 50).await[0]["id"].as_i64().unwrap();
    let list = b.get("/follow-ups").await;
    assert!(list.text("table").contains("remove the old drivers"));
    b.post(&format!("/follow-ups/{f}/done"), &[("csrf", &csrf)]).await;
    assert_eq!(app.get(&format!("/api/v1/follow-ups/{f}")).await.body["done"], true);
    assert_eq!(app.all("/api/v1/machines", 50).await.len(), 1);
    assert!(app.all("/api/v1/licenses", 50).await.is_empty());
}

#[tokio::test]
async fn every_page_renders_in_both_languages_with_its_title_and_labels() {
    let app = spawn_app().await;
    activation_journal::demo::load(&app.store).await.unwrap();
    let attempt = app.all("/api/v1/attempts", 50).await[0]["id"].as_i64().unwrap();
    let case = app.all("/api/v1/cases", 50).await[0]["id"].as_i64().unwrap();
    let machine = app.all("/api/v1/machines", 50).await[0]["id"].as_i64().unwrap();
    let license = app.all("/api/v1/licenses", 50).await[0]["id"].as_i64().unwrap();
    for (lang, titles) in [
        (
            "en",
            [
                "Before you call",
                "Log a call",
                "Journal",
                "Call",
                "Case",
                "PCs",
                "PC",
                "Licenses",
                "License",
                "Summaries",
                "Follow-ups",
                "Search",
            ],
        ),
        (
            "ja",
            [
                "電話をかける前に",
                "通話を記録",
                "通話の記録",
                "通話",
                "認証の件",
                "パソコン",
                "パソコン",
                "ライセンス",
                "ライセンス",
                "集計",
                "あとでやること",
                "検索",
            ],
        ),
    ] {
        let b = Browser::signed_in(&app, &app.write, lang).await;
        let paths = [
            "/".to_string(),
            "/calls/new".into(),
            "/attempts".into(),
            format!("/attempts/{attempt}"),
            format!("/cases/{case}"),
            "/machines".into(),
            format!("/machines/{machine}"),
            "/licenses".into(),
            format!("/licenses/{license}"),
            "/summaries".into(),
            "/follow-ups".into(),
            "/search?q=operator".into(),
        ];
        for (path, title) in paths.iter().zip(titles) {
            let page = b.get(path).await;
            assert_eq!(page.status, 200, "{lang} {path}");
            assert_eq!(page.text("h1"), title, "{lang} {path}");
            assert_eq!(page.attr("html", "lang").as_deref(), Some(lang));
            let body = page.html.root_element().text().collect::<String>();
            assert!(
                !body.contains(&format!("{lang}.")) || !body.contains("enum."),
                "{lang} {path}: a key without text"
            );
            for input in page.all("input:not([type=hidden]), select, textarea") {
                let id = input.value().attr("id").unwrap_or("");
                assert!(!page.all(&format!("label[for='{id}']")).is_empty(), "{lang} {path}: no label for {id:?}");
            }
        }
        let summaries = b.get("/summaries").await;
        assert_eq!(summaries.all("figure.chart svg").len(), 4, "{lang}");
        // Each chart is named, and its figures are a table beside it.
        assert_eq!(summaries.all("figure.chart > figcaption + svg[role=img] > title").len(), 4, "{lang}");
        let tables = summaries.all("figure.chart table").len() + summaries.all("figure.chart p.empty").len();
        assert_eq!(tables, 4, "{lang}");
        assert!(!summaries.all("table#wait-hours tbody tr").is_empty(), "{lang}: waits by hour as a table");
        assert!(!summaries.all("table#wait-weekdays tbody tr").is_empty(), "{lang}: waits by weekday as a table");
        assert_eq!(summaries.text("#overview [data-k=attempts]"), "4");
        assert_eq!(summaries.text("#retries [data-k=next_day_retries]"), "2");
        // Retried cases and licenses are named, not numbered.
        let retried = summaries.all("#s-retries ~ div table a[data-case]");
        assert!(!retried.is_empty(), "{lang}");
        for a in retried {
            let name = a.text().collect::<String>();
            assert!(!name.starts_with('#') && name.contains(" · "), "{lang}: {name}");
        }
        let on = summaries.all("td[data-label]").iter().map(|e| e.text().collect::<String>()).collect::<Vec<_>>();
        assert!(on.iter().any(|t| t.contains("PC")), "{lang}: the PCs a license was activated on: {on:?}");
    }
}

#[tokio::test]
async fn long_journals_are_paged_newest_first() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    for i in 0..120 {
        let body = json!({"machine_id": m, "license_id": l, "started_at": format!("2014-05-10T{:02}:{:02}:00+09:00", 8 + i / 60, i % 60),
                          "result": "not_activated", "failure_reason": "operator_unavailable"});
        app.attempt(body).await;
    }
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let first = b.get("/attempts").await;
    assert_eq!(first.all("tbody tr").len(), 50);
    assert!(first.text("tbody tr").starts_with("2014-05-10 09:59"));
    let next = first.attr("a[rel=next]", "href").unwrap();
    let second = b.get(&next).await;
    assert_eq!(second.all("tbody tr").len(), 50);
    assert!(second.text("tbody tr").starts_with("2014-05-10 09:09"));
    let bad = b.get("/attempts?cursor=nonsense").await;
    assert_eq!(bad.status, 400);
    for (query, message) in [
        ("result=maybe", "is not one of"),
        ("operator_outcome=asleep", "is not one of"),
        ("machine_id=x", "is not a number"),
        ("license_id=0", "license_id"),
        ("from=someday", "from"),
        ("from=2014-05-11&to=2014-05-10", ""),
    ] {
        let bad = b.get(&format!("/attempts?{query}")).await;
        assert_eq!(bad.status, 400, "{query}");
        assert!(bad.text("p.error").contains(message), "{query}: {}", bad.text("p.error"));
    }
    let timeline = b.get(&format!("/machines/{m}")).await;
    assert!(timeline.attr("a[rel=next]", "href").is_some());
}

#[tokio::test]
async fn an_empty_journal_shows_every_page() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "ja").await;
    for path in [
        "/",
        "/calls/new",
        "/attempts",
        "/machines",
        "/licenses",
        "/follow-ups",
        "/summaries",
        "/search",
        "/search?q=x",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
    }
    for path in ["/attempts/1", "/cases/1", "/machines/1", "/licenses/1"] {
        let page = b.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(!page.text("p.error").is_empty());
    }
    let page = b.get("/search?q=%20%20").await;
    assert_eq!(page.status, 200);
    let long = format!("/search?q={}", "x".repeat(300));
    assert!(!b.get(&long).await.text("#q-error").is_empty(), "an over-long search is refused beside its field");
    assert_eq!(b.get("/summaries?from=someday").await.status, 400);
    assert_eq!(b.get("/summaries?machine_id=x").await.status, 400);
    assert_eq!(b.get("/attempts/abc").await.status, 404);
}

#[tokio::test]
async fn before_you_call_shows_open_cases_what_to_have_at_hand_and_a_key_link_for_writers() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let body = json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:00:00+09:00",
                      "operator_outcome": "unavailable", "result": "not_activated", "failure_reason": "operator_unavailable",
                      "questions": [{"topic": "box_colour", "answer": "blue"}]});
    app.attempt(body).await;
    let b = Browser::signed_in(&app, &app.write, "ja").await;
    let home = b.get("/").await;
    assert_eq!(home.all("#open-cases tbody tr").len(), 1);
    assert!(
        home.text("#open-cases").contains("まだオペレーターにつながった通話がないため"),
        "{}",
        home.text("#open-cases")
    );
    assert!(home.text(".card.by-channel").contains("パッケージの色"));
    assert_eq!(home.attr(".card.by-channel a", "href"), Some(format!("/licenses/{l}")), "the key's page, for a writer");
    let r = Browser::signed_in(&app, &app.read, "ja").await;
    assert!(r.get("/").await.all(".card.by-channel a").is_empty(), "no key link for a read session");
}

/// Whatever a form is sent, the answer is a page, never a server error.
#[tokio::test]
async fn no_form_input_makes_a_server_error() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await.to_string();
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let csrf = b.get("/").await.csrf();
    let long = "9".repeat(60_000);
    let nasty: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("machine_id", "-1"), ("license_id", "0")],
        vec![("machine_id", "99999999999999999999999")],
        vec![("questions[99999999999999999999].topic", "edition")],
        vec![("questions[49].topic", "edition"), ("questions[0].answer", "x")],
        vec![("questions[].topic", "edition"), ("questions[x]topic", "y")],
        vec![("installation_id", "５０８７６０５ー８３４５０３６"), ("confirmation_id", "ＡＢＣ")],
        vec![("started_at", "9999-99-99T99:99:99+99:99"), ("wait_seconds", "99999999999999999999")],
        vec![("groups_reentered", "１、２，3 7"), ("operator_rating", "-0")],
        vec![("notes", &long)],
        vec![("action", "fill"), ("slmgr", "名前:\n説明:, channel\n:::\nInstallation ID: 1")],
        vec![("action", "more"), ("questions[48].topic", "")],
        vec![("machine_id", "new"), ("license_id", "new"), ("license.purchased_on", "2014-02-30")],
        vec![("text", "\u{0}\u{1}"), ("due_on", "0000-00-00"), ("done", "yes")],
        vec![("name", "\u{202e}PC"), ("owner", "")],
    ];
    for path in [
        "/calls/new",
        "/machines",
        "/licenses",
        "/follow-ups",
        &format!("/follow-ups/{m}/done"),
        "/licenses/9/product-key",
    ] {
        for fields in &nasty {
            let mut sent = vec![("csrf", csrf.as_str())];
            sent.extend(fields.iter().copied());
            let page = b.post(path, &sent).await;
            assert!(page.status.as_u16() < 500, "{path} {fields:?}: {}", page.status);
        }
    }
    // Not a form at all.
    let raw = b
        .client
        .post(format!("{}/machines", b.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let big = b
        .client
        .post(format!("{}/machines", b.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&name={}", "x".repeat(70_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 400, "a body over 64 KiB is refused");
}

#[tokio::test]
async fn the_call_form_has_a_field_for_every_declared_attempt_field() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let form = b.get("/calls/new").await;
    for field in activation_journal::wire::attempt_fields::ALL {
        let name = match field.name {
            // A call is logged against a PC and a license; its end is when it is saved;
            // questions are rows of their own.
            "case_id" | "ended_at" => continue,
            "questions" => "questions[0].topic",
            other => other,
        };
        assert_eq!(form.all(&format!("[name='{name}']")).len(), 1, "the call form has no field {name}");
    }
    // A license added during a call: its notes wait for the licenses page.
    for field in activation_journal::wire::license_fields::ALL.iter().filter(|f| f.name != "notes") {
        let name = format!("license.{}", field.name);
        assert_eq!(form.all(&format!("[name='{name}']")).len(), 1, "the call form has no field {name}");
    }
}

#[tokio::test]
async fn a_call_form_sent_twice_stores_one_call_and_says_already_saved_in_both_languages() {
    let app = spawn_app().await;
    for (lang, said) in [("en", "This form was saved before"), ("ja", "このフォームは保存済みです")] {
        let b = Browser::signed_in(&app, &app.write, lang).await;
        let form = b.get("/calls/new").await;
        let once = form.attr("input[name=once]", "value").expect("a one-time key in the call form");
        assert!(once.len() >= 40, "{once}");
        let fields = with(&good_call(&form.csrf()), "machine.name", &format!("PC {lang}"));
        let fields = with(&fields, "once", &once);
        let first = b.post("/calls/new", &pairs(&fields)).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text(".alert"));
        let stored = first.location().trim_end_matches("?saved=1").to_string();
        // Back and Save again, a double click, a reload of the POST: the same key.
        for again in [fields.clone(), with(&fields, "notes", "changed after Back")] {
            let second = b.post("/calls/new", &pairs(&again)).await;
            assert_eq!(second.status, StatusCode::OK);
            assert!(second.text("#already-saved").starts_with(said), "{}", second.text("main"));
            assert_eq!(second.attr("#stored-link", "href").as_deref(), Some(stored.as_str()));
        }
        // A form shown again keeps its key; a fresh form has another.
        assert_ne!(b.get("/calls/new").await.attr("input[name=once]", "value"), Some(once.clone()));
        let other = with(&with(&fields, "once", &format!("other-{lang}")), "machine.name", &format!("PC {lang} 2"));
        let another = b.post("/calls/new", &pairs(&other)).await;
        assert_eq!(another.status, StatusCode::SEE_OTHER, "another key stores another call");
    }
    // One call and one new PC for each language's first send, and for its other key.
    assert_eq!(app.all("/api/v1/attempts", 50).await.len(), 4);
    assert_eq!(app.all("/api/v1/machines", 50).await.len(), 4);
}

#[tokio::test]
async fn a_refused_form_is_shown_again_with_the_key_it_was_sent_with() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let csrf = b.get("/calls/new").await.csrf();
    let fields = with(&with(&good_call(&csrf), "installation_id", "123"), "once", "key-1");
    let refused = b.post("/calls/new", &pairs(&fields)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.attr("input[name=once]", "value").as_deref(), Some("key-1"));
    let more = b.post("/calls/new", &pairs(&with(&fields, "action", "more"))).await;
    assert_eq!(more.attr("input[name=once]", "value").as_deref(), Some("key-1"));
    // The new PC stored before the call was refused is not stored again.
    let saved = b.post("/calls/new", &pairs(&with(&fields, "installation_id", IID))).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text(".alert"));
    assert_eq!(app.all("/api/v1/machines", 50).await.len(), 1);
    assert_eq!(app.all("/api/v1/attempts", 50).await.len(), 1);
}

#[tokio::test]
async fn machine_license_and_follow_up_forms_sent_twice_store_one_row() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let m = app.machine("PC 0").await.to_string();
    for (path, fields, api, link) in [
        ("/machines", vec![("name", "PC 1")], "/api/v1/machines", "/machines/"),
        ("/licenses", vec![("product", "Windows 8.1"), ("channel", "oem")], "/api/v1/licenses", "/licenses/"),
        (
            "/follow-ups",
            vec![("text", "remove the old drivers"), ("machine_id", m.as_str())],
            "/api/v1/follow-ups",
            "/follow-ups",
        ),
    ] {
        let page = b.get(path).await;
        let once = page.attr("form.card input[name=once]", "value").unwrap_or_else(|| panic!("{path}: a one-time key"));
        let csrf = page.csrf();
        let mut sent = vec![("csrf", csrf.as_str()), ("once", once.as_str())];
        sent.extend(fields.iter().copied());
        let before = app.all(api, 50).await.len();
        assert_eq!(b.post(path, &sent).await.status, StatusCode::SEE_OTHER, "{path}");
        let again = b.post(path, &sent).await;
        assert_eq!(again.status, StatusCode::OK, "{path}");
        assert!(again.attr("#stored-link", "href").unwrap_or_default().starts_with(link), "{path}");
        assert_eq!(app.all(api, 50).await.len(), before + 1, "{path}: stored once");
    }
}

#[tokio::test]
async fn a_malformed_one_time_key_is_refused_naming_it() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let csrf = b.get("/machines").await.csrf();
    for bad in ["has space", &"k".repeat(201), "ключ"] {
        let page = b.post("/machines", &[("csrf", &csrf), ("once", bad), ("name", "PC 1")]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(page.text("main").contains("one-time key is not valid (1 to 200 visible characters)"), "{bad}");
        let call = b.post("/calls/new", &pairs(&with(&good_call(&csrf), "once", bad))).await;
        assert_eq!(call.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert!(app.all("/api/v1/machines", 50).await.is_empty());
}

#[tokio::test]
async fn the_sign_in_hint_names_this_servers_database_and_the_command_for_a_token() {
    let app = spawn_app().await;
    let db = app._dir.path().join("journal.db").display().to_string();
    for (lang, words) in [("en", "This server keeps its journal in"), ("ja", "このサーバーのジャーナルは")]
    {
        let page = Browser::new(&app, lang).get("/sign-in").await;
        let hint = page.text("#token-hint");
        assert!(hint.starts_with(words) && hint.contains(&db), "{hint}");
        assert_eq!(
            page.text("#token-command"),
            format!("activation-journal --db {db} token create --name phone --scope write")
        );
    }
}

impl PageAnswer {
    /// The hidden fields of the page's first form, as sent back.
    fn hidden(&self) -> Vec<(String, String)> {
        self.all("form input[type=hidden]")
            .iter()
            .filter_map(|e| Some((e.value().attr("name")?.to_string(), e.value().attr("value")?.to_string())))
            .collect()
    }
}

/// How a session can end while a call is being typed.
#[derive(Debug, Clone, Copy)]
enum Ended {
    SignedOutInAnotherTab,
    TokenRevoked,
    CookieGone,
}

#[tokio::test]
async fn a_call_sent_after_its_session_ended_comes_back_after_signing_in_and_is_stored_only_on_save() {
    let app = spawn_app().await;
    let mut stored = 0;
    for (i, (how, lang)) in
        [(Ended::SignedOutInAnotherTab, "en"), (Ended::TokenRevoked, "ja"), (Ended::CookieGone, "en")]
            .into_iter()
            .enumerate()
    {
        let name = format!("phone{i}");
        let token = app.store.create_token(&Actor::cli(), &name, Scope::Write).await.unwrap().token;
        let mut b = Browser::signed_in(&app, &token, lang).await;
        let form = b.get("/calls/new").await;
        let once = form.attr("input[name=once]", "value").unwrap();
        let typed = with(&with(&good_call(&form.csrf()), "machine.name", &format!("PC {i}")), "once", &once);
        let typed = with(&typed, "license.product_key", KEY);
        match how {
            Ended::SignedOutInAnotherTab => {
                assert_eq!(b.post("/sign-out", &[("csrf", &form.csrf())]).await.status, StatusCode::SEE_OTHER)
            }
            Ended::TokenRevoked => app.store.revoke_token(&Actor::cli(), &name).await.unwrap(),
            Ended::CookieGone => b = Browser::new(&app, lang),
        }
        let sign_in = b.post("/calls/new", &pairs(&typed)).await;
        assert_eq!(sign_in.status, StatusCode::UNAUTHORIZED, "{how:?}");
        let notice = sign_in.text("#kept-notice");
        assert!(notice.contains(if lang == "en" { "Sign in again" } else { "もう一度サインイン" }), "{notice}");
        assert_eq!(sign_in.attr("input[name=next]", "value").as_deref(), Some("/calls/new"));
        let hidden = sign_in.hidden();
        assert!(hidden.contains(&("kept:machine.name".into(), format!("PC {i}"))), "{how:?} {hidden:?}");
        assert!(!hidden.iter().any(|(k, _)| k == "kept:csrf" || k == "kept:action"));
        assert_eq!(app.all("/api/v1/attempts", 50).await.len(), stored, "{how:?}: nothing stored");
        // The key is kept in the page only, never in the journal.
        let dump = std::fs::read(app._dir.path().join("journal.db")).unwrap();
        assert!(!dump.windows(KEY.len()).any(|w| w == KEY.as_bytes()));

        // A wrong token first: still kept.
        let token = match how {
            Ended::TokenRevoked => {
                app.store.create_token(&Actor::cli(), &format!("{name}b"), Scope::Write).await.unwrap().token
            }
            _ => token,
        };
        let mut back = hidden.clone();
        back.push(("token".into(), "aj_nope".into()));
        let wrong = b.post("/sign-in", &pairs(&back)).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.hidden(), hidden, "a mistyped token does not lose the form");
        let mut back = hidden.clone();
        back.push(("token".into(), token.clone()));
        let resumed = b.post("/sign-in", &pairs(&back)).await;
        assert_eq!(resumed.status, StatusCode::OK, "{how:?}: {}", resumed.text("main"));
        assert!(!resumed.text("#resumed-notice").is_empty());
        assert_eq!(resumed.attr("input[name='machine.name']", "value"), Some(format!("PC {i}")));
        assert_eq!(resumed.attr("input[name=installation_id]", "value").as_deref(), Some(IID));
        assert_eq!(resumed.attr("input[name=once]", "value"), Some(once.clone()));
        assert_eq!(resumed.text("textarea[name=notes]"), "rude operator");
        assert_eq!(resumed.attr("input[name='questions[2].answer']", "value").as_deref(), Some(KEY));
        assert_eq!(resumed.attr("#called_from option[selected]", "value").as_deref(), Some("mobile"));
        assert_eq!(app.all("/api/v1/attempts", 50).await.len(), stored, "{how:?}: nothing stored before Save");

        // Save: stored once, with the new session's CSRF token.
        let saved = b.post("/calls/new", &pairs(&with(&typed, "csrf", &resumed.csrf()))).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{how:?}: {}", saved.text(".alert"));
        stored += 1;
        assert_eq!(app.all("/api/v1/attempts", 50).await.len(), stored);
        assert_eq!(b.get("/").await.status, StatusCode::OK, "signed in again");
    }
}

#[tokio::test]
async fn a_form_sent_without_a_session_from_another_site_or_of_another_page_is_not_kept() {
    let app = spawn_app().await;
    let b = Browser::new(&app, "en");
    let fields = good_call("x");
    for (name, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let res = b
            .client
            .post(format!("{}/calls/new", app.base))
            .header(name, value)
            .form(&pairs(&fields))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{name}");
        assert_eq!(res.headers()[LOCATION], "/sign-in?next=%2Fcalls%2Fnew");
    }
    // Signing in with kept fields for a page that keeps none: only the redirect.
    let form = b.get("/sign-in").await;
    let sent = [
        ("csrf", form.csrf()),
        ("token", app.write.clone()),
        ("next", "/machines".into()),
        ("kept:name", "PC 9".into()),
    ];
    let done = b.post("/sign-in", &sent.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/machines");
    assert!(app.all("/api/v1/machines", 50).await.is_empty());
    assert!(app.all("/api/v1/attempts", 50).await.is_empty());
}

#[tokio::test]
async fn a_kept_call_brought_back_by_a_read_token_is_refused() {
    let app = spawn_app().await;
    let b = Browser::new(&app, "en");
    let sign_in = b.post("/calls/new", &pairs(&good_call("x"))).await;
    assert_eq!(sign_in.status, StatusCode::UNAUTHORIZED);
    let mut back = sign_in.hidden();
    back.push(("token".into(), app.read.clone()));
    let page = b.post("/sign-in", &pairs(&back)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(app.all("/api/v1/attempts", 50).await.is_empty());
}

#[tokio::test]
async fn the_settings_page_keeps_the_households_time_zone_and_refuses_an_unknown_one() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "ja").await;
    let page = b.get("/settings").await;
    assert_eq!(page.status, 200);
    // Fixed for this run (the tests' spawn_app fixes Asia/Tokyo): said, and no form.
    assert!(page.text("main").contains("Asia/Tokyo"), "{}", page.text("main"));
    assert!(page.text("main").contains("--time-zone"));
    assert!(page.all("form[action='/settings']").is_empty());
    // A journal whose zone is not fixed: the form keeps it in the journal.
    let fresh = spawn_app_with_zone(None).await;
    let b = Browser::signed_in(&fresh, &fresh.write, "ja").await;
    let csrf = b.get("/settings").await.csrf();
    let bad = b.post("/settings", &[("csrf", &csrf), ("time_zone", "Tokyo")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#time_zone-error").contains("Tokyo はタイムゾーン名ではありません"), "{}", bad.text("main"));
    assert_eq!(bad.attr("#time_zone", "value").as_deref(), Some("Tokyo"));
    let ok = b.post("/settings", &[("csrf", &csrf), ("time_zone", " Europe/Berlin ")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(fresh.store.zone().name(), "Europe/Berlin");
    let page = b.get("/settings?saved=1").await;
    assert!(page.text("#settings-saved").contains("保存しました"));
    assert!(page.text("main").contains("このジャーナルに保存済み"));
    // A local time now takes Berlin's offset, and a reopened journal keeps the zone.
    let (m, l) = fresh.machine_and_license("PC 1", "oem").await;
    let a =
        fresh.attempt(serde_json::json!({"machine_id": m, "license_id": l, "started_at": "2016-07-01 12:00"})).await;
    assert_eq!(a["started_at"], "2016-07-01T12:00:00+02:00");
    let reopened = Store::open(&fresh.db_path(), &fresh.key_path()).await.unwrap();
    assert_eq!(reopened.zone().name(), "Europe/Berlin");
    // A read session sees the zone but no form.
    let r = Browser::signed_in(&fresh, &fresh.read, "en").await;
    let page = r.get("/settings").await;
    assert!(page.text("main").contains("Europe/Berlin"));
    assert!(page.all("form[action='/settings']").is_empty());
    let refused = r.post("/settings", &[("csrf", &page.csrf()), ("time_zone", "UTC")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_a_form_not_yet_sent_takes_the_browsers_draft() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let fresh = b.get("/calls/new").await;
    assert_eq!(fresh.attr("#call-form", "data-fresh").as_deref(), Some("1"));
    assert!(fresh.attr("#draft-notice", "hidden").is_some(), "the draft notice waits for the script");
    let refused = b.post("/calls/new", &pairs(&with(&good_call(&fresh.csrf()), "installation_id", "1"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.attr("#call-form", "data-fresh"), None, "what was sent is not replaced by a draft");
}

#[tokio::test]
async fn a_calls_warnings_are_said_in_the_pages_language_as_the_api_says_them_in_english() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let a = app
        .attempt(serde_json::json!({"machine_id": m, "license_id": l, "started_at": "2014-05-10T01:05:00Z",
        "confirmation_id": "109062-530373-462923-856922-378004-297663-022353-000001", "result": "activated"}))
        .await;
    let english: Vec<&str> = a["warnings"].as_array().unwrap().iter().filter_map(|w| w.as_str()).collect();
    assert_eq!(english.len(), 2, "{english:?}");
    let path = format!("/attempts/{}", a["id"]);
    let said = |page: &PageAnswer| -> Vec<String> {
        page.all(".warnings li").iter().map(|e| e.text().collect::<String>().trim().to_string()).collect()
    };
    let en = said(&Browser::signed_in(&app, &app.write, "en").await.get(&path).await);
    assert_eq!(en, english);
    let ja = said(&Browser::signed_in(&app, &app.write, "ja").await.get(&path).await);
    assert_eq!(ja.len(), 2);
    for w in &ja {
        let sentence = w.split_once(": ").map_or(w.as_str(), |(_, s)| s);
        let words: String = sentence.replace("Asia/Tokyo", "").replace("Z", "");
        assert!(reads_as_japanese(&words), "{w}");
    }
}

#[tokio::test]
async fn system_times_are_shown_in_the_households_zone_with_its_offset() {
    let app = spawn_app().await;
    let (m, _) = app.machine_and_license("PC 1", "oem").await;
    assert_eq!(app.delete(&format!("/api/v1/machines/{m}")).await.status, 204);
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let archived = b.get("/archived?kind=machines").await;
    let at = archived.text("td[data-label='Archived at']");
    assert!(at.ends_with("(+09:00)") && !at.contains("UTC"), "in Asia/Tokyo: {at:?}");
}

/// A case's page shows its times at their own offsets (a call's from
/// Berlin as it was made), not moved to the household's zone.
#[tokio::test]
async fn a_cases_page_shows_its_times_at_their_own_offsets() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let call = json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:02:00+02:00"});
    let case = app.attempt(call).await["case_id"].as_i64().unwrap();
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let facts = b.get(&format!("/cases/{case}")).await.text("dl.facts");
    assert!(facts.contains("2014-05-09 18:02 (+02:00)"), "{facts}");
    let timeline = b.get(&format!("/machines/{m}")).await.text("main");
    assert!(!timeline.contains("2014-05-10 01:02"), "{timeline}");
}
