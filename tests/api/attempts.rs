use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn attempts_open_and_close_their_case() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let day1 = app.attempt(json!({
        "machine_id": m, "license_id": l, "trigger": "hardware_change",
        "started_at": "2014-05-09T18:02:00+09:00", "method": "phone", "number_kind": "toll_free", "called_from": "mobile",
        "country": "jp", "ivr_product": "windows", "installation_id": IID, "ivr_result": "not_confirmed",
        "groups_reentered": [7], "operator_outcome": "unavailable", "result": "not_activated",
        "failure_reason": "operator_unavailable"
    })).await;
    assert_eq!(day1["started_at"], "2014-05-09T18:02:00+09:00");
    assert_eq!(day1["country"], "JP");
    assert_eq!(day1["installation_id"], "5087605-8345036-7066786-5582230-3473234-4271525-4575744-9972744-4472481");
    let case = day1["case_id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/cases/{case}")).await.body["status"], "open");
    let day2 = app
        .attempt(json!({
            "machine_id": m, "license_id": l, "started_at": "2014-05-10T10:05:00+09:00", "installation_id": IID,
            "operator_outcome": "reached", "wait_seconds": 0, "operator_rating": 5,
            "questions": [{"topic": "edition", "question": "Which edition?", "answer": "Pro"},
                          {"topic": "box_colour", "answer": "blue"}],
            "confirmation_id": CID, "result": "activated"
        }))
        .await;
    assert_eq!(day2["case_id"], case);
    assert_eq!(day2["questions"][1]["topic"], "box_colour");
    let c = app.get(&format!("/api/v1/cases/{case}")).await.body;
    assert_eq!((c["status"].clone(), c["closed_at"].clone()), (json!("activated"), json!("2014-05-10T10:05:00+09:00")));
    let found = app.get(&format!("/api/v1/confirmation-ids?installation_id={IID}")).await;
    assert_eq!(found.body["items"][0]["confirmation_id"], CID);
    assert_eq!(app.get("/api/v1/confirmation-ids?installation_id=123").await.status, 400);
    // Filters.
    let n = |q: &'static str| {
        let app = &app;
        async move { app.get(&format!("/api/v1/attempts?{q}")).await.body["items"].as_array().unwrap().len() }
    };
    assert_eq!(n("result=activated").await, 1);
    assert_eq!(n("operator_outcome=unavailable").await, 1);
    assert_eq!(n("from=2014-05-10").await, 1);
    assert_eq!(n("to=2014-05-09").await, 1);
    assert_eq!(n("from=2014-05-09T10:00:00Z").await, 1);
    assert_eq!(app.get("/api/v1/attempts?from=tuesday").await.status, 400);
    assert_eq!(app.get("/api/v1/attempts?result=maybe").await.status, 400);
    // Archiving the activating attempt reopens the case.
    let id2 = day2["id"].as_i64().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/attempts/{id2}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/cases/{case}")).await.body["status"], "open");
    // A PATCH that records the activation closes it again.
    let id1 = day1["id"].as_i64().unwrap();
    let p = app.patch(&format!("/api/v1/attempts/{id1}"), json!({"result": "activated", "failure_reason": null})).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(app.get(&format!("/api/v1/cases/{case}")).await.body["status"], "activated");
}

