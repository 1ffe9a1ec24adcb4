//! The handlers every resource has in one shape — create, show, update and
//! archive — written once here as macros, so that a resource's file states
//! only what differs: its operation ids, paths, types and store calls. Each
//! macro declares one `pub async fn` (with its OpenAPI annotation) in the
//! file that invokes it; the route table and the document name it there.

/// `POST` of a collection: parse the body, create, answer 201 with a
/// `Location` (or replay the first answer to the same idempotency key).
macro_rules! create_handler {
    ($(#[$doc:meta])* $op:literal, $path:literal, $tag:literal, $body:ident => $item:ident,
     $create:ident, $collection:literal) => {
        $(#[$doc])*
        #[utoipa::path(post, operation_id = $op, path = $path, tag = $tag, request_body = inline($body),
            params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer", nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
            responses((status = 201, body = $item, headers(("ETag" = String, description = "the resource's version, for If-Match"))),
                crate::routes::responses::WriteErrors), security(("bearer" = [])))]
        pub async fn create(
            store: actix_web::web::Data<crate::store::Store>,
            crate::auth::Writer(actor): crate::auth::Writer,
            _: crate::routes::NoParams,
            key: crate::routes::IdempotencyKey,
            body: crate::routes::JsonBody<$body>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let result = store.$create(&key.ctx(&actor, &body), &body.parsed()?).await?;
            crate::routes::created(result, $collection, |row| row.id)
        }
    };
}

/// `GET` of one row (`include_archived=true` shows an archived one).
macro_rules! show_handler {
    ($(#[$doc:meta])* $op:literal, $path:literal, $tag:literal, $item:ident, $read:ident) => {
        $(#[$doc])*
        #[utoipa::path(get, operation_id = $op, path = $path, tag = $tag, params(("id" = i64, Path), crate::routes::ShowQuery),
            responses((status = 200, body = $item, headers(("ETag" = String, description = "the resource's version, for If-Match"))),
                crate::routes::responses::ReadErrors), security(("bearer" = [])))]
        pub async fn show(
            store: actix_web::web::Data<crate::store::Store>,
            _: crate::auth::Reader,
            crate::routes::PathId(id): crate::routes::PathId,
            crate::routes::Params(q): crate::routes::Params<crate::routes::ShowQuery>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            crate::routes::tagged(&store.$read(id, q.include_archived.unwrap_or(false)).await?)
        }
    };
}

/// `PATCH` of one row: parse the fields sent, change them, answer the row.
macro_rules! update_handler {
    ($(#[$doc:meta])* $op:literal, $path:literal, $tag:literal, $body:ident => $item:ident, $update:ident) => {
        $(#[$doc])*
        #[utoipa::path(patch, operation_id = $op, path = $path, tag = $tag, params(("id" = i64, Path), crate::routes::IfMatchParam),
            request_body = inline($body),
            responses((status = 200, body = $item, headers(("ETag" = String, description = "the resource's version, for If-Match"))),
                (status = 412, body = $item, description = "If-Match names another version: nothing was changed; this is the resource as it now is",
                    headers(("ETag" = String, description = "its version now"))),
                crate::routes::responses::WriteErrors),
            security(("bearer" = [])))]
        pub async fn update(
            store: actix_web::web::Data<crate::store::Store>,
            crate::auth::Writer(actor): crate::auth::Writer,
            _: crate::routes::NoParams,
            crate::routes::PathId(id): crate::routes::PathId,
            if_match: crate::routes::IfMatchHeader,
            body: crate::routes::JsonBody<$body>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            crate::routes::tagged(&store.$update(&if_match.ctx(&actor), id, &body.parsed()?).await?)
        }
    };
}

/// `DELETE` of one row: archive it, answer 204.
macro_rules! archive_handler {
    ($(#[$doc:meta])* $name:ident, $op:literal, $path:literal, $tag:literal, $item:ident, $archive:ident) => {
        $(#[$doc])*
        #[utoipa::path(delete, operation_id = $op, path = $path, tag = $tag, params(("id" = i64, Path), crate::routes::IfMatchParam),
            responses((status = 204, description = "archived"),
                (status = 412, body = $item, description = "If-Match names another version: nothing was archived; this is the resource as it now is",
                    headers(("ETag" = String, description = "its version now"))),
                crate::routes::responses::ArchiveErrors),
            security(("bearer" = [])))]
        pub async fn $name(
            store: actix_web::web::Data<crate::store::Store>,
            crate::auth::Writer(actor): crate::auth::Writer,
            _: crate::routes::NoParams,
            crate::routes::PathId(id): crate::routes::PathId,
            if_match: crate::routes::IfMatchHeader,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            store.$archive(&if_match.ctx(&actor), id).await?;
            Ok(crate::routes::no_content())
        }
    };
}

/// The query of a list with filters: paging (`limit`, `cursor`,
/// `include_archived`) and the list's own filters after them.
macro_rules! list_query {
    ($(#[$doc:meta])* pub struct $name:ident { $($filters:tt)* }) => {
        $(#[$doc])*
        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            #[param(minimum = 1, maximum = 500)]
            #[serde(default, deserialize_with = "crate::routes::extract::int")]
            pub limit: Option<i64>,
            #[param(min_length = 1)]
            pub cursor: Option<String>,
            #[serde(default, deserialize_with = "crate::routes::extract::flag")]
            pub include_archived: Option<bool>,
            $($filters)*
        }
    };
}
