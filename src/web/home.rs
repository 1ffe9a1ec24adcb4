//! `/`: before you call — open cases with their suggested call time, the
//! best hours (a chart), what to have at hand for each open case's license
//! (the answers given on its past calls and its photos, [`super::at_hand`]),
//! what operators asked for each channel in play (with the product-key
//! reveal for write sessions) and the follow-ups due.

use std::collections::BTreeSet;

use actix_web::{web, HttpResponse};
use askama::Template;

use super::at_hand::{self, HandBlock};
use super::form::license_label;
use super::{charts, shown_system, Chrome, Page, Tr, WebError};
use crate::domain::{Channel, License, PageRequest, SummaryFilter};
use crate::store::{Store, StoreError};
use crate::summary::{Open, Questions};

/// An open case as shown.
pub struct OpenRow {
    pub case_id: i64,
    pub machine: String,
    pub license: String,
    pub license_id: i64,
    pub machine_id: i64,
    pub calls: i64,
    pub suggested: String,
    pub reason: String,
}

/// What to have at hand for one channel: topics most asked first.
pub struct AtHand {
    pub channel: String,
    pub topics: Vec<(String, i64)>,
    /// Licenses of this channel with an open case and a stored key.
    pub keys: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    open: Vec<OpenRow>,
    at_hand: Vec<AtHand>,
    /// What to have at hand for each open case's license (the first [`HANDS`]).
    hands: Vec<HandBlock>,
    follow_ups: Vec<(String, String, String)>,
    best_hours: String,
    hours_svg: String,
}

/// How many open cases' licenses get their at-hand block on the home page
/// (a household has one or two open at a time; the call form has the rest).
const HANDS: usize = 5;

/// `GET /`.
pub async fn home(p: Page, store: web::Data<Store>) -> Result<HttpResponse, WebError> {
    let t = p.t();
    let all = SummaryFilter::default();
    let every = p.ok(PageRequest::parse(Some(500), None, false).map_err(StoreError::Invalid))?;
    let (open, hours, questions, machines, licenses) = tokio::join!(
        store.open_work(&all, chrono::Utc::now()),
        store.hours(&all),
        store.questions(&all),
        store.machines(&every),
        store.licenses(&every),
    );
    let (open, hours, questions) = (p.ok(open)?, p.ok(hours)?, p.ok(questions)?);
    let (machines, licenses) = (p.ok(machines)?.items, p.ok(licenses)?.items);
    let name = |id: i64| machines.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_default();
    let license = |id: i64| licenses.iter().find(|l| l.id == id);
    let zone = store.zone();
    let rows: Vec<OpenRow> = open
        .cases
        .iter()
        .map(|c| {
            OpenRow {
                case_id: c.case_id,
                machine: name(c.machine_id),
                license: license(c.license_id).map(|l| license_label(l, &t)).unwrap_or_default(),
                license_id: c.license_id,
                machine_id: c.machine_id,
                calls: c.attempts,
                suggested: c.suggested_call_at.as_deref().map(|s| shown_system(s, &zone)).unwrap_or_else(|| "–".into()),
                // The one reason the summary gives (no hour known yet), in the page's words.
                reason: c.suggested_call_reason.as_ref().map(|_| t.s("home.no_good_hour")).unwrap_or_default(),
            }
        })
        .collect();
    let at_hand = at_hand(&t, &open, &questions, &licenses);
    let mut hands = Vec::new();
    for id in open.cases.iter().map(|c| c.license_id).collect::<std::collections::BTreeSet<_>>().into_iter().take(HANDS)
    {
        if let Some(l) = license(id) {
            hands.push(at_hand::block(&p, &store, l).await?);
        }
    }
    let today = chrono::Utc::now().date_naive();
    let follow_ups = open
        .follow_ups
        .iter()
        .filter(|f| f.due_on.is_none_or(|d| d <= today + chrono::Days::new(7)))
        .map(|f| (f.text.clone(), name(f.machine_id), f.due_on.map(|d| d.to_string()).unwrap_or_else(|| "–".into())))
        .collect();
    let best_hours = super::summaries::best_hours(&t, &hours).unwrap_or_else(|| t.s("home.no_best_hours"));
    p.render(&HomePage {
        c: p.chrome("home.title"),
        open: rows,
        at_hand,
        hands,
        follow_ups,
        best_hours,
        hours_svg: charts::hours(&t, &hours).html(),
    })
}

/// What operators asked for each channel in play (those of open cases,
/// else every channel asked about), with the licenses whose key can be revealed.
fn at_hand(t: &Tr, open: &Open, questions: &Questions, licenses: &[License]) -> Vec<AtHand> {
    let license = |id: i64| licenses.iter().find(|l| l.id == id);
    let mut channels: BTreeSet<Channel> =
        open.cases.iter().filter_map(|c| license(c.license_id).map(|l| l.channel)).collect();
    if channels.is_empty() {
        channels = questions.topics.iter().flat_map(|r| r.by_channel.keys().copied()).collect();
    }
    channels
        .into_iter()
        .map(|ch| {
            let mut topics: Vec<(String, i64)> = questions
                .topics
                .iter()
                .filter_map(|r| r.by_channel.get(&ch).map(|n| (t.e(r.topic), *n)))
                .filter(|(_, n)| *n > 0)
                .collect();
            topics.sort_by_key(|b| std::cmp::Reverse(b.1));
            let keys = open
                .cases
                .iter()
                .filter_map(|c| license(c.license_id))
                .filter(|l| l.channel == ch && l.product_key_masked.is_some())
                .map(|l| (l.id, license_label(l, t)))
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .collect();
            AtHand { channel: t.e(ch), topics, keys }
        })
        .collect()
}
