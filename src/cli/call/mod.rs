//! `call`: one phone call, walked through as it happens.
//!
//! The order is the call's: which PC and license (picked from lists, or
//! added on the spot), why, the number dialled, the Installation ID group
//! by group — each group checked as it is typed, a wrong one named and
//! asked again as the phone menu does; a whole ID or `slmgr /dti` output
//! may be pasted —, what the menu said, the operator queue (a timer that
//! runs until Enter), what was asked (topics in the order operators asked
//! them for this channel), the Confirmation ID group by group, the result,
//! notes; then a summary to confirm. Every answer is checked when typed by
//! the rule the API applies to its field ([`ask`]); `<` goes back one
//! question.
//!
//! No typed call is lost: Ctrl-C, Ctrl-D or Esc offers to keep a draft,
//! and a call the journal refuses (a PC name taken meanwhile, a missing key
//! file…) is kept as one; `call --resume` goes on with it ([`draft`]).
//! Nothing is written before the confirmation, and then once: the new
//! machine, the new license and the attempt each carry the idempotency key
//! made when the call started, so a resume after a store that did succeed
//! answers what was stored.

mod ask;
mod draft;

use std::path::Path;
use std::sync::atomic::Ordering;

use ask::{Decision, Moved, Stop};
use draft::{Draft, LicensePick, MachinePick, Step};

use super::record::{self, license_label, minutes};
use crate::domain::{CaseStatus, FieldErrors, License, Machine, PageRequest};
use crate::store::{Actor, ConflictKind, Created, Store, StoreError, WriteCtx};
use crate::wire::Body as _;

/// The lists the first questions pick from, and what operators asked lately.
struct Known {
    machines: Vec<Machine>,
    licenses: Vec<License>,
    asked: crate::summary::Questions,
}

/// How `call` was asked to start.
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// The machine (name or id) to start with.
    pub machine: Option<String>,
    /// The license (id) to start with.
    pub license: Option<i64>,
    /// Go on with the kept draft.
    pub resume: bool,
    /// When the call started, if not now (a call recorded afterwards), as typed.
    pub at: Option<String>,
}

/// When a call recorded afterwards started: a local time in the
/// household's zone or a time with an offset, plausible, as stored.
fn started(store: &Store, typed: &str) -> anyhow::Result<String> {
    let t = crate::domain::fields::caller_time(&typed.to_string()).map_err(|e| anyhow::anyhow!("--at: {e}"))?;
    let (t, _) = t.in_zone(&store.zone()).map_err(|e| anyhow::anyhow!("--at: {e}"))?;
    Ok(t.text().to_string())
}

/// `call` (or `call --resume`): walk through a call and store it once.
pub async fn run(store: &Store, journal: &Path, start: Start) -> anyhow::Result<()> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        anyhow::bail!(
            "call asks its questions on a terminal, and stdin is not one; to record from a script use \
             `activation-journal attempt add` with flags (see `attempt add --help`); nothing was stored"
        );
    }
    // Ctrl-C while the terminal is not in raw mode (the queue timer, a
    // store under way) is a signal: noted for the timer, never a sudden
    // exit that would lose the call.
    let watcher = tokio::spawn(async {
        while tokio::signal::ctrl_c().await.is_ok() {
            ask::INTERRUPTED.store(true, Ordering::SeqCst);
        }
    });
    let result = go(store, journal, start).await;
    watcher.abort();
    result
}

