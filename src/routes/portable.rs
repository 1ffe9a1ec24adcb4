//! `/export` and `/import`: the whole journal as JSON or a zip of CSV files,
//! and back (see `crate::portable`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::flag;
use super::responses::{ReadErrors, WriteErrors};
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
    let head = portable::Head::now(secrets);
    let mut response = HttpResponse::Ok();
    response.content_type(format.media_type()).insert_header((
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{}\"", format.file_name(&head.exported_at)),
    ));
    if secrets {
        response.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    Ok(response.streaming(stream_export(store.get_ref().clone(), actor, secrets, format, head)))
}

/// The export's bytes as they are written: the store reads the journal a
/// chunk at a time on a thread of its own (the writer of an export is
/// synchronous), and hands the body out in pieces of [`PIECE`] bytes
/// through a small queue, so memory stays bounded however large the
/// journal. A client that goes away stops the export; a failure midway
/// ends the body early (the client sees a truncated download), and is logged.
fn stream_export(
    store: Store,
    actor: crate::store::Actor,
    secrets: bool,
    format: Format,
    head: portable::Head,
) -> impl futures_util::Stream<Item = Result<web::Bytes, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<web::Bytes, std::io::Error>>(8);
    std::thread::spawn(move || {
        let run = || -> Result<(), String> {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut w = portable::ExportWriter::new(format, Pieces { tx: tx.clone(), buf: Vec::new() }, &head)?;
                store.export_into(&actor, secrets, &mut w).await.map_err(|e| e.to_string())?;
                std::io::Write::flush(&mut w.finish()?).map_err(|e| e.to_string())
            })
        };
        if let Err(e) = run() {
            tracing::error!(error = %e, "an export stopped before its end");
            let _ = tx.try_send(Err(std::io::Error::other(e)));
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|piece| (piece, rx)) })
}

/// How many bytes of an export go out at a time.
const PIECE: usize = 64 * 1024;

/// The export's bytes, queued a piece at a time for the response body.
struct Pieces {
    tx: tokio::sync::mpsc::Sender<Result<web::Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl Pieces {
    /// Queue what is buffered, waiting (on the export's own thread) while
    /// the queue is full; an error once the client has gone.
    fn send(&mut self) -> std::io::Result<()> {
        let mut piece = web::Bytes::from(std::mem::take(&mut self.buf));
        loop {
            match self.tx.try_send(Ok(piece)) {
                Ok(()) => return Ok(()),
                Err(tokio::sync::mpsc::error::TrySendError::Full(Ok(back))) => {
                    piece = back;
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                Err(_) => return Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")),
            }
        }
    }
}

impl std::io::Write for Pieces {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
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
        DecodeError::BadZip(message) | DecodeError::Order(message) => {
            FieldErrors::one("body", crate::i18n::Msg::detail(message)).into()
        }
        DecodeError::Invalid(errors) => errors.into(),
    })?;
    let report = store.import(&actor, &doc, &|_| {}).await?;
    Ok(ok(&report))
}
