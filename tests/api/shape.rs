//! Every declared field of every body, sent wrong: the field declarations
//! (`wire::*_fields`) drive these tests, so a field added to a declaration
//! is sent wrong here without a line written for it, and the OpenAPI
//! document is held to the same limits the server applies.

use activation_journal::domain::shape::{FieldDecl, Kind};
use activation_journal::wire;
use serde_json::{json, Value};

use crate::helpers::*;

/// A value of the field's JSON type that its declaration refuses, with a
/// part of the message that names why.
fn wrong(kind: Kind) -> Option<(Value, &'static str)> {
    Some(match kind {
        Kind::Id => (json!(0), "is not an id"),
        Kind::Line { max } | Kind::Name { max } | Kind::Text { max } => {
            (json!("x".repeat(max + 1)), "characters long; at most")
        }
        Kind::Code { max, .. } => (json!("1".repeat(max + 1)), "characters long; at most"),
        Kind::Int { max, .. } => (json!(max + 1), "is not a"),
        Kind::Ints { max, .. } => (json!([max + 1]), "is not a group number"),
        Kind::OneOf(_) | Kind::SetOf(_) => {
            let v = if matches!(kind, Kind::SetOf(_)) { json!(["nope"]) } else { json!("nope") };
            (v, "is not one of")
        }
        Kind::Time => (json!("yesterday"), ""),
        Kind::Date => (json!("May"), ""),
        Kind::Bool => (json!("yes"), "invalid type"),
        Kind::Objects { items } => (json!(vec![json!({"topic": "edition"}); items + 1]), "at most"),
    })
}

/// The resources a person writes: the POST path, a body it takes, and the
/// declarations of its fields.
fn resources() -> Vec<(&'static str, Value, &'static [FieldDecl])> {
    vec![
        ("/api/v1/machines", json!({"name": "PC 9"}), wire::machine_fields::ALL),
        ("/api/v1/machines/1/hardware-changes", json!({"changed_on": "2014-05-09"}), wire::hardware_change_fields::ALL),
        ("/api/v1/licenses", json!({"product": "Windows 8.1", "channel": "retail_box"}), wire::license_fields::ALL),
        ("/api/v1/cases", json!({"machine_id": 1, "license_id": 1}), wire::case_fields::ALL),
        (
            "/api/v1/attempts",
            json!({"case_id": 1, "started_at": "2014-05-10T10:05:00+09:00"}),
            wire::attempt_fields::ALL,
        ),
        ("/api/v1/follow-ups", json!({"machine_id": 1, "text": "call again"}), wire::follow_up_fields::ALL),
    ]
}

#[tokio::test]
async fn every_declared_field_sent_wrong_is_a_422_naming_it() {
    let app = spawn_app().await;
    app.machine("PC 1").await;
    app.license("retail_box").await;
    app.create("/api/v1/cases", json!({"machine_id": 1, "license_id": 1})).await;
    let mut sent = 0;
    for (path, base, fields) in resources() {
        for field in fields {
            let Some((value, message)) = wrong(field.kind) else { continue };
            let mut body = base.clone();
            body[field.name] = value;
            let a = app.post(path, body.clone()).await;
            assert_problem(&a, 422, field.name, message);
            sent += 1;
            if field.required {
                let mut body = base.clone();
                body.as_object_mut().unwrap().remove(field.name);
                let a = app.post(path, body).await;
                assert_problem(&a, 422, field.name, "is required");
            }
        }
    }
    assert!(sent >= 40, "only {sent} fields were sent wrong");
}

#[tokio::test]
async fn the_document_states_every_declared_limit() {
    let app = spawn_app().await;
    let doc = app.get("/api/v1/openapi.json").await.body;
    let schemas = &doc["components"]["schemas"];
    for (create, fields) in [
        ("MachineCreate", wire::machine_fields::ALL),
        ("LicenseCreate", wire::license_fields::ALL),
        ("HardwareChangeCreate", wire::hardware_change_fields::ALL),
        ("CaseCreate", wire::case_fields::ALL),
        ("AttemptCreate", wire::attempt_fields::ALL),
        ("FollowUpCreate", wire::follow_up_fields::ALL),
        ("QuestionFields", wire::question_fields::ALL),
    ] {
        let schema = &schemas[create];
        let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
        let stated: Vec<&str> =
            schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        assert_eq!(stated, required, "{create} required");
        for field in fields {
            let p = &schema["properties"][field.name];
            let own = p["oneOf"].as_array().and_then(|m| m.iter().find(|m| m["type"] != "null")).unwrap_or(p);
            let text = own.to_string();
            match field.kind {
                Kind::Line { max } | Kind::Name { max } | Kind::Text { max } | Kind::Code { max, .. } => {
                    assert_eq!(own["maxLength"], max, "{create}.{}: {text}", field.name)
                }
                Kind::Int { min, max } => {
                    assert_eq!((own["minimum"].as_i64(), own["maximum"].as_i64()), (Some(min), Some(max)), "{text}")
                }
                Kind::Id => assert_eq!(own["minimum"], 1, "{create}.{}: {text}", field.name),
                Kind::Ints { items, .. } | Kind::Objects { items } => assert_eq!(own["maxItems"], items, "{text}"),
                Kind::Time => assert_eq!(own["format"], "date-time", "{create}.{}: {text}", field.name),
                Kind::Date => assert_eq!(own["format"], "date", "{create}.{}: {text}", field.name),
                Kind::OneOf(_) | Kind::SetOf(_) | Kind::Bool => {}
            }
        }
    }
    // The inlined POST body of attempts says the same as its named schema.
    let inline = &doc["paths"]["/api/v1/attempts"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(inline["required"], json!(["started_at"]), "{inline}");
    assert_eq!(inline["properties"]["notes"]["maxLength"], 4000, "{inline}");
}

#[tokio::test]
async fn answers_say_what_they_always_carry_and_zips_are_bytes() {
    let app = spawn_app().await;
    let doc = app.get("/api/v1/openapi.json").await.body;
    let schemas = &doc["components"]["schemas"];
    let attempt = &schemas["Attempt"];
    let required: Vec<&str> = attempt["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for field in ["id", "notes", "archived_at", "phone_number", "ended_at", "questions", "warnings"] {
        assert!(required.contains(&field), "Attempt.{field} is always sent: {required:?}");
    }
    let started = &attempt["properties"]["started_at"];
    assert_eq!(started["format"], "date-time", "{started}");
    assert_eq!(schemas["FollowUp"]["properties"]["due_on"]["format"], "date");
    let export = &doc["paths"]["/api/v1/export"]["get"]["responses"]["200"]["content"]["application/zip"]["schema"];
    assert_eq!((export["type"].as_str(), export["format"].as_str()), (Some("string"), Some("binary")), "{export}");
    let import = &doc["paths"]["/api/v1/import"]["post"]["requestBody"]["content"]["application/zip"]["schema"];
    assert_eq!(import["format"], "binary", "{import}");
    assert_eq!(doc["servers"][0]["url"], "/");
}

#[test]
fn every_declared_field_has_a_label_in_both_languages() {
    for lang in ["en", "ja"] {
        let path = format!("{}/locales/{lang}.yml", env!("CARGO_MANIFEST_DIR"));
        let catalogue = std::fs::read_to_string(&path).unwrap();
        for (_, _, fields) in resources() {
            for field in fields.iter().chain(wire::question_fields::ALL) {
                let key = format!("\n{}:", field.label);
                assert!(catalogue.contains(&key), "{path} has no label {} for {}", field.label, field.name);
            }
        }
    }
}
