//! `call`: one phone call, walked through as it happens.
//!
//! The order is the call's: which PC and license (picked from lists, or
//! added on the spot), why, the Installation ID group by group — each
//! group checked as it is typed, a wrong one named and asked again as the
//! phone menu does; a whole ID or `slmgr /dti` output may be pasted —, what
//! the menu said, the operator queue (a timer that runs until Enter), what
//! was asked (topics in the order operators asked them for this channel),
//! the Confirmation ID group by group, the result, notes; then a summary to
//! confirm. Nothing is written before that confirmation, so Ctrl-C (or
//! Esc, or answering no) at any point stores nothing, and says so.
//!
//! Every answer becomes a field of the API's attempt body, parsed by the
//! same code as `attempt add` and `POST /api/v1/attempts`
//! ([`super::record::attempt_body`]): no rule is written here a second time,
//! the prompts only check early what that parser would refuse.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use inquire::validator::Validation;
use inquire::{Confirm, InquireError, Password, PasswordDisplayMode, Select, Text};

use super::record::{self, license_label, minutes, AttemptFlags, LicenseFlags, QuestionArg};
use crate::domain::ids::{check_group, split_pasted, IdKind};
use crate::domain::{
    AttemptResult, CaseStatus, Channel, FailureReason, IvrResult, License, Machine, PageRequest, ProductKey, Topic,
    Trigger,
};
use crate::store::{Actor, Store, WriteCtx};

/// Why the walk stopped before storing.
enum Stop {
    /// Ctrl-C, Esc, or "no" to the summary.
    Cancelled,
    /// Anything else (the terminal went away…).
    Failed(anyhow::Error),
}

impl From<InquireError> for Stop {
    fn from(e: InquireError) -> Self {
        match e {
            InquireError::OperationCanceled | InquireError::OperationInterrupted => Stop::Cancelled,
            InquireError::NotTTY => Stop::Failed(anyhow::anyhow!("call needs a terminal")),
            other => Stop::Failed(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Self {
        Stop::Failed(e)
    }
}

/// A machine picked, or one to add.
enum Pick<T, N> {
    Stored(T),
    New(N),
}

/// What the walk gathered, before anything is stored.
struct Walk {
    machine: Pick<Machine, (String, Option<String>)>,
    license: Pick<License, (LicenseFlags, Option<String>)>,
    attempt: AttemptFlags,
}

pub async fn run(store: &Store, machine: Option<String>, license: Option<i64>) -> anyhow::Result<()> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        anyhow::bail!(
            "call asks its questions on a terminal, and stdin is not one; to record from a script use \
             `activation-journal attempt add` with flags (see `attempt add --help`); nothing was stored"
        );
    }
    // Ctrl-C while the queue timer runs (the terminal is not in raw mode
    // then, so it is a signal, not a key): stop, storing nothing — unless
    // the confirmed call is being stored, which then finishes.
    let storing = Arc::new(AtomicBool::new(false));
    let watcher = {
        let storing = storing.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() && !storing.load(Ordering::SeqCst) {
                eprintln!("\n{}", super::Cancelled);
                std::process::exit(130);
            }
        })
    };
    // A household has a few machines and licenses: the lists show the first 500.
    let all = PageRequest { limit: crate::domain::page::MAX_LIMIT, ..PageRequest::default() };
    let machines = store.machines(&all).await?.items;
    let licenses = store.licenses(&all).await?.items;
    let machine = match machine {
        Some(m) => Some(record::machine(store, &m).await?),
        None => None,
    };
    let license = match license {
        Some(id) => Some(store.license(id, false).await.map_err(|e| anyhow::anyhow!("--license: {e}"))?),
        None => None,
    };
    let asked = store.questions_lately(crate::summary::TOPICS_LATELY).await?;
    let result = walk(store, machines, licenses, machine, license, &asked).await;
    let walk = match result {
        Ok(w) => w,
        Err(Stop::Cancelled) => {
            watcher.abort();
            return Err(super::Cancelled.into());
        }
        Err(Stop::Failed(e)) => {
            watcher.abort();
            return Err(e.context("nothing was stored"));
        }
    };
    storing.store(true, Ordering::SeqCst);
    let stored = save(store, walk).await;
    watcher.abort();
    stored
}

