//! The bodies of `machine`, `license`, `case`, `follow-up` and `search`.

use super::correct::{archive, edit_body, print_row, reveal, unarchive, written, CASE, FOLLOW_UP, LICENSE, MACHINE};
use super::show::{
    attempts_table, cases_table, follow_ups_table, here, licenses_table, local, machine, machines_table, minutes,
    outcome, print_json, print_table, Names,
};
use super::{
    given, parse_body, refused, stored, CaseCommand, FollowUpCommand, LicenseCommand, LicenseFlags, MachineCommand,
    Paging,
};
use crate::cli::flags_named;
use crate::cli::hint::more;
use crate::cli::table::Words;
use crate::domain::{FieldErrors, FollowUpPatch, Page, TimePageRequest};
use crate::store::{Actor, AttemptFilter, Store, WriteCtx};
use crate::wire::{FollowUpCreate, FollowUpFields, LicenseCreate, MachineCreate};

pub async fn machine_command(store: &Store, x: &Words, c: MachineCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        MachineCommand::Add { name, owner, notes, json } => {
            let m: crate::domain::NewMachine =
                parse_body(MachineCreate { name: Some(Some(name)), owner: given(&owner), notes: given(&notes) })?;
            let m = match store.create_machine(&WriteCtx::new(&actor), &m).await {
                Err(crate::store::StoreError::Conflict(_, msg)) => anyhow::bail!("NAME: {msg}"),
                r => stored(r)?,
            };
            if json {
                return print_json(&m);
            }
            print_table(x, &machines_table(x, std::slice::from_ref(&m)))
        }
        MachineCommand::List(p) => {
            let page = store.machines(&p.page()?).await?;
            if p.json {
                return print_json(&page);
            }
            print_table(x, &machines_table(x, &page.items))?;
            more(&page.next_cursor);
            Ok(())
        }
        MachineCommand::Show { machine: given, json, limit, cursor } => {
            let m = machine(store, &given).await?;
            let page = TimePageRequest::parse(limit, cursor.as_deref(), false).map_err(|e| refused(flags_named(e)))?;
            let timeline = store.timeline(m.id, &page).await?;
            if json {
                return print_json(&timeline);
            }
            print_table(x, &machines_table(x, std::slice::from_ref(&m)))?;
            let mut names = Names::new(x);
            let mut t = x.table(&["cli.col.when", "cli.col.what", "cli.col.id", "cli.col.details"]);
            for e in &timeline.events {
                use crate::store::TimelineEvent as E;
                let row = match e {
                    E::HardwareChange { hardware_change: h, .. } => vec![
                        h.changed_on.to_string(),
                        x.s("cli.tl.hardware_change"),
                        h.id.to_string(),
                        x.f("cli.tl.replaced", &[("parts", &x.list(&h.parts_replaced))]),
                    ],
                    E::Case { case: c, .. } => vec![
                        local(&c.opened_at),
                        x.s("cli.tl.case_opened"),
                        c.id.to_string(),
                        x.f(
                            "cli.tl.case",
                            &[
                                ("license", &names.license(store, c.license_id).await),
                                ("status", &x.e(c.status)),
                                ("trigger", &x.e(c.trigger)),
                            ],
                        ),
                    ],
                    E::Attempt { attempt: a, .. } => {
                        let wait = a.wait_seconds.map(|w| x.f("cli.tl.waited", &[("wait", &minutes(w))]));
                        vec![
                            local(&a.started_at),
                            x.s("cli.tl.call"),
                            a.id.to_string(),
                            x.f(
                                "cli.tl.attempt",
                                &[
                                    ("ivr", &x.oe(&a.ivr_result)),
                                    ("operator", &x.oe(&a.operator_outcome)),
                                    ("wait", &wait.unwrap_or_default()),
                                    ("result", &outcome(x, a)),
                                ],
                            ),
                        ]
                    }
                    E::FollowUp { follow_up: f, .. } => vec![
                        f.due_on.map(|d| d.to_string()).unwrap_or_else(|| here(&f.created_at)),
                        x.s("cli.tl.follow_up"),
                        f.id.to_string(),
                        if f.done { x.f("cli.tl.done", &[("text", &f.text)]) } else { f.text.clone() },
                    ],
                };
                t.add_row(row);
            }
            print_table(x, &t)?;
            more(&timeline.next_cursor);
            Ok(())
        }
        MachineCommand::Edit(e) => {
            let patch = edit_body::<_, crate::domain::MachinePatch>(&e, |_| {})?;
            let m = match store.update_machine(&WriteCtx::new(&actor), e.id, &patch).await {
                Err(crate::store::StoreError::Conflict(_, msg)) => anyhow::bail!("--name: {msg}"),
                r => written(r)?,
            };
            print_row(store, x, m, e.json).await
        }
        MachineCommand::Archive(t) => archive(store, &MACHINE, t).await,
        MachineCommand::Unarchive(s) => unarchive(store, x, &MACHINE, s).await,
    }
}

