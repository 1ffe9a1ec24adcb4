//! The questions of `call`, one function a question: each answer checked
//! as it is typed by the rule the API applies to its field (the field
//! declarations of `wire::bodies!` and the domain's parsers), a bad one
//! named and asked again; `<` (or the list's "< back" entry) goes back one
//! question. Answers are written into the [`Draft`] as they are given.
//!
//! Esc, Ctrl-D and Ctrl-C at a prompt stop the call ([`Stop::Cancelled`]);
//! the caller then offers to keep the draft.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use inquire::validator::Validation;
use inquire::{InquireError, Password, PasswordDisplayMode, Select, Text};

use super::draft::{Asked, Draft, LicensePick, MachinePick};
use crate::cli::lang;
use crate::cli::record::{license_label, minutes};
use crate::domain::ids::{check_group, split_pasted, IdError, IdKind};
use crate::domain::shape::FieldDecl;
use crate::domain::{AttemptResult, Channel, FailureReason, IvrResult, License, Machine, ProductKey, Topic, Trigger};
use crate::wire::{attempt_fields, license_fields, machine_fields, question_fields};

/// Set by Ctrl-C while the terminal is not in raw mode (the queue timer):
/// a signal then, not a key.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Why the walk stopped before the summary.
pub enum Stop {
    /// Esc, Ctrl-D or Ctrl-C at a prompt: ask whether to keep a draft.
    Cancelled,
    /// Stopped, and already told whether to keep a draft.
    Decided { keep: bool },
    /// Anything else (the terminal went away…).
    Failed(anyhow::Error),
}

impl From<InquireError> for Stop {
    fn from(e: InquireError) -> Self {
        match e {
            InquireError::OperationCanceled | InquireError::OperationInterrupted => Stop::Cancelled,
            InquireError::NotTTY => Stop::Failed(anyhow::anyhow!(lang::s("cli.call.needs_terminal"))),
            other => Stop::Failed(anyhow::anyhow!("{other}")),
        }
    }
}

/// What a question did to the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// Answered: on to the next.
    Next,
    /// `<`: back to the one before.
    Back,
    /// Not asked (it does not apply): on in the same direction.
    Skipped,
}

/// An answer, or `<`.
pub enum Flow<T> {
    Go(T),
    Back,
}

impl<T> Flow<T> {
    /// Back; or the answer handed to `keep`, and on to the next question.
    fn answered(self, keep: impl FnOnce(T)) -> Moved {
        match self {
            Flow::Back => Moved::Back,
            Flow::Go(v) => {
                keep(v);
                Moved::Next
            }
        }
    }
}

const BACK: &str = "<";

/// The list entry that goes back one question.
fn back_label() -> String {
    lang::s("cli.call.back_label")
}

fn is_back(s: &str) -> bool {
    s.trim() == BACK
}

/// One line of text, checked by `check` as it is typed.
fn text<F>(message: &str, help: &str, initial: Option<&str>, check: F) -> Result<Flow<String>, Stop>
where
    F: Fn(&str) -> Result<(), String> + Clone + 'static,
{
    let back = lang::s("cli.call.back_help");
    let help =
        if help.is_empty() { back } else { lang::f("cli.call.help_and_back", &[("help", help), ("back", &back)]) };
    let validator = move |s: &str| {
        Ok(match check(s) {
            _ if is_back(s) => Validation::Valid,
            Ok(()) => Validation::Valid,
            Err(e) => Validation::Invalid(e.into()),
        })
    };
    let mut prompt = Text::new(message).with_help_message(&help).with_validator(validator);
    if let Some(i) = initial {
        prompt = prompt.with_initial_value(i);
    }
    let s = prompt.prompt()?;
    Ok(if is_back(&s) { Flow::Back } else { Flow::Go(s) })
}

