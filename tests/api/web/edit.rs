//! Edit and undo in the pages: every kind of row has an edit form built
//! from its declared fields, saved through the store's update with the
//! create form's errors; archiving asks first and offers "undo"; archived
//! rows are listed to bring back; a case is given up and reopened; a
//! hardware change is recorded from its machine's page.

use super::*;

/// The values a browser would send for the form `css` as it stands
/// (hidden fields included; unchecked boxes left out).
pub(super) fn form_values(page: &PageAnswer, css: &str) -> Vec<(String, String)> {
    let form = page.all(css).into_iter().next().expect("the form");
    let sel = |s: &str| Selector::parse(s).unwrap();
    let mut out = Vec::new();
    for input in form.select(&sel("input[name]")) {
        let v = input.value();
        let kind = v.attr("type").unwrap_or("text");
        if matches!(kind, "checkbox" | "radio") && v.attr("checked").is_none() {
            continue;
        }
        out.push((v.attr("name").unwrap().to_string(), v.attr("value").unwrap_or("").to_string()));
    }
    for select in form.select(&sel("select[name]")) {
        let chosen = select.select(&sel("option[selected]")).next();
        let value = chosen.and_then(|o| o.value().attr("value")).unwrap_or("");
        out.push((select.value().attr("name").unwrap().to_string(), value.to_string()));
    }
    for area in form.select(&sel("textarea[name]")) {
        out.push((area.value().attr("name").unwrap().to_string(), area.text().collect()));
    }
    out
}

/// What the edit form of `path` sends, with `changes` made to it.
pub(super) async fn edited(b: &Browser, path: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let page = b.get(path).await;
    assert_eq!(page.status, 200, "{path}");
    let mut values = form_values(&page, "form.card");
    for (name, value) in changes {
        values.retain(|(k, _)| k != name);
        if !value.is_empty() {
            values.push((name.to_string(), value.to_string()));
        } else {
            values.push((name.to_string(), String::new()));
        }
    }
    values
}

/// A journal with one of everything, made through the API: machine,
/// license, call (and so its case), follow-up, hardware change.
struct Story {
    machine: i64,
    license: i64,
    attempt: i64,
    case: i64,
    follow_up: i64,
    change: i64,
}

