//! `call`: one phone call, walked through as it happens.
//!
//! The order is the call's: which PC and license (picked from lists, or
//! added on the spot), why, the number dialled, the Installation ID group
//! by group — each group checked as it is typed, a wrong one named and
//! asked again as the phone menu does; a whole ID or `slmgr /dti` output
//! may be pasted —, what the menu said, the operator queue (a timer that
//! runs until Enter), what was asked (topics in the order operators asked
//! them for this channel), the Confirmation ID group by group, the result,
//! notes; then a summary to confirm. Once the license is chosen, before
//! the number dialled, what to have at hand for it is printed ([`hand`]:
//! the answers given on its past calls, its photos). Every answer is checked when typed by
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
mod hand;

use std::path::Path;
use std::sync::atomic::Ordering;

use ask::{Decision, Moved, Stop};
use draft::{Draft, LicensePick, MachinePick, Step};

use super::lang;
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
    let said = |e: crate::i18n::Msg| anyhow::anyhow!("--at: {}", crate::cli::lang::t().msg(&e));
    let t = crate::domain::fields::caller_time(&typed.to_string()).map_err(said)?;
    let (t, _) = t.in_zone(&store.zone()).map_err(said)?;
    Ok(t.text().to_string())
}

/// `call` (or `call --resume`): walk through a call and store it once.
pub async fn run(store: &Store, journal: &Path, start: Start) -> anyhow::Result<()> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        anyhow::bail!(lang::s("cli.call.no_terminal"));
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
            let (journal, looked) = (journal.display().to_string(), draft::path(journal)?.display().to_string());
            anyhow::bail!(lang::f("cli.call.no_draft", &[("journal", &journal), ("looked", &looked)]));
        };
        eprintln!("{}", lang::f("cli.call.going_on", &[("at", &record::local(&d.started_at))]));
        if let Err(stop) = again(&mut d) {
            return stopped(stop, &d);
        }
        d
    } else {
        if let Some((file, _)) = &kept {
            eprintln!("{}", lang::f("cli.call.draft_kept_before", &[("file", &file.display().to_string())]));
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
            let l = store.license(id, false).await.map_err(|e| anyhow::anyhow!("--license: {}", super::said(&e)))?;
            d.license = Some(LicensePick::Stored {
                id: l.id,
                label: license_label(&crate::cli::table::Words::people(lang::t().0), &l),
                channel: l.channel.to_string(),
            });
            if d.at == Step::License {
                d.at = Step::Trigger;
            }
        }
        eprintln!("{}", lang::f("cli.call.recording", &[("at", &record::local(&d.started_at))]));
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
            let file = file.display().to_string();
            eprintln!("{}", lang::f("cli.call.kept_after_refusal", &[("file", &file), ("command", &resume_command())]));
            Err(failure.error.context(lang::s("cli.call.not_stored")))
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
            let asked = inquire::Confirm::new(&lang::s("cli.call.keep_draft"))
                .with_default(true)
                .with_help_message(&lang::s("cli.call.keep_help"))
                .prompt();
            // Stopped again at this question: keep it (nothing is lost).
            asked.unwrap_or(true)
        }
    };
    if keep {
        let file = draft::keep(d)?;
        let file = file.display().to_string();
        eprintln!("{}", lang::f("cli.call.kept", &[("file", &file), ("command", &resume_command())]));
    }
    match stop {
        Stop::Failed(e) => Err(e.context(lang::s("cli.call.not_stored"))),
        _ => Err(super::Cancelled.into()),
    }
}