/// A declared text field, checked by its declaration's rule (the API's):
/// `None` when left empty (a required field is asked until given).
fn field(message: &str, decl: FieldDecl, initial: Option<&str>) -> Result<Flow<Option<String>>, Stop> {
    let help = if decl.required { String::new() } else { lang::s("cli.call.leave_empty") };
    let check = move |s: &str| {
        let s = s.to_string();
        if decl.required {
            decl.text()(&s).map(|_| ()).map_err(|e| lang::t().msg(&e))
        } else {
            decl.opt_text()(&s).map(|_| ()).map_err(|e| lang::t().msg(&e))
        }
    };
    Ok(match text(message, &help, initial, check)? {
        Flow::Back => Flow::Back,
        Flow::Go(s) => Flow::Go(if decl.required { decl.text()(&s).ok() } else { decl.opt_text()(&s).ok().flatten() }),
    })
}

/// One of `options` (the one `current`, else the one at `start`, under the cursor), or back.
fn choose<T: Copy + PartialEq>(
    message: &str,
    options: &[(T, String)],
    current: Option<T>,
    start: usize,
) -> Result<Flow<T>, Stop> {
    let mut labels: Vec<String> = options.iter().map(|(_, l)| l.clone()).collect();
    labels.push(back_label());
    let start = current.and_then(|c| options.iter().position(|(v, _)| *v == c)).unwrap_or(start);
    let picked = Select::new(message, labels.clone())
        .with_starting_cursor(start)
        .with_help_message(&lang::s("cli.call.list_help"))
        .prompt()?;
    let at = labels.iter().position(|l| *l == picked).unwrap_or(0);
    Ok(options.get(at).map(|(v, _)| Flow::Go(*v)).unwrap_or(Flow::Back))
}

/// Options labelled by catalogue keys, in the run's language.
fn words<T: Copy>(options: &[(T, &str)]) -> Vec<(T, String)> {
    options.iter().map(|(v, key)| (*v, lang::s(key))).collect()
}

/// A closed set's member from its wire name.
fn parsed<T: std::str::FromStr>(s: &Option<String>) -> Option<T> {
    s.as_deref().and_then(|s| s.parse().ok())
}

/// The product key of a new license, not shown as typed; empty: none.
pub fn product_key(message: &str) -> Result<Option<String>, Stop> {
    let key = Password::new(message)
        .without_confirmation()
        .with_display_mode(PasswordDisplayMode::Hidden)
        .with_help_message(&lang::s("cli.call.leave_out"))
        .with_validator(|s: &str| {
            Ok(if s.trim().is_empty() {
                Validation::Valid
            } else {
                match s.parse::<ProductKey>() {
                    Ok(_) => Validation::Valid,
                    Err(e) => Validation::Invalid(lang::t().msg(&e.0).into()),
                }
            })
        })
        .prompt()?;
    Ok(Some(key.trim().to_string()).filter(|k| !k.is_empty()))
}

/// An answer to a question, masked as typed when the topic is the product key.
pub fn answer(message: &str, topic: &str, initial: Option<&str>) -> Result<Flow<Option<String>>, Stop> {
    if topic != Topic::ProductKey.to_string() {
        return field(message, question_fields::answer, initial);
    }
    let decl = question_fields::answer;
    let a = Password::new(message)
        .without_confirmation()
        .with_display_mode(PasswordDisplayMode::Masked)
        .with_help_message(&lang::s("cli.call.key_answer_help"))
        .with_validator(move |s: &str| {
            Ok(match decl.opt_text()(&s.to_string()) {
                Ok(_) => Validation::Valid,
                Err(e) => Validation::Invalid(lang::t().msg(&e).into()),
            })
        })
        .prompt()?;
    if is_back(&a) {
        return Ok(Flow::Back);
    }
    Ok(Flow::Go(decl.opt_text()(&a).ok().flatten()))
}