async fn story(app: &TestApp) -> Story {
    let (machine, license) = app.machine_and_license("PC 1", "retail_box").await;
    let a = app
        .attempt(json!({"machine_id": machine, "license_id": license, "started_at": "2014-05-10T10:05:00+09:00",
            "ivr_result": "not_confirmed", "notes": "first try"}))
        .await;
    let follow_up =
        app.create("/api/v1/follow-ups", json!({"machine_id": machine, "text": "remove the old drivers"})).await["id"]
            .as_i64()
            .unwrap();
    let change = app
        .create(
            &format!("/api/v1/machines/{machine}/hardware-changes"),
            json!({"changed_on": "2014-05-09", "parts_replaced": ["motherboard"]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    Story {
        machine,
        license,
        attempt: a["id"].as_i64().unwrap(),
        case: a["case_id"].as_i64().unwrap(),
        follow_up,
        change,
    }
}

#[tokio::test]
async fn every_kind_of_row_is_edited_through_its_form_and_saved_by_the_store() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    for (path, changes, api, field, want) in [
        (
            format!("/machines/{}", s.machine),
            vec![("owner", "Ken")],
            format!("/api/v1/machines/{}", s.machine),
            "owner",
            json!("Ken"),
        ),
        (
            format!("/licenses/{}", s.license),
            vec![("edition", "Home"), ("box_colour", "")],
            format!("/api/v1/licenses/{}", s.license),
            "edition",
            json!("Home"),
        ),
        (
            format!("/cases/{}", s.case),
            vec![("notes", "the new board")],
            format!("/api/v1/cases/{}", s.case),
            "notes",
            json!("the new board"),
        ),
        (
            format!("/attempts/{}", s.attempt),
            vec![("wait_seconds", "240"), ("notes", "")],
            format!("/api/v1/attempts/{}", s.attempt),
            "wait_seconds",
            json!(240),
        ),
        (
            format!("/follow-ups/{}", s.follow_up),
            vec![("done", "true")],
            format!("/api/v1/follow-ups/{}", s.follow_up),
            "done",
            json!(true),
        ),
        (
            format!("/hardware-changes/{}", s.change),
            vec![("parts_replaced", "cpu")],
            format!("/api/v1/hardware-changes/{}", s.change),
            "parts_replaced",
            json!(["motherboard", "cpu"]),
        ),
    ] {
        let before = app.get(&api).await.body;
        let mut sent = edited(&b, &format!("{path}/edit"), &[]).await;
        // A box and a set are added to, not replaced.
        for (name, value) in &changes {
            if *name != "parts_replaced" {
                sent.retain(|(k, _)| k != name);
            }
            sent.push((name.to_string(), value.to_string()));
        }
        let saved = b.post(&format!("{path}/edit"), &pairs(&sent)).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{path}: {}", saved.text("#form-errors"));
        let after = app.get(&api).await.body;
        assert_eq!(after[field], want, "{path}");
        // Only what was changed is written; the rest stays as it was.
        for (k, v) in before.as_object().unwrap() {
            if !["updated_at", "status", "closed_at"].contains(&k.as_str()) && !changes.iter().any(|(n, _)| n == k) {
                assert_eq!(&after[k], v, "{path}: {k}");
            }
        }
    }
    // Cleared fields are cleared, as a PATCH's null.
    assert!(app.get(&format!("/api/v1/licenses/{}", s.license)).await.body["box_colour"].is_null());
    assert!(app.get(&format!("/api/v1/attempts/{}", s.attempt)).await.body["notes"].is_null());
    // The key is write-only: never in the form, and blank keeps it.
    let form = b.get(&format!("/licenses/{}/edit", s.license)).await;
    assert_eq!(form.attr("input#product_key", "value").as_deref(), Some(""));
    assert!(app.get(&format!("/api/v1/licenses/{}", s.license)).await.body["product_key_masked"].is_string());
    // Sending the form unchanged writes nothing.
    let before = app.get(&format!("/api/v1/machines/{}", s.machine)).await.body;
    let same = edited(&b, &format!("/machines/{}/edit", s.machine), &[]).await;
    let done = b.post(&format!("/machines/{}/edit", s.machine), &pairs(&same)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), format!("/machines/{}", s.machine));
    assert_eq!(app.get(&format!("/api/v1/machines/{}", s.machine)).await.body, before);
}

#[tokio::test]
async fn an_edit_form_refuses_what_the_create_form_refuses_with_the_same_words() {
    let app = spawn_app().await;
    let s = story(&app).await;
    app.machine("PC 2").await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let long = "n".repeat(300);
    let longer = "t".repeat(5000);
    for (path, field, value, message) in [
        (format!("/machines/{}/edit", s.machine), "name", "", "is required"),
        (format!("/machines/{}/edit", s.machine), "name", "PC 2", "already"),
        (format!("/machines/{}/edit", s.machine), "name", long.as_str(), "characters long"),
        (format!("/machines/{}/edit", s.machine), "owner", long.as_str(), "characters long"),
        (format!("/machines/{}/edit", s.machine), "notes", longer.as_str(), "characters long"),
        (format!("/licenses/{}/edit", s.license), "product", "", "is required"),
        (format!("/licenses/{}/edit", s.license), "channel", "shop", "is not one of"),
        (format!("/licenses/{}/edit", s.license), "purchased_on", "someday", ""),
        (format!("/licenses/{}/edit", s.license), "product_key", "ABC", ""),
        (format!("/licenses/{}/edit", s.license), "edition", long.as_str(), "characters long"),
        (format!("/cases/{}/edit", s.case), "status", "lost", "is not one of"),
        (format!("/cases/{}/edit", s.case), "trigger", "bored", "is not one of"),
        (format!("/cases/{}/edit", s.case), "opened_at", "yesterday", ""),
        (format!("/cases/{}/edit", s.case), "hardware_change_id", "x", "must be a whole number"),
        (format!("/cases/{}/edit", s.case), "notes", longer.as_str(), "characters long"),
        (format!("/attempts/{}/edit", s.attempt), "started_at", "", "is required"),
        (format!("/attempts/{}/edit", s.attempt), "wait_seconds", "x", "must be a whole number"),
        (format!("/attempts/{}/edit", s.attempt), "installation_id", "123", ""),
        (format!("/attempts/{}/edit", s.attempt), "operator_rating", "9", ""),
        (format!("/attempts/{}/edit", s.attempt), "country", "Japan", ""),
        (format!("/attempts/{}/edit", s.attempt), "groups_reentered", "a", "must be group numbers"),
        (format!("/follow-ups/{}/edit", s.follow_up), "text", "", "is required"),
        (format!("/follow-ups/{}/edit", s.follow_up), "text", longer.as_str(), "characters long"),
        (format!("/follow-ups/{}/edit", s.follow_up), "due_on", "tomorrow", ""),
        (format!("/follow-ups/{}/edit", s.follow_up), "machine_id", "x", "must be a whole number"),
        (format!("/hardware-changes/{}/edit", s.change), "changed_on", "", "is required"),
        (format!("/hardware-changes/{}/edit", s.change), "changed_on", "2999-01-01", ""),
        (format!("/hardware-changes/{}/edit", s.change), "parts_kept", "wheel", ""),
        (format!("/hardware-changes/{}/edit", s.change), "os_reinstalled", "maybe", "is not true or false"),
    ] {
        let sent = edited(&b, &path, &[(field, value)]).await;
        let page = b.post(&path, &pairs(&sent)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {field}={value:.20}");
        let beside = page.text(&format!("[id='{field}-error']"));
        assert!(!beside.is_empty() && beside.contains(message), "{path} {field}: {beside:?}");
        // The summary names the field and links to it.
        assert_eq!(page.attr("#form-errors a", "href"), Some(format!("#{field}")), "{path} {field}");
        // What was typed is kept.
        // (A select or a box cannot show what is not one of its choices.)
        let drawn_as_choices =
            !page.all(&format!("select[name='{field}'], input[type=checkbox][name='{field}']")).is_empty();
        if !value.is_empty() && !drawn_as_choices {
            let shown = page
                .attr(&format!("[name='{field}']"), "value")
                .unwrap_or_else(|| page.text(&format!("textarea[name='{field}']")));
            assert_eq!(shown, value, "{path} {field}");
        }
    }
    // The same message as the create form's, word for word.
    let csrf = b.get("/machines").await.csrf();
    let create = b.post("/machines", &[("csrf", &csrf), ("name", "PC 2")]).await;
    let sent = edited(&b, &format!("/machines/{}/edit", s.machine), &[("name", "PC 2")]).await;
    let edit = b.post(&format!("/machines/{}/edit", s.machine), &pairs(&sent)).await;
    assert_eq!(create.text("#name-error"), edit.text("#name-error"));
    // Nothing was changed by any of it.
    assert_eq!(app.get(&format!("/api/v1/machines/{}", s.machine)).await.body["name"], "PC 1");
}

#[tokio::test]
async fn archiving_asks_first_offers_undo_and_lists_what_can_be_brought_back() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let ask = b.get(&format!("/machines/{}/archive", s.machine)).await;
    assert_eq!(ask.status, 200);
    assert!(ask.text("main").contains("cases, calls and follow-ups are archived with it"), "{}", ask.text("main"));
    // Only asking archives nothing.
    assert!(app.get(&format!("/api/v1/machines/{}", s.machine)).await.body["archived_at"].is_null());
    let done = b.post(&format!("/machines/{}/archive", s.machine), &[("csrf", &ask.csrf())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), format!("/archived?kind=machines&undo={}", s.machine));
    assert_eq!(app.get(&format!("/api/v1/machines/{}", s.machine)).await.status, 404);
    assert_eq!(app.get(&format!("/api/v1/attempts/{}", s.attempt)).await.status, 404);

    let landed = b.get(&done.location()).await;
    assert_eq!(landed.text("#undo p"), "Archived: PC 1.");
    assert!(landed.text("table").contains("PC 1"));
    let undo = landed.attr("#undo form", "action").unwrap();
    assert_eq!(undo, format!("/machines/{}/unarchive", s.machine));
    let back = b.post(&undo, &[("csrf", &landed.csrf())]).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.location(), format!("/machines/{}", s.machine));
    assert_eq!(app.get(&format!("/api/v1/attempts/{}", s.attempt)).await.status, 200);
    assert!(b.get("/archived?kind=machines").await.text("main").contains("Nothing of this kind is archived."));

    // Each kind archives and comes back from its archived list.
    for (kind, id) in [
        ("follow-ups", s.follow_up),
        ("hardware-changes", s.change),
        ("attempts", s.attempt),
        ("cases", s.case),
        ("licenses", s.license),
    ] {
        let ask = b.get(&format!("/{kind}/{id}/archive")).await;
        assert_eq!(ask.status, 200, "{kind}");
        let done = b.post(&format!("/{kind}/{id}/archive"), &[("csrf", &ask.csrf())]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{kind}");
        let list = b.get(&format!("/archived?kind={kind}")).await;
        let button = format!("form[action='/{kind}/{id}/unarchive'] button");
        assert_eq!(list.all(&button).len(), 1, "{kind}");
        let back = b.post(&format!("/{kind}/{id}/unarchive"), &[("csrf", &list.csrf())]).await;
        assert_eq!(back.status, StatusCode::SEE_OTHER, "{kind}");
    }

    // What the store refuses to bring back is said on the page.
    let ask = b.get(&format!("/machines/{}/archive", s.machine)).await;
    b.post(&format!("/machines/{}/archive", s.machine), &[("csrf", &ask.csrf())]).await;
    app.machine("PC 1").await;
    let refused = b.post(&format!("/machines/{}/unarchive", s.machine), &[("csrf", &ask.csrf())]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text("#refused").contains("PC 1"), "{}", refused.text("#refused"));
    // A kind that is not one, and a row that is not there.
    assert_eq!(b.get("/archived?kind=toasters").await.status, 404);
    assert_eq!(b.get("/machines/999/archive").await.status, 404);
    assert_eq!(b.get("/toasters/1/edit").await.status, 404);
}

#[tokio::test]
async fn a_case_is_given_up_and_reopened_from_its_page() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let page = b.get(&format!("/cases/{}", s.case)).await;
    assert_eq!(page.text("#abandon"), "Give up on this case");
    let done = b.post(&format!("/cases/{}/status", s.case), &[("csrf", &page.csrf()), ("status", "abandoned")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/api/v1/cases/{}", s.case)).await.body["status"], "abandoned");
    let page = b.get(&format!("/cases/{}", s.case)).await;
    assert!(page.all("#abandon").is_empty());
    assert_eq!(page.text("#reopen"), "Reopen this case");
    b.post(&format!("/cases/{}/status", s.case), &[("csrf", &page.csrf()), ("status", "open")]).await;
    assert_eq!(app.get(&format!("/api/v1/cases/{}", s.case)).await.body["status"], "open");
    // A status that is not one, or none: a 400 naming it, nothing changed.
    for bad in [vec![("status", "lost")], vec![]] {
        let mut sent = vec![("csrf", page.csrf())];
        sent.extend(bad.iter().map(|(k, v)| (*k, v.to_string())));
        let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = b.post(&format!("/cases/{}/status", s.case), &sent).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.text("main").contains("status") || refused.text("main").contains("body"));
    }
    // Japanese: the glossary's words.
    let ja = Browser::signed_in(&app, &app.write, "ja").await;
    assert_eq!(ja.get(&format!("/cases/{}", s.case)).await.text("#abandon"), "この件を断念する");
}

#[tokio::test]
async fn a_hardware_change_is_recorded_from_its_machines_page_and_offered_to_its_cases() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let page = b.get(&format!("/machines/{}", s.machine)).await;
    assert_eq!(page.text("#hardware-change"), "Record a hardware change");
    let csrf = page.csrf();
    let path = format!("/machines/{}/hardware-changes", s.machine);
    for (fields, field, message) in [
        (vec![("changed_on", "")], "changed_on", "is required"),
        (vec![("changed_on", "someday")], "changed_on", ""),
        (vec![("changed_on", "2014-06-01"), ("parts_replaced", "wheel")], "parts_replaced", ""),
        (vec![("changed_on", "2014-06-01"), ("os_reinstalled", "maybe")], "os_reinstalled", "is not true or false"),
        (vec![("changed_on", "2014-06-01"), ("notes", &*"n".repeat(5000))], "notes", "characters long"),
    ] {
        let mut sent = vec![("csrf", csrf.as_str())];
        sent.extend(fields.iter().copied());
        let refused = b.post(&path, &sent).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let beside = refused.text(&format!("[id='{field}-error']"));
        assert!(!beside.is_empty() && beside.contains(message), "{field}: {beside:?}");
    }
    let done = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("changed_on", "2014-06-01"),
                ("parts_replaced", "cpu"),
                ("parts_replaced", "memory"),
                ("os_reinstalled", "true"),
                ("notes", "new CPU"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let changes = app.all(&format!("/api/v1/machines/{}/hardware-changes", s.machine), 50).await;
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[1]["parts_replaced"], json!(["cpu", "memory"]));
    assert_eq!(changes[1]["os_reinstalled"], true);
    let timeline = b.get(&format!("/machines/{}", s.machine)).await;
    assert!(timeline.text(".timeline").contains("CPU, Memory — new CPU"), "{}", timeline.text(".timeline"));
    // The case's form offers the machine's hardware changes.
    let case = b.get(&format!("/cases/{}/edit", s.case)).await;
    let offered: Vec<String> =
        case.all("#hardware_change_id option").iter().map(|o| o.text().collect::<String>()).collect();
    assert!(offered.iter().any(|o| o == "2014-06-01 · CPU, Memory"), "{offered:?}");
    let id = changes[1]["id"].as_i64().unwrap().to_string();
    let sent = edited(&b, &format!("/cases/{}/edit", s.case), &[("hardware_change_id", &id)]).await;
    b.post(&format!("/cases/{}/edit", s.case), &pairs(&sent)).await;
    assert_eq!(app.get(&format!("/api/v1/cases/{}", s.case)).await.body["hardware_change_id"].to_string(), id);
}