/// On resume: what the draft left out (product keys) typed again.
fn again(d: &mut Draft) -> Result<(), Stop> {
    if let Some(LicensePick::New { key, key_left_out, .. }) = &mut d.license {
        if *key_left_out && key.is_none() {
            *key = ask::product_key(&lang::s("cli.call.key_again"))?;
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
    let mut shown_for = None;
    loop {
        let step = d.at;
        if forward && matches!(step, Step::Trigger | Step::PhoneNumber) {
            show_at_hand(store, d, &mut shown_for).await;
        }
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
                eprintln!("{}", lang::s("cli.call.first_question"));
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

/// What to have at hand for the stored license chosen, once for each
/// license chosen. Not being able to read it does not stop the call: it is
/// said, and the call goes on.
async fn show_at_hand(store: &Store, d: &Draft, shown_for: &mut Option<i64>) {
    let Some(LicensePick::Stored { id, label, .. }) = &d.license else {
        return;
    };
    if *shown_for == Some(*id) {
        return;
    }
    *shown_for = Some(*id);
    match store.at_hand(*id).await {
        Ok(h) => {
            eprintln!();
            for line in hand::lines(&lang::t(), label, &h) {
                eprintln!("{line}");
            }
            eprintln!();
        }
        Err(e) => eprintln!("{}", lang::f("hand.cli.unavailable", &[("error", &super::said(&e))])),
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
    Ok(open.items.into_iter().next().map(|c| (c.id, record::local(&c.opened_at))))
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
        let t = lang::t();
        let named = e.0.iter().map(|f| format!("{}: {}", asked_as(&f.field).1, t.msg(&f.message))).collect::<Vec<_>>();
        Self::at(step, anyhow::anyhow!("{}", named.join("; ")))
    }

    /// A store error: a refusal named as asked; a name taken meanwhile back
    /// at the PC; anything else (the key file, a busy journal) at the summary.
    fn store(e: StoreError, step: Step) -> Self {
        match e {
            StoreError::Invalid(e) => Self::refused(e),
            StoreError::Conflict(ConflictKind::NameTaken, m) => Self::at(
                Step::Machine,
                anyhow::anyhow!(lang::f("cli.call.name_taken_since", &[("message", &lang::t().msg(&m))])),
            ),
            StoreError::NotFound { .. } | StoreError::Conflict(..) => Self::at(step, e),
            StoreError::IdempotencyMismatch => {
                Self::at(Step::Confirm, anyhow::anyhow!(lang::s("cli.call.stored_otherwise")))
            }
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
            "question" => "cli.call.as.their_words",
            "answer" => "cli.call.as.your_answer",
            _ => "cli.call.as.topic",
        };
        let n = n.to_string();
        return (Step::Questions, lang::f("cli.call.as.question", &[("n", &n), ("part", &lang::s(part))]));
    }
    let (step, name) = match field {
        "machine_id" => (Step::Machine, "cli.call.as.machine"),
        "name" => (Step::Machine, "cli.call.as.name"),
        "owner" => (Step::Machine, "cli.call.as.owner"),
        "license_id" => (Step::License, "cli.call.as.license"),
        "product" | "edition" | "channel" | "purchased_from" | "box_colour" | "product_key" => {
            (Step::License, "cli.call.as.new_license")
        }
        "trigger" => (Step::Trigger, "cli.call.as.trigger"),
        "phone_number" => (Step::PhoneNumber, "cli.call.as.phone_number"),
        "installation_id" => (Step::InstallationId, "cli.call.as.installation_id"),
        "ivr_result" => (Step::Ivr, "cli.call.as.ivr_result"),
        "operator_outcome" | "wait_seconds" => (Step::Operator, "cli.call.as.operator"),
        "operator_rating" => (Step::Rating, "cli.call.as.rating"),
        "questions" => (Step::Questions, "cli.call.as.questions"),
        "confirmation_id" => (Step::ConfirmationId, "cli.call.as.confirmation_id"),
        "result" => (Step::Result, "cli.call.as.result"),
        "failure_reason" => (Step::FailureReason, "cli.call.as.failure_reason"),
        "notes" => (Step::Notes, "cli.call.as.notes"),
        _ => (Step::Confirm, "cli.call.as.call"),
    };
    // The new license's part by its field's label (`field.box_colour`).
    let part = lang::s(&format!("field.{field}"));
    (step, lang::f(name, &[("part", &part)]))
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
        None => return Err(Failure::at(Step::Machine, anyhow::anyhow!(lang::s("cli.call.no_pc")))),
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
                    eprintln!("{}", lang::f("cli.call.added_machine", &[("name", &m.name)]));
                    m.id
                }
                Ok(Created::Replay { entity_id, .. }) => entity_id,
                Err(e) => return Err(Failure::store(e, Step::Machine)),
            }
        }
    };
    let license_id = match &d.license {
        None => return Err(Failure::at(Step::License, anyhow::anyhow!(lang::s("cli.call.no_license")))),
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
                    let (id, label) =
                        (l.id.to_string(), license_label(&crate::cli::table::Words::people(lang::t().0), &l));
                    eprintln!("{}", lang::f("cli.call.added_license", &[("id", &id), ("label", &label)]));
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
            let (id, case) = (a.id.to_string(), a.case_id.to_string());
            println!("{}", lang::f("cli.call.stored", &[("id", &id), ("case", &case)]));
            super::warn(&a.warnings);
        }
        Ok(Created::Replay { entity_id, body, .. }) => {
            let case = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["case_id"].as_i64());
            let (id, case) = (entity_id.to_string(), case.map(|c| c.to_string()).unwrap_or_else(|| "-".into()));
            println!("{}", lang::f("cli.call.stored_before", &[("id", &id), ("case", &case)]));
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

/// The call summed up before "store this call?", its labels lined up
/// whatever their language.
fn summary(d: &Draft) {
    let t = lang::t();
    let word = |set: &str, code: &Option<String>| match code {
        Some(c) => t.s(&format!("enum.{set}.{c}")),
        None => "-".into(),
    };
    let machine = match &d.machine {
        Some(MachinePick::Stored { name, .. }) => name.clone(),
        Some(MachinePick::New { name, .. }) => t.f("cli.call.sum.new_machine", &[("name", name)]),
        None => "-".into(),
    };
    let license = match &d.license {
        Some(LicensePick::Stored { label, .. }) => label.clone(),
        Some(LicensePick::New { product, edition, channel, key, .. }) => {
            let name = crate::summary::license_name(product, edition.as_deref());
            let channel = word("Channel", &Some(channel.clone()));
            let key = if key.is_some() { "cli.call.sum.new_license_key" } else { "cli.call.sum.new_license" };
            t.f(key, &[("name", &name), ("channel", &channel)])
        }
        None => "-".into(),
    };
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let took = chrono::DateTime::parse_from_rfc3339(&d.started_at)
        .map(|s| (chrono::Utc::now() - s.with_timezone(&chrono::Utc)).num_seconds().max(0))
        .unwrap_or(0);
    let wait = d.wait_seconds.map(|w| t.f("cli.tl.waited", &[("wait", &minutes(w))])).unwrap_or_default();
    let result = match (&d.result, &d.failure_reason) {
        (r, Some(_)) => format!("{} ({})", word("AttemptResult", r), word("FailureReason", &d.failure_reason)),
        (r, None) => word("AttemptResult", r),
    };
    let mut lines: Vec<(String, String)> = vec![
        (t.s("cli.call.sum.machine"), machine),
        (t.s("cli.call.sum.license"), license),
        (t.s("cli.call.sum.started"), record::local(&d.started_at)),
        (t.s("cli.call.sum.number"), dash(&d.phone_number)),
        (t.s("cli.call.sum.installation_id"), dash(&d.installation_id)),
        (t.s("cli.call.sum.ivr"), word("IvrResult", &d.ivr_result)),
        (t.s("cli.call.sum.operator"), format!("{}{wait}", word("OperatorOutcome", &d.operator_outcome))),
    ];
    for q in &d.questions {
        let answer = match q.answer.as_deref() {
            Some(a) if crate::domain::attempt::masked_answer(a).is_some() => t.s("cli.call.sum.sealed"),
            Some(a) => a.to_string(),
            None => String::new(),
        };
        let topic = word("Topic", &Some(q.topic.clone()));
        lines.push((t.s("cli.call.sum.asked"), format!("{topic}: {} → {answer}", q.question.as_deref().unwrap_or(""))));
    }
    lines.extend([
        (t.s("cli.call.sum.confirmation_id"), dash(&d.confirmation_id)),
        (t.s("cli.call.sum.result"), result),
        (t.s("cli.call.sum.notes"), dash(&d.notes)),
    ]);
    let widest = lines.iter().map(|(l, _)| unicode_width::UnicodeWidthStr::width(l.as_str())).max().unwrap_or(0);
    eprintln!();
    eprintln!("{}", t.f("cli.call.sum.title", &[("took", &minutes(took))]));
    for (label, value) in lines {
        let pad = widest - unicode_width::UnicodeWidthStr::width(label.as_str());
        eprintln!("  {label}{}  {value}", " ".repeat(pad));
    }
    eprintln!();
}
