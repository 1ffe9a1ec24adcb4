//! `/confirmation-ids?installation_id=`: the Confirmation IDs that activated
//! this Installation ID before (reuse after a reinstall on unchanged hardware).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::responses::ListErrors;
use super::{ok, resource, Params};
use crate::auth::Reader;
use crate::domain::{FieldErrors, InstallationId};
use crate::error::ApiError;
use crate::store::{ConfirmationMatch, Store};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/confirmation-ids", "GET").route(web::get().to(lookup)));
}

/// The Installation ID to look up.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// 50, 54 or 63 digits; spaces and hyphens allowed.
    #[param(required = true, value_type = String)]
    pub installation_id: Option<String>,
}

/// Earlier activations with this Installation ID.
#[derive(Debug, Serialize, ToSchema)]
pub struct Lookup {
    /// The ID looked up, grouped.
    pub installation_id: String,
    /// Newest first.
    pub items: Vec<ConfirmationMatch>,
}

/// Earlier activated attempts with this Installation ID, and their Confirmation IDs.
#[utoipa::path(get, operation_id = "find_confirmation_ids", path = "/api/v1/confirmation-ids", tag = "attempts", params(LookupQuery),
    responses((status = 200, body = Lookup), ListErrors), security(("bearer" = [])))]
pub async fn lookup(
    store: web::Data<Store>,
    _: Reader,
    Params(q): Params<LookupQuery>,
) -> Result<HttpResponse, ApiError> {
    let raw = q.installation_id.ok_or_else(|| {
        ApiError::bad_params(FieldErrors::one("installation_id", crate::i18n::Msg::new("msg.required")))
    })?;
    let iid: InstallationId = raw
        .parse()
        .map_err(|e: crate::domain::IdError| ApiError::bad_params(FieldErrors::one("installation_id", e.0)))?;
    let items = store.confirmation_ids(&iid).await?;
    Ok(ok(&Lookup { installation_id: iid.to_string(), items }))
}
