//! The OpenAPI 3 document, generated from the handlers' annotations and the
//! domain types, served at `/api/v1/openapi.json` (no auth: it holds no data).

use actix_web::HttpResponse;
use serde_json::{json, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::Problem;

/// Errors of a list or a look-up.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ListErrors {
    /// A bad query parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy, or product keys cannot be read.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of reading one resource.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ReadErrors {
    /// A bad path or query parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// No such resource (or it is archived).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of a POST or PATCH.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum WriteErrors {
    /// Malformed JSON, or a bad path parameter or header.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// A read token.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The resource (or the machine in the path) does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// A unique rule: a machine name in use, a second open case for a pair.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The body is over 64 KiB.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not JSON.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Fields that do not parse or break a rule, each named in `errors`.
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy, or product keys cannot be sealed.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of an archive (DELETE) or a product-key reveal.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ArchiveErrors {
    /// A bad path parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or a bad one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// A read token.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource (or it is already archived).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Something failed on the server (logged).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is busy, or product keys cannot be read.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "activation-journal", description = "A journal of software-licence activation attempts made by phone."),
    paths(
        super::health::health,
        super::machines::list, super::machines::create, super::machines::show, super::machines::update,
        super::machines::archive, super::machines::timeline,
        super::hardware_changes::list, super::hardware_changes::create, super::hardware_changes::show,
        super::hardware_changes::update, super::hardware_changes::archive,
        super::licenses::list, super::licenses::create, super::licenses::show, super::licenses::update,
        super::licenses::archive, super::licenses::reveal,
        super::cases::list, super::cases::create, super::cases::show, super::cases::update,
        super::attempts::list, super::attempts::create, super::attempts::show, super::attempts::update,
        super::attempts::archive,
        super::follow_ups::list, super::follow_ups::create, super::follow_ups::show, super::follow_ups::update,
        super::confirmation_ids::lookup,
        super::summaries::summary,
        super::portable::export, super::portable::import,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// What the derive cannot say about request bodies: the same `*Fields`
/// struct serves POST (some fields required) and PATCH (none required), and
/// some fields may be left out but never be null. Each row: the schema, the
/// name of its POST variant, the fields POST requires, the fields that are
/// never null. (Which of `case_id` or `machine_id` + `license_id` an
/// attempt needs is said in words: an `anyOf` of `required` lists makes
/// schema-driven generators give up.)
const BODY_RULES: &[(&str, &str, &[&str], &[&str])] = &[
    ("MachineFields", "MachineCreate", &["name"], &["name"]),
    ("HardwareChangeFields", "HardwareChangeCreate", &["changed_on"], &["changed_on"]),
    ("LicenseFields", "LicenseCreate", &["product", "channel"], &["product", "channel"]),
    ("CaseFields", "CaseCreate", &["machine_id", "license_id"], &["machine_id", "license_id"]),
    ("AttemptFields", "AttemptCreate", &["started_at"], &["started_at"]),
    ("FollowUpFields", "FollowUpCreate", &["text"], &["text"]),
    ("QuestionFields", "QuestionFields", &["topic"], &["topic"]),
];

/// Make a property non-nullable: `["string", "null"]` → `"string"`, and
/// `oneOf: [null, $ref]` → the `$ref`.
fn never_null(property: &mut Value) {
    if let Some(Value::Array(types)) = property.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if kept.len() == 1 {
            property["type"] = kept[0].clone();
        }
    }
    let one_of = property.get("oneOf").and_then(Value::as_array).cloned();
    if let Some(alternatives) = one_of {
        let kept: Vec<Value> = alternatives.into_iter().filter(|a| a.get("type") != Some(&json!("null"))).collect();
        if let [only] = kept.as_slice() {
            *property = only.clone();
        }
    }
}

/// The document as served: the derived one, with [`BODY_RULES`] applied and
/// the `Idempotency-Key` header described.
pub fn document_json() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    for (schema, create, required, not_null) in BODY_RULES {
        let Some(fields) = doc.pointer_mut(&format!("/components/schemas/{schema}")) else { continue };
        for name in *not_null {
            if let Some(p) = fields.pointer_mut(&format!("/properties/{name}")) {
                never_null(p);
            }
        }
        let mut post = fields.clone();
        post["required"] = json!(required);
        if schema == create {
            *fields = post;
        } else {
            // A PATCH names at least one field.
            fields["minProperties"] = json!(1);
            doc["components"]["schemas"][*create] = post;
        }
    }
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return doc };
    for operations in paths.values_mut() {
        let Some(operations) = operations.as_object_mut() else { continue };
        for (method, operation) in operations.iter_mut() {
            if let Some(body) = operation.pointer_mut("/requestBody/content/application~1json/schema") {
                let mut target =
                    body.get("$ref").and_then(Value::as_str).unwrap_or("").rsplit('/').next().unwrap_or("").to_string();
                if method == "post" {
                    if let Some((_, create, ..)) = BODY_RULES.iter().find(|r| r.0 == target) {
                        target = create.to_string();
                    }
                }
                // Inlined rather than referenced: request and response schemas
                // then never share a name, which some fuzzers confuse.
                if let Some(schema) = schemas.get(&target) {
                    *body = schema.clone();
                }
            }
            if let Some(Value::Array(params)) = operation.get_mut("parameters") {
                for p in params.iter_mut().filter(|p| p["name"] == "Idempotency-Key") {
                    p["schema"] = json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"});
                }
            }
        }
    }
    doc
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(document_json())
}
