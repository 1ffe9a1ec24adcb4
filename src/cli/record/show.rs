//! How records are printed: JSON exactly as the API answers, or tables
//! with names instead of ids and times in their own offset.

use std::collections::HashMap;

use crate::cli::print_out;
use crate::cli::table::Words;
use crate::domain::{Attempt, Case, FollowUp, License, Machine, PageRequest};
use crate::store::Store;

/// Print a value as the API's JSON, one line.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    print_out(format!("{}\n", serde_json::to_string(value)?).as_bytes())?;
    Ok(())
}

/// Print a table fitted to the terminal, or as TSV with `--format tsv`.
pub(super) fn print_table(x: &Words, t: &comfy_table::Table) -> anyhow::Result<()> {
    x.print(t)?;
    Ok(())
}

pub use crate::cli::table::local;

/// A UTC stamp in this computer's time zone: `2014-05-10 10:05 +09:00`.
pub fn here(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M %:z").to_string())
        .unwrap_or_else(|_| at.to_string())
}

pub(super) fn or_dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_else(|| "-".into())
}

/// A license as people name it: `Windows 8.1 Pro (retail box)`, the
/// channel in the run's words.
pub fn license_label(x: &Words, l: &License) -> String {
    let name = crate::summary::license_name(&l.product, l.edition.as_deref());
    format!("{name} ({})", x.e(l.channel))
}

/// The machine named (by name, or else by id) on the command line.
pub async fn machine(store: &Store, given: &str) -> anyhow::Result<Machine> {
    if let Some(m) = store.machine_named(given).await? {
        return Ok(m);
    }
    if let Ok(id) = given.trim().parse::<i64>() {
        if let Ok(m) = store.machine(id, false).await {
            return Ok(m);
        }
    }
    let names: Vec<String> =
        store.machines(&PageRequest::default()).await?.items.into_iter().map(|m| format!("\"{}\"", m.name)).collect();
    if names.is_empty() {
        anyhow::bail!(crate::cli::lang::f("cli.err.no_machines", &[("given", given)]))
    }
    anyhow::bail!(crate::cli::lang::f("cli.err.no_machine_named", &[("given", given), ("names", &names.join(", "))]))
}

/// Names of machines and labels of licenses, looked up once each, and the
/// words of the tables they go in.
pub struct Names {
    x: Words,
    machines: HashMap<i64, String>,
    licenses: HashMap<i64, String>,
}

impl Names {
    /// None looked up yet; labels in `x`'s words.
    pub fn new(x: &Words) -> Self {
        Names { x: *x, machines: HashMap::new(), licenses: HashMap::new() }
    }

    pub(super) async fn machine(&mut self, store: &Store, id: i64) -> String {
        if let Some(n) = self.machines.get(&id) {
            return n.clone();
        }
        let n = store.machine(id, true).await.map(|m| m.name).unwrap_or_else(|_| format!("machine {id}"));
        self.machines.insert(id, n.clone());
        n
    }

    pub(super) async fn license(&mut self, store: &Store, id: i64) -> String {
        if let Some(n) = self.licenses.get(&id) {
            return n.clone();
        }
        let n = store
            .license(id, true)
            .await
            .map(|l| license_label(&self.x, &l))
            .unwrap_or_else(|_| format!("license {id}"));
        self.licenses.insert(id, n.clone());
        n
    }
}

pub(super) fn machines_table(x: &Words, rows: &[Machine]) -> comfy_table::Table {
    let mut t = x.table(&["cli.col.id", "cli.col.name", "cli.col.owner", "cli.col.notes", "cli.col.added"]);
    for m in rows {
        t.add_row(vec![m.id.to_string(), m.name.clone(), or_dash(&m.owner), or_dash(&m.notes), here(&m.created_at)]);
    }
    t
}

pub(super) fn licenses_table(x: &Words, rows: &[License]) -> comfy_table::Table {
    let mut t = x.table(&[
        "cli.col.id",
        "cli.col.product",
        "cli.col.edition",
        "cli.col.channel",
        "cli.col.bought_from",
        "cli.col.bought_on",
        "cli.col.box",
        "cli.col.product_key",
    ]);
    for l in rows {
        t.add_row(vec![
            l.id.to_string(),
            l.product.clone(),
            or_dash(&l.edition),
            x.e(l.channel),
            or_dash(&l.purchased_from),
            or_dash(&l.purchased_on),
            or_dash(&l.box_colour),
            or_dash(&l.product_key_masked),
        ]);
    }
    t
}

/// What happened on a call, in a few words: `not activated (no operator available)`.
pub fn outcome(x: &Words, a: &Attempt) -> String {
    match (&a.result, &a.failure_reason) {
        (Some(r), Some(why)) => format!("{} ({})", x.e(*r), x.e(*why)),
        (Some(r), None) => x.e(*r),
        _ => "-".into(),
    }
}

/// Attempts as people read them: when (own offset), where, what happened.
pub async fn attempts_table(store: &Store, names: &mut Names, rows: &[Attempt]) -> comfy_table::Table {
    let x = names.x;
    let mut t = x.table(&[
        "cli.col.id",
        "cli.col.when",
        "cli.col.machine",
        "cli.col.license",
        "cli.col.ivr",
        "cli.col.operator",
        "cli.col.wait",
        "cli.col.asked",
        "cli.col.result",
    ]);
    for a in rows {
        let asked: Vec<crate::domain::Topic> = a.questions.iter().map(|q| q.topic).collect();
        t.add_row(vec![
            a.id.to_string(),
            local(&a.started_at),
            names.machine(store, a.machine_id).await,
            names.license(store, a.license_id).await,
            x.oe(&a.ivr_result),
            x.oe(&a.operator_outcome),
            a.wait_seconds.map(minutes).unwrap_or_else(|| "-".into()),
            x.list(&asked),
            outcome(&x, a),
        ]);
    }
    t
}

/// Seconds as `3:05`.
pub fn minutes(s: i64) -> String {
    format!("{}:{:02}", s / 60, s % 60)
}

pub(super) async fn cases_table(store: &Store, names: &mut Names, rows: &[Case]) -> comfy_table::Table {
    let x = names.x;
    let mut t = x.table(&[
        "cli.col.id",
        "cli.col.machine",
        "cli.col.license",
        "cli.col.trigger",
        "cli.col.status",
        "cli.col.opened",
        "cli.col.closed",
        "cli.col.notes",
    ]);
    for c in rows {
        t.add_row(vec![
            c.id.to_string(),
            names.machine(store, c.machine_id).await,
            names.license(store, c.license_id).await,
            x.e(c.trigger),
            x.e(c.status),
            local(&c.opened_at),
            c.closed_at.as_deref().map(local).unwrap_or_else(|| "-".into()),
            or_dash(&c.notes),
        ]);
    }
    t
}

pub(super) async fn follow_ups_table(store: &Store, names: &mut Names, rows: &[FollowUp]) -> comfy_table::Table {
    let x = names.x;
    let mut t =
        x.table(&["cli.col.id", "cli.col.machine", "cli.col.case", "cli.col.to_do", "cli.col.due", "cli.col.done"]);
    for f in rows {
        t.add_row(vec![
            f.id.to_string(),
            names.machine(store, f.machine_id).await,
            or_dash(&f.case_id),
            f.text.clone(),
            or_dash(&f.due_on),
            x.yes_no(f.done),
        ]);
    }
    t
}
