//! `/follow-ups`: things to do later on a machine or a case.

use actix_web::{web, HttpResponse};

use super::extract::{flag, int};
use super::responses::ListErrors;
use super::{collection_and_items, id_filters, ok, page, Params};
use crate::auth::Reader;
use crate::domain::{FollowUp, Page};
use crate::error::ApiError;
use crate::store::Store;
use crate::wire::{FollowUpCreate, FollowUpFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    collection_and_items(
        cfg,
        "/follow-ups",
        [web::get().to(list), web::post().to(create)],
        [web::get().to(show), web::patch().to(update), web::delete().to(super::archive::archive_follow_up)],
    );
}

list_query! {
    /// Filters and paging of the follow-ups list.
    pub struct FollowUpQuery {
        #[param(minimum = 1)]
        #[serde(default, deserialize_with = "int")]
        pub machine_id: Option<i64>,
        #[param(minimum = 1)]
        #[serde(default, deserialize_with = "int")]
        pub case_id: Option<i64>,
        #[serde(default, deserialize_with = "flag")]
        pub done: Option<bool>,
    }
}

/// List follow-ups.
#[utoipa::path(get, operation_id = "list_follow_ups", path = "/api/v1/follow-ups", tag = "follow-ups", params(FollowUpQuery),
    responses((status = 200, body = Page<FollowUp>), ListErrors), security(("bearer" = [])))]
pub async fn list(
    store: web::Data<Store>,
    _: Reader,
    Params(q): Params<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    let [machine_id, case_id] = id_filters([("machine_id", q.machine_id), ("case_id", q.case_id)])?;
    Ok(ok(&store.follow_ups(&page, machine_id, case_id, q.done).await?))
}

create_handler! {
    /// Add a follow-up.
    "create_follow_up", "/api/v1/follow-ups", "follow-ups", FollowUpCreate => FollowUp, create_follow_up, "/follow-ups"
}

show_handler! {
    /// One follow-up.
    "get_follow_up", "/api/v1/follow-ups/{id}", "follow-ups", FollowUp, follow_up
}

update_handler! {
    /// Change a follow-up (e.g. mark it done).
    "update_follow_up", "/api/v1/follow-ups/{id}", "follow-ups", FollowUpFields => FollowUp, update_follow_up
}