/// The body of a license from its flags.
pub fn license_body(l: &LicenseFlags, key: Option<String>) -> LicenseCreate {
    LicenseCreate {
        product: given(&l.product),
        edition: given(&l.edition),
        channel: given(&l.channel),
        purchased_from: given(&l.purchased_from),
        purchased_on: given(&l.purchased_on),
        box_colour: given(&l.box_colour),
        product_key: given(&key),
        notes: given(&l.notes),
    }
}

/// A product key, read without echo from a terminal, or one line of stdin.
pub fn read_key() -> anyhow::Result<String> {
    let key = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        inquire::Password::new(&crate::cli::lang::s("cli.key.prompt"))
            .without_confirmation()
            .with_display_mode(inquire::PasswordDisplayMode::Hidden)
            .prompt()
            .map_err(|e| anyhow::anyhow!(crate::cli::lang::f("cli.key.not_read", &[("detail", &e.to_string())])))?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        anyhow::bail!(crate::cli::lang::s("cli.key.empty"));
    }
    Ok(key)
}

pub async fn license_command(store: &Store, x: &Words, c: LicenseCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        LicenseCommand::Add { license, key, json } => {
            let key = if key { Some(read_key()?) } else { None };
            let l: crate::domain::NewLicense = parse_body(license_body(&license, key))?;
            let l = stored(store.create_license(&WriteCtx::new(&actor), &l).await)?;
            if json {
                return print_json(&l);
            }
            print_table(x, &licenses_table(x, std::slice::from_ref(&l)))
        }
        LicenseCommand::List(p) => {
            let page = store.licenses(&p.page()?).await?;
            if p.json {
                return print_json(&page);
            }
            print_table(x, &licenses_table(x, &page.items))?;
            more(&page.next_cursor);
            Ok(())
        }
        LicenseCommand::Edit { edit: e, key } => {
            let key = if key { Some(read_key()?) } else { None };
            let patch = edit_body::<_, crate::domain::LicensePatch>(&e, |b| {
                if let Some(k) = key {
                    b.product_key = Some(Some(k));
                }
            })?;
            let l = written(store.update_license(&WriteCtx::new(&actor), e.id, &patch).await)?;
            print_row(store, x, l, e.json).await
        }
        LicenseCommand::Archive(t) => archive(store, &LICENSE, t).await,
        LicenseCommand::Unarchive(s) => unarchive(store, x, &LICENSE, s).await,
        LicenseCommand::Reveal { id, force } => reveal(store, id, force).await,
    }
}

pub async fn case_command(store: &Store, x: &Words, c: CaseCommand) -> anyhow::Result<()> {
    match c {
        CaseCommand::List { machine: m, license, status, paging } => {
            let machine_id = match &m {
                Some(m) => Some(machine(store, m).await?.id),
                None => None,
            };
            let mut check = crate::domain::fields::Check::default();
            let license = crate::domain::fields::id_filter(&mut check, "license_id", license);
            check.finish().map_err(|e| refused(flags_named(e)))?;
            let rows = store.cases(&paging.page()?, machine_id, license, status).await?;
            if paging.json {
                return print_json(&rows);
            }
            print_table(x, &cases_table(store, &mut Names::new(x), &rows.items).await)?;
            more(&rows.next_cursor);
            Ok(())
        }
        CaseCommand::Show { id, json } => {
            let case = store.case(id, false).await?;
            if json {
                return print_json(&case);
            }
            let mut names = Names::new(x);
            print_table(x, &cases_table(store, &mut names, std::slice::from_ref(&case)).await)?;
            let filter = AttemptFilter { case_id: Some(id), ..AttemptFilter::default() };
            let page = TimePageRequest::parse(Some(crate::domain::page::MAX_LIMIT), None, false)
                .map_err(|e| refused(flags_named(e)))?;
            let calls = store.attempts_newest_first(&page, &filter).await?;
            print_table(x, &attempts_table(store, &mut names, &calls.items).await)?;
            if calls.next_cursor.is_some() {
                let label = crate::cli::lang::s("cli.hint.more_calls");
                crate::cli::hint::elsewhere(&label, &["attempt", "list", "--case", &id.to_string()]);
            }
            Ok(())
        }
        CaseCommand::Edit(e) => {
            let patch = edit_body::<_, crate::domain::CasePatch>(&e, |_| {})?;
            let c = written(store.update_case(&WriteCtx::new(&Actor::cli()), e.id, &patch).await)?;
            print_row(store, x, c, e.json).await
        }
        CaseCommand::Archive(t) => archive(store, &CASE, t).await,
        CaseCommand::Unarchive(s) => unarchive(store, x, &CASE, s).await,
    }
}

