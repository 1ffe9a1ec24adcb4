//! `/attachments`: photos and PDFs of a license, machine, case or attempt.
//!
//! Upload is `POST /attachments?entity=license&entity_id=3&caption=…` with
//! the file itself as the body (any `Content-Type`: the type is sniffed
//! from the bytes), read as it streams in and refused with 413 past
//! 20 MiB. Lists and rows are for any token; the bytes (`/file`,
//! `/thumbnail`) only for write tokens, since a sticker's photo shows a
//! product key. A PATCH changes the caption (with `If-Match`, as every
//! row); archive and unarchive as every row.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use sha2::Digest as _;
use utoipa::IntoParams;

use super::extract::int;
use super::responses::{ArchiveErrors, ReadErrors, WriteErrors};
use super::{page, resource, tagged, IdempotencyKey, IfMatchHeader, NoParams, Params, PathId};
use crate::auth::{Reader, Writer};
use crate::domain::attachment::MAX_BYTES;
use crate::domain::{AttachedTo, Attachment, NewAttachment, Page};
use crate::error::ApiError;
use crate::store::{AttachmentBytes, Store, Table, WriteCtx};
use crate::wire::AttachmentFields;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/attachments", "GET, POST").route(web::get().to(list)).route(web::post().to(create)));
    cfg.service(
        resource("/attachments/{id}", "GET, PATCH, DELETE")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(archive)),
    );
    cfg.service(resource("/attachments/{id}/file", "GET").route(web::get().to(file)));
    cfg.service(resource("/attachments/{id}/thumbnail", "GET").route(web::get().to(thumbnail)));
    cfg.service(resource("/attachments/{id}/unarchive", "POST").route(web::post().to(unarchive)));
}

list_query! {
    /// Which row's attachments, and paging.
    pub struct AttachmentQuery {
        /// What the attachments are attached to.
        pub entity: AttachedTo,
        /// Its id.
        #[param(minimum = 1, required = true)]
        #[serde(default, deserialize_with = "int")]
        pub entity_id: Option<i64>,
    }
}

/// What an upload is attached to, and its caption.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// What the file is attached to.
    pub entity: AttachedTo,
    /// Its id.
    #[param(minimum = 1, required = true)]
    #[serde(default, deserialize_with = "int")]
    pub entity_id: Option<i64>,
    /// What the file shows (one line, at most 200 characters).
    #[param(max_length = 200)]
    #[serde(default)]
    pub caption: Option<String>,
}

/// The attachments of a license, machine, case or attempt.
#[utoipa::path(get, operation_id = "list_attachments", path = "/api/v1/attachments", tag = "attachments",
    params(AttachmentQuery), responses((status = 200, body = Page<Attachment>), ReadErrors), security(("bearer" = [])))]
pub async fn list(
    store: web::Data<Store>,
    _: Reader,
    Params(q): Params<AttachmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    let entity_id = entity_id(q.entity_id)?;
    Ok(super::ok(&store.attachments(q.entity, entity_id, &page).await?))
}

/// Attach a photo (JPEG, PNG, WebP) or a PDF: the body is the file. Its
/// type is sniffed from its bytes (anything else is 415), location data is
/// taken out of photos, a thumbnail is made; it is stored sealed.
#[utoipa::path(post, operation_id = "create_attachment", path = "/api/v1/attachments", tag = "attachments",
    params(UploadQuery, ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer", nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    request_body(description = "The file, at most 20 MiB", content((Vec<u8> = "application/octet-stream"), (Vec<u8> = "image/jpeg"),
        (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "application/pdf"))),
    responses((status = 201, body = Attachment, headers(("ETag" = String, description = "the resource's version, for If-Match"))),
        WriteErrors), security(("bearer" = [])))]