#[tokio::test]
async fn every_attempt_field_sent_wrong_is_named() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let base = || json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:02:00+09:00"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base();
        b[k] = v;
        b
    };
    let cases = [
        (json!({"started_at": "2014-05-09T18:02:00+09:00"}), "case_id", "is required, or machine_id and license_id"),
        (
            json!({"machine_id": m, "started_at": "2014-05-09T18:02:00+09:00"}),
            "license_id",
            "is required with machine_id",
        ),
        (
            json!({"license_id": l, "started_at": "2014-05-09T18:02:00+09:00"}),
            "machine_id",
            "is required with license_id",
        ),
        (with("case_id", json!(77)), "case_id", "there is no case 77"),
        (with("case_id", json!(-1)), "case_id", "-1 is not an id"),
        (with("machine_id", json!(77)), "machine_id", "there is no machine 77"),
        (with("license_id", json!(77)), "license_id", "there is no license 77"),
        (with("trigger", json!("swap")), "trigger", "not one of"),
        (json!({"machine_id": m, "license_id": l}), "started_at", "is required"),
        (with("started_at", json!("2014-05-09")), "started_at", "is not a time like 2014-05-10 18:02"),
        (with("started_at", json!("2014-05-09 25:02")), "started_at", "is not a time like"),
        (with("started_at", json!("2014-05-09T18:02:00+25:00")), "started_at", "is not a time like"),
        // Plausible times: from 1985 to a day after now, with a hint for swapped digits.
        (with("started_at", json!("2041-05-09T18:02:00+09:00")), "started_at", "is in the future — did you mean 2014?"),
        (with("started_at", json!("9999-12-31T23:59:59-12:00")), "started_at", "is in the future"),
        (with("started_at", json!("0000-01-01T00:00:00Z")), "started_at", "is before 1985-01-01"),
        (with("ended_at", json!("2099-05-09T18:02:00+09:00")), "ended_at", "is in the future"),
        (with("ended_at", json!("2014-05-09T17:00:00+09:00")), "ended_at", "is before started_at"),
        (with("ended_at", json!("later")), "ended_at", "is not a time like"),
        (with("method", json!("fax")), "method", "not one of phone"),
        (with("number_kind", json!("free")), "number_kind", "not one of toll_free"),
        (with("called_from", json!("office")), "called_from", "not one of mobile"),
        (with("country", json!("Japan")), "country", "ISO 3166"),
        (with("ivr_product", json!("xbox")), "ivr_product", "not one of windows"),
        (with("installation_id", json!(IID_GROUP7_BAD)), "installation_id", "group 7 does not check"),
        (with("installation_id", json!("12345")), "installation_id", "5 digits"),
        (with("ivr_result", json!("ok")), "ivr_result", "not one of confirmed"),
        (with("groups_reentered", json!([10])), "groups_reentered", "10 is not a group number"),
        (with("groups_reentered", json!("7")), "groups_reentered", "invalid type"),
        (with("operator_outcome", json!("busy")), "operator_outcome", "not one of not_needed"),
        (with("wait_seconds", json!(-5)), "wait_seconds", "-5 is not"),
        (with("wait_seconds", json!(1.5)), "wait_seconds", "expected a whole number"),
        // A whole number written as a float (Python's json does) is that number.
        (with("operator_rating", json!(9.0)), "operator_rating", "9 is not a rating from 1 to 5"),
        (with("operator_rating", json!(6)), "operator_rating", "6 is not a rating"),
        (with("questions", json!([{"topic": "colour"}])), "questions[0].topic", "not one of"),
        (with("questions", json!([{"question": "?"}])), "questions[0].topic", "is required"),
        (with("questions", json!([{"topic": "edition", "extra": 1}])), "questions[0].extra", "unknown field"),
        (
            with("confirmation_id", json!("109062-530373-462923-856922-378004-297663-022354")),
            "confirmation_id",
            "group G does not check",
        ),
        (with("confirmation_id", json!("1234")), "confirmation_id", "4 digits"),
        (with("result", json!("done")), "result", "not one of activated"),
        (with("result", json!("not_activated")), "failure_reason", "is required when result is not_activated"),
        (with("failure_reason", json!("rude")), "failure_reason", "not one of"),
        (with("notes", json!(["a"])), "notes", "invalid type"),
        (with("warnings", json!([])), "warnings", "unknown field"),
    ];
    for (body, field, message) in cases {
        assert_problem(&app.post("/api/v1/attempts", body.clone()).await, 422, field, message);
    }
    let mut rated = base();
    rated["operator_outcome"] = json!("unavailable");
    rated["operator_rating"] = json!(1);
    assert_problem(
        &app.post("/api/v1/attempts", rated).await,
        422,
        "operator_rating",
        "only kept when operator_outcome is reached",
    );
}

