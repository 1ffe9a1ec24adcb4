//! The OpenAPI 3 document, generated from the handlers' annotations and the
//! wire and domain types, served at `/api/v1/openapi.json` (no auth: it holds no data).

use actix_web::HttpResponse;
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi};

use crate::error::Problem;
use crate::wire;

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

/// utoipa-gen 5.5.0 writes a struct's `min_properties` as `maxProperties`
/// (a bug in its feature table). Every request body that names a minimum
/// count of properties is a PATCH body, `#[schema(min_properties = 1)]`:
/// move the number to where it belongs.
struct MinProperties;

impl MinProperties {
    fn fix(schema: &mut RefOr<Schema>) {
        if let RefOr::T(Schema::Object(object)) = schema {
            if object.max_properties.is_some() {
                object.min_properties = object.max_properties.take();
            }
        }
    }
}

impl Modify for MinProperties {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.schemas.values_mut().for_each(Self::fix);
        }
        // The bodies inlined in their operations.
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.post, &mut item.patch].into_iter().flatten() {
                let bodies = operation.request_body.iter_mut().flat_map(|b| b.content.values_mut());
                bodies.filter_map(|c| c.schema.as_mut()).for_each(Self::fix);
            }
        }
    }
}

/// The API's OpenAPI document, derived from the handlers' annotations and
/// the types of `wire/` (POST bodies state what they require, PATCH bodies
/// that they name at least one field), with the bearer scheme added. Bodies
/// are inlined in their operations — request and response schemas then
/// never share a name, which some fuzzers confuse — and listed as named
/// schemas too.
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
        super::licenses::archive, super::licenses::reveal, super::licenses::at_hand,
        super::cases::list, super::cases::create, super::cases::show, super::cases::update,
        super::attempts::list, super::attempts::create, super::attempts::show, super::attempts::update,
        super::attempts::archive,
        super::follow_ups::list, super::follow_ups::create, super::follow_ups::show, super::follow_ups::update,
        super::confirmation_ids::lookup,
        super::summaries::summary,
        super::portable::export, super::portable::import,
        super::archive::archive_case, super::archive::archive_follow_up,
        super::archive::unarchive_machine, super::archive::unarchive_hardware_change, super::archive::unarchive_license,
        super::archive::unarchive_case, super::archive::unarchive_attempt, super::archive::unarchive_follow_up,
        super::audit::list, super::search::search, super::parse::slmgr,
        super::attachments::list, super::attachments::create, super::attachments::show, super::attachments::update,
        super::attachments::archive,
        super::attachments::unarchive, super::attachments::file, super::attachments::thumbnail, super::calendar::feed,
    ),
    components(schemas(
        Problem, wire::MachineCreate, wire::MachineFields, wire::HardwareChangeCreate, wire::HardwareChangeFields,
        wire::LicenseCreate, wire::LicenseFields, wire::CaseCreate, wire::CaseFields, wire::AttemptCreate,
        wire::AttemptFields, wire::FollowUpCreate, wire::FollowUpFields, wire::AttachmentFields, crate::domain::SummaryName,
        crate::domain::AttemptOrder, crate::domain::AuditEntity, crate::domain::SearchEntity, wire::SlmgrParsed,
    )),
    modifiers(&BearerAuth, &MinProperties),
)]
pub struct ApiDoc;

/// The document as served.
pub fn document_json() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    super::constraints::apply(&mut doc);
    doc
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(document_json())
}