/// An answer to a question that held a product key, left out of the draft: typed again.
pub fn answer_again(n: usize, q: &mut Asked) -> Result<(), Stop> {
    let topic = q.topic.parse::<Topic>().map(|t| lang::t().e(t)).unwrap_or_else(|_| q.topic.clone());
    let message = lang::f("cli.call.answer_again", &[("n", &n.to_string()), ("topic", &topic)]);
    loop {
        match answer(&message, &Topic::ProductKey.to_string(), None)? {
            Flow::Go(a) => {
                q.answer = a;
                q.answer_left_out = false;
                return Ok(());
            }
            Flow::Back => eprintln!("{}", lang::s("cli.call.answer_needed")),
        }
    }
}

/// Which PC: one of the list, or a new one (its name checked as the API
/// checks it, and against the names taken).
pub fn machine(d: &mut Draft, machines: &[Machine]) -> Result<Moved, Stop> {
    let mut sub = 0;
    let (mut name, mut owner) = match &d.machine {
        Some(MachinePick::New { name, owner }) => (Some(name.clone()), owner.clone()),
        _ => (None, None),
    };
    loop {
        match sub {
            0 => {
                let mut options: Vec<(Option<usize>, String)> =
                    machines.iter().enumerate().map(|(i, m)| (Some(i), m.name.clone())).collect();
                options.push((None, lang::s("cli.call.add_machine")));
                let current = match &d.machine {
                    Some(MachinePick::Stored { id, .. }) => machines.iter().position(|m| m.id == *id).map(Some),
                    Some(MachinePick::New { .. }) => Some(None),
                    None => None,
                };
                match choose(&lang::s("cli.call.which_pc"), &options, current, 0)? {
                    Flow::Back => return Ok(Moved::Back),
                    Flow::Go(Some(i)) => {
                        d.machine = Some(MachinePick::Stored { id: machines[i].id, name: machines[i].name.clone() });
                        return Ok(Moved::Next);
                    }
                    Flow::Go(None) => sub = 1,
                }
            }
            1 => {
                let taken: Vec<String> = machines.iter().map(|m| crate::domain::fields::name_key(&m.name)).collect();
                let check = move |s: &str| {
                    let n = machine_fields::name.text()(&s.to_string())?;
                    if taken.contains(&crate::domain::fields::name_key(&n)) {
                        return Err(lang::s("cli.call.name_taken"));
                    }
                    Ok(())
                };
                match text(&lang::s("cli.call.new_pc_name"), "", name.as_deref(), check)? {
                    Flow::Back => sub = 0,
                    Flow::Go(n) => {
                        name = machine_fields::name.text()(&n).ok();
                        sub = 2;
                    }
                }
            }
            _ => match field(&lang::s("cli.call.whose"), machine_fields::owner, owner.as_deref())? {
                Flow::Back => sub = 1,
                Flow::Go(o) => {
                    owner = o;
                    let Some(name) = name.clone() else {
                        sub = 1;
                        continue;
                    };
                    d.machine = Some(MachinePick::New { name, owner });
                    return Ok(Moved::Next);
                }
            },
        }
    }
}