#[tokio::test]
async fn a_48_digit_confirmation_id_that_does_not_check_is_kept_with_a_warning() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let a = app
        .attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-10T10:05:00+09:00",
        "confirmation_id": "109062-530373-462923-856922-378004-297663-022353-000001", "result": "activated"}))
        .await;
    assert_eq!(a["warnings"].as_array().unwrap().len(), 1);
    assert!(a["warnings"][0].as_str().unwrap().contains("group H does not check"));
}

#[tokio::test]
async fn five_hundred_attempts_list_with_their_questions() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let case = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await["id"].as_i64().unwrap();
    let actor = activation_journal::store::Actor::cli();
    for i in 0..510 {
        let f: activation_journal::wire::AttemptCreate = serde_json::from_value(
            json!({"case_id": case, "started_at": format!("2014-05-09T{:02}:00:00+09:00", i % 24),
            "questions": [{"topic": "edition", "answer": "Pro"}, {"topic": "other", "answer": format!("{i}")}]}),
        )
        .unwrap();
        let a = activation_journal::domain::NewAttempt::try_from(&f).unwrap();
        app.store.create_attempt(&activation_journal::store::WriteCtx::new(&actor), &a).await.unwrap();
    }
    let page = app.get("/api/v1/attempts?limit=500").await;
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 500);
    assert!(items.iter().all(|a| a["questions"].as_array().unwrap().len() == 2));
    assert_eq!(items[499]["questions"][1]["answer"], "499");
    assert!(page.body["next_cursor"].is_string());
    assert_eq!(app.all("/api/v1/attempts", 200).await.len(), 510);
}

#[tokio::test]
async fn the_journal_reads_newest_first_by_start_and_pages_without_gaps() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    // Recorded out of order, two at the same instant at different offsets.
    let starts = [
        "2014-05-10T10:05:00+09:00",
        "2014-05-09T18:02:00+09:00",
        "2014-05-10T01:05:00Z",
        "2015-01-01T09:00:00+09:00",
        "2014-05-09T18:15:00+09:00",
    ];
    let mut ids = Vec::new();
    for at in starts {
        let body = json!({"machine_id": m, "license_id": l, "started_at": at});
        ids.push(app.attempt(body).await["id"].as_i64().unwrap());
    }
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let q = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let page = app.get(&format!("/api/v1/attempts?order=started_at&limit=2{q}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        seen.extend(page.body["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()));
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    // Newest first; the two at 01:05Z (one at +09:00) by id, newest id first.
    assert_eq!(seen, [ids[3], ids[2], ids[0], ids[4], ids[1]]);
    // The default order stays by id; a bad order or a list cursor is named.
    let by_id: Vec<i64> = app.get("/api/v1/attempts").await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(by_id, ids);
    assert_problem(&app.get("/api/v1/attempts?order=newest").await, 400, "order", "unknown variant `newest`");
    let id_cursor = app.get("/api/v1/attempts?limit=1").await.body["next_cursor"].as_str().unwrap().to_string();
    let mixed = app.get(&format!("/api/v1/attempts?order=started_at&cursor={id_cursor}")).await;
    assert_problem(&mixed, 400, "cursor", "is not a cursor from this API");
}

