//! `/attempts`: every try at activating, with filters.

use actix_web::{web, HttpResponse};

use super::extract::int;
use super::responses::ListErrors;
use super::{collection_and_items, ok, page, Params};
use crate::auth::Reader;
use crate::domain::{Attempt, AttemptOrder, AttemptResult, OperatorOutcome, Page, TimePageRequest};
use crate::error::ApiError;
use crate::store::{AttemptFilter, Store};
use crate::wire::{AttemptCreate, AttemptFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    collection_and_items(
        cfg,
        "/attempts",
        [web::get().to(list), web::post().to(create)],
        [web::get().to(show), web::patch().to(update), web::delete().to(archive)],
    );
}

list_query! {
    /// Filters and paging of the attempts list.
    pub struct AttemptQuery {
        #[param(minimum = 1)]
        #[serde(default, deserialize_with = "int")]
        pub machine_id: Option<i64>,
        #[param(minimum = 1)]
        #[serde(default, deserialize_with = "int")]
        pub license_id: Option<i64>,
        #[param(minimum = 1)]
        #[serde(default, deserialize_with = "int")]
        pub case_id: Option<i64>,
        #[param(value_type = Option<AttemptResult>)]
        pub result: Option<AttemptResult>,
        #[param(value_type = Option<OperatorOutcome>)]
        pub operator_outcome: Option<OperatorOutcome>,
        /// A date (`2014-05-09`, inclusive, local to each attempt) or an RFC 3339 time.
        pub from: Option<String>,
        /// A date (`2014-05-10`, inclusive, local to each attempt) or an RFC 3339 time.
        pub to: Option<String>,
        /// `id` (the default: stable paging) or `started_at` (newest first,
        /// paged by start time then id).
        #[param(value_type = Option<AttemptOrder>)]
        pub order: Option<AttemptOrder>,
    }
}

impl AttemptQuery {
    fn filter(&self) -> Result<AttemptFilter, ApiError> {
        let ids = [self.machine_id, self.license_id, self.case_id];
        AttemptFilter::parse(ids, self.result, self.operator_outcome, self.from.as_deref(), self.to.as_deref())
            .map_err(ApiError::bad_params)
    }
}

/// List attempts, with their questions.
#[utoipa::path(get, operation_id = "list_attempts", path = "/api/v1/attempts", tag = "attempts", params(AttemptQuery),
    responses((status = 200, body = Page<Attempt>), ListErrors), security(("bearer" = [])))]
pub async fn list(
    store: web::Data<Store>,
    _: Reader,
    Params(q): Params<AttemptQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = q.filter()?;
    if q.order == Some(AttemptOrder::StartedAt) {
        let page = TimePageRequest::parse(q.limit, q.cursor.as_deref(), q.include_archived.unwrap_or(false))
            .map_err(ApiError::bad_params)?;
        return Ok(ok(&store.attempts_newest_first(&page, &filter).await?));
    }
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    Ok(ok(&store.attempts(&page, &filter).await?))
}

create_handler! {
    /// Record an attempt. Without `case_id` it joins (or opens) the open case of
    /// its machine and license; an activated attempt closes its case.
    "create_attempt", "/api/v1/attempts", "attempts", AttemptCreate => Attempt, create_attempt, "/attempts"
}

show_handler! {
    /// One attempt.
    "get_attempt", "/api/v1/attempts/{id}", "attempts", Attempt, attempt
}

update_handler! {
    /// Change an attempt (only the fields sent; `questions` replaces them all).
    "update_attempt", "/api/v1/attempts/{id}", "attempts", AttemptFields => Attempt, update_attempt
}

archive_handler! {
    /// Archive an attempt (its case reopens if this attempt had activated it).
    archive, "archive_attempt", "/api/v1/attempts/{id}", "attempts", Attempt, archive_attempt
}
