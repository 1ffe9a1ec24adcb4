//! `/search`: names, notes, questions and answers, Japanese too; never a key.
use crate::helpers::*;
use serde_json::json;

fn hits(body: &serde_json::Value) -> Vec<(String, i64)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["entity"].as_str().unwrap().to_string(), h["id"].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn search_finds_every_kind_of_text_newest_first_in_japanese_too_and_never_a_key() {
    let app = spawn_app().await;
    let m = app.create("/api/v1/machines", json!({"name": "居間のＰＣ", "notes": "マザーボード交換済み"})).await["id"]
        .as_i64()
        .unwrap();
    let l = app
        .create(
            "/api/v1/licenses",
            json!({"product": "Windows 8.1", "channel": "retail_box", "box_colour": "青い箱",
                   "purchased_from": "ヨドバシカメラ", "product_key": "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let a = app
        .attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-10T10:00:00+09:00",
                   "notes": "オペレーターは親切だった",
                   "questions": [
                       {"topic": "box_colour", "question": "箱の色は？", "answer": "青"},
                       {"topic": "product_key", "question": "プロダクトキーは？",
                        "answer": "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"}]}))
        .await["id"]
        .as_i64()
        .unwrap();
    let case = app.get(&format!("/api/v1/attempts/{a}")).await.body["case_id"].as_i64().unwrap();
    let f = app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "箱の写真を撮っておく"})).await["id"]
        .as_i64()
        .unwrap();

    // Each kind of text, found with the id of what holds it.
    for (q, expected) in [
        ("マザーボード", vec![("machine", m)]),
        ("pc", vec![("machine", m)]), // full-width in the name, any case
        ("ヨドバシ", vec![("license", l)]),
        ("親切", vec![("attempt", a)]), // two characters: the short-term path
        ("箱の色", vec![("attempt", a)]),
        ("箱", vec![("follow_up", f), ("attempt", a), ("license", l)]), // newest first
        ("写真 撮って", vec![("follow_up", f)]),                        // every word must match
        ("写真 親切", vec![]),
    ] {
        let answer = app.get(&format!("/api/v1/search?q={}", urlencode(q))).await;
        assert_eq!(answer.status, 200, "{q}: {}", answer.body);
        let expected: Vec<(String, i64)> = expected.into_iter().map(|(e, i)| (e.to_string(), i)).collect();
        assert_eq!(hits(&answer.body), expected, "{q}");
    }
    let snippet = app.get(&format!("/api/v1/search?q={}", urlencode("親切"))).await.body["items"][0]["snippet"].clone();
    assert_eq!(snippet, "オペレーターは[親切]だった / 箱の色は? / 青 / プロダクトキーは?");

    // The key and the sealed answer are in no document; the last five characters neither.
    for q in ["GCRJD", "8NW9H", "9D6T9", "CCM8D-9D6T9"] {
        assert_eq!(app.get(&format!("/api/v1/search?q={q}")).await.body["items"], json!([]), "{q}");
    }

    // A PATCH re-indexes in place; archiving hides, unarchiving brings back.
    app.patch(&format!("/api/v1/machines/{m}"), json!({"notes": "CPU も交換"})).await;
    assert_eq!(app.get(&format!("/api/v1/search?q={}", urlencode("マザーボード"))).await.body["items"], json!([]));
    assert_eq!(hits(&app.get("/api/v1/search?q=CPU").await.body), [("machine".to_string(), m)]);
    app.patch(&format!("/api/v1/cases/{case}"), json!({"notes": "二回目で成功"})).await;
    assert_eq!(
        hits(&app.get(&format!("/api/v1/search?q={}", urlencode("二回目"))).await.body),
        [("case".to_string(), case)]
    );
    assert_eq!(app.delete(&format!("/api/v1/follow-ups/{f}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/search?q={}", urlencode("写真"))).await.body["items"], json!([]));
    let archived = app.get(&format!("/api/v1/search?q={}&include_archived=true", urlencode("写真"))).await;
    assert_eq!(hits(&archived.body), [("follow_up".to_string(), f)]);
    assert_eq!(app.post(&format!("/api/v1/follow-ups/{f}/unarchive"), json!(null)).await.status, 200);
    assert_eq!(
        hits(&app.get(&format!("/api/v1/search?q={}", urlencode("写真"))).await.body),
        [("follow_up".to_string(), f)]
    );

    // A read token may search.
    let read = app.send(reqwest::Method::GET, "/api/v1/search?q=CPU", Some(&app.read), None).await;
    assert_eq!(read.status, 200);
}

#[tokio::test]
async fn search_pages_newest_first_through_many_hits() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for i in 0..23 {
        ids.push(
            app.create("/api/v1/machines", json!({"name": format!("PC {i}"), "notes": "同じメモ"})).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/search?q={}&limit=10&cursor={c}", urlencode("同じメモ")),
            None => format!("/api/v1/search?q={}&limit=10", urlencode("同じメモ")),
        };
        let page = app.get(&path).await.body;
        seen.extend(hits(&page).into_iter().map(|(_, id)| id));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn bad_search_parameters_are_named() {
    let app = spawn_app().await;
    let long = "a".repeat(201);
    for (query, field, message) in [
        ("", "q", "is required"),
        ("q=", "q", "is required"),
        ("q=%20%20", "q", "is required"),
        (&format!("q={long}") as &str, "q", "at most 200 characters"),
        ("q=pc&limit=0", "limit", "0 is not a page size"),
        ("q=pc&limit=many", "limit", "not a whole number"),
        ("q=pc&cursor=42", "cursor", "not a cursor"),
        ("q=pc&include_archived=maybe", "include_archived", "true or false"),
        ("q=pc&page=2", "page", "unknown field"),
        // What schemathesis sent: a NUL inside the text (it was a 500).
        ("q=5%C2%B9%00X%C3%B4%2B&include_archived=true", "q", "must not contain control characters"),
    ] {
        assert_problem(&app.get(&format!("/api/v1/search?{query}")).await, 400, field, message);
    }
    assert_eq!(app.send(reqwest::Method::GET, "/api/v1/search?q=pc", None, None).await.status, 401);
    // Characters FTS5 would read as syntax are only text.
    for q in ["%22", "AND", "a%20OR%20b", "NEAR(x", "*", "%25", "_", "%5C"] {
        assert_eq!(app.get(&format!("/api/v1/search?q={q}")).await.status, 200, "{q}");
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