#[tokio::test]
async fn the_number_dialled_is_kept_normalised_searched_exported_and_sent_wrong_is_named() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let a = app
        .attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:02:00+09:00",
                   "phone_number": "０１２０ー８０１ー７３４"}))
        .await;
    assert_eq!(a["phone_number"], "0120-801-734");
    let id = a["id"].as_i64().unwrap();
    let found = app.get("/api/v1/search?q=801-734").await.body;
    assert_eq!(
        (found["items"][0]["entity"].as_str(), found["items"][0]["id"].as_i64()),
        (Some("attempt"), Some(id)),
        "{found}"
    );
    let export = app.get("/api/v1/export").await.body;
    assert_eq!(export["attempts"][0]["phone_number"], "0120-801-734");
    for (number, message) in [
        ("123", "holds 3 digits; a phone number has 4 to 20"),
        ("0120-801-73x", "holds 'x'"),
        ("0120\u{202E}801734", "holds '\\u{202e}'"),
    ] {
        let bad = app.patch(&format!("/api/v1/attempts/{id}"), json!({"phone_number": number})).await;
        assert_problem(&bad, 422, "phone_number", message);
    }
    let bad = app.patch(&format!("/api/v1/attempts/{id}"), json!({"phone_number": 120})).await;
    assert_problem(&bad, 422, "phone_number", "invalid type");
    let cleared = app.patch(&format!("/api/v1/attempts/{id}"), json!({"phone_number": null})).await;
    assert_eq!(cleared.body["phone_number"], serde_json::Value::Null, "{}", cleared.body);
}

#[tokio::test]
async fn caller_times_are_answered_canonical_and_an_impossible_second_is_refused() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    let l = app.license("retail_box").await;
    let a = app
        .create(
            "/api/v1/attempts",
            json!({"machine_id": m, "license_id": l, "started_at": "2014-05-11 10:00:00+09:00",
                   "ended_at": "2014-05-11t01:20:00+00:00"}),
        )
        .await;
    assert_eq!(
        (a["started_at"].as_str(), a["ended_at"].as_str()),
        (Some("2014-05-11T10:00:00+09:00"), Some("2014-05-11T01:20:00Z"))
    );
    let bad = app
        .post("/api/v1/attempts", json!({"machine_id": m, "license_id": l, "started_at": "2014-06-30T23:59:60Z"}))
        .await;
    assert_problem(&bad, 422, "started_at", "no leap second was inserted then");
    let leap = app
        .post("/api/v1/attempts", json!({"machine_id": m, "license_id": l, "started_at": "2016-12-31T23:59:60Z"}))
        .await;
    assert_eq!(leap.status, 201, "{}", leap.body);
}

#[tokio::test]
async fn questions_sent_back_masked_keep_their_sealed_key_and_a_new_key_replaces_it() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "retail_box").await;
    let a = app
        .attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-10T10:30:00+09:00", "questions": [
            {"topic": "edition", "answer": "Pro"},
            {"topic": "product_key", "question": "The key?", "answer": "read out GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"}]}))
        .await;
    let path = format!("/api/v1/attempts/{}", a["id"]);
    let masked = "read out *****-*****-*****-*****-9D6T9";
    assert_eq!(a["questions"][1]["answer"], masked);
    let exported_answers = || async {
        let doc = app.send(Method::GET, "/api/v1/export?include_secrets=true", Some(&app.write), None).await.body;
        doc["attempts"][0]["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["answer"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    // The questions sent back as read (the edition row removed above it,
    // a row added below): the masked answer keeps the key it stood for.
    let p = app
        .patch(
            &path,
            json!({"questions": [
            {"topic": "product_key", "question": "The key?", "answer": masked},
            {"topic": "other", "answer": "a note"}]}),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.body["questions"][0]["answer"], masked);
    assert_eq!(exported_answers().await, [format!("read out {KEY}"), "a note".to_string()]);
    // The mask under another topic is not the key: it stays the text sent.
    let p = app.patch(&path, json!({"questions": [{"topic": "other", "answer": masked}]})).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(exported_answers().await, [masked]);
    // A new full key is sealed, and replaces the stored one.
    let p = app
        .patch(&path, json!({"questions": [{"topic": "product_key", "answer": "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"}]}))
        .await;
    assert_eq!(p.body["questions"][0]["answer"], "*****-*****-*****-*****-MKKG7");
    assert_eq!(exported_answers().await, ["MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"]);
    let p = app
        .patch(&path, json!({"questions": [{"topic": "product_key", "answer": "*****-*****-*****-*****-MKKG7"}]}))
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(exported_answers().await, ["MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"]);
}