/// Which license: one of the list, or a new one (product, edition, how it
/// was bought, where, the box's colour, the key).
pub fn license(d: &mut Draft, licenses: &[License]) -> Result<Moved, Stop> {
    let (mut product, mut edition, mut channel, mut from, mut colour) = match &d.license {
        Some(LicensePick::New { product, edition, channel, purchased_from, box_colour, .. }) => (
            Some(product.clone()),
            edition.clone(),
            channel.parse::<Channel>().ok(),
            purchased_from.clone(),
            box_colour.clone(),
        ),
        _ => (None, None, None, None, None),
    };
    let mut sub = 0;
    loop {
        match sub {
            0 => {
                let mut options: Vec<(Option<usize>, String)> = licenses
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let label = license_label(&crate::cli::table::Words::people(lang::t().0), l);
                        let id = l.id.to_string();
                        let shown = match l.product_key_masked.as_deref() {
                            Some(k) => {
                                lang::f("cli.call.license_with_key", &[("label", &label), ("id", &id), ("key", k)])
                            }
                            None => lang::f("cli.call.license_option", &[("label", &label), ("id", &id)]),
                        };
                        (Some(i), shown)
                    })
                    .collect();
                options.push((None, lang::s("cli.call.add_license")));
                let current = match &d.license {
                    Some(LicensePick::Stored { id, .. }) => licenses.iter().position(|l| l.id == *id).map(Some),
                    Some(LicensePick::New { .. }) => Some(None),
                    None => None,
                };
                match choose(&lang::s("cli.call.which_license"), &options, current, 0)? {
                    Flow::Back => return Ok(Moved::Back),
                    Flow::Go(Some(i)) => {
                        let l = &licenses[i];
                        d.license = Some(LicensePick::Stored {
                            id: l.id,
                            label: license_label(&crate::cli::table::Words::people(lang::t().0), l),
                            channel: l.channel.to_string(),
                        });
                        return Ok(Moved::Next);
                    }
                    Flow::Go(None) => sub = 1,
                }
            }
            1 => {
                let initial = product.clone().unwrap_or_else(|| "Windows 8.1".into());
                match field(&lang::s("cli.call.product"), license_fields::product, Some(&initial))? {
                    Flow::Back => sub = 0,
                    Flow::Go(p) => {
                        product = p;
                        sub = 2;
                    }
                }
            }
            2 => match field(&lang::s("cli.call.edition"), license_fields::edition, edition.as_deref())? {
                Flow::Back => sub = 1,
                Flow::Go(e) => {
                    edition = e;
                    sub = 3;
                }
            },
            3 => {
                let options = words(&[
                    (Channel::RetailBox, "cli.call.ch.retail_box"),
                    (Channel::RetailDownload, "cli.call.ch.retail_download"),
                    (Channel::Oem, "cli.call.ch.oem"),
                    (Channel::VolumeMak, "cli.call.ch.volume_mak"),
                    (Channel::VolumeKms, "cli.call.ch.volume_kms"),
                    (Channel::Digital, "cli.call.ch.digital"),
                    (Channel::Other, "cli.call.other"),
                ]);
                match choose(&lang::s("cli.call.how_bought"), &options, channel, 0)? {
                    Flow::Back => sub = 2,
                    Flow::Go(c) => {
                        channel = Some(c);
                        sub = 4;
                    }
                }
            }
            4 => match field(&lang::s("cli.call.bought_from"), license_fields::purchased_from, from.as_deref())? {
                Flow::Back => sub = 3,
                Flow::Go(f) => {
                    from = f;
                    sub = if channel == Some(Channel::RetailBox) { 5 } else { 6 };
                }
            },
            5 => match field(&lang::s("cli.call.box_colour"), license_fields::box_colour, colour.as_deref())? {
                Flow::Back => sub = 4,
                Flow::Go(c) => {
                    colour = c;
                    sub = 6;
                }
            },
            _ => {
                let key = product_key(&lang::s("cli.call.product_key"))?;
                let (Some(product), Some(channel)) = (product.clone(), channel) else {
                    sub = 1;
                    continue;
                };
                if channel != Channel::RetailBox {
                    colour = None;
                }
                d.license = Some(LicensePick::New {
                    product,
                    edition: edition.clone(),
                    channel: channel.to_string(),
                    purchased_from: from.clone(),
                    box_colour: colour.clone(),
                    key,
                    key_left_out: false,
                });
                return Ok(Moved::Next);
            }
        }
    }
}

/// Why the machine needs activating: asked only when the call opens a
/// case (a call that continues the open case of its machine and license
/// says so instead).
pub fn trigger(d: &mut Draft, open_case: Option<(i64, String)>) -> Result<Moved, Stop> {
    if let Some((id, opened)) = open_case {
        eprintln!("{}", lang::f("cli.call.continues", &[("id", &id.to_string()), ("opened", &opened)]));
        d.trigger = None;
        return Ok(Moved::Skipped);
    }
    let options = words(&[
        (Trigger::HardwareChange, "cli.call.tr.hardware_change"),
        (Trigger::Reinstall, "cli.call.tr.reinstall"),
        (Trigger::NewInstall, "cli.call.tr.new_install"),
        (Trigger::KeyChange, "cli.call.tr.key_change"),
        (Trigger::Other, "cli.call.other"),
    ]);
    Ok(choose(&lang::s("cli.call.why"), &options, parsed(&d.trigger), 0)?.answered(|t| d.trigger = Some(t.to_string())))
}