pub async fn create(
    store: web::Data<Store>,
    Writer(actor): Writer,
    Params(q): Params<UploadQuery>,
    key: IdempotencyKey,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let entity_id = entity_id(q.entity_id)?;
    let caption = crate::wire::attachment_caption(q.caption.as_deref())?;
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BYTES) {
        return Err(crate::body::too_large(MAX_BYTES));
    }
    let body = super::read_body(&mut payload, MAX_BYTES).await?;
    let digest = sha2::Sha256::new().chain_update(req.query_string()).chain_update(&body).finalize().to_vec();
    let entity = q.entity;
    let new = web::block(move || NewAttachment::prepare(entity, entity_id, caption, &body))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let ctx = match key.0 {
        Some(k) => WriteCtx::new(&actor).once(k, digest),
        None => WriteCtx::new(&actor),
    };
    super::created(store.create_attachment(&ctx, &new).await?, "/attachments", |a| a.id)
}

/// The `entity_id` of a query: required, an id.
fn entity_id(raw: Option<i64>) -> Result<i64, ApiError> {
    let [id] = super::id_filters([("entity_id", raw)])?;
    id.ok_or_else(|| {
        ApiError::bad_params(crate::domain::FieldErrors::one("entity_id", crate::i18n::Msg::new("msg.required")))
    })
}

show_handler! {
    /// One attachment's row (its bytes are at `/file`).
    "get_attachment", "/api/v1/attachments/{id}", "attachments", Attachment, attachment
}

update_handler! {
    /// Change an attachment's caption (the file stays as it is).
    "update_attachment", "/api/v1/attachments/{id}", "attachments", AttachmentFields => Attachment, update_attachment
}

archive_handler! {
    /// Archive an attachment.
    archive, "archive_attachment", "/api/v1/attachments/{id}", "attachments", Attachment, archive_attachment
}

/// Bring an archived attachment back.
#[utoipa::path(post, operation_id = "unarchive_attachment", path = "/api/v1/attachments/{id}/unarchive", tag = "attachments",
    params(("id" = i64, Path), crate::routes::IfMatchParam),
    responses((status = 200, body = Attachment, headers(("ETag" = String, description = "the resource's version, for If-Match"))),
        (status = 412, body = Attachment, description = "If-Match names another version: nothing was brought back; this is the resource as it now is",
            headers(("ETag" = String, description = "its version now"))),
        ArchiveErrors),
    security(("bearer" = [])))]
pub async fn unarchive(
    store: web::Data<Store>,
    Writer(actor): Writer,
    _: NoParams,
    PathId(id): PathId,
    if_match: IfMatchHeader,
) -> Result<HttpResponse, ApiError> {
    store.unarchive(&if_match.ctx(&actor), Table::Attachments, id).await?;
    tagged(&store.attachment(id, false).await?)
}

/// The file (write tokens only: a photo may show a product key), with
/// `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`.
#[utoipa::path(get, operation_id = "get_attachment_file", path = "/api/v1/attachments/{id}/file", tag = "attachments",
    params(("id" = i64, Path)),
    responses((status = 200, description = "the file, of its sniffed media type", content((Vec<u8> = "image/jpeg"),
        (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "application/pdf"))), ArchiveErrors),
    security(("bearer" = [])))]
pub async fn file(
    store: web::Data<Store>,
    _: Writer,
    _: NoParams,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let (a, bytes) = store.attachment_bytes(id, AttachmentBytes::File).await?;
    Ok(crate::body::attachment(&a, bytes.unwrap_or_default(), false))
}

/// Its thumbnail, a JPEG at most 320 pixels a side (write tokens only);
/// 404 when it has none (a PDF, an image that did not decode).
#[utoipa::path(get, operation_id = "get_attachment_thumbnail", path = "/api/v1/attachments/{id}/thumbnail", tag = "attachments",
    params(("id" = i64, Path)),
    responses((status = 200, description = "the thumbnail", content((Vec<u8> = "image/jpeg"))), ArchiveErrors),
    security(("bearer" = [])))]
pub async fn thumbnail(
    store: web::Data<Store>,
    _: Writer,
    _: NoParams,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    match store.attachment_bytes(id, AttachmentBytes::Thumbnail).await? {
        (a, Some(bytes)) => Ok(crate::body::attachment(&a, bytes, true)),
        (_, None) => Err(ApiError::NotFound(format!("attachment {id} has no thumbnail"))),
    }
}