async fn go(store: &Store, journal: &Path, start: Start) -> anyhow::Result<()> {
    let Start { machine, license, resume, at } = start;
    let kept = draft::read(journal)?;
    let mut d = if resume {
        let Some((_, mut d)) = kept else {
            anyhow::bail!(
                "no draft of a call is kept for {} (looked for {}); start one with `call`",
                journal.display(),
                draft::path(journal)?.display()
            );
        };
        eprintln!("Going on with the call that started at {}.", record::local(&d.started_at));
        if let Err(stop) = again(&mut d) {
            return stopped(stop, &d);
        }
        d
    } else {
        if let Some((file, _)) = &kept {
            eprintln!(
                "note: a draft of an earlier call is kept ({}); `call --resume` goes on with it, and keeping a \
                 draft of this call replaces it",
                file.display()
            );
        }
        let mut d = match &at {
            // Recorded afterwards: when it ended is not now (and not asked).
            Some(typed) => Draft { backdated: true, ..Draft::start(journal, started(store, typed)?) },
            None => Draft::start(journal, record::now_here(store)),
        };
        if let Some(m) = machine {
            let m = record::machine(store, &m).await?;
            d.machine = Some(MachinePick::Stored { id: m.id, name: m.name });
            d.at = Step::License;
        }
        if let Some(id) = license {
            let l = store.license(id, false).await.map_err(|e| anyhow::anyhow!("--license: {e}"))?;
            d.license =
                Some(LicensePick::Stored { id: l.id, label: license_label(&l), channel: l.channel.to_string() });
            if d.at == Step::License {
                d.at = Step::Trigger;
            }
        }
        eprintln!(
            "Recording a call that started at {}. Type < (or pick \"< back\") to go back one question; Ctrl-C, \
             Ctrl-D or Esc stops, and offers to keep a draft.",
            record::local(&d.started_at)
        );
        d
    };
    // A household has a few machines and licenses: the lists show the first 500.
    let all = PageRequest { limit: crate::domain::page::MAX_LIMIT, ..PageRequest::default() };
    let known = Known {
        machines: store.machines(&all).await?.items,
        licenses: store.licenses(&all).await?.items,
        asked: store.questions_lately(crate::summary::TOPICS_LATELY).await?,
    };
    let decision = match walk(store, &mut d, &known).await {
        Ok(decision) => decision,
        Err(stop) => return stopped(stop, &d),
    };
    match decision {
        Decision::Keep => return stopped(Stop::Decided { keep: true }, &d),
        Decision::Discard => {
            if let Some((file, _)) = draft::read(journal)?.filter(|(_, kept)| kept.key == d.key) {
                draft::remove(&file);
            }
            return Err(super::Cancelled.into());
        }
        Decision::Store => {}
    }
    match save(store, &d).await {
        Ok(()) => {
            if let Some((file, _)) = draft::read(journal)?.filter(|(_, kept)| kept.key == d.key) {
                draft::remove(&file);
            }
            Ok(())
        }
        Err(failure) => {
            d.at = failure.step;
            let file = draft::keep(&d)?;
            eprintln!(
                "Everything typed is kept in a draft ({}); once that is put right, go on with:\n  {}",
                file.display(),
                resume_command()
            );
            Err(failure.error.context("the call was not stored"))
        }
    }
}

/// The command that goes on with the draft: the program and its global
/// options (`--db`, `--key-file`) as run, then `call --resume`.
fn resume_command() -> String {
    super::hint::command(&["call", "--resume"])
}

/// The call stopped before storing: keep its draft when asked to (or when
/// the terminal went away: nothing typed is lost), and say how to go on.
fn stopped(stop: Stop, d: &Draft) -> anyhow::Result<()> {
    let keep = match &stop {
        Stop::Decided { keep } => *keep,
        Stop::Failed(_) => true,
        Stop::Cancelled => {
            let asked = inquire::Confirm::new("Stopped. Keep a draft of this call, to go on with `call --resume`?")
                .with_default(true)
                .with_help_message("y keeps it; n throws it away")
                .prompt();
            // Stopped again at this question: keep it (nothing is lost).
            asked.unwrap_or(true)
        }
    };
    if keep {
        let file = draft::keep(d)?;
        eprintln!("kept a draft of this call in {}; go on with:\n  {}", file.display(), resume_command());
    }
    match stop {
        Stop::Failed(e) => Err(e.context("the call was not stored")),
        _ => Err(super::Cancelled.into()),
    }
}

/// On resume: what the draft left out (product keys) typed again.
fn again(d: &mut Draft) -> Result<(), Stop> {
    if let Some(LicensePick::New { key, key_left_out, .. }) = &mut d.license {
        if *key_left_out && key.is_none() {
            *key = ask::product_key(
                "The new license's product key was left out of the draft; type it again (not shown; Enter to leave \
                 it out):",
            )?;
            *key_left_out = false;
        }
    }
    for (i, q) in d.questions.iter_mut().enumerate() {
        if q.answer_left_out && q.answer.is_none() {
            ask::answer_again(i + 1, q)?;
        }
    }
    Ok(())
}

