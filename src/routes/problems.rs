//! `GET /problems/{kind}`: what each kind of problem means, in plain text,
//! so that a problem's `type` (`/problems/not-found`) leads somewhere. No
//! token: it holds no data. The kinds are [`crate::error::PROBLEMS`].

use actix_web::{web, HttpResponse};

use crate::error::{ApiError, PROBLEMS};

/// `GET /problems/{kind}`.
pub async fn describe(kind: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let Some((slug, meaning)) = PROBLEMS.iter().find(|(slug, _)| *slug == kind.as_str()) else {
        let known: Vec<&str> = PROBLEMS.iter().map(|(slug, _)| *slug).collect();
        return Err(ApiError::NotFound(format!(
            "there is no problem kind {:?}; the kinds are {}",
            kind.chars().take(40).collect::<String>(),
            known.join(", ")
        )));
    };
    Ok(HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(format!("{slug}: {meaning}\n")))
}
