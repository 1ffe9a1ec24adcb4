//! The limits of every request body in the OpenAPI document, written from
//! the field declarations ([`crate::domain::shape`]) that the parse reads:
//! `maxLength`, `minLength`, `pattern`, `minimum`/`maximum`, `maxItems`,
//! `format` and, for POST bodies, `required`. utoipa derives the types from
//! the bodies; what a field may hold is said once, in its declaration, and
//! a client generated from the document refuses what the server would.

use serde_json::{json, Map, Value};

use crate::domain::shape::{FieldDecl, Kind};
use crate::wire;

/// The bodies whose fields are declared: the schema's name, its fields,
/// and whether it is a POST body (which states what it requires).
fn bodies() -> [(&'static str, &'static [FieldDecl], bool); 14] {
    [
        ("MachineCreate", wire::machine_fields::ALL, true),
        ("MachineFields", wire::machine_fields::ALL, false),
        ("HardwareChangeCreate", wire::hardware_change_fields::ALL, true),
        ("HardwareChangeFields", wire::hardware_change_fields::ALL, false),
        ("LicenseCreate", wire::license_fields::ALL, true),
        ("LicenseFields", wire::license_fields::ALL, false),
        ("CaseCreate", wire::case_fields::ALL, true),
        ("CaseFields", wire::case_fields::ALL, false),
        ("AttemptCreate", wire::attempt_fields::ALL, true),
        ("AttemptFields", wire::attempt_fields::ALL, false),
        ("FollowUpCreate", wire::follow_up_fields::ALL, true),
        ("FollowUpFields", wire::follow_up_fields::ALL, false),
        ("QuestionFields", wire::question_fields::ALL, true),
        ("AttachmentFields", wire::attachment_fields::ALL, false),
    ]
}

/// Say in `doc` what the server does that utoipa does not derive: the
/// declared limits of request bodies ([`limits`]), what every answer
/// carries ([`answers`]), binary downloads and uploads, and the server.
pub fn apply(doc: &mut Value) {
    limits(doc);
    answers(doc);
    binaries(doc);
    if let Some(d) = doc.as_object_mut() {
        d.insert("servers".into(), json!([{"url": "/", "description": "this journal's server"}]));
    }
    // A search needs something to look for (it is an `Option` only so that
    // its absence gets its own message).
    if let Some(q) = parameter(doc, "/api/v1/search", "get", "q") {
        q.insert("required".into(), json!(true));
        if let Some(schema) = q.get_mut("schema").and_then(Value::as_object_mut) {
            schema.insert("pattern".into(), json!(format!("^[^{CONTROLS}]*[^{CONTROLS}{SPACE}][^{CONTROLS}]*$")));
        }
    }
    // Pasted `slmgr` output must hold something.
    if let Some(text) = doc.pointer_mut("/paths/~1api~1v1~1parse~1slmgr/post/requestBody/content/text~1plain/schema") {
        *text = json!({"type": "string", "pattern": r"\S"});
    }
}

/// A parameter of an operation.
fn parameter<'a>(doc: &'a mut Value, path: &str, method: &str, name: &str) -> Option<&'a mut Map<String, Value>> {
    let pointer = format!("/paths/{}/{method}/parameters", path.replace('/', "~1"));
    let parameters = doc.pointer_mut(&pointer)?.as_array_mut()?;
    parameters.iter_mut().filter_map(Value::as_object_mut).find(|p| p.get("name") == Some(&json!(name)))
}

/// Fields of an answer that are left out when they have no value: an
/// export's product key and attachments' files, present only in an export
/// with secrets.
const SOMETIMES: &[(&str, &str)] = &[("ExportedLicense", "product_key"), ("ExportedAttachment", "content")];

/// Every schema an answer is read with (not a request body): each field is
/// always sent (`null` when it has no value), so each is `required`; a
/// time (`…_at`) is RFC 3339 (`format: date-time`) and a day (`…_on`) a
/// date.
fn answers(doc: &mut Value) {
    let bodies: Vec<&str> = bodies().iter().map(|(name, _, _)| *name).collect();
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    for (name, schema) in schemas.iter_mut().filter(|(name, _)| !bodies.contains(&name.as_str())) {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        let mut required = Vec::new();
        for (field, property) in properties.iter_mut() {
            if !SOMETIMES.contains(&(name.as_str(), field.as_str())) {
                required.push(Value::from(field.as_str()));
            }
            let format = if field.ends_with("_at") {
                "date-time"
            } else if field.ends_with("_on") {
                "date"
            } else {
                continue;
            };
            if let Some(p) = typed(property).filter(|p| !p.contains_key("$ref")) {
                p.insert("format".into(), json!(format));
            }
        }
        if let Some(object) = schema.as_object_mut() {
            object.insert("required".into(), Value::Array(required));
        }
    }
}

/// A zip (the CSV export, and the import that reads it back) is bytes.
fn binaries(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    let binary = json!({"type": "string", "format": "binary", "contentMediaType": "application/zip"});
    for operation in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
        if let Some(zip) = operation.pointer_mut("/requestBody/content/application~1zip") {
            zip["schema"] = binary.clone();
        }
        let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { continue };
        for response in responses.values_mut() {
            if let Some(zip) = response.pointer_mut("/content/application~1zip") {
                zip["schema"] = binary.clone();
            }
        }
    }
}

