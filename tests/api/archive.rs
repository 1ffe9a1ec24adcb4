//! Undo: `DELETE` archives every entity, `POST …/unarchive` brings it back,
//! and what goes with a row comes back with it.
use crate::helpers::*;
use serde_json::json;

/// A refusal: its status, problem+json, and a detail that says why.
fn refused(a: &Answer, status: u16, detail_part: &str) {
    assert_eq!(a.status.as_u16(), status, "{}", a.body);
    assert_eq!(a.content_type(), "application/problem+json");
    let detail = a.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(detail_part), "expected …{detail_part}… in {detail:?}");
}

const IID: &str = "508760583450367066786558223034732344271525457574499727444472481";

#[tokio::test]
async fn every_entity_is_archived_and_brought_back_as_it_was() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let h = app.create(&format!("/api/v1/machines/{m}/hardware-changes"), json!({"changed_on": "2014-05-09"})).await;
    let c = app.create("/api/v1/cases", json!({"machine_id": m, "license_id": l})).await;
    let a = app.attempt(json!({"case_id": c["id"], "started_at": "2014-05-09T18:00:00+09:00"})).await;
    let f = app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "drivers"})).await;
    for (path, row) in [
        ("follow-ups", &f),
        ("attempts", &a),
        ("cases", &c),
        ("hardware-changes", &h),
        ("licenses", &json!({"id": l})),
        ("machines", &json!({"id": m})),
    ] {
        let at = format!("/api/v1/{path}/{}", row["id"]);
        assert_eq!(app.delete(&at).await.status, 204, "{at}");
        assert_eq!(app.get(&at).await.status, 404, "{at} is archived");
        let again = app.delete(&at).await;
        refused(&again, 409, "is already archived");
        let back = app.post(&format!("{at}/unarchive"), json!({})).await;
        assert_eq!(back.status, 200, "{at}: {:?}", back.body);
        assert_eq!(back.body["id"], row["id"]);
        assert!(back.body["archived_at"].is_null(), "{at}");
        refused(&app.post(&format!("{at}/unarchive"), json!({})).await, 409, "is not archived");
        assert_eq!(app.get(&at).await.status, 200, "{at}");
    }
    refused(&app.post("/api/v1/machines/999/unarchive", json!({})).await, 404, "machine 999");
}

#[tokio::test]
async fn a_case_takes_its_attempts_along_and_brings_back_only_those() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let call = |at: &str| json!({"machine_id": m, "license_id": l, "started_at": at, "installation_id": IID});
    let first = app.attempt(call("2014-05-09T18:00:00+09:00")).await;
    let second = app.attempt(call("2014-05-10T10:00:00+09:00")).await;
    let case = first["case_id"].as_i64().unwrap();
    // The second call was a mistake, archived on its own first.
    assert_eq!(app.delete(&format!("/api/v1/attempts/{}", second["id"])).await.status, 204);
    assert_eq!(app.delete(&format!("/api/v1/cases/{case}")).await.status, 204);
    assert_eq!(app.get(&format!("/api/v1/attempts/{}", first["id"])).await.status, 404, "gone with its case");
    refused(
        &app.post(&format!("/api/v1/attempts/{}/unarchive", first["id"]), json!({})).await,
        409,
        "unarchive the case instead",
    );
    assert_eq!(app.post(&format!("/api/v1/cases/{case}/unarchive"), json!({})).await.status, 200);
    assert_eq!(app.get(&format!("/api/v1/attempts/{}", first["id"])).await.status, 200, "back with its case");
    assert_eq!(app.get(&format!("/api/v1/attempts/{}", second["id"])).await.status, 404, "archived on its own: stays");
}

#[tokio::test]
async fn an_archived_machine_leaves_summaries_and_open_and_comes_back_whole() {
    let app = spawn_app().await;
    let (m, l) = app.machine_and_license("PC 1", "oem").await;
    let call = app
        .attempt(json!({"machine_id": m, "license_id": l, "started_at": "2014-05-09T18:00:00+09:00",
            "operator_outcome": "unavailable", "result": "not_activated", "failure_reason": "operator_unavailable"}))
        .await;
    app.create("/api/v1/follow-ups", json!({"machine_id": m, "text": "drivers"})).await;
    let open =
        |b: &serde_json::Value| (b["cases"].as_array().unwrap().len(), b["follow_ups"].as_array().unwrap().len());
    assert_eq!(open(&app.get("/api/v1/summary/open").await.body), (1, 1));
    assert_eq!(app.delete(&format!("/api/v1/machines/{m}")).await.status, 204);
    assert_eq!(open(&app.get("/api/v1/summary/open").await.body), (0, 0));
    assert_eq!(app.get("/api/v1/summary/overview").await.body["attempts"], 0);
    // Another live machine takes the name meanwhile: bringing it back would clash.
    let other = app.machine("PC 1").await;
    refused(&app.post(&format!("/api/v1/machines/{m}/unarchive"), json!({})).await, 409, "PC 1");
    assert_eq!(app.delete(&format!("/api/v1/machines/{other}")).await.status, 204);
    assert_eq!(app.post(&format!("/api/v1/machines/{m}/unarchive"), json!({})).await.status, 200);
    assert_eq!(open(&app.get("/api/v1/summary/open").await.body), (1, 1));
    assert_eq!(app.get("/api/v1/summary/overview").await.body["attempts"], 1);
    // A license too.
    assert_eq!(app.delete(&format!("/api/v1/licenses/{l}")).await.status, 204);
    assert_eq!(app.get("/api/v1/summary/overview").await.body["attempts"], 0);
    // Its case and call are archived through it: gone, answering with its
    // stamp, refusing a new call, and not brought back alone.
    let license = app.get(&format!("/api/v1/licenses/{l}?include_archived=true")).await.body;
    let (call_at, case_at) = (format!("/api/v1/attempts/{}", call["id"]), format!("/api/v1/cases/{}", call["case_id"]));
    for at in [&call_at, &case_at] {
        assert_eq!(app.get(at).await.status, 404, "{at}");
        let archived = app.get(&format!("{at}?include_archived=true")).await.body;
        assert_eq!(archived["archived_at"], license["archived_at"], "{at}");
        refused(&app.post(&format!("{at}/unarchive"), json!({})).await, 409, "unarchive the license instead");
    }
    let late =
        app.post("/api/v1/attempts", json!({"case_id": call["case_id"], "started_at": "2014-05-10T18:00:00+09:00"}));
    assert_problem(&late.await, 422, "case_id", "archived");
    assert_eq!(app.post(&format!("/api/v1/licenses/{l}/unarchive"), json!({})).await.status, 200);
    assert_eq!(app.get("/api/v1/summary/overview").await.body["attempts"], 1);
}

#[tokio::test]
async fn unarchive_takes_no_body_fields_or_parameters_and_a_read_token_is_refused() {
    let app = spawn_app().await;
    let m = app.machine("PC 1").await;
    assert_eq!(app.delete(&format!("/api/v1/machines/{m}")).await.status, 204);
    let path = format!("/api/v1/machines/{m}/unarchive");
    assert_problem(&app.post(&format!("{path}?force=true"), json!({})).await, 400, "force", "takes none");
    let read = app.send(reqwest::Method::POST, &path, Some(&app.read), None).await;
    assert_eq!(read.status, 403);
    assert_problem(&app.post("/api/v1/machines/abc/unarchive", json!({})).await, 400, "id", "is not an id");
}
