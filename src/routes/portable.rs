//! `/export` and `/import`: the whole journal as JSON or a zip of CSV files,
//! and back (see `crate::portable`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::flag;
use super::openapi::{ReadErrors, WriteErrors};
use super::{media_type, ok, read_body, resource, NoParams, Params};
use crate::auth::{Reader, Writer};
use crate::domain::{FieldErrors, Scope};
use crate::error::ApiError;
use crate::portable::{self, DecodeError, Document, Format, ImportReport};
use crate::store::Store;

/// Largest import body: far more than a household's journal.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/export", "GET").route(web::get().to(export)));
    cfg.service(resource("/import", "POST").route(web::post().to(import)));
}

/// How to export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default): one document; `csv`: a zip of one CSV file per table.
    #[param(inline)]
    pub format: Option<Format>,
    /// Put product keys, and answers holding one, in clear. Needs a write
    /// token, and is audited.
    #[serde(default, deserialize_with = "flag")]
    pub include_secrets: Option<bool>,
}

/// The whole journal: every entity, archived rows too, ids preserved.
/// Tokens, idempotency records and the audit log are not exported.
#[utoipa::path(get, operation_id = "export", path = "/api/v1/export", tag = "portability", params(ExportQuery),
    responses(
        (status = 200, description = "The export, as a download",
         content((Document = "application/json"), (Vec<u8> = "application/zip"))),
        (status = 403, description = "include_secrets with a read token", body = crate::error::Problem,
         content_type = "application/problem+json"),
        ReadErrors),
    security(("bearer" = [])))]
pub async fn export(
    store: web::Data<Store>,
    Reader(actor): Reader,
    Params(q): Params<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = q.format.unwrap_or_default();
    let secrets = q.include_secrets.unwrap_or(false);
    if secrets && actor.scope != Scope::Write {
        return Err(ApiError::Forbidden(format!(
            "token {:?} may only read; exporting product keys needs a write token",
            actor.name
        )));
    }
    let doc = store.export(&actor, secrets).await?;
    let bytes = portable::encode(&doc, format).map_err(|e| {
        tracing::error!(error = %e, "could not encode an export");
        ApiError::Internal
    })?;
    let mut response = HttpResponse::Ok();
    response.content_type(format.media_type()).insert_header((
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{}\"", format.file_name(&doc.exported_at)),
    ));
    if secrets {
        response.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    Ok(response.body(bytes))
}

/// Add the rows of an export (as `GET /export` gives it, JSON or zip) to
/// the journal, in one transaction: all of them, or on any error none, with
/// every failing row and field named (`attempts[3].installation_id`). Rows
/// already stored with the same id and content are left alone, so sending
/// the same file twice adds nothing; a stored row with other content
/// refuses the import.
#[utoipa::path(post, operation_id = "import", path = "/api/v1/import", tag = "portability",
    request_body(description = "An export: JSON, or the zip of CSV files",
        content((inline(Document) = "application/json"), (Vec<u8> = "application/zip"))),
    responses((status = 200, body = ImportReport), WriteErrors), security(("bearer" = [])))]
pub async fn import(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = media_type(&req);
    let format = match media.as_str() {
        "application/zip" | "application/x-zip-compressed" => Format::Csv,
        "application/json" => Format::Json,
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "send an export as application/json, or its CSV form as application/zip".into(),
            ))
        }
    };
    let body = read_body(&mut payload, IMPORT_LIMIT).await?;
    let doc = portable::decode(&body, Some(format)).map_err(|e| match e {
        DecodeError::NotJson(e) => ApiError::bad_request(format!("the body is not valid JSON: {e}")),
        DecodeError::BadZip(message) => FieldErrors::one("body", message).into(),
        DecodeError::Invalid(errors) => errors.into(),
    })?;
    let report = store.import(&actor, &doc, &|_| {}).await?;
    Ok(ok(&report))
}
