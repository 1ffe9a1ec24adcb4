//! `/parse/slmgr`: what the pasted output of `slmgr /dlv` or `slmgr /dti`
//! says (any token; nothing is stored).

use actix_web::{web, HttpRequest, HttpResponse};

use super::responses::WriteErrors;
use super::{media_type, read_body};
use super::{ok, resource, BODY_LIMIT};
use crate::auth::Reader;
use crate::domain::{slmgr, FieldErrors};
use crate::error::ApiError;
use crate::wire::SlmgrParsed;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/parse/slmgr", "POST").route(web::post().to(slmgr)));
}

/// The pasted text: `text/plain`, UTF-8, not blank.
pub async fn plain_text(req: &HttpRequest, mut payload: web::Payload) -> Result<String, ApiError> {
    if media_type(req) != "text/plain" {
        return Err(ApiError::UnsupportedMediaType("send the pasted text as Content-Type: text/plain".into()));
    }
    let body = read_body(&mut payload, BODY_LIMIT).await?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::from(FieldErrors::one("body", crate::i18n::Msg::new("msg.not_utf8"))))?;
    if text.trim().is_empty() {
        return Err(FieldErrors::one("body", crate::i18n::Msg::new("msg.slmgr_empty")).into());
    }
    Ok(text)
}

/// Read pasted `slmgr /dlv` or `slmgr /dti` output (English or Japanese
/// labels): the edition, the channel, the partial product key, the
/// license status and the Installation ID (checked: a group that does not
/// check is a 422 naming it), and the lines that are not slmgr's.
#[utoipa::path(post, operation_id = "parse_slmgr", path = "/api/v1/parse/slmgr", tag = "parse",
    request_body(content = String, content_type = "text/plain",
        example = "Name: Windows(R), Professional edition\nDescription: Windows(R) Operating System, RETAIL channel\nPartial Product Key: 9D6T9"),
    responses((status = 200, body = SlmgrParsed), WriteErrors), security(("bearer" = [])))]
pub async fn slmgr(req: HttpRequest, _: Reader, payload: web::Payload) -> Result<HttpResponse, ApiError> {
    let text = plain_text(&req, payload).await?;
    Ok(ok(&SlmgrParsed::try_from(slmgr::read(&text))?))
}