/// The number dialled, checked as it is typed (by the API's own rule).
pub fn phone_number(d: &mut Draft) -> Result<Moved, Stop> {
    let check =
        |s: &str| crate::domain::attempt::phone_number(&s.to_string()).map(|_| ()).map_err(|e| lang::t().msg(&e));
    let help = lang::s("cli.call.number_help");
    Ok(text(&lang::s("cli.call.number"), &help, d.phone_number.as_deref(), check)?
        .answered(|s| d.phone_number = crate::domain::attempt::phone_number(&s).ok().flatten()))
}

/// The prompt of one group: `Installation ID group 3 of 9:`.
fn group_prompt(kind: IdKind, name: &str) -> String {
    let key = match kind {
        IdKind::Installation => "cli.call.iid_group",
        IdKind::Confirmation => "cli.call.cid_group",
    };
    lang::f(key, &[("group", name)])
}

/// A group refused: the domain's words, in the run's language, and "type it again".
fn again_message(e: IdError) -> String {
    lang::f("cli.call.type_again", &[("error", &lang::t().msg(&e.0))])
}

/// One ID, group by group: each group checked as it is typed; a pasted
/// whole ID fills every group, and its failing groups are asked again.
/// Empty at the first group: no ID. `<` goes back one group (at the first,
/// back one question). The ID given before, if any, is offered at group 1.
fn groups(kind: IdKind, first_help: &str, before: Option<&str>) -> Result<Flow<Option<Vec<String>>>, Stop> {
    let count = kind.groups();
    let mut done: Vec<Option<String>> = vec![None; count];
    let mut width: Option<usize> = None;
    let mut i = 0;
    while i < done.len() {
        if done[i].is_some() {
            i += 1;
            continue;
        }
        // The group's number (1–9) or letter (A–H), as the prompts say it.
        let name = match kind {
            IdKind::Installation => (i + 1).to_string(),
            IdKind::Confirmation => char::from(b'A' + u8::try_from(i).unwrap_or(0)).to_string(),
        };
        let message = group_prompt(kind, &name);
        let help = if i == 0 { first_help.to_string() } else { lang::f("cli.call.group_help", &[("group", &name)]) };
        let (w, at) = (width, i);
        let check = move |s: &str| {
            if s.trim().is_empty() || (at == 0 && split_pasted(kind, s).is_some()) {
                return Ok(());
            }
            check_group(kind, at, w, s).map(|_| ()).map_err(again_message)
        };
        let initial = if i == 0 { before } else { None };
        let typed = match text(&message, &help, initial, check)? {
            Flow::Back if i == 0 => return Ok(Flow::Back),
            Flow::Back => {
                i -= 1;
                done[i] = None;
                continue;
            }
            Flow::Go(t) => t,
        };
        if typed.trim().is_empty() {
            if i == 0 {
                return Ok(Flow::Go(None));
            }
            break;
        }
        if i == 0 {
            if let Some(pasted) = split_pasted(kind, &typed) {
                width = pasted.first().map(String::len);
                done = vec![None; pasted.len()];
                for (g, digits) in pasted.iter().enumerate() {
                    match check_group(kind, g, width, digits) {
                        Ok(d) => done[g] = Some(d),
                        Err(e) => eprintln!("{}", again_message(e)),
                    }
                }
                i = 0;
                continue;
            }
        }
        let digits = check_group(kind, i, width, &typed)
            .map_err(|e| Stop::Failed(anyhow::anyhow!("{}", lang::t().msg(&e.0))))?;
        width = width.or(Some(digits.len()));
        done[i] = Some(digits);
        i += 1;
    }
    Ok(Flow::Go(Some(done.into_iter().flatten().collect())))
}