#[tokio::test]
async fn edit_pages_speak_japanese_and_are_not_for_read_sessions() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let ja = Browser::signed_in(&app, &app.write, "ja").await;
    let page = ja.get(&format!("/hardware-changes/{}/edit", s.change)).await;
    assert_eq!(page.text("h1"), "編集: ハードウェアの変更");
    assert_eq!(page.text("label[for=changed_on]"), "変更した日");
    assert!(page.text("#parts_replaced").contains("マザーボード"));
    assert_eq!(page.text("button.primary"), "変更を保存");
    let ask = ja.get(&format!("/machines/{}/archive", s.machine)).await;
    assert_eq!(ask.text("#archive-confirm"), "アーカイブする");
    let reader = Browser::signed_in(&app, &app.read, "en").await;
    assert_eq!(reader.get(&format!("/machines/{}/edit", s.machine)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(reader.get(&format!("/machines/{}/archive", s.machine)).await.status, StatusCode::FORBIDDEN);
    let page = reader.get(&format!("/machines/{}", s.machine)).await;
    assert!(page.all("a[href$='/edit']").is_empty() && page.all("#hardware-change").is_empty());
}

#[tokio::test]
async fn a_row_changed_meanwhile_shows_both_values_and_lets_the_person_choose() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let api = format!("/api/v1/machines/{}", s.machine);
    let edit = format!("/machines/{}/edit", s.machine);
    for (lang, keep, owner) in [("en", "typed", "Ken"), ("ja", "stored", "Aki")] {
        app.patch(&api, json!({"name": "PC 1", "owner": null, "notes": null})).await;
        let b = Browser::signed_in(&app, &app.write, lang).await;
        let opened = edited(&b, &edit, &[("name", "PC One"), ("owner", "Ken")]).await;
        // Someone else changes the owner and the notes meanwhile.
        let other = app.patch(&api, json!({"owner": "Aki", "notes": "in the study"})).await;
        assert_eq!(other.status, 200);
        let stale = b.post(&edit, &pairs(&opened)).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{lang}");
        assert!(!stale.text("#changed-meanwhile").is_empty());
        // Nothing was written over the other change.
        let now = app.get(&api).await.body;
        assert_eq!((now["name"].as_str(), now["owner"].as_str()), (Some("PC 1"), Some("Aki")));
        // Both changed the owner: the two values, field by field.
        assert_eq!(stale.text("#owner .typed"), "Ken");
        assert_eq!(stale.text("#owner .stored"), "Aki");
        let (typed, stored) =
            if lang == "en" { ("What you typed", "Now stored") } else { ("入力した内容", "今の内容") };
        assert!(stale.text("label[for='owner-typed']").starts_with(typed), "{lang}");
        assert!(stale.text("label[for='owner-stored']").starts_with(stored), "{lang}");
        // Only this person changed the name: kept. Only the other changed the notes: taken.
        assert_eq!(stale.attr("input#name", "value").as_deref(), Some("PC One"));
        assert_eq!(stale.text("textarea#notes"), "in the study");
        // The form now carries the version stored now.
        let version = stale.attr("input[name=version]", "value").unwrap();
        assert_eq!(Some(version.as_str()), app.get(&api).await.headers.get("etag").and_then(|v| v.to_str().ok()));
        let mut again = form_values(&stale, "form.card");
        again.retain(|(k, _)| k != "owner");
        again.push(("owner".into(), if keep == "typed" { "Ken".into() } else { "Aki".into() }));
        let saved = b.post(&edit, &pairs(&again)).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{lang}: {}", saved.text("main"));
        let now = app.get(&api).await.body;
        assert_eq!(now["name"], "PC One", "{lang}");
        assert_eq!(now["owner"], owner, "{lang}");
        assert_eq!(now["notes"], "in the study", "{lang}");
        app.patch(&api, json!({"name": "PC 1"})).await;
    }
    // A version that is not one is refused by name; nothing is written.
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let mut sent = edited(&b, &edit, &[("owner", "Mika")]).await;
    sent.retain(|(k, _)| k != "version");
    sent.push(("version".into(), "not a tag".into()));
    let refused = b.post(&edit, &pairs(&sent)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text("main").contains("version"), "{}", refused.text("main"));
    assert_ne!(app.get(&api).await.body["owner"], "Mika");
}