/// The questions from `d.at` on, back and forth, to the summary and its decision.
async fn walk(store: &Store, d: &mut Draft, known: &Known) -> Result<Decision, Stop> {
    let mut forward = true;
    loop {
        let step = d.at;
        let moved = match step {
            Step::Machine => ask::machine(d, &known.machines)?,
            Step::License => ask::license(d, &known.licenses)?,
            Step::Trigger => {
                let open = open_case(store, d).await.map_err(Stop::Failed)?;
                ask::trigger(d, open)?
            }
            Step::PhoneNumber => ask::phone_number(d)?,
            Step::InstallationId => ask::installation_id(d)?,
            Step::Ivr => ask::ivr_result(d)?,
            Step::Operator => ask::operator(d)?,
            Step::Rating => ask::rating(d)?,
            Step::Questions => ask::questions(d, &known.asked)?,
            Step::ConfirmationId => ask::confirmation_id(d)?,
            Step::Result => ask::result(d)?,
            Step::FailureReason => ask::failure_reason(d)?,
            Step::Notes => ask::notes(d)?,
            Step::Confirm => {
                // The call ended when it was first summed up.
                if !d.complete && !d.backdated {
                    d.ended_at = Some(record::now_here(store));
                }
                d.complete = true;
                summary(d);
                match ask::confirm()? {
                    ask::Flow::Go(decision) => return Ok(decision),
                    ask::Flow::Back => Moved::Back,
                }
            }
        };
        let moved = match moved {
            Moved::Skipped if forward => Moved::Next,
            Moved::Skipped => Moved::Back,
            m => m,
        };
        match moved {
            Moved::Back if step == Step::Machine => {
                eprintln!("This is the first question.");
                forward = true;
            }
            Moved::Back => {
                forward = false;
                d.at = step.previous();
            }
            _ => {
                forward = true;
                // A call summed up once goes back to its summary after a
                // change, unless the change decides which questions follow.
                let decides = matches!(step, Step::Machine | Step::License | Step::Ivr | Step::Operator | Step::Result);
                d.at = if d.complete && !decides { Step::Confirm } else { step.next() };
            }
        }
    }
}

/// The open case this call would continue (shown instead of asking why).
async fn open_case(store: &Store, d: &Draft) -> anyhow::Result<Option<(i64, String)>> {
    let (Some(MachinePick::Stored { id: machine, .. }), Some(LicensePick::Stored { id: license, .. })) =
        (&d.machine, &d.license)
    else {
        return Ok(None);
    };
    let open = store.cases(&PageRequest::default(), Some(*machine), Some(*license), Some(CaseStatus::Open)).await?;
    Ok(open.items.into_iter().next().map(|c| (c.id, record::here(&c.opened_at))))
}

/// Why storing failed, and the question to go back to on resume.
struct Failure {
    step: Step,
    error: anyhow::Error,
}

impl Failure {
    fn at(step: Step, error: impl Into<anyhow::Error>) -> Self {
        Self { step, error: error.into() }
    }

    /// Refused fields, named as the questions that asked them (never as
    /// flags the user did not type); resume goes back to the first.
    fn refused(e: FieldErrors) -> Self {
        let step = e.0.first().map(|f| asked_as(&f.field).0).unwrap_or(Step::Confirm);
        let named = e.0.iter().map(|f| format!("{}: {}", asked_as(&f.field).1, f.message)).collect::<Vec<_>>();
        Self::at(step, anyhow::anyhow!("{}", named.join("; ")))
    }

    /// A store error: a refusal named as asked; a name taken meanwhile back
    /// at the PC; anything else (the key file, a busy journal) at the summary.
    fn store(e: StoreError, step: Step) -> Self {
        match e {
            StoreError::Invalid(e) => Self::refused(e),
            StoreError::Conflict(ConflictKind::NameTaken, m) => Self::at(
                Step::Machine,
                anyhow::anyhow!("{m} (added since the call began): pick it, or give another name"),
            ),
            StoreError::NotFound { .. } | StoreError::Conflict(..) => Self::at(step, e),
            StoreError::IdempotencyMismatch => Self::at(
                Step::Confirm,
                anyhow::anyhow!(
                    "this call was stored already, with other answers than these; see `activation-journal attempt \
                     list`, and throw this draft away"
                ),
            ),
            other => Self::at(Step::Confirm, other),
        }
    }
}

