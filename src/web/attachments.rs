//! Photos and files on the license, machine, case and call pages: the list
//! with thumbnails (the [`Files`] each of those pages carries, drawn by
//! `templates/attachments.html`), the upload form (`multipart/form-data`,
//! the phone's camera offered by `capture`), archive and unarchive, and
//! the file and its thumbnail behind a write session (a sticker's photo
//! shows the product key; a read session sees that they exist).
//!
//! The upload is read with [`crate::multipart`] (the body bounded as the
//! API's) and prepared and stored by the same domain and store calls as
//! the API's; one refused shows its entity's page again with the reason
//! beside the upload form ([`Refusal`]). No SQL here.

use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage as _, HttpRequest, HttpResponse};

use super::form::Once;
use super::session::Form;
use super::{see_other, Page, Posted, Tr, WebError};
use crate::domain::attachment::{extension, MAX_BYTES};
use crate::domain::{AttachedTo, Attachment, NewAttachment, PageRequest, UploadError};
use crate::multipart;
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
    /// The upload just refused, if this page is drawn again for it.
    pub refused: Option<Refusal>,
}

impl Files {
    /// The refused upload's message beside the file field, beside the
    /// caption field, and the caption typed (all empty when none was refused).
    pub fn refused_parts(&self) -> (Option<&str>, Option<&str>, &str) {
        match &self.refused {
            None => (None, None, ""),
            Some(r) => {
                let message = Some(r.message.as_str());
                let (file, caption) = if r.field == "caption" { (None, message) } else { (message, None) };
                (file, caption, r.caption.as_str())
            }
        }
    }
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

pub(super) fn file_row(a: &Attachment, t: &Tr) -> FileRow {
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
        refused: p.extensions().get::<Refusal>().cloned(),
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
/// form (multipart: `csrf`, `once`, `caption`, `file`). A file or caption
/// refused shows the entity's page again with the reason beside the upload
/// form, the caption typed kept: 413 too large, 415 not a photo or PDF, 422
/// empty or a caption that is not one.
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
    let boundary = multipart::boundary(&req).ok_or_else(|| p.bad(t.s("error.not_a_form")))?;
    let too_large = |caption: String| Refusal { field: "file", message: t.s("attach.too_large"), caption };
    let body = match crate::body::read_body(&mut payload, MAX_BYTES + 64 * 1024).await {
        Ok(body) => body,
        Err(_) => {
            drain(&mut payload).await;
            return refused(p, store, entity, id, &req, StatusCode::PAYLOAD_TOO_LARGE, too_large(String::new())).await;
        }
    };
    let form = multipart::parse(&body, &boundary).ok_or_else(|| p.bad(t.s("error.not_a_form")))?;
    if !super::session::same_secret(&form.text("csrf"), &p.session.csrf) {
        return Err(WebError::Forbidden { lang: p.lang, message: t.s("error.csrf") });
    }
    let once = Once::of(&p, &Form(vec![("once".into(), form.text("once"))]))?;
    let href = |_| format!("/{}/{id}#attachments", path_of(entity));
    if let Some(res) = once.sent_before(&p, &store, "attachment", href).await? {
        return Ok(res);
    }
    let typed = form.text("caption");
    let refusal = |field, message| Refusal { field, message, caption: typed.clone() };
    let caption = match crate::wire::attachment_caption(Some(&typed)) {
        Ok(caption) => caption,
        Err(e) => {
            let message = e.0.first().map(|f| t.msg(&f.message)).unwrap_or_default();
            return refused(p, store, entity, id, &req, StatusCode::UNPROCESSABLE_ENTITY, refusal("caption", message))
                .await;
        }
    };
    let bytes = form.field("file").unwrap_or_default().to_vec();
    if bytes.len() > MAX_BYTES {
        return refused(p, store, entity, id, &req, StatusCode::PAYLOAD_TOO_LARGE, too_large(typed.clone())).await;
    }
    let prepared = web::block(move || NewAttachment::prepare(entity, id, caption, &bytes))
        .await
        .map_err(|_| WebError::Internal { lang: p.lang })?;
    let new = match prepared {
        Ok(new) => new,
        Err(UploadError::Unsupported) => {
            let r = refusal("file", t.s("attach.unsupported"));
            return refused(p, store, entity, id, &req, StatusCode::UNSUPPORTED_MEDIA_TYPE, r).await;
        }
        Err(UploadError::Fields(e)) => {
            let message = e.0.first().map(|f| t.msg(&f.message)).unwrap_or_default();
            return refused(p, store, entity, id, &req, StatusCode::UNPROCESSABLE_ENTITY, refusal("file", message))
                .await;
        }
    };
    p.ok(store.create_attachment(&once.ctx(&actor, "attachment"), &new).await)?;
    Ok(see_other(&href(0)))
}

/// Why an upload was refused, for the photos section of its entity's page.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// `file` or `caption`: the field the message is beside.
    pub field: &'static str,
    /// In the page's language.
    pub message: String,
    /// The caption as typed, kept.
    pub caption: String,
}

/// The entity's page again, its upload refused with `refusal`, as `status`.
async fn refused(
    p: Page,
    store: web::Data<Store>,
    entity: AttachedTo,
    id: i64,
    req: &HttpRequest,
    status: StatusCode,
    refusal: Refusal,
) -> Result<HttpResponse, WebError> {
    req.extensions_mut().insert(refusal);
    let query = || actix_web::web::Query(Vec::new());
    let mut res = match entity {
        AttachedTo::License => super::journal::license(p, store, id.into()).await?,
        AttachedTo::Machine => super::journal::machine(p, store, id.into(), query()).await?,
        AttachedTo::Case => super::journal::case(p, store, id.into(), query()).await?,
        AttachedTo::Attempt => super::journal::attempt(p, store, id.into(), query()).await?,
    };
    *res.status_mut() = status;
    Ok(res)
}

/// Read and drop what is left of a body refused for its size (at most
/// four times the limit more), so that the browser reads the answer
/// rather than a connection cut while it was still sending.
async fn drain(payload: &mut web::Payload) {
    use futures_util::StreamExt as _;
    let mut left = 4 * MAX_BYTES;
    while let Some(Ok(chunk)) = payload.next().await {
        left = left.saturating_sub(chunk.len());
        if left == 0 {
            break;
        }
    }
}