/// Write what was confirmed: a new machine and license first, then the attempt.
async fn save(store: &Store, mut walk: Walk) -> anyhow::Result<()> {
    let actor = Actor::cli();
    let ctx = WriteCtx::new(&actor);
    let machine = match walk.machine {
        Pick::Stored(m) => m,
        Pick::New((name, owner)) => {
            let m: crate::domain::NewMachine = record::parse_body(crate::wire::MachineCreate {
                name: Some(Some(name)),
                owner: owner.map(Some),
                notes: None,
            })?;
            let m = store.create_machine(&ctx, &m).await?;
            let crate::store::Created::New(m) = m else { anyhow::bail!("the machine was not added") };
            eprintln!("added machine \"{}\"", m.name);
            m
        }
    };
    let license = match walk.license {
        Pick::Stored(l) => l,
        Pick::New((flags, key)) => {
            let l: crate::domain::NewLicense = record::parse_body(record::license_body(&flags, key))?;
            let l = store.create_license(&ctx, &l).await?;
            let crate::store::Created::New(l) = l else { anyhow::bail!("the license was not added") };
            eprintln!("added license {} ({})", l.id, license_label(&l));
            l
        }
    };
    walk.attempt.machine = Some(machine.id.to_string());
    walk.attempt.license = Some(license.id);
    let a = record::attempt_body(store, &walk.attempt).await?;
    let created = store.create_attempt(&ctx, &a).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let crate::store::Created::New(a) = created else { anyhow::bail!("the call was not stored") };
    println!("stored call {} (case {})", a.id, a.case_id);
    for w in &a.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

fn labelled<T: Copy>(options: &[(T, &'static str)], message: &str, start: usize) -> Result<T, Stop> {
    let labels: Vec<&str> = options.iter().map(|(_, l)| *l).collect();
    let picked = Select::new(message, labels.clone()).with_starting_cursor(start).prompt()?;
    let at = labels.iter().position(|l| *l == picked).unwrap_or(0);
    Ok(options[at].0)
}

/// The number dialled, checked as it is typed (by the API's own rule).
fn phone_number() -> Result<Option<String>, Stop> {
    let checked = |s: &str| {
        Ok(match crate::domain::attempt::phone_number(&s.to_string()) {
            Ok(_) => Validation::Valid,
            Err(e) => Validation::Invalid(e.into()),
        })
    };
    let s = Text::new("Which number did you dial?")
        .with_help_message("e.g. 0120-801-734; Enter to leave empty")
        .with_validator(checked)
        .prompt()?;
    Ok(crate::domain::attempt::phone_number(&s).ok().flatten())
}

fn optional_text(message: &str) -> Result<Option<String>, Stop> {
    let s = Text::new(message).with_help_message("Enter to leave empty").prompt()?;
    Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty()))
}

async fn walk(
    store: &Store,
    machines: Vec<Machine>,
    licenses: Vec<License>,
    machine: Option<Machine>,
    license: Option<License>,
    asked: &crate::summary::Questions,
) -> Result<Walk, Stop> {
    let started_at = record::now_here();
    let started = Instant::now();
    eprintln!("Recording a call that started at {}. Ctrl-C stores nothing.", record::local(&started_at));

    let machine = match machine {
        Some(m) => Pick::Stored(m),
        None => pick_machine(machines)?,
    };
    let license = match license {
        Some(l) => Pick::Stored(l),
        None => pick_license(licenses)?,
    };
    let channel = match &license {
        Pick::Stored(l) => l.channel,
        Pick::New((flags, _)) => flags.channel.as_deref().and_then(|c| c.parse().ok()).unwrap_or(Channel::Other),
    };
    let trigger = trigger(store, &machine, &license).await?;

    let phone_number = phone_number()?;
    let iid = installation_id()?;
    let ivr = ivr_result()?;

    let (outcome, wait) = operator(ivr)?;
    let rating = if outcome == Some("reached") { rating()? } else { None };
    let questions = if outcome == Some("reached") { questions(asked, channel)? } else { Vec::new() };
    let cid = if ivr == Some(IvrResult::Confirmed) || outcome == Some("reached") { confirmation_id()? } else { None };
    let result = labelled(
        &[(AttemptResult::Activated, "activated"), (AttemptResult::NotActivated, "not activated")],
        "Is Windows activated?",
        if cid.is_some() { 0 } else { 1 },
    )?;
    let failure_reason = if result == AttemptResult::NotActivated { Some(failure_reason(ivr, outcome)?) } else { None };
    let notes = optional_text("Notes:")?;
    let ended_at = record::now_here();

    let mut attempt = AttemptFlags { iid, wait, rating, questions, cid, ..AttemptFlags::default() };
    let answered = [
        ("trigger", trigger.map(|t| t.to_string())),
        ("started_at", Some(started_at)),
        ("ended_at", Some(ended_at)),
        ("phone_number", phone_number),
        ("ivr_result", ivr.map(|i| i.to_string())),
        ("operator_outcome", outcome.map(str::to_string)),
        ("result", Some(result.to_string())),
        ("failure_reason", failure_reason.map(|f| f.to_string())),
        ("notes", notes),
    ];
    for (field, value) in answered {
        if let Some(v) = value {
            attempt.fields.set(field, v);
        }
    }
    summary(&machine, &license, &attempt, started.elapsed());
    if !Confirm::new("Store this call?").with_default(true).prompt()? {
        return Err(Stop::Cancelled);
    }
    Ok(Walk { machine, license, attempt })
}

/// Why the machine needs activating: asked only when the call opens a
/// case (a call that continues the open case of its machine and license
/// says so instead).
async fn trigger(
    store: &Store,
    machine: &Pick<Machine, (String, Option<String>)>,
    license: &Pick<License, (LicenseFlags, Option<String>)>,
) -> Result<Option<Trigger>, Stop> {
    let open_case = match (machine, license) {
        (Pick::Stored(m), Pick::Stored(l)) => {
            let open = store.cases(&PageRequest::default(), Some(m.id), Some(l.id), Some(CaseStatus::Open)).await;
            open.map_err(|e| Stop::Failed(e.into()))?.items.into_iter().next()
        }
        _ => None,
    };
    if let Some(c) = &open_case {
        eprintln!("This call continues case {} (opened {}).", c.id, record::here(&c.opened_at));
        return Ok(None);
    }
    Ok(Some(labelled(
        &[
            (Trigger::HardwareChange, "hardware change (a new motherboard, …)"),
            (Trigger::Reinstall, "reinstall"),
            (Trigger::NewInstall, "new install"),
            (Trigger::KeyChange, "key change"),
            (Trigger::Other, "other"),
        ],
        "Why does it need activating?",
        0,
    )?))
}

/// What the phone menu said, if the caller records it.
fn ivr_result() -> Result<Option<IvrResult>, Stop> {
    labelled(
        &[
            (Some(IvrResult::Confirmed), "confirmed: it read back a Confirmation ID"),
            (Some(IvrResult::NotConfirmed), "not confirmed: it refused the ID"),
            (Some(IvrResult::InputError), "input error: it asked for groups again"),
            (Some(IvrResult::NotOffered), "not offered: it went straight to an operator"),
            (Some(IvrResult::Skipped), "skipped"),
            (None, "(don't record)"),
        ],
        "What did the phone menu say?",
        0,
    )
}

/// How helpful the operator reached was, if the caller rates them.
fn rating() -> Result<Option<i64>, Stop> {
    labelled(
        &[(None, "(don't rate)"), (Some(5), "5"), (Some(4), "4"), (Some(3), "3"), (Some(2), "2"), (Some(1), "1")],
        "How helpful was the operator?",
        0,
    )
}

/// Why a call did not activate, the likeliest reason (from what the menu
/// and the operator did) offered first.
fn failure_reason(ivr: Option<IvrResult>, outcome: Option<&str>) -> Result<FailureReason, Stop> {
    let start = match (ivr, outcome) {
        (_, Some("unavailable")) => 1,
        (_, Some("abandoned")) => 3,
        (Some(IvrResult::NotConfirmed), _) => 0,
        _ => 6,
    };
    labelled(
        &[
            (FailureReason::IvrNotConfirmed, "the menu did not confirm"),
            (FailureReason::OperatorUnavailable, "no operator was available"),
            (FailureReason::LineClosed, "the line was closed"),
            (FailureReason::WaitTooLong, "the wait was too long"),
            (FailureReason::Rejected, "the operator refused"),
            (FailureReason::CallerGaveUp, "I gave up"),
            (FailureReason::Other, "other"),
        ],
        "Why not?",
        start,
    )
}

fn pick_machine(machines: Vec<Machine>) -> Result<Pick<Machine, (String, Option<String>)>, Stop> {
    let mut labels: Vec<String> = machines.iter().map(|m| m.name.clone()).collect();
    labels.push("+ add a machine".into());
    let picked = Select::new("Which PC?", labels.clone()).prompt()?;
    if let Some(at) = labels.iter().position(|l| *l == picked).filter(|at| *at < machines.len()) {
        return Ok(Pick::Stored(machines[at].clone()));
    }
    let taken: Vec<String> = machines.iter().map(|m| crate::domain::fields::name_key(&m.name)).collect();
    let name = Text::new("Name of the new PC:")
        .with_validator(move |s: &str| {
            let s = s.trim();
            Ok(if s.is_empty() || s.chars().count() > 100 {
                Validation::Invalid("a name of 1 to 100 characters".into())
            } else if taken.contains(&crate::domain::fields::name_key(s)) {
                Validation::Invalid("a machine has this name already".into())
            } else {
                Validation::Valid
            })
        })
        .prompt()?;
    let owner = optional_text("Whose is it?")?;
    Ok(Pick::New((name.trim().to_string(), owner)))
}

fn pick_license(licenses: Vec<License>) -> Result<Pick<License, (LicenseFlags, Option<String>)>, Stop> {
    let mut labels: Vec<String> = licenses
        .iter()
        .map(|l| {
            let key = l.product_key_masked.as_deref().map(|k| format!(", key {k}")).unwrap_or_default();
            format!("{} (id {}{key})", license_label(l), l.id)
        })
        .collect();
    labels.push("+ add a license".into());
    let picked = Select::new("Which license?", labels.clone()).prompt()?;
    if let Some(at) = labels.iter().position(|l| *l == picked).filter(|at| *at < licenses.len()) {
        return Ok(Pick::Stored(licenses[at].clone()));
    }
    let product = Text::new("Product:").with_default("Windows 8.1").prompt()?;
    let edition = optional_text("Edition (Pro, Core, …):")?;
    let channel = labelled(
        &[
            (Channel::RetailBox, "retail box (a DVD in a box)"),
            (Channel::RetailDownload, "retail download"),
            (Channel::Oem, "OEM (came with a PC, or a DSP copy)"),
            (Channel::VolumeMak, "volume MAK"),
            (Channel::VolumeKms, "volume KMS"),
            (Channel::Digital, "digital license"),
            (Channel::Other, "other"),
        ],
        "How was it bought?",
        0,
    )?;
    let purchased_from = optional_text("Bought from (shop or site):")?;
    let box_colour = if channel == Channel::RetailBox { optional_text("Colour of the box:")? } else { None };
    let key = Password::new("Product key (not shown; Enter to leave it out):")
        .without_confirmation()
        .with_display_mode(PasswordDisplayMode::Hidden)
        .with_validator(|s: &str| {
            Ok(if s.trim().is_empty() {
                Validation::Valid
            } else {
                match s.parse::<ProductKey>() {
                    Ok(_) => Validation::Valid,
                    Err(e) => Validation::Invalid(e.0.into()),
                }
            })
        })
        .prompt()?;
    let key = Some(key.trim().to_string()).filter(|k| !k.is_empty());
    let flags = LicenseFlags {
        product: Some(product),
        edition,
        channel: Some(channel.to_string()),
        purchased_from,
        box_colour,
        ..LicenseFlags::default()
    };
    Ok(Pick::New((flags, key)))
}

/// One ID, group by group: each group checked as it is typed; a pasted
/// whole ID fills every group, and its failing groups are asked again.
/// Empty at the first group: no ID.
fn groups(kind: IdKind, first_help: &str) -> Result<Option<Vec<String>>, Stop> {
    let count = kind.groups();
    let mut done: Vec<Option<String>> = vec![None; count];
    let mut width: Option<usize> = None;
    let mut i = 0;
    while i < count {
        if done[i].is_some() {
            i += 1;
            continue;
        }
        let name = kind.group_name(i);
        let message = format!("{} {} of {}:", kind_label(kind), name, count_label(kind));
        let help = if i == 0 { first_help.to_string() } else { format!("{name}; Enter on an empty group ends the ID") };
        let w = width;
        let at = i;
        let text = Text::new(&message)
            .with_help_message(&help)
            .with_validator(move |s: &str| {
                if s.trim().is_empty() {
                    return Ok(Validation::Valid);
                }
                if at == 0 && split_pasted(kind, s).is_some() {
                    return Ok(Validation::Valid);
                }
                Ok(match check_group(kind, at, w, s) {
                    Ok(_) => Validation::Valid,
                    Err(e) => Validation::Invalid(format!("{e}: type it again").into()),
                })
            })
            .prompt()?;
        if text.trim().is_empty() {
            if i == 0 {
                return Ok(None);
            }
            break;
        }
        if i == 0 {
            if let Some(pasted) = split_pasted(kind, &text) {
                width = pasted.first().map(String::len);
                for (g, digits) in pasted.iter().enumerate() {
                    match check_group(kind, g, width, digits) {
                        Ok(d) => done[g] = Some(d),
                        Err(e) => eprintln!("{e}: type it again"),
                    }
                }
                done.truncate(pasted.len());
                i = 0;
                continue;
            }
        }
        let digits = check_group(kind, i, width, &text).map_err(|e| Stop::Failed(anyhow::anyhow!("{e}")))?;
        width = width.or(Some(digits.len()));
        done[i] = Some(digits);
        i += 1;
    }
    let typed: Vec<String> = done.into_iter().flatten().collect();
    Ok(Some(typed))
}

fn kind_label(kind: IdKind) -> &'static str {
    match kind {
        IdKind::Installation => "Installation ID",
        IdKind::Confirmation => "Confirmation ID",
    }
}