/// The Installation ID, group by group, then checked whole as the API checks it.
pub fn installation_id(d: &mut Draft) -> Result<Moved, Stop> {
    let help = lang::s("cli.call.iid_help");
    loop {
        let g = match groups(IdKind::Installation, &help, d.installation_id.as_deref())? {
            Flow::Back => return Ok(Moved::Back),
            Flow::Go(None) => {
                d.installation_id = None;
                return Ok(Moved::Next);
            }
            Flow::Go(Some(g)) => g,
        };
        match g.join("-").parse::<crate::domain::InstallationId>() {
            Ok(id) => {
                d.installation_id = Some(id.to_string());
                return Ok(Moved::Next);
            }
            Err(e) => eprintln!("{}", id_again(e)),
        }
    }
}

/// A whole ID refused: the domain's words, and "type the ID again".
fn id_again(e: IdError) -> String {
    lang::f("cli.call.id_again", &[("error", &lang::t().msg(&e.0))])
}

/// The Confirmation ID read back (by the menu or an operator), checked as the API checks it.
pub fn confirmation_id(d: &mut Draft) -> Result<Moved, Stop> {
    let reached = d.operator_outcome.as_deref() == Some("reached");
    if !(parsed::<IvrResult>(&d.ivr_result) == Some(IvrResult::Confirmed) || reached) {
        d.confirmation_id = None;
        return Ok(Moved::Skipped);
    }
    loop {
        let g = match groups(IdKind::Confirmation, &lang::s("cli.call.cid_help"), d.confirmation_id.as_deref())? {
            Flow::Back => return Ok(Moved::Back),
            Flow::Go(None) => {
                d.confirmation_id = None;
                return Ok(Moved::Next);
            }
            Flow::Go(Some(g)) => g,
        };
        match crate::domain::ConfirmationId::parse_checked(&g.join("-")) {
            Ok(c) => {
                d.confirmation_id = Some(c.id.to_string());
                return Ok(Moved::Next);
            }
            Err(e) => eprintln!("{}", id_again(e)),
        }
    }
}

/// What the phone menu said, if the caller records it.
pub fn ivr_result(d: &mut Draft) -> Result<Moved, Stop> {
    let options = words(&[
        (Some(IvrResult::Confirmed), "cli.call.ivr.confirmed"),
        (Some(IvrResult::NotConfirmed), "cli.call.ivr.not_confirmed"),
        (Some(IvrResult::InputError), "cli.call.ivr.input_error"),
        (Some(IvrResult::NotOffered), "cli.call.ivr.not_offered"),
        (Some(IvrResult::Skipped), "cli.call.ivr.skipped"),
        (None, "cli.call.dont_record"),
    ]);
    let current = d.ivr_result.as_ref().map(|_| parsed(&d.ivr_result));
    Ok(choose(&lang::s("cli.call.ivr"), &options, current, 0)?.answered(|i| d.ivr_result = i.map(|i| i.to_string())))
}

/// The operator queue: how it ended and how long it took.
pub fn operator(d: &mut Draft) -> Result<Moved, Stop> {
    let start = if parsed::<IvrResult>(&d.ivr_result) == Some(IvrResult::Confirmed) { 0 } else { 1 };
    let options = words(&[
        (0, "cli.call.op.not_needed"),
        (1, "cli.call.op.waiting"),
        (2, "cli.call.op.unavailable"),
        (3, "cli.call.dont_record"),
    ]);
    loop {
        let choice = match choose(&lang::s("cli.call.operator"), &options, None, start)? {
            Flow::Back => return Ok(Moved::Back),
            Flow::Go(c) => c,
        };
        let (outcome, wait) = match choice {
            0 => (Some("not_needed"), None),
            2 => (Some("unavailable"), None),
            3 => (None, None),
            _ => match queue_timer()? {
                Flow::Back => continue,
                Flow::Go((seconds, gave_up)) => (Some(if gave_up { "abandoned" } else { "reached" }), Some(seconds)),
            },
        };
        d.operator_outcome = outcome.map(str::to_string);
        d.wait_seconds = wait;
        return Ok(Moved::Next);
    }
}