/// The question a body's field was asked by, and how to name it.
fn asked_as(field: &str) -> (Step, String) {
    if let Some(rest) = field.strip_prefix("questions[") {
        let (n, part) = rest.split_once(']').unwrap_or((rest, ""));
        let n = n.parse::<usize>().map(|n| n + 1).unwrap_or(0);
        let part = match part.trim_start_matches('.') {
            "question" => "their words",
            "answer" => "your answer",
            _ => "the topic",
        };
        return (Step::Questions, format!("question {n} ({part})"));
    }
    let (step, name) = match field {
        "machine_id" | "name" | "owner" => (Step::Machine, "the PC"),
        "license_id" | "product" | "edition" | "channel" | "purchased_from" | "box_colour" | "product_key" => {
            (Step::License, "the license")
        }
        "trigger" => (Step::Trigger, "why it needs activating"),
        "phone_number" => (Step::PhoneNumber, "the number dialled"),
        "installation_id" => (Step::InstallationId, "the Installation ID"),
        "ivr_result" => (Step::Ivr, "what the phone menu said"),
        "operator_outcome" | "wait_seconds" => (Step::Operator, "the operator"),
        "operator_rating" => (Step::Rating, "how helpful the operator was"),
        "questions" => (Step::Questions, "the questions"),
        "confirmation_id" => (Step::ConfirmationId, "the Confirmation ID"),
        "result" => (Step::Result, "whether Windows is activated"),
        "failure_reason" => (Step::FailureReason, "why not"),
        "notes" => (Step::Notes, "the notes"),
        _ => (Step::Confirm, "the call"),
    };
    let name = match field {
        "name" => "the new PC's name".to_string(),
        "owner" => "whose the new PC is".to_string(),
        "product" | "edition" | "channel" | "purchased_from" | "box_colour" | "product_key" => {
            format!("the new license's {}", field.replace('_', " "))
        }
        _ => name.to_string(),
    };
    (step, name)
}

/// The write context of one part of the call: the command line, with the
/// call's idempotency key (one a part) and the digest of what that part sends.
fn part<'a>(actor: &'a Actor, d: &Draft, part: &str, sent: &impl serde::Serialize) -> WriteCtx<'a> {
    WriteCtx::new(actor).once(format!("{}/{part}", d.key), Draft::digest(sent))
}

/// Write what was confirmed: a new machine and license first, then the
/// attempt, each once whatever happened to an earlier try.
async fn save(store: &Store, d: &Draft) -> Result<(), Failure> {
    let actor = Actor::cli();
    let machine_id = match &d.machine {
        None => return Err(Failure::at(Step::Machine, anyhow::anyhow!("no PC was picked"))),
        Some(MachinePick::Stored { id, .. }) => *id,
        Some(pick @ MachinePick::New { name, owner }) => {
            let body = crate::wire::MachineCreate {
                name: Some(Some(name.clone())),
                owner: owner.clone().map(Some),
                notes: None,
            };
            let m = crate::domain::NewMachine::try_from(&body).map_err(Failure::refused)?;
            match store.create_machine(&part(&actor, d, "machine", pick), &m).await {
                Ok(Created::New(m)) => {
                    eprintln!("added machine \"{}\"", m.name);
                    m.id
                }
                Ok(Created::Replay { entity_id, .. }) => entity_id,
                Err(e) => return Err(Failure::store(e, Step::Machine)),
            }
        }
    };
    let license_id = match &d.license {
        None => return Err(Failure::at(Step::License, anyhow::anyhow!("no license was picked"))),
        Some(LicensePick::Stored { id, .. }) => *id,
        Some(LicensePick::New { product, edition, channel, purchased_from, box_colour, key, .. }) => {
            let flags = record::LicenseFlags {
                product: Some(product.clone()),
                edition: edition.clone(),
                channel: Some(channel.clone()),
                purchased_from: purchased_from.clone(),
                box_colour: box_colour.clone(),
                ..record::LicenseFlags::default()
            };
            let l = crate::domain::NewLicense::try_from(&record::license_body(&flags, key.clone()))
                .map_err(Failure::refused)?;
            let sent = d.without_keys().license;
            match store.create_license(&part(&actor, d, "license", &sent), &l).await {
                Ok(Created::New(l)) => {
                    eprintln!("added license {} ({})", l.id, license_label(&l));
                    l.id
                }
                Ok(Created::Replay { entity_id, .. }) => entity_id,
                Err(e) => return Err(Failure::store(e, Step::License)),
            }
        }
    };
    let a = crate::domain::NewAttempt::try_from(&attempt_body(d, machine_id, license_id)?).map_err(Failure::refused)?;
    let sent = (machine_id, license_id, d.without_keys());
    let sent = (sent.0, sent.1, &sent.2.questions, attempt_fields(&sent.2));
    match store.create_attempt(&part(&actor, d, "attempt", &sent), &a).await {
        Ok(Created::New(a)) => {
            println!("stored call {} (case {})", a.id, a.case_id);
            for w in &a.warnings {
                eprintln!("warning: {w}");
            }
        }
        Ok(Created::Replay { entity_id, body, .. }) => {
            let case = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["case_id"].as_i64());
            let case = case.map(|c| format!(" (case {c})")).unwrap_or_default();
            println!(
                "stored call {entity_id}{case}: it was stored already, by an earlier try, and is not stored twice"
            );
        }
        Err(e) => return Err(Failure::store(e, Step::Confirm)),
    }
    Ok(())
}

