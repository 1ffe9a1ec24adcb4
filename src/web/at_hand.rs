//! "Have at hand" for one license, as the home page and the call form show
//! it: the answers given on its past calls (a key only masked) and its
//! photos (thumbnails for a write session; a read session sees that they
//! exist, as on the license's page). Drawn by `templates/at_hand.html`.
//!
//! `GET /calls/at-hand?license_id=` answers the block alone, for the call
//! form's script to put in place when another license is chosen (no
//! reload: the queue timer keeps running). No SQL here.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::attachments::{file_row, FileRow};
use super::form::license_label;
use super::session::{param, Query};
use super::{Chrome, Page, Tr, WebError};
use crate::domain::{AtHand, License};
use crate::store::Store;

/// One past answer as shown.
pub struct HandAnswer {
    /// The topic in the page's words.
    pub topic: String,
    /// The operator's words ("" when not written down).
    pub question: String,
    /// The answer (a key's mask), `None` when it was never answered.
    pub answer: Option<String>,
    pub attempt_id: i64,
    pub asked_on: String,
}

/// What to have at hand for one license, as shown.
pub struct HandBlock {
    pub license_id: i64,
    pub license: String,
    pub answers: Vec<HandAnswer>,
    pub files: Vec<FileRow>,
    /// More photos than shown: the license's page lists them all.
    pub more: bool,
}

impl HandBlock {
    /// The block of `license` from what the store found.
    pub fn new(t: &Tr, license: &License, h: AtHand) -> Self {
        HandBlock {
            license_id: license.id,
            license: license_label(license, t),
            answers: h
                .answers
                .into_iter()
                .map(|a| HandAnswer {
                    topic: t.e(a.topic),
                    question: a.question.unwrap_or_default(),
                    answer: a.answer,
                    attempt_id: a.attempt_id,
                    asked_on: a.asked_on,
                })
                .collect(),
            files: h.attachments.iter().map(|a| file_row(a, t)).collect(),
            more: h.more_attachments,
        }
    }
}

/// The block of a live license, read from the store.
pub async fn block(p: &Page, store: &Store, license: &License) -> Result<HandBlock, WebError> {
    let h = p.ok(store.at_hand(license.id).await)?;
    Ok(HandBlock::new(&p.t(), license, h))
}

#[derive(Template)]
#[template(path = "at_hand_alone.html")]
struct Alone {
    c: Chrome,
    hand: Option<HandBlock>,
}

/// `GET /calls/at-hand?license_id=`: the block alone (empty for no
/// license, or a license still to be added); 400 for an id that is not a
/// number, 404 for one that is not a live license.
pub async fn alone(p: Page, store: web::Data<Store>, query: Query) -> Result<HttpResponse, WebError> {
    let hand = match param(&query, "license_id") {
        None | Some("new") => None,
        Some(_) => match p.id_param(&query, "license_id")? {
            Some(id) => {
                let license = p.ok(store.license(id, false).await)?;
                Some(block(&p, &store, &license).await?)
            }
            None => None,
        },
    };
    p.render(&Alone { c: p.chrome("hand.title"), hand })
}
