//! Photos and files on the license, machine, case and call pages: the list
//! with thumbnails (the [`Files`] each of those pages carries, drawn by
//! `templates/attachments.html`), the upload form (`multipart/form-data`,
//! the phone's camera offered by `capture`), archive and unarchive, and
//! the file and its thumbnail behind a write session (a sticker's photo
//! shows the product key; a read session sees that they exist).
//!
//! The upload is parsed here (one small multipart reader, the body bounded
//! as the API's) and prepared and stored by the same domain and store calls
//! as the API's. No SQL here.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::form::Once;
use super::session::Form;
use super::{see_other, Page, Posted, Tr, WebError};
use crate::domain::attachment::{extension, MAX_BYTES};
use crate::domain::{AttachedTo, Attachment, NewAttachment, PageRequest};
use crate::store::{AttachmentBytes, Store, Table};

/// Register the routes (before the generic `/{kind}/{id}/…` ones).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/attachments/{id}", web::get().to(show))
        .route("/attachments/{id}/file", web::get().to(file))
        .route("/attachments/{id}/thumbnail", web::get().to(thumbnail))
        .route("/attachments/{id}/archive", web::post().to(archive))
        .route("/attachments/{id}/unarchive", web::post().to(unarchive))
        .route("/{kind}/{id}/attachments", web::post().to(upload));
}

/// How many attachments an entity's page lists.
const SHOWN: i64 = 50;

/// One attachment as its entity's page lists it.
pub struct FileRow {
    pub id: i64,
    pub caption: String,
    /// `PDF`, `JPG`…
    pub kind: String,
    pub size: String,
    pub thumbnail: bool,
    pub archived: bool,
}

/// The attachments of the row a page shows, and where its upload form posts.
pub struct Files {
    /// The page's path segment (`licenses`).
    pub path: &'static str,
    pub id: i64,
    pub rows: Vec<FileRow>,
    /// More than [`SHOWN`]: the rest are listed by the API and the command line.
    pub more: bool,
}

/// The path segment of an entity's page.
pub fn path_of(entity: AttachedTo) -> &'static str {
    match entity {
        AttachedTo::Machine => "machines",
        AttachedTo::License => "licenses",
        AttachedTo::Case => "cases",
        AttachedTo::Attempt => "attempts",
    }
}

/// A size as a person reads it.
fn size(t: &Tr, bytes: i64) -> String {
    match bytes {
        b if b < 1024 => t.f("attach.bytes", &[("n", &b.to_string())]),
        b if b < 1024 * 1024 => t.f("attach.kib", &[("n", &(b / 1024).to_string())]),
        b => t.f("attach.mib", &[("n", &format!("{:.1}", b as f64 / (1024.0 * 1024.0)))]),
    }
}

fn file_row(a: &Attachment, t: &Tr) -> FileRow {
    FileRow {
        id: a.id,
        caption: a.caption.clone().unwrap_or_default(),
        kind: extension(a.media_type).to_ascii_uppercase(),
        size: size(t, a.size),
        thumbnail: a.thumbnail,
        archived: a.archived_at.is_some(),
    }
}

/// The attachments of one row, for its page (archived ones too, for a
/// write session, to bring back).
pub async fn files(p: &Page, store: &Store, entity: AttachedTo, id: i64) -> Result<Files, WebError> {
    let page = PageRequest { limit: SHOWN, include_archived: p.writer().is_ok(), ..PageRequest::default() };
    let found = p.ok(store.attachments(entity, id, &page).await)?;
    let t = p.t();
    Ok(Files {
        path: path_of(entity),
        id,
        rows: found.items.iter().map(|a| file_row(a, &t)).collect(),
        more: found.next_cursor.is_some(),
    })
}

/// `GET /attachments/{id}`: to its entity's page (search links here).
pub async fn show(p: Page, store: web::Data<Store>, id: web::Path<i64>) -> Result<HttpResponse, WebError> {
    let a = p.ok(store.attachment(*id, true).await)?;
    Ok(see_other(&format!("/{}/{}#attachment-{}", path_of(a.entity), a.entity_id, a.id)))
}

/// `GET /attachments/{id}/file`: the file, to a write session.
pub async fn file(p: Page, store: web::Data<Store>, id: web::Path<i64>) -> Result<HttpResponse, WebError> {
    p.writer()?;
    let (a, bytes) = p.ok(store.attachment_bytes(*id, AttachmentBytes::File).await)?;
    Ok(crate::body::attachment(&a, bytes.unwrap_or_default(), false))
}

/// `GET /attachments/{id}/thumbnail`: its thumbnail, to a write session.
pub async fn thumbnail(p: Page, store: web::Data<Store>, id: web::Path<i64>) -> Result<HttpResponse, WebError> {
    p.writer()?;
    match p.ok(store.attachment_bytes(*id, AttachmentBytes::Thumbnail).await)? {
        (a, Some(bytes)) => Ok(crate::body::attachment(&a, bytes, true)),
        (_, None) => Err(WebError::NotFound {
            lang: p.lang,
            message: p.t().f("attach.no_thumbnail", &[("id", &id.to_string())]),
        }),
    }
}