/// Run until a line is entered: Enter when an operator answers, `q` and
/// Enter to give up, `<` and Enter to go back. The time shown ticks every
/// second. Ctrl-C (a signal here) stops the call, asking on this same line
/// reader whether to keep a draft.
fn queue_timer() -> Result<Flow<(i64, bool)>, Stop> {
    eprintln!("{}", lang::s("cli.call.timer"));
    INTERRUPTED.store(false, Ordering::SeqCst);
    let (tx, rx) = std::sync::mpsc::channel();
    // One line: the answer to the timer, or, after Ctrl-C, to "keep a draft?".
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = std::io::stdin().read_line(&mut line);
        let _ = tx.send(read.map(|_| line));
    });
    let start = Instant::now();
    let mut err = std::io::stderr();
    let mut shown = -1;
    loop {
        let elapsed = start.elapsed().as_secs() as i64;
        if elapsed != shown {
            let _ = write!(err, "\r  {}  ", lang::f("cli.call.waiting", &[("time", &minutes(elapsed))]));
            let _ = err.flush();
            shown = elapsed;
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(line)) if line.is_empty() => return Err(Stop::Failed(anyhow::anyhow!(lang::s("cli.call.closed")))),
            Ok(Ok(line)) => {
                if is_back(&line) {
                    eprintln!();
                    return Ok(Flow::Back);
                }
                let seconds = start.elapsed().as_secs() as i64;
                eprintln!("\r  {}   ", lang::f("cli.call.waited", &[("time", &minutes(seconds))]));
                return Ok(Flow::Go((seconds, line.trim().eq_ignore_ascii_case("q"))));
            }
            Ok(Err(e)) => return Err(Stop::Failed(e.into())),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if INTERRUPTED.swap(false, Ordering::SeqCst) {
                    eprint!("\n{} [Y/n] ", lang::s("cli.call.keep_draft"));
                    let keep = match rx.recv() {
                        Ok(Ok(line)) => !line.trim().to_lowercase().starts_with('n'),
                        _ => true,
                    };
                    return Err(Stop::Decided { keep });
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Stop::Failed(anyhow::anyhow!(lang::s("cli.call.closed"))))
            }
        }
    }
}

/// How helpful the operator reached was, if the caller rates them.
pub fn rating(d: &mut Draft) -> Result<Moved, Stop> {
    if d.operator_outcome.as_deref() != Some("reached") {
        d.operator_rating = None;
        return Ok(Moved::Skipped);
    }
    let mut options = vec![(None, lang::s("cli.call.dont_rate"))];
    options.extend((1..=5).rev().map(|n| (Some(n), n.to_string())));
    Ok(choose(&lang::s("cli.call.rating"), &options, Some(d.operator_rating), 0)?.answered(|r| d.operator_rating = r))
}

