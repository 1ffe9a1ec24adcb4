use crate::helpers::*;
use reqwest::Method;

/// Every route the server registers, as (method, path template).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/api/v1/machines"),
    ("post", "/api/v1/machines"),
    ("get", "/api/v1/machines/{id}"),
    ("patch", "/api/v1/machines/{id}"),
    ("delete", "/api/v1/machines/{id}"),
    ("get", "/api/v1/machines/{id}/timeline"),
    ("get", "/api/v1/machines/{id}/hardware-changes"),
    ("post", "/api/v1/machines/{id}/hardware-changes"),
    ("get", "/api/v1/hardware-changes/{id}"),
    ("patch", "/api/v1/hardware-changes/{id}"),
    ("delete", "/api/v1/hardware-changes/{id}"),
    ("get", "/api/v1/licenses"),
    ("post", "/api/v1/licenses"),
    ("get", "/api/v1/licenses/{id}"),
    ("patch", "/api/v1/licenses/{id}"),
    ("delete", "/api/v1/licenses/{id}"),
    ("get", "/api/v1/licenses/{id}/product-key"),
    ("get", "/api/v1/licenses/{id}/at-hand"),
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("patch", "/api/v1/cases/{id}"),
    ("delete", "/api/v1/cases/{id}"),
    ("get", "/api/v1/attempts"),
    ("post", "/api/v1/attempts"),
    ("get", "/api/v1/attempts/{id}"),
    ("patch", "/api/v1/attempts/{id}"),
    ("delete", "/api/v1/attempts/{id}"),
    ("get", "/api/v1/follow-ups"),
    ("post", "/api/v1/follow-ups"),
    ("get", "/api/v1/follow-ups/{id}"),
    ("patch", "/api/v1/follow-ups/{id}"),
    ("delete", "/api/v1/follow-ups/{id}"),
    ("get", "/api/v1/confirmation-ids"),
    ("get", "/api/v1/summary/{name}"),
    ("get", "/api/v1/export"),
    ("post", "/api/v1/import"),
    ("post", "/api/v1/machines/{id}/unarchive"),
    ("post", "/api/v1/hardware-changes/{id}/unarchive"),
    ("post", "/api/v1/licenses/{id}/unarchive"),
    ("post", "/api/v1/cases/{id}/unarchive"),
    ("post", "/api/v1/attempts/{id}/unarchive"),
    ("post", "/api/v1/follow-ups/{id}/unarchive"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/search"),
    ("post", "/api/v1/parse/slmgr"),
    ("get", "/api/v1/attachments"),
    ("post", "/api/v1/attachments"),
    ("get", "/api/v1/attachments/{id}"),
    ("patch", "/api/v1/attachments/{id}"),
    ("delete", "/api/v1/attachments/{id}"),
    ("get", "/api/v1/attachments/{id}/file"),
    ("get", "/api/v1/attachments/{id}/thumbnail"),
    ("post", "/api/v1/attachments/{id}/unarchive"),
    ("get", "/calendar.ics"),
];

#[tokio::test]
async fn every_route_is_in_the_document_and_every_documented_route_is_served() {
    let app = spawn_app().await;
    let doc = app.send(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, 200);
    let paths = doc.body["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (method, path) in ROUTES {
        assert!(documented.contains(&(method.to_string(), path.to_string())), "{method} {path} is not documented");
    }
    assert_eq!(documented.len(), ROUTES.len(), "documented routes that are not registered: {documented:?}");
    // Every documented operation is routed: not the router's 404 or 405.
    for (method, path) in &documented {
        let concrete = path.replace("{id}", "1").replace("{name}", "overview");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let a = app.send(m, &concrete, Some(&app.write), Some(&serde_json::json!({}))).await;
        assert_ne!(a.status, 405, "{method} {path}");
        let detail = a.body["detail"].as_str().unwrap_or("");
        assert!(!detail.starts_with("there is no route"), "{method} {path}");
    }
    // The bearer scheme is declared, and errors are problem+json.
    assert_eq!(doc.body["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let post = &paths["/api/v1/attempts"]["post"]["responses"];
    for status in ["201", "400", "401", "403", "413", "415", "422"] {
        assert!(post.get(status).is_some(), "POST /attempts documents {status}");
    }
    assert!(post["422"]["content"].get("application/problem+json").is_some());
}

/// The schema a `$ref` names.
fn resolve<'a>(doc: &'a serde_json::Value, reference: &serde_json::Value) -> &'a serde_json::Value {
    let name = reference.as_str().unwrap().rsplit('/').next().unwrap();
    &doc["components"]["schemas"][name]
}

#[tokio::test]
async fn two_types_never_share_a_schema_name_and_every_reference_resolves() {
    let app = spawn_app().await;
    let doc = app.send(Method::GET, "/api/v1/openapi.json", None, None).await.body;
    // The licenses summary and the export both had a `LicenseRow`; one
    // schema stood for both, and summaries failed to validate against it.
    let summary_row =
        resolve(&doc, &doc["components"]["schemas"]["Licenses"]["properties"]["licenses"]["items"]["$ref"]);
    assert!(summary_row["properties"].get("license_id").is_some(), "{summary_row}");
    assert!(summary_row["properties"].get("created_at").is_none(), "{summary_row}");
    let export_row =
        resolve(&doc, &doc["components"]["schemas"]["Document"]["properties"]["licenses"]["items"]["$ref"]);
    assert!(export_row["properties"].get("created_at").is_some(), "{export_row}");
    let text = doc.to_string();
    for name in text.split("#/components/schemas/").skip(1).map(|s| s.split('"').next().unwrap()) {
        assert!(doc["components"]["schemas"].get(name).is_some(), "{name} is referenced but not defined");
    }
    // The summary names are a closed set in the document too.
    let name = &doc["paths"]["/api/v1/summary/{name}"]["get"]["parameters"][0]["schema"]["$ref"];
    assert_eq!(resolve(&doc, name)["enum"][2], "wait-times");
}