/// The attempt's text fields as answered, by their names in the API.
fn attempt_fields(d: &Draft) -> Vec<(&'static str, String)> {
    let answered = [
        ("trigger", d.trigger.clone()),
        ("started_at", Some(d.started_at.clone())),
        ("ended_at", d.ended_at.clone()),
        ("phone_number", d.phone_number.clone()),
        ("ivr_result", d.ivr_result.clone()),
        ("operator_outcome", d.operator_outcome.clone()),
        ("result", d.result.clone()),
        ("failure_reason", d.failure_reason.clone()),
        ("notes", d.notes.clone()),
    ];
    answered.into_iter().filter_map(|(f, v)| v.map(|v| (f, v))).collect()
}

/// The API's attempt body from the answers.
fn attempt_body(d: &Draft, machine_id: i64, license_id: i64) -> Result<crate::wire::AttemptCreate, Failure> {
    let fields = attempt_fields(d);
    let (mut body, errors) = crate::wire::AttemptCreate::from_texts(fields.iter().map(|(f, v)| (*f, v.as_str())));
    if !errors.0.is_empty() {
        return Err(Failure::refused(errors));
    }
    let questions: Vec<crate::wire::QuestionFields> = d
        .questions
        .iter()
        .map(|q| crate::wire::QuestionFields {
            topic: Some(Some(q.topic.clone())),
            question: q.question.clone().map(Some),
            answer: q.answer.clone().map(Some),
        })
        .collect();
    body.machine_id = Some(Some(machine_id));
    body.license_id = Some(Some(license_id));
    body.installation_id = d.installation_id.clone().map(Some);
    body.wait_seconds = d.wait_seconds.map(Some);
    body.operator_rating = d.operator_rating.map(Some);
    body.questions = (!questions.is_empty()).then_some(Some(questions));
    body.confirmation_id = d.confirmation_id.clone().map(Some);
    Ok(body)
}

/// The call summed up before "store this call?".
fn summary(d: &Draft) {
    let machine = match &d.machine {
        Some(MachinePick::Stored { name, .. }) => name.clone(),
        Some(MachinePick::New { name, .. }) => format!("{name} (new)"),
        None => "-".into(),
    };
    let license = match &d.license {
        Some(LicensePick::Stored { label, .. }) => label.clone(),
        Some(LicensePick::New { product, edition, channel, key, .. }) => format!(
            "{product} {} ({channel}, new{})",
            edition.as_deref().unwrap_or(""),
            if key.is_some() { ", with its key" } else { "" }
        ),
        None => "-".into(),
    };
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let took = chrono::DateTime::parse_from_rfc3339(&d.started_at)
        .map(|s| (chrono::Utc::now() - s.with_timezone(&chrono::Utc)).num_seconds().max(0))
        .unwrap_or(0);
    eprintln!();
    eprintln!("The call ({} since it started):", minutes(took));
    eprintln!("  machine          {machine}");
    eprintln!("  license          {license}");
    eprintln!("  started          {}", record::local(&d.started_at));
    eprintln!("  number dialled   {}", dash(&d.phone_number));
    eprintln!("  installation ID  {}", dash(&d.installation_id));
    eprintln!("  phone menu       {}", dash(&d.ivr_result));
    let wait = d.wait_seconds.map(|w| format!(" after {}", minutes(w))).unwrap_or_default();
    eprintln!("  operator         {}{wait}", dash(&d.operator_outcome));
    for q in &d.questions {
        let answer = match q.answer.as_deref() {
            Some(a) if crate::domain::attempt::masked_answer(a).is_some() => "(sealed)",
            Some(a) => a,
            None => "",
        };
        eprintln!("  asked            {}: {} → {answer}", q.topic, q.question.as_deref().unwrap_or(""));
    }
    eprintln!("  confirmation ID  {}", dash(&d.confirmation_id));
    eprintln!("  result           {} {}", dash(&d.result), d.failure_reason.as_deref().unwrap_or(""));
    eprintln!("  notes            {}", dash(&d.notes));
    eprintln!();
}