/// Questions and answers, topics offered in the order past operators
/// asked them for this channel. `<` at a question's topic goes back to
/// the answer before it.
pub fn questions(d: &mut Draft, asked: &crate::summary::Questions) -> Result<Moved, Stop> {
    if d.operator_outcome.as_deref() != Some("reached") {
        d.questions.clear();
        return Ok(Moved::Skipped);
    }
    let channel = match &d.license {
        Some(LicensePick::Stored { channel, .. } | LicensePick::New { channel, .. }) => channel.parse().ok(),
        None => None,
    };
    let topics = asked.ranked_for(channel.unwrap_or(Channel::Other));
    let tr = lang::t();
    let mut options: Vec<(Option<Topic>, String)> = vec![(None, tr.s("cli.call.no_more_questions"))];
    options.extend(topics.iter().map(|(t, n)| {
        let word = tr.e(*t);
        (
            Some(*t),
            if *n > 0 { tr.f("cli.call.asked_before", &[("topic", &word), ("n", &n.to_string())]) } else { word },
        )
    }));
    // Going back into this step: from its last answer.
    let mut sub = if d.questions.is_empty() { 0 } else { 2 };
    let mut editing = if d.questions.is_empty() { None } else { Some(d.questions.len() - 1) };
    loop {
        match (sub, editing) {
            (0, _) | (_, None) => {
                let n = d.questions.len() + 1;
                match choose(&lang::f("cli.call.question_topic", &[("n", &n.to_string())]), &options, None, 0)? {
                    Flow::Back if d.questions.is_empty() => return Ok(Moved::Back),
                    Flow::Back => {
                        editing = Some(d.questions.len() - 1);
                        sub = 2;
                    }
                    Flow::Go(None) => return Ok(Moved::Next),
                    Flow::Go(Some(t)) => {
                        d.questions.push(Asked { topic: t.to_string(), ..Asked::default() });
                        editing = Some(d.questions.len() - 1);
                        sub = 1;
                    }
                }
            }
            (1, Some(i)) => {
                let asked = d.questions[i].question.clone();
                match field(&lang::s("cli.call.their_words"), question_fields::question, asked.as_deref())? {
                    Flow::Back => {
                        d.questions.pop();
                        sub = 0;
                    }
                    Flow::Go(q) => {
                        d.questions[i].question = q;
                        sub = 2;
                    }
                }
            }
            (_, Some(i)) => {
                let topic = d.questions[i].topic.clone();
                let initial = d.questions[i].answer.clone();
                match answer(&lang::s("cli.call.your_answer"), &topic, initial.as_deref())? {
                    Flow::Back => sub = 1,
                    Flow::Go(a) => {
                        d.questions[i].answer = a;
                        d.questions[i].answer_left_out = false;
                        sub = 0;
                    }
                }
            }
        }
    }
}

/// Whether Windows is activated.
pub fn result(d: &mut Draft) -> Result<Moved, Stop> {
    let tr = lang::t();
    let options = [AttemptResult::Activated, AttemptResult::NotActivated].map(|r| (r, tr.e(r)));
    let start = if d.confirmation_id.is_some() { 0 } else { 1 };
    Ok(choose(&tr.s("cli.call.activated"), &options, parsed(&d.result), start)?
        .answered(|r| d.result = Some(r.to_string())))
}

/// Why a call did not activate, the likeliest reason (from what the menu
/// and the operator did) offered first.
pub fn failure_reason(d: &mut Draft) -> Result<Moved, Stop> {
    if parsed::<AttemptResult>(&d.result) != Some(AttemptResult::NotActivated) {
        d.failure_reason = None;
        return Ok(Moved::Skipped);
    }
    let start = match (parsed::<IvrResult>(&d.ivr_result), d.operator_outcome.as_deref()) {
        (_, Some("unavailable")) => 1,
        (_, Some("abandoned")) => 3,
        (Some(IvrResult::NotConfirmed), _) => 0,
        _ => 6,
    };
    let tr = lang::t();
    let options: Vec<(FailureReason, String)> = FailureReason::ALL.iter().map(|f| (*f, tr.e(*f))).collect();
    Ok(choose(&tr.s("cli.call.why_not"), &options, parsed(&d.failure_reason), start)?
        .answered(|f| d.failure_reason = Some(f.to_string())))
}

/// Notes, as long as the API takes them.
pub fn notes(d: &mut Draft) -> Result<Moved, Stop> {
    Ok(field(&lang::s("cli.call.notes"), attempt_fields::notes, d.notes.clone().as_deref())?.answered(|n| d.notes = n))
}

/// What to do with the call summed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Store,
    Keep,
    Discard,
}

/// "Store this call?": yes, not now (keep a draft), no (throw it away), or back.
pub fn confirm() -> Result<Flow<Decision>, Stop> {
    let options = words(&[
        (Decision::Store, "cli.call.store"),
        (Decision::Keep, "cli.call.keep"),
        (Decision::Discard, "cli.call.discard"),
    ]);
    choose(&lang::s("cli.call.store_this"), &options, None, 0)
}