fn count_label(kind: IdKind) -> &'static str {
    match kind {
        IdKind::Installation => "9",
        IdKind::Confirmation => "A–H",
    }
}

fn installation_id() -> Result<Option<String>, Stop> {
    loop {
        let Some(g) = groups(
            IdKind::Installation,
            "type group 1, or paste the whole ID (or what `slmgr /dti` printed); Enter to leave the ID out",
        )?
        else {
            return Ok(None);
        };
        let joined = g.join("-");
        // The whole ID, as the API will check it (a short ID is caught here).
        match joined.parse::<crate::domain::InstallationId>() {
            Ok(id) => return Ok(Some(id.to_string())),
            Err(e) => eprintln!("{e}; type the ID again"),
        }
    }
}

fn confirmation_id() -> Result<Option<String>, Stop> {
    loop {
        let Some(g) = groups(IdKind::Confirmation, "type group A as read to you; Enter if you got none")? else {
            return Ok(None);
        };
        let joined = g.join("-");
        match crate::domain::ConfirmationId::parse_checked(&joined) {
            Ok(c) => return Ok(Some(c.id.to_string())),
            Err(e) => eprintln!("{e}; type the ID again"),
        }
    }
}

/// The operator queue: how it ended and how long it took.
fn operator(ivr: Option<IvrResult>) -> Result<(Option<&'static str>, Option<i64>), Stop> {
    let start = if ivr == Some(IvrResult::Confirmed) { 0 } else { 1 };
    let choice = labelled(
        &[
            (0, "no operator needed"),
            (1, "waiting for an operator: start the queue timer"),
            (2, "no operator could take the call"),
            (3, "(don't record)"),
        ],
        "Operator?",
        start,
    )?;
    match choice {
        0 => Ok((Some("not_needed"), None)),
        2 => Ok((Some("unavailable"), None)),
        3 => Ok((None, None)),
        _ => {
            let (seconds, gave_up) = queue_timer().map_err(|e| Stop::Failed(e.into()))?;
            Ok((Some(if gave_up { "abandoned" } else { "reached" }), Some(seconds)))
        }
    }
}

