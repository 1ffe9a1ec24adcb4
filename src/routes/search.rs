//! `/search`: machines, licenses, cases, attempts and follow-ups whose text
//! matches, newest first (any token).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{flag, int};
use super::responses::ListErrors;
use super::{ok, page, resource, Params};
use crate::auth::Reader;
use crate::domain::search::SearchQuery;
use crate::domain::Page;
use crate::error::ApiError;
use crate::store::{SearchHit, Store};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/search", "GET").route(web::get().to(search)));
}

/// What to look for, and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The text to look for: words separated by spaces, all of which must
    /// appear (case and character width do not matter; Japanese is found
    /// without spaces). 1–200 characters.
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "int")]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    /// Find archived rows too.
    #[serde(default, deserialize_with = "flag")]
    pub include_archived: Option<bool>,
}

/// Machines, licenses, cases, attempts and follow-ups whose text (names,
/// owners, notes, questions, answers that are not product keys, follow-up
/// texts) holds every word of `q`, newest written first, each hit with a
/// snippet around the match.
#[utoipa::path(get, operation_id = "search", path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = Page<SearchHit>), ListErrors), security(("bearer" = [])))]
pub async fn search(
    store: web::Data<Store>,
    _: Reader,
    Params(p): Params<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let q = SearchQuery::parse(p.q.as_deref()).map_err(ApiError::bad_params)?;
    let page = page(p.limit, p.cursor.as_deref(), p.include_archived)?;
    Ok(ok(&store.search(&q, &page).await?))
}