pub async fn follow_up_command(store: &Store, x: &Words, c: FollowUpCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        FollowUpCommand::Add { text: what, machine: m, case_id, due, json } => {
            let machine_id = match &m {
                Some(m) => Some(machine(store, m).await?.id),
                None => None,
            };
            let f: crate::domain::NewFollowUp = parse_body(FollowUpCreate {
                machine_id: given(&machine_id),
                case_id: given(&case_id),
                text: Some(Some(what)),
                due_on: given(&due),
                done: None,
            })?;
            let f = stored(store.create_follow_up(&WriteCtx::new(&actor), &f).await)?;
            if json {
                return print_json(&f);
            }
            print_table(x, &follow_ups_table(store, &mut Names::new(x), std::slice::from_ref(&f)).await)
        }
        FollowUpCommand::List { machine: m, done, any, paging } => {
            let machine_id = match &m {
                Some(m) => Some(machine(store, m).await?.id),
                None => None,
            };
            let done = if any { None } else { Some(done) };
            let rows = store.follow_ups(&paging.page()?, machine_id, None, done).await?;
            if paging.json {
                return print_json(&rows);
            }
            print_table(x, &follow_ups_table(store, &mut Names::new(x), &rows.items).await)?;
            more(&rows.next_cursor);
            Ok(())
        }
        FollowUpCommand::Done { id, json } => {
            let patch: FollowUpPatch = parse_body(FollowUpFields { done: Some(Some(true)), ..Default::default() })?;
            let f = store.update_follow_up(&WriteCtx::new(&actor), id, &patch).await?;
            if json {
                return print_json(&f);
            }
            print_table(x, &follow_ups_table(store, &mut Names::new(x), std::slice::from_ref(&f)).await)
        }
        FollowUpCommand::Edit(e) => {
            let patch = edit_body::<_, FollowUpPatch>(&e, |_| {})?;
            let f = written(store.update_follow_up(&WriteCtx::new(&actor), e.id, &patch).await)?;
            print_row(store, x, f, e.json).await
        }
        FollowUpCommand::Archive(t) => archive(store, &FOLLOW_UP, t).await,
        FollowUpCommand::Unarchive(s) => unarchive(store, x, &FOLLOW_UP, s).await,
    }
}

/// `search TEXT`: what matches, newest first.
pub async fn search(store: &Store, x: &Words, words: &[String], paging: &Paging) -> anyhow::Result<()> {
    let joined = words.join(" ");
    let q = crate::domain::search::SearchQuery::parse(Some(&joined)).map_err(|e| {
        refused(FieldErrors(
            e.0.into_iter().map(|f| crate::domain::FieldError { field: "TEXT".into(), message: f.message }).collect(),
        ))
    })?;
    let hits: Page<crate::store::SearchHit> = store.search(&q, &paging.page()?).await?;
    if paging.json {
        return print_json(&hits);
    }
    if hits.items.is_empty() {
        eprintln!("{}", crate::cli::lang::f("cli.search.nothing", &[("text", &joined)]));
        return Ok(());
    }
    let mut t = x.table(&["cli.col.what", "cli.col.id", "cli.col.matches"]);
    for h in &hits.items {
        t.add_row(vec![x.e(h.entity), h.id.to_string(), h.snippet.clone()]);
    }
    print_table(x, &t)?;
    more(&hits.next_cursor);
    Ok(())
}
