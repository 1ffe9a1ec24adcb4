//! Correcting from the terminal: `edit ID`, `archive ID` and `unarchive ID`
//! of every entity, `hardware-change add|list`, and `license reveal ID`.
//!
//! An edit's flags are made from the PATCH body's field declarations
//! (`--field-name`, see [`crate::cli::declared`]); what was given becomes
//! that body and is parsed and written exactly as a PATCH is (one
//! [`WriteCtx`], the same store functions), so a value is refused for the
//! same reason as through the API, named after the flag typed. Nothing here
//! decides a rule of its own.

use crate::i18n::Msg;
use std::slice::from_ref;

use clap::Args;
use serde::{de::DeserializeOwned, Serialize};

use super::show::{
    attempts_table, cases_table, follow_ups_table, licenses_table, machine, machines_table, or_dash, print_json,
    print_table, Names,
};
use super::{refused, HardwareChangeCommand, Paging};
use crate::cli::declared::{Declared, FlagSet};
use crate::cli::table::Words;
use crate::cli::{hint, lang, print_out};
use crate::domain::{FieldError, FieldErrors, HardwareChange};
use crate::store::{Actor, ConflictKind, Created, Current, Store, StoreError, Table, WriteCtx};

/// `… edit ID`: the flags of the fields to change.
#[derive(Debug, Args)]
#[group(skip)]
pub struct Edit<S: FlagSet + std::fmt::Debug + Send + Sync> {
    /// Its id.
    pub id: i64,
    #[command(flatten)]
    pub fields: Declared<S>,
    /// Empty this field (repeat the flag for more), e.g. `--clear notes`.
    #[arg(long = "clear", value_name = "FIELD")]
    pub clear: Vec<String>,
    /// Print the API's JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `… archive ID`.
#[derive(Debug, Args)]
pub struct Target {
    /// Its id.
    pub id: i64,
}

/// `… unarchive ID`.
#[derive(Debug, Args)]
pub struct Shown {
    /// Its id.
    pub id: i64,
    /// Print the API's JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The flag sets of the edits and of `hardware-change add`: a body, and the
/// fields that are no flag there (they cannot be changed, or have a flag
/// of their own).
macro_rules! flag_sets {
    ($($(#[$doc:meta])* $name:ident: $body:ty, [$($own:literal),*];)+) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;
        impl FlagSet for $name {
            type Body = $body;
            const OWN: &'static [&'static str] = &[$($own),*];
        }
    )+};
}

flag_sets! {
    /// `machine edit`.
    MachineEdit: crate::wire::MachineFields, [];
    /// `license edit` (the key with `--key`, read without echo).
    LicenseEdit: crate::wire::LicenseFields, ["product_key"];
    /// `case edit` (its machine and license stay).
    CaseEdit: crate::wire::CaseFields, ["machine_id", "license_id"];
    /// `attempt edit` (it stays in its case; its questions have `--question`).
    AttemptEdit: crate::wire::AttemptFields, ["case_id", "machine_id", "license_id", "trigger"];
    /// `follow-up edit`.
    FollowUpEdit: crate::wire::FollowUpFields, [];
    /// `hardware-change edit`.
    HardwareChangeEdit: crate::wire::HardwareChangeFields, [];
    /// `attachment edit` (its caption; the file stays).
    AttachmentEdit: crate::wire::AttachmentFields, [];
    /// `hardware-change add` (the machine with `--machine`).
    HardwareChangeAdd: crate::wire::HardwareChangeCreate, [];
}

/// Field errors named after the flags of an edit: `--field-name`, the key `--key`.
fn typed(e: FieldErrors) -> FieldErrors {
    FieldErrors(
        e.0.into_iter()
            .map(|f| match f.field.as_str() {
                "body" => FieldError { field: "edit".into(), message: crate::i18n::Msg::new("msg.give_a_field") },
                "product_key" => FieldError { field: "--key".into(), message: f.message },
                // `questions[1].answer`: the second --question, as `attempt add` names it.
                q if q.starts_with("questions[") => {
                    crate::cli::flags_named(FieldErrors(vec![f.clone()])).0.into_iter().next().unwrap_or(f)
                }
                other => FieldError { field: format!("--{}", other.replace('_', "-")), message: f.message },
            })
            .collect(),
    )
}

/// A store's answer to a write, refusals named after the flags.
pub(super) fn written<T>(r: Result<T, StoreError>) -> anyhow::Result<T> {
    r.map_err(|e| match e {
        StoreError::Invalid(e) => refused(typed(e)),
        e => e.into(),
    })
}

/// `body` with the fields named by `--clear` set to `null` (read through the
/// body's JSON, so that a field that is not one of the body's is refused).
fn cleared<B: Serialize + DeserializeOwned>(body: B, fields: &[String]) -> anyhow::Result<B> {
    if fields.is_empty() {
        return Ok(body);
    }
    let mut value = serde_json::to_value(&body)?;
    if let Some(o) = value.as_object_mut() {
        for f in fields {
            o.insert(f.trim().trim_start_matches("--").replace('-', "_"), serde_json::Value::Null);
        }
    }
    serde_json::from_value(value).map_err(|e| anyhow::Error::new(clear_refused(&e.to_string())))
}

/// What `--clear` says when the body refuses a field, in the run's
/// language: serde names an unknown field and the fields there are
/// (`unknown field `colour`, expected one of `name`, `notes``), said
/// here as the flags are spelt; any other refusal keeps serde's detail.
fn clear_refused(detail: &str) -> Msg {
    let flags = |s: &str| s.replace('`', "").replace('_', "-");
    match detail.strip_prefix("unknown field `").and_then(|rest| rest.split_once('`')) {
        Some((field, rest)) => {
            let known =
                rest.trim_start_matches(", ").trim_start_matches("expected one of ").trim_start_matches("expected ");
            Msg::new("cli.err.clear_unknown").arg("field", flags(field)).arg("fields", flags(known))
        }
        None => Msg::new("cli.err.clear_refused").arg("detail", detail),
    }
}

/// The parsed value of what an edit was given (`fill` sets what has a flag of its own).
pub(super) fn edit_body<S, P>(e: &Edit<S>, fill: impl FnOnce(&mut S::Body)) -> anyhow::Result<P>
where
    S: FlagSet + std::fmt::Debug + Send + Sync,
    S::Body: Serialize + DeserializeOwned,
    P: for<'a> TryFrom<&'a S::Body, Error = FieldErrors>,
{
    let mut body = S::Body::default();
    e.fields.apply(&mut body).map_err(|x| refused(typed(x)))?;
    fill(&mut body);
    let body = cleared(body, &e.clear)?;
    P::try_from(&body).map_err(|x| refused(typed(x)))
}

/// The live row `id` of `table`.
async fn fetch(store: &Store, table: Table, id: i64) -> Result<Current, StoreError> {
    Ok(match table {
        Table::Machines => store.machine(id, false).await?.into(),
        Table::HardwareChanges => store.hardware_change(id, false).await?.into(),
        Table::Licenses => store.license(id, false).await?.into(),
        Table::Cases => store.case(id, false).await?.into(),
        Table::Attempts => store.attempt(id, false).await?.into(),
        Table::FollowUps => store.follow_up(id, false).await?.into(),
        Table::Attachments => store.attachment(id, false).await?.into(),
    })
}

/// A row written, as the API's JSON or as a table.
pub(super) async fn print_row(store: &Store, x: &Words, row: impl Into<Current>, json: bool) -> anyhow::Result<()> {
    let row = row.into();
    if json {
        return print_json(&row);
    }
    let mut names = Names::new(x);
    print_table(
        x,
        &match &row {
            Current::Machine(r) => machines_table(x, from_ref(r)),
            Current::HardwareChange(r) => hardware_changes_table(store, x, &mut names, from_ref(r)).await,
            Current::License(r) => licenses_table(x, from_ref(r)),
            Current::Case(r) => cases_table(store, &mut names, from_ref(r)).await,
            Current::Attempt(r) => attempts_table(store, &mut names, from_ref(r)).await,
            Current::FollowUp(r) => follow_ups_table(store, &mut names, from_ref(r)).await,
            Current::Attachment(r) => super::attach::attachments_table(x, from_ref(r)),
        },
    )
}

/// What an entity is called on the command line, and what goes with it when archived.
pub(super) struct Entity {
    table: Table,
    noun: &'static str,
    command: &'static str,
    with: &'static str,
}

pub(super) const MACHINE: Entity =
    Entity { table: Table::Machines, noun: "machine", command: "machine", with: "cli.archived.with_machine" };
pub(super) const HARDWARE_CHANGE: Entity =
    Entity { table: Table::HardwareChanges, noun: "hardware change", command: "hardware-change", with: "" };
pub(super) const LICENSE: Entity =
    Entity { table: Table::Licenses, noun: "license", command: "license", with: "cli.archived.with_license" };
pub(super) const CASE: Entity =
    Entity { table: Table::Cases, noun: "case", command: "case", with: "cli.archived.with_case" };
pub(super) const ATTEMPT: Entity = Entity { table: Table::Attempts, noun: "attempt", command: "attempt", with: "" };
pub(super) const ATTACHMENT: Entity =
    Entity { table: Table::Attachments, noun: "attachment", command: "attachment", with: "" };
pub(super) const FOLLOW_UP: Entity =
    Entity { table: Table::FollowUps, noun: "follow-up", command: "follow-up", with: "" };

/// `… archive ID`: out of lists and summaries, and how to undo it.
pub(super) async fn archive(store: &Store, e: &Entity, Target { id }: Target) -> anyhow::Result<()> {
    let actor = Actor::cli();
    let ctx = WriteCtx::new(&actor);
    match store.archive(&ctx, e.table, id).await {
        Err(StoreError::Conflict(ConflictKind::AlreadyArchived, _)) => {
            let what = lang::t().msg(&crate::i18n::Msg::new("msg.as_is").noun("text", e.noun));
            anyhow::bail!(lang::f(
                "cli.archived.already",
                &[("what", &what), ("id", &id.to_string()), ("command", e.command)]
            ))
        }
        r => written(r)?,
    }
    let what = lang::t().msg(&crate::i18n::Msg::new("msg.as_is").noun("text", e.noun));
    let key = if e.with.is_empty() { "cli.archived.done" } else { e.with };
    eprintln!("{}", lang::f(key, &[("what", &what), ("id", &id.to_string())]));
    hint::elsewhere(&lang::s("cli.archived.undo"), &[e.command, "unarchive", &id.to_string()]);
    Ok(())
}

/// `… unarchive ID`: the row back (with what was archived with it), printed.
pub(super) async fn unarchive(store: &Store, x: &Words, e: &Entity, Shown { id, json }: Shown) -> anyhow::Result<()> {
    let actor = Actor::cli();
    written(store.unarchive(&WriteCtx::new(&actor), e.table, id).await)?;
    print_row(store, x, fetch(store, e.table, id).await?, json).await
}

/// `hardware-change …`
pub async fn hardware_change_command(store: &Store, x: &Words, c: HardwareChangeCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        HardwareChangeCommand::Add { machine: m, fields, json } => {
            let machine_id = machine(store, &m).await?.id;
            let mut body = crate::wire::HardwareChangeCreate::default();
            fields.apply(&mut body).map_err(|x| refused(typed(x)))?;
            let h: crate::domain::NewHardwareChange = (&body).try_into().map_err(|x| refused(typed(x)))?;
            let h = match written(store.create_hardware_change(&WriteCtx::new(&actor), machine_id, &h).await)? {
                Created::New(h) => h,
                Created::Replay { entity_id, .. } => store.hardware_change(entity_id, false).await?,
            };
            print_row(store, x, h, json).await
        }
        HardwareChangeCommand::List { machine: m, paging } => hardware_changes(store, x, &m, &paging).await,
        HardwareChangeCommand::Edit(e) => {
            let patch = edit_body::<_, crate::domain::HardwareChangePatch>(&e, |_| {})?;
            let h = written(store.update_hardware_change(&WriteCtx::new(&actor), e.id, &patch).await)?;
            print_row(store, x, h, e.json).await
        }
        HardwareChangeCommand::Archive(t) => archive(store, &HARDWARE_CHANGE, t).await,
        HardwareChangeCommand::Unarchive(s) => unarchive(store, x, &HARDWARE_CHANGE, s).await,
    }
}

/// `hardware-change list --machine M`: a machine's changes, a page at a time.
async fn hardware_changes(store: &Store, x: &Words, m: &str, paging: &Paging) -> anyhow::Result<()> {
    let machine_id = machine(store, m).await?.id;
    let page = store.hardware_changes(machine_id, &paging.page()?).await?;
    if paging.json {
        return print_json(&page);
    }
    print_table(x, &hardware_changes_table(store, x, &mut Names::new(x), &page.items).await)?;
    hint::more(&page.next_cursor);
    Ok(())
}

async fn hardware_changes_table(
    store: &Store,
    x: &Words,
    names: &mut Names,
    rows: &[HardwareChange],
) -> comfy_table::Table {
    let x = *x;
    let mut t = x.table(&[
        "cli.col.id",
        "cli.col.machine",
        "cli.col.changed_on",
        "cli.col.replaced",
        "cli.col.kept",
        "cli.col.os_reinstalled",
        "cli.col.notes",
    ]);
    for h in rows {
        t.add_row(vec![
            h.id.to_string(),
            names.machine(store, h.machine_id).await,
            h.changed_on.to_string(),
            x.list(&h.parts_replaced),
            x.list(&h.parts_kept),
            x.yes_no(h.os_reinstalled),
            or_dash(&h.notes),
        ]);
    }
    t
}

/// `license reveal ID`: the product key in clear, to a terminal only (or
/// anywhere with `force`), audited as the API's and the page's reveal are.
pub(super) async fn reveal(store: &Store, id: i64, force: bool) -> anyhow::Result<()> {
    if !force && !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!(lang::s("cli.reveal.not_a_terminal"));
    }
    let actor = Actor::cli();
    match written(store.reveal_product_key(&WriteCtx::new(&actor), id).await)? {
        Some(key) => Ok(print_out(format!("{key}\n").as_bytes())?),
        None => anyhow::bail!(lang::f("cli.reveal.no_key", &[("id", &id.to_string())])),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        // Every subcommand's flags are checked (unique ids and groups) here,
        // not first when a user runs that subcommand.
        <crate::cli::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