/// Run until a line is entered: Enter when an operator answers, `q` and
/// Enter to give up. The time shown ticks every second.
fn queue_timer() -> std::io::Result<(i64, bool)> {
    eprintln!("Queue timer running. Press Enter when an operator answers (q then Enter if you hang up).");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = std::io::stdin().read_line(&mut line);
        let _ = tx.send(read.map(|_| line));
    });
    let start = Instant::now();
    let mut err = std::io::stderr();
    loop {
        let elapsed = start.elapsed().as_secs() as i64;
        let _ = write!(err, "\r  waiting {}  ", minutes(elapsed));
        let _ = err.flush();
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(Ok(line)) => {
                let seconds = start.elapsed().as_secs() as i64;
                eprintln!("\r  waited {}   ", minutes(seconds));
                return Ok((seconds, line.trim().eq_ignore_ascii_case("q")));
            }
            Ok(Err(e)) => return Err(e),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "stdin closed"))
            }
        }
    }
}

/// Questions and answers, topics offered in the order past operators asked
/// them for this channel.
fn questions(asked: &crate::summary::Questions, channel: Channel) -> Result<Vec<QuestionArg>, Stop> {
    let topics = asked.ranked_for(channel);
    let mut labels = vec!["(no more questions)".to_string()];
    labels.extend(
        topics.iter().map(|(t, n)| if *n > 0 { format!("{t} (asked {n} times before)") } else { t.to_string() }),
    );
    let mut out = Vec::new();
    loop {
        let picked =
            Select::new(&format!("Question {}: what did the operator ask about?", out.len() + 1), labels.clone())
                .prompt()?;
        let Some(at) = labels.iter().position(|l| *l == picked).filter(|at| *at > 0) else { break };
        let topic = topics[at - 1].0;
        let question = optional_text("Their words (Enter to skip):")?.unwrap_or_default();
        let answer = if topic == Topic::ProductKey {
            Password::new("Your answer (a key is not shown, and is stored sealed):")
                .without_confirmation()
                .with_display_mode(PasswordDisplayMode::Masked)
                .prompt()?
        } else {
            optional_text("Your answer:")?.unwrap_or_default()
        };
        out.push(QuestionArg { topic: topic.to_string(), question, answer: answer.trim().to_string() });
    }
    Ok(out)
}

