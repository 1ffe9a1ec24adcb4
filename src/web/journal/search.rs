//! Search: the API's search, each hit with its text around the match.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::domain::search::SearchQuery;
use crate::domain::PageRequest;
use crate::store::Store;
use crate::web::session::{next_link, param, Query};
use crate::web::{Chrome, Page, WebError};

/// A search hit as shown: where it leads, its kind, the text before, in
/// and after the match.
pub struct HitRow {
    pub href: String,
    pub kind: String,
    pub before: String,
    pub hit: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    error: Option<String>,
    hits: Vec<HitRow>,
    searched: bool,
    next: Option<String>,
}

/// `GET /search?q=`: the API's search.
pub async fn search(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let text = param(&query, "q").unwrap_or("").to_string();
    let mut page = SearchPage {
        c: p.chrome("search.title"),
        q: text.clone(),
        error: None,
        hits: vec![],
        searched: false,
        next: None,
    };
    if !text.is_empty() {
        match SearchQuery::parse(Some(&text)) {
            Err(e) => page.error = e.0.first().map(|e| t.msg(&e.message)),
            Ok(sq) => {
                let req = p.params(PageRequest::parse(None, param(&query, "cursor"), false))?;
                let found = p.ok(store.search(&sq, &req).await)?;
                page.searched = true;
                page.next = next_link("/search", &query, found.next_cursor);
                page.hits = found
                    .items
                    .into_iter()
                    .map(|h| {
                        let (before, rest) = h.snippet.split_once('[').unwrap_or((&h.snippet, ""));
                        let (hit, after) = rest.split_once(']').unwrap_or((rest, ""));
                        let href = match h.entity {
                            crate::domain::SearchEntity::Machine => format!("/machines/{}", h.id),
                            crate::domain::SearchEntity::License => format!("/licenses/{}", h.id),
                            crate::domain::SearchEntity::Case => format!("/cases/{}", h.id),
                            crate::domain::SearchEntity::Attempt => format!("/attempts/{}", h.id),
                            crate::domain::SearchEntity::FollowUp => "/follow-ups".to_string(),
                            crate::domain::SearchEntity::Attachment => format!("/attachments/{}", h.id),
                        };
                        HitRow {
                            href,
                            kind: t.e(h.entity),
                            before: before.to_string(),
                            hit: hit.to_string(),
                            after: after.to_string(),
                        }
                    })
                    .collect();
            }
        }
    }
    p.render(&page)
}
