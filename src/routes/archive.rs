//! `DELETE` of a case or a follow-up, and `POST …/{id}/unarchive` for
//! every entity: a mistake is undone, not typed again (see
//! `store::archive` for what goes and comes back with a row).

use actix_web::{web, HttpResponse};

use super::responses::ArchiveErrors;
use super::{resource, tagged, IfMatchHeader, NoParams, PathId};
use crate::auth::Writer;
use crate::domain::{Attempt, Case, FollowUp, HardwareChange, License, Machine};
use crate::error::ApiError;
use crate::store::{Store, Table};

pub fn routes(cfg: &mut web::ServiceConfig) {
    for (path, unarchive) in [
        ("/machines/{id}/unarchive", web::post().to(unarchive_machine)),
        ("/hardware-changes/{id}/unarchive", web::post().to(unarchive_hardware_change)),
        ("/licenses/{id}/unarchive", web::post().to(unarchive_license)),
        ("/cases/{id}/unarchive", web::post().to(unarchive_case)),
        ("/attempts/{id}/unarchive", web::post().to(unarchive_attempt)),
        ("/follow-ups/{id}/unarchive", web::post().to(unarchive_follow_up)),
    ] {
        cfg.service(resource(path, "POST").route(unarchive));
    }
}

archive_handler! {
    /// Archive a case, with its attempts.
    archive_case, "archive_case", "/api/v1/cases/{id}", "cases", Case, archive_case
}

archive_handler! {
    /// Archive a follow-up.
    archive_follow_up, "archive_follow_up", "/api/v1/follow-ups/{id}", "follow-ups", FollowUp, archive_follow_up
}

/// One `POST …/{id}/unarchive` handler: the row back (and what was
/// archived with it), answered with the row as it now is.
#[rustfmt::skip]
macro_rules! unarchive {
    ($name:ident, $op:literal, $path:literal, $tag:literal, $table:expr, $ty:ty, $get:ident) => {
        /// Bring an archived row back, with the rows archived with it.
        #[utoipa::path(post, operation_id = $op, path = $path, tag = $tag, params(("id" = i64, Path), crate::routes::IfMatchParam),
            responses((status = 200, body = $ty, headers(("ETag" = String, description = "the resource's version, for If-Match"))),
                (status = 412, body = $ty, description = "If-Match names another version: nothing was brought back; this is the resource as it now is",
                    headers(("ETag" = String, description = "its version now"))),
                ArchiveErrors),
            security(("bearer" = [])))]
        pub async fn $name(
            store: web::Data<Store>,
            Writer(actor): Writer,
            _: NoParams,
            PathId(id): PathId,
            if_match: IfMatchHeader,
        ) -> Result<HttpResponse, ApiError> {
            store.unarchive(&if_match.ctx(&actor), $table, id).await?;
            tagged(&store.$get(id, false).await?)
        }
    };
}

unarchive!(
    unarchive_machine,
    "unarchive_machine",
    "/api/v1/machines/{id}/unarchive",
    "machines",
    Table::Machines,
    Machine,
    machine
);
unarchive!(
    unarchive_hardware_change,
    "unarchive_hardware_change",
    "/api/v1/hardware-changes/{id}/unarchive",
    "hardware changes",
    Table::HardwareChanges,
    HardwareChange,
    hardware_change
);
unarchive!(
    unarchive_license,
    "unarchive_license",
    "/api/v1/licenses/{id}/unarchive",
    "licenses",
    Table::Licenses,
    License,
    license
);
unarchive!(unarchive_case, "unarchive_case", "/api/v1/cases/{id}/unarchive", "cases", Table::Cases, Case, case);
unarchive!(
    unarchive_attempt,
    "unarchive_attempt",
    "/api/v1/attempts/{id}/unarchive",
    "attempts",
    Table::Attempts,
    Attempt,
    attempt
);
unarchive!(
    unarchive_follow_up,
    "unarchive_follow_up",
    "/api/v1/follow-ups/{id}/unarchive",
    "follow-ups",
    Table::FollowUps,
    FollowUp,
    follow_up
);