/// Archive or bring back, then back to its entity's page.
async fn restamp(posted: Posted, store: &Store, id: i64, archive: bool) -> Result<HttpResponse, WebError> {
    let p = posted.page;
    let actor = p.writer()?.clone();
    let ctx = crate::store::WriteCtx::new(&actor);
    let a = p.ok(store.attachment(id, true).await)?;
    let done = if archive {
        store.archive(&ctx, Table::Attachments, id).await
    } else {
        store.unarchive(&ctx, Table::Attachments, id).await
    };
    p.ok(done)?;
    Ok(see_other(&format!("/{}/{}#attachments", path_of(a.entity), a.entity_id)))
}

/// `POST /attachments/{id}/archive`.
pub async fn archive(posted: Posted, store: web::Data<Store>, id: web::Path<i64>) -> Result<HttpResponse, WebError> {
    restamp(posted, &store, *id, true).await
}

/// `POST /attachments/{id}/unarchive`.
pub async fn unarchive(posted: Posted, store: web::Data<Store>, id: web::Path<i64>) -> Result<HttpResponse, WebError> {
    restamp(posted, &store, *id, false).await
}

/// `POST /{licenses|machines|cases|attempts}/{id}/attachments`: the upload
/// form (multipart: `csrf`, `once`, `caption`, `file`).
pub async fn upload(
    p: Page,
    store: web::Data<Store>,
    path: web::Path<(String, i64)>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let actor = p.writer()?.clone();
    let t = p.t();
    let entity = [AttachedTo::Machine, AttachedTo::License, AttachedTo::Case, AttachedTo::Attempt]
        .into_iter()
        .find(|e| path_of(*e) == path.0)
        .ok_or_else(|| WebError::NotFound { lang: p.lang, message: t.f("error.no_page", &[("path", &path.0)]) })?;
    let id = path.1;
    let boundary = boundary(&req).ok_or_else(|| p.bad(t.s("error.not_a_form")))?;
    let body = crate::body::read_body(&mut payload, MAX_BYTES + 64 * 1024)
        .await
        .map_err(|_| p.bad(t.s("attach.too_large")))?;
    let parts = multipart(&body, &boundary).ok_or_else(|| p.bad(t.s("error.not_a_form")))?;
    let field = |name: &str| parts.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice());
    let text = |name: &str| String::from_utf8_lossy(field(name).unwrap_or_default()).into_owned();
    if !super::session::same_secret(&text("csrf"), &p.session.csrf) {
        return Err(WebError::Forbidden { lang: p.lang, message: t.s("error.csrf") });
    }
    let form = Form(vec![("once".into(), text("once"))]);
    let once = Once::of(&p, &form)?;
    let href = |_| format!("/{}/{id}#attachments", path_of(entity));
    if let Some(res) = once.sent_before(&p, &store, "attachment", href).await? {
        return Ok(res);
    }
    let caption = crate::wire::attachment_caption(Some(&text("caption"))).map_err(|e| p.bad(e.to_string()))?;
    let bytes = field("file").unwrap_or_default().to_vec();
    let new = web::block(move || NewAttachment::prepare(entity, id, caption, &bytes))
        .await
        .map_err(|_| p.bad(t.s("error.internal")))?
        .map_err(|e| match e {
            crate::domain::UploadError::Unsupported => p.bad(t.s("attach.unsupported")),
            other => p.bad(other.to_string()),
        })?;
    p.ok(store.create_attachment(&once.ctx(&actor, "attachment"), &new).await)?;
    Ok(see_other(&href(0)))
}

/// The boundary of a `multipart/form-data` request.
fn boundary(req: &HttpRequest) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (kind, params) = ct.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary").then(|| v.trim_matches('"').to_string())
    })
}

/// The parts of a `multipart/form-data` body: (name, bytes) each; `None`
/// when it is not one.
fn multipart(body: &[u8], boundary: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], from: usize| -> Option<usize> {
        hay.get(from..)?.windows(delimiter.len()).position(|w| w == delimiter.as_slice()).map(|i| i + from)
    };
    let mut at = find(body, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        let start = at + 2; // past CRLF
        let headers_end = body.get(start..)?.windows(4).position(|w| w == b"\r\n\r\n")? + start;
        let headers = String::from_utf8_lossy(&body[start..headers_end]);
        let next = find(body, headers_end + 4)?;
        let content = body.get(headers_end + 4..next.checked_sub(2)?)?;
        let name =
            headers.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition")).and_then(|l| {
                l.split(';').find_map(|p| p.trim().strip_prefix("name=").map(|v| v.trim_matches('"').to_string()))
            })?;
        parts.push((name, content.to_vec()));
        at = next + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::multipart;

    #[test]
    fn a_multipart_body_gives_its_fields_and_file() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1\r\n\r\nx\r\n--XyZ--\r\n";
        let parts = multipart(body, "XyZ").unwrap();
        assert_eq!(parts[0], ("csrf".to_string(), b"abc".to_vec()));
        assert_eq!(parts[1], ("file".to_string(), b"%PDF-1\r\n\r\nx".to_vec()));
        assert_eq!(multipart(b"not a form", "XyZ"), None);
        assert_eq!(multipart(b"--XyZ\r\nbroken", "XyZ"), None);
    }
}