#[tokio::test]
async fn archive_and_bring_back_carry_the_rows_version_and_leave_a_row_changed_meanwhile_alone() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let api = format!("/api/v1/machines/{}", s.machine);
    let etag = |a: &Answer| a.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    for lang in ["en", "ja"] {
        let b = Browser::signed_in(&app, &app.write, lang).await;
        let path = format!("/machines/{}/archive", s.machine);
        let ask = b.get(&path).await;
        let opened = form_values(&ask, "form.card");
        assert!(opened.contains(&("version".into(), etag(&app.get(&api).await))), "{opened:?}");
        // Renamed in another window meanwhile: nothing is archived; the
        // page comes again over the row as it now is, with a fresh button.
        app.patch(&api, json!({"name": "PC One"})).await;
        let stale = b.post(&path, &pairs(&opened)).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{lang}");
        let said = stale.text("#changed-meanwhile");
        assert!(said.contains(if lang == "en" { "nothing was archived" } else { "アーカイブしていません" }), "{said}");
        assert!(stale.text(".lead").contains("PC One"), "{lang}");
        assert!(app.get(&api).await.body["archived_at"].is_null());
        let fresh = form_values(&stale, "form.card");
        assert!(fresh.contains(&("version".into(), etag(&app.get(&api).await))), "{fresh:?}");
        assert_eq!(b.post(&path, &pairs(&fresh)).await.status, StatusCode::SEE_OTHER, "{lang}");
        // Brought back and archived again elsewhere: the list's old button
        // brings nothing back, and the list comes again with new ones.
        let list = b.get("/archived?kind=machines").await;
        let button = format!("form[action='/machines/{}/unarchive']", s.machine);
        let old = form_values(&list, &button);
        app.post(&format!("{api}/unarchive"), json!({})).await;
        app.delete(&api).await;
        let refused = b.post(&format!("/machines/{}/unarchive", s.machine), &pairs(&old)).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{lang}");
        let said = refused.text("#refused");
        assert!(said.contains(if lang == "en" { "nothing was brought back" } else { "元に戻していません" }), "{said}");
        assert_eq!(app.get(&api).await.status, 404, "still archived");
        let again = form_values(&refused, &button);
        assert_ne!(again, old);
        let back = b.post(&format!("/machines/{}/unarchive", s.machine), &pairs(&again)).await;
        assert_eq!(back.status, StatusCode::SEE_OTHER, "{lang}");
        app.patch(&api, json!({"name": "PC 1"})).await;
    }
    // A version that is not one is refused by name; nothing is archived.
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let ask = b.get(&format!("/machines/{}/archive", s.machine)).await;
    let bad = b.post(&format!("/machines/{}/archive", s.machine), &[("csrf", &ask.csrf()), ("version", "v1")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text("main").contains("version"), "{}", bad.text("main"));
    assert!(app.get(&api).await.body["archived_at"].is_null());
}

