//! `/cases`: activation goals (license L on machine M).

use actix_web::{web, HttpResponse};

use super::extract::int;
use super::responses::ListErrors;
use super::{collection_and_items, id_filters, ok, page, Params};
use crate::auth::Reader;
use crate::domain::{Case, CaseStatus, Page};
use crate::error::ApiError;
use crate::store::Store;
use crate::wire::{CaseCreate, CaseFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    collection_and_items(
        cfg,
        "/cases",
        [web::get().to(list), web::post().to(create)],
        [web::get().to(show), web::patch().to(update), web::delete().to(super::archive::archive_case)],
    );
}

list_query! {
    /// Filters and paging of the cases list.
    pub struct CaseQuery {
        #[param(minimum = 1)]
        #[serde(default, deserialize_with = "int")]
        pub machine_id: Option<i64>,
        #[param(minimum = 1)]
        #[serde(default, deserialize_with = "int")]
        pub license_id: Option<i64>,
        #[param(value_type = Option<CaseStatus>)]
        pub status: Option<CaseStatus>,
    }
}

/// List cases.
#[utoipa::path(get, operation_id = "list_cases", path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = Page<Case>), ListErrors), security(("bearer" = [])))]
pub async fn list(store: web::Data<Store>, _: Reader, Params(q): Params<CaseQuery>) -> Result<HttpResponse, ApiError> {
    let page = page(q.limit, q.cursor.as_deref(), q.include_archived)?;
    let [machine_id, license_id] = id_filters([("machine_id", q.machine_id), ("license_id", q.license_id)])?;
    Ok(ok(&store.cases(&page, machine_id, license_id, q.status).await?))
}

create_handler! {
    /// Open a case.
    "create_case", "/api/v1/cases", "cases", CaseCreate => Case, create_case, "/cases"
}

show_handler! {
    /// One case.
    "get_case", "/api/v1/cases/{id}", "cases", Case, case
}

update_handler! {
    /// Change a case: its trigger, hardware change, status (`abandoned`, or `open` again) or notes.
    "update_case", "/api/v1/cases/{id}", "cases", CaseFields => Case, update_case
}
