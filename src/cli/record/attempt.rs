//! `attempt`: its flags turned into the API's body (questions too), and
//! its subcommands.

use super::correct::{archive, edit_body, print_row, unarchive, written, AttemptEdit, Edit, ATTEMPT};
use super::show::{attempts_table, machine, print_json, print_table, Names};
use super::{given, parse_body, refused, stored, AttemptCommand, AttemptFlags};
use crate::cli::flags_named;
use crate::cli::hint::more;
use crate::cli::table::Words;
use crate::domain::TimePageRequest;
use crate::store::{Actor, AttemptFilter, Idempotency, Store, WriteCtx};
use crate::wire::{AttemptCreate, QuestionFields};

/// One question asked: `--question TOPIC:QUESTION=ANSWER` (split at the
/// first `:` and the first `=` after it), or what `call` gathered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionArg {
    pub topic: String,
    pub question: String,
    pub answer: String,
}

impl std::str::FromStr for QuestionArg {
    type Err = String;
    fn from_str(given: &str) -> Result<Self, String> {
        let (topic, rest) = given.split_once(':').unwrap_or((given, ""));
        let (question, answer) = rest.split_once('=').unwrap_or((rest, ""));
        Ok(Self { topic: topic.trim().into(), question: question.trim().into(), answer: answer.trim().into() })
    }
}

impl QuestionArg {
    /// The API's question (empty texts left out).
    fn body(&self) -> QuestionFields {
        let opt = |s: &str| if s.is_empty() { None } else { Some(Some(s.to_string())) };
        QuestionFields {
            topic: Some(Some(self.topic.clone())),
            question: opt(&self.question),
            answer: opt(&self.answer),
        }
    }
}

/// `attempt edit ID`: the declared fields' flags, and the call's questions.
#[derive(Debug, clap::Args)]
pub struct AttemptEditArgs {
    #[command(flatten)]
    pub edit: Edit<AttemptEdit>,
    /// The questions asked, in order, replacing every stored one (repeat
    /// the flag; `--clear questions` removes them all). An answer given as
    /// shown (`*****-*****-*****-*****-9D6T9`) keeps the key stored.
    #[arg(long = "question", value_name = "TOPIC:QUESTION=ANSWER")]
    pub questions: Vec<QuestionArg>,
}

/// The API's questions of `--question` flags (`None`: none given).
fn questions_given(questions: &[QuestionArg]) -> Option<Option<Vec<QuestionFields>>> {
    (!questions.is_empty()).then(|| Some(questions.iter().map(QuestionArg::body).collect()))
}

/// The API's body of what was given, as given (no default filled in).
async fn attempt_given(store: &Store, a: &AttemptFlags) -> anyhow::Result<AttemptCreate> {
    let machine_id = match &a.machine {
        Some(m) => Some(machine(store, m).await?.id),
        None => None,
    };
    let mut body = AttemptCreate {
        machine_id: given(&machine_id),
        license_id: given(&a.license),
        installation_id: given(&a.iid),
        groups_reentered: (!a.groups_reentered.is_empty()).then(|| Some(a.groups_reentered.clone())),
        wait_seconds: given(&a.wait),
        operator_rating: given(&a.rating),
        questions: questions_given(&a.questions),
        confirmation_id: given(&a.cid),
        ..AttemptCreate::default()
    };
    a.fields.apply(&mut body).map_err(|e| refused(flags_named(e)))?;
    Ok(body)
}

/// A body whose `started_at` is now when it was not given.
fn started_now(store: &Store, mut body: AttemptCreate) -> AttemptCreate {
    if body.started_at.is_none() {
        body.started_at = Some(Some(now_here(store)));
    }
    body
}

/// The write context of `attempt add`: with `--idempotency-key`, stored once
/// for that key and what was given (before `started_at` defaults to now, so
/// that a retry a minute later is the same request).
fn once<'a>(actor: &'a Actor, key: Option<String>, given: &AttemptCreate) -> anyhow::Result<WriteCtx<'a>> {
    let ctx = WriteCtx::new(actor);
    let Some(raw) = key else {
        return Ok(ctx);
    };
    let key = Idempotency::key(raw.as_bytes())
        .ok_or_else(|| anyhow::anyhow!("--idempotency-key: {}", crate::i18n::Msg::new(Idempotency::KEY_RULE)))?;
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"attempt add\n");
    hasher.update(serde_json::to_vec(given)?);
    Ok(ctx.once(key, hasher.finalize().to_vec()))
}

/// Now, at the household's offset ([`Store::zone`]), to the second.
pub fn now_here(store: &Store) -> String {
    store.zone().at(chrono::Utc::now()).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

pub async fn attempt_command(store: &Store, x: &Words, c: AttemptCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        AttemptCommand::Add { attempt, idempotency_key, json } => {
            if attempt.machine.is_none() || attempt.license.is_none() {
                anyhow::bail!(crate::cli::lang::s("cli.err.machine_and_license"));
            }
            let given = attempt_given(store, &attempt).await?;
            let ctx = once(&actor, idempotency_key, &given)?;
            let a = parse_body(started_now(store, given))?;
            let a = stored(store.create_attempt(&ctx, &a).await)?;
            if json {
                return print_json(&a);
            }
            print_table(x, &attempts_table(store, &mut Names::new(x), std::slice::from_ref(&a)).await)?;
            crate::cli::warn(&a.warnings);
            Ok(())
        }
        AttemptCommand::List { machine: m, license, case_id, result, operator_outcome, from, to, paging } => {
            let machine_id = match &m {
                Some(m) => Some(machine(store, m).await?.id),
                None => None,
            };
            let filter = AttemptFilter::parse(
                [machine_id, license, case_id],
                result,
                operator_outcome,
                from.as_deref(),
                to.as_deref(),
            )
            .map_err(|e| refused(flags_named(e)))?;
            let page = TimePageRequest::parse(paging.limit, paging.cursor.as_deref(), paging.all)
                .map_err(|e| refused(flags_named(e)))?;
            let rows = store.attempts_newest_first(&page, &filter).await?;
            if paging.json {
                return print_json(&rows);
            }
            print_table(x, &attempts_table(store, &mut Names::new(x), &rows.items).await)?;
            more(&rows.next_cursor);
            Ok(())
        }
        AttemptCommand::Edit(AttemptEditArgs { edit: e, questions }) => {
            if !questions.is_empty() && e.clear.iter().any(|f| f.trim().trim_start_matches("--") == "questions") {
                anyhow::bail!(crate::cli::lang::s("cli.err.questions_or_clear"));
            }
            let patch = edit_body::<_, crate::domain::AttemptPatch>(&e, |b| b.questions = questions_given(&questions))?;
            let a = written(store.update_attempt(&WriteCtx::new(&actor), e.id, &patch).await)?;
            print_row(store, x, a, e.json).await
        }
        AttemptCommand::Archive(t) => archive(store, &ATTEMPT, t).await,
        AttemptCommand::Unarchive(s) => unarchive(store, x, &ATTEMPT, s).await,
    }
}