#[tokio::test]
async fn the_call_form_names_a_hardware_change_for_the_calls_case() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let other = app.machine("PC 2").await;
    let elsewhere = app
        .create(&format!("/api/v1/machines/{other}/hardware-changes"), json!({"changed_on": "2014-05-01"}))
        .await["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let form = b.get(&format!("/calls/new?machine_id={}&license_id={}", s.machine, s.license)).await;
    let offered: Vec<String> =
        form.all("#hardware_change_id option").iter().map(|o| o.text().collect::<String>()).collect();
    assert!(offered.contains(&"PC 1 · 2014-05-09 · Motherboard".to_string()), "{offered:?}");
    let mut sent = form_values(&form, "#call-form");
    sent.retain(|(k, _)| !["started_at", "hardware_change_id", "trigger"].contains(&k.as_str()));
    sent.push(("started_at".into(), "2014-05-11T10:05:00+09:00".into()));
    sent.push(("trigger".into(), "hardware_change".into()));
    // Another PC's change: refused beside the field, nothing stored.
    let mut wrong = sent.clone();
    wrong.push(("hardware_change_id".into(), elsewhere));
    let refused = b.post("/calls/new", &pairs(&wrong)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text("#hardware_change_id-error").contains("another PC"), "{}", refused.text("main"));
    assert_eq!(app.all("/api/v1/attempts", 50).await.len(), 1);
    sent.push(("hardware_change_id".into(), s.change.to_string()));
    let saved = b.post("/calls/new", &pairs(&sent)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text("main"));
    let id = saved.location().trim_start_matches("/attempts/").split('?').next().unwrap().to_string();
    let case = app.get(&format!("/api/v1/attempts/{id}")).await.body["case_id"].as_i64().unwrap();
    assert_eq!(case, s.case, "the pair's open case");
    assert_eq!(app.get(&format!("/api/v1/cases/{case}")).await.body["hardware_change_id"], s.change);
}

