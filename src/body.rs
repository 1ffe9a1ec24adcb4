//! What the JSON API (`routes/`) and the pages (`web/`) share about a
//! request's body: its size limit, reading it whole up to a limit (413
//! past it), and its media type; and an attachment's bytes as both answer
//! them. Below both, so that neither reads the other.

use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::HttpRequest;
use futures_util::StreamExt as _;

use crate::error::ApiError;

/// Largest request body (a form or a JSON body; an import has its own).
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn too_large(limit: usize) -> ApiError {
    if limit >= 1024 * 1024 {
        ApiError::PayloadTooLarge(format!("the body is larger than {} MiB", limit / 1024 / 1024))
    } else {
        ApiError::PayloadTooLarge(format!("the body is larger than {} KiB", limit / 1024))
    }
}

/// Read a whole request body, 413 past `limit` bytes.
pub async fn read_body<S, E>(payload: &mut S, limit: usize) -> Result<BytesMut, ApiError>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk: Bytes = chunk.map_err(|e| ApiError::bad_request(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The media type of a request, lower case, without parameters.
pub fn media_type(req: &HttpRequest) -> String {
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// An attachment's bytes as answered: its sniffed type (a JPEG for a
/// thumbnail), never sniffed again by the browser (`nosniff`), saved
/// rather than shown (`inline` for a thumbnail), never run as a page (a
/// sandboxing CSP), and not kept by shared caches.
pub fn attachment(a: &crate::domain::Attachment, bytes: Vec<u8>, thumbnail: bool) -> actix_web::HttpResponse {
    let (media, disposition) = if thumbnail {
        ("image/jpeg", format!("inline; filename=\"attachment-{}-thumbnail.jpg\"", a.id))
    } else {
        (a.media_type.as_str(), format!("attachment; filename=\"{}\"", a.file_name()))
    };
    actix_web::HttpResponse::Ok()
        .content_type(media)
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes)
}