/// Write the declared limits into the request bodies: the named schemas,
/// and the bodies inlined in their operations (a POST's as a create body,
/// a PATCH's as a change), recognised by their fields.
fn limits(doc: &mut Value) {
    let bodies = bodies();
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, fields, create) in bodies {
            if let Some(schema) = schemas.get_mut(name) {
                constrain(schema, fields, create);
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        for (method, create) in [("post", true), ("patch", false)] {
            let Some(content) = item.pointer_mut(&format!("/{method}/requestBody/content")) else { continue };
            for media in content.as_object_mut().into_iter().flat_map(|c| c.values_mut()) {
                let Some(schema) = media.get_mut("schema") else { continue };
                if let Some((_, fields, _)) = bodies.iter().find(|(_, fields, _)| same_fields(schema, fields)) {
                    constrain(schema, fields, create);
                }
            }
        }
    }
}

/// Whether an object schema has exactly the declared fields.
fn same_fields(schema: &Value, fields: &[FieldDecl]) -> bool {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return false };
    properties.len() == fields.len() && fields.iter().all(|f| properties.contains_key(f.name))
}

fn constrain(schema: &mut Value, fields: &[FieldDecl], create: bool) {
    if create {
        let required: Vec<Value> = fields.iter().filter(|f| f.required).map(|f| Value::from(f.name)).collect();
        if let Some(object) = schema.as_object_mut() {
            if required.is_empty() {
                object.remove("required");
            } else {
                object.insert("required".into(), Value::Array(required));
            }
        }
    }
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
    for field in fields {
        if let Some(property) = properties.get_mut(field.name) {
            limit(property, field);
        }
    }
}

/// The schema object that holds a property's own type: itself, or the
/// non-null member of a nullable `oneOf`.
fn typed(property: &mut Value) -> Option<&mut Map<String, Value>> {
    let is_one_of = property.get("oneOf").is_some();
    if is_one_of {
        let members = property.get_mut("oneOf")?.as_array_mut()?;
        return members.iter_mut().find(|m| m.get("type") != Some(&json!("null")))?.as_object_mut();
    }
    property.as_object_mut()
}

fn limit(property: &mut Value, field: &FieldDecl) {
    let Some(p) = typed(property) else { return };
    if p.contains_key("$ref") {
        // A closed set or a nested body: its own schema says it.
        return;
    }
    let mut set = |k: &str, v: Value| {
        p.insert(k.to_string(), v);
    };
    match field.kind {
        Kind::Id => set("minimum", json!(1)),
        Kind::Line { max } | Kind::Name { max } | Kind::Text { max } => {
            set("maxLength", json!(max));
            set("pattern", json!(text_pattern(field)));
        }
        Kind::Int { min, max } => {
            set("minimum", json!(min));
            set("maximum", json!(max));
        }
        Kind::Ints { min, max, items } => {
            set("maxItems", json!(items));
            set("items", json!({"type": "integer", "minimum": min, "maximum": max}));
        }
        Kind::Objects { items } => set("maxItems", json!(items)),
        Kind::Time => set("format", json!("date-time")),
        Kind::Date => set("format", json!("date")),
        Kind::Code { pattern, max, .. } => {
            set("maxLength", json!(max));
            if !pattern.is_empty() {
                set("pattern", json!(pattern));
            }
        }
        Kind::OneOf(members) => set("enum", json!(members.members)),
        Kind::SetOf(_) | Kind::Bool => {}
    }
}

/// Control characters: C0, DEL and C1.
const CONTROLS: &str = r"\u0000-\u001F\u007F-\u009F";
/// Control characters but tab, newline and return.
const CONTROLS_BUT_LINES: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// Bidirectional overrides and isolates.
const BIDI: &str = r"\u202A-\u202E\u2066-\u2069";
/// White space, as Rust's `trim` reads it.
const SPACE: &str = r"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Characters that show nothing (`domain::fields::invisible`, besides white space).
const INVISIBLE: &str =
    r"\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0";

/// What a text field's rule takes, as a pattern: characters it allows
/// anywhere and, where it must not be blank, one that shows (a name) or one
/// that is not white space (other required text). An optional field may be
/// blank (none).
fn text_pattern(field: &FieldDecl) -> String {
    let allowed = match field.kind {
        Kind::Text { .. } => CONTROLS_BUT_LINES.to_string(),
        _ => format!("{CONTROLS}{BIDI}"),
    };
    if !field.required {
        return format!("^[^{allowed}]*$");
    }
    let shown = match field.kind {
        Kind::Name { .. } => format!("{CONTROLS}{BIDI}{SPACE}{INVISIBLE}"),
        Kind::Text { .. } => format!("{CONTROLS}{SPACE}"),
        _ => format!("{CONTROLS}{BIDI}{SPACE}"),
    };
    format!("^[^{allowed}]*[^{shown}][^{allowed}]*$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nullable_text_gets_its_limits_and_a_post_body_its_required_fields() {
        let mut schema = json!({"type": "object", "properties": {
            "name": {"type": "string"},
            "owner": {"type": ["string", "null"]},
            "machine_id": {"oneOf": [{"type": "null"}, {"type": "integer"}]},
        }});
        let fields = [
            FieldDecl { name: "name", kind: Kind::Name { max: 100 }, required: true, label: "field.name" },
            FieldDecl { name: "owner", kind: Kind::Line { max: 200 }, required: false, label: "field.owner" },
            FieldDecl { name: "machine_id", kind: Kind::Id, required: false, label: "field.machine_id" },
        ];
        constrain(&mut schema, &fields, true);
        assert_eq!(schema["required"], json!(["name"]));
        assert_eq!(schema["properties"]["owner"]["maxLength"], 200);
        assert_eq!(schema["properties"]["machine_id"]["oneOf"][1]["minimum"], 1);
    }
}