#[tokio::test]
async fn a_calls_questions_are_edited_on_its_form_rows_added_and_removed_and_a_masked_key_kept() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let api = format!("/api/v1/attempts/{}", s.attempt);
    let qs = json!({"questions": [
        {"topic": "edition", "question": "Which edition?", "answer": "Pro"},
        {"topic": "product_key", "answer": "read out GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"}]});
    assert_eq!(app.patch(&api, qs).await.status, 200);
    let b = Browser::signed_in(&app, &app.write, "en").await;
    let edit = format!("/attempts/{}/edit", s.attempt);
    let page = b.get(&edit).await;
    let opened = form_values(&page, "form.card");
    let has = |v: &[(String, String)], k: &str, x: &str| v.iter().any(|(a, b)| a == k && b == x);
    assert!(has(&opened, "questions[0].question", "Which edition?"), "{opened:?}");
    assert!(has(&opened, "questions[1].answer", "read out *****-*****-*****-*****-9D6T9"), "{opened:?}");
    assert!(has(&opened, "questions[2].answer", ""), "a blank row to add one: {opened:?}");
    // Add a row, then remove the first: nothing stored, everything typed kept.
    let mut sent = opened.clone();
    sent.retain(|(k, _)| k != "questions[2].answer");
    sent.push(("questions[2].answer".into(), "blue".into()));
    sent.retain(|(k, _)| k != "questions[2].topic");
    sent.push(("questions[2].topic".into(), "box_colour".into()));
    sent.push(("action".into(), "more".into()));
    let more = b.post(&edit, &pairs(&sent)).await;
    assert_eq!(more.status, StatusCode::OK);
    let shown = form_values(&more, "form.card");
    assert!(has(&shown, "questions[2].answer", "blue") && has(&shown, "questions[3].answer", ""), "{shown:?}");
    sent.retain(|(k, _)| k != "action");
    sent.push(("action".into(), "remove.0".into()));
    let fewer = b.post(&edit, &pairs(&sent)).await;
    let shown = form_values(&fewer, "form.card");
    assert!(has(&shown, "questions[0].answer", "read out *****-*****-*****-*****-9D6T9"), "{shown:?}");
    assert!(has(&shown, "questions[1].answer", "blue") && !shown.iter().any(|(_, v)| v == "Which edition?"));
    assert_eq!(app.get(&api).await.body["questions"].as_array().unwrap().len(), 2, "nothing stored");
    // A topic that is not one is named beside its row; nothing stored.
    let mut bad = shown.clone();
    bad.retain(|(k, _)| k != "questions[1].topic");
    bad.push(("questions[1].topic".into(), "colour".into()));
    let refused = b.post(&edit, &pairs(&bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!refused.text("#questions .invalid .error").is_empty(), "{}", refused.text("main"));
    // Saved: the masked answer keeps the key stored.
    let saved = b.post(&edit, &pairs(&shown)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text("main"));
    let now = app.get(&api).await.body;
    let topics: Vec<&str> = now["questions"].as_array().unwrap().iter().map(|q| q["topic"].as_str().unwrap()).collect();
    assert_eq!(topics, ["product_key", "box_colour"]);
    let doc = app.send(reqwest::Method::GET, "/api/v1/export?include_secrets=true", Some(&app.write), None).await;
    assert_eq!(doc.body["attempts"][0]["questions"][0]["answer"], "read out GCRJD-8NW9H-F2CDX-CCM8D-9D6T9");
    // Both this form and another writer changed them: the rows typed are
    // kept and the questions stored now are shown above them.
    let opened = form_values(&b.get(&edit).await, "form.card");
    app.patch(&api, json!({"questions": [{"topic": "other", "answer": "changed elsewhere"}]})).await;
    let mut mine = opened.clone();
    mine.retain(|(k, _)| k != "questions[1].answer");
    mine.push(("questions[1].answer".into(), "green".into()));
    let stale = b.post(&edit, &pairs(&mine)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text("#questions-now").contains("changed elsewhere"), "{}", stale.text("main"));
    let again = form_values(&stale, "form.card");
    assert!(has(&again, "questions[1].answer", "green"), "{again:?}");
    assert_eq!(b.post(&edit, &pairs(&again)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&api).await.body["questions"][1]["answer"], "green");
}