fn summary(
    machine: &Pick<Machine, (String, Option<String>)>,
    license: &Pick<License, (LicenseFlags, Option<String>)>,
    a: &AttemptFlags,
    took: Duration,
) {
    let machine = match machine {
        Pick::Stored(m) => m.name.clone(),
        Pick::New((name, _)) => format!("{name} (new)"),
    };
    let license = match license {
        Pick::Stored(l) => license_label(l),
        Pick::New((f, key)) => format!(
            "{} {} ({}, new{})",
            f.product.as_deref().unwrap_or(""),
            f.edition.as_deref().unwrap_or(""),
            f.channel.as_deref().unwrap_or(""),
            if key.is_some() { ", with its key" } else { "" }
        ),
    };
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let field = |name: &str| a.fields.get(name).unwrap_or("-").to_string();
    eprintln!();
    eprintln!("The call ({} long):", minutes(took.as_secs() as i64));
    eprintln!("  machine          {machine}");
    eprintln!("  license          {license}");
    eprintln!("  started          {}", record::local(a.fields.get("started_at").unwrap_or("")));
    eprintln!("  number dialled   {}", field("phone_number"));
    eprintln!("  installation ID  {}", dash(&a.iid));
    eprintln!("  phone menu       {}", field("ivr_result"));
    let wait = a.wait.map(|w| format!(" after {}", minutes(w))).unwrap_or_default();
    eprintln!("  operator         {}{wait}", field("operator_outcome"));
    for q in &a.questions {
        let answer = if q.topic == "product_key" && !q.answer.is_empty() { "(sealed)" } else { &q.answer };
        eprintln!("  asked            {}: {} → {answer}", q.topic, q.question);
    }
    eprintln!("  confirmation ID  {}", dash(&a.cid));
    eprintln!("  result           {} {}", field("result"), a.fields.get("failure_reason").unwrap_or(""));
    eprintln!("  notes            {}", field("notes"));
    eprintln!();
}
