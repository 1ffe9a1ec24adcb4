//! Recording and reading without curl: `machine`, `license`, `attempt`,
//! `case`, `follow-up` and `search`.
//!
//! What a command is given is turned into the API's request body and
//! parsed by the same wire and domain code as a POST, so a flag is refused
//! for the same reason and in the same words as the field (named after the
//! flag: `--wait: must be between 0 and 86400`). `--json` prints exactly
//! what the API answers; tables show names, and times in each attempt's own
//! offset (UTC stamps, such as a case's, in this computer's time zone).

use std::collections::HashMap;

use clap::{Args, Subcommand};

use super::{flags_named, print_out};
use crate::domain::{
    Attempt, AttemptResult, Case, CaseStatus, FieldErrors, FollowUp, License, Machine, OperatorOutcome, Page,
    PageRequest, TimePageRequest,
};
use crate::store::{Actor, AttemptFilter, Created, Store, WriteCtx};
use crate::wire::{AttemptCreate, Field, FollowUpCreate, FollowUpFields, LicenseCreate, MachineCreate, QuestionFields};

/// Paging flags of a list.
#[derive(Debug, Args)]
pub struct Paging {
    /// Rows a page, 1–500 (default 50).
    #[arg(long, value_name = "N")]
    pub limit: Option<i64>,
    /// The page after this one (printed after a page with more).
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,
    /// Archived rows too.
    #[arg(long)]
    pub all: bool,
    /// Print the API's JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl Paging {
    fn page(&self) -> anyhow::Result<PageRequest> {
        PageRequest::parse(self.limit, self.cursor.as_deref(), self.all).map_err(|e| refused(flags_named(e)))
    }
}

/// `machine …`
#[derive(Debug, Subcommand)]
pub enum MachineCommand {
    /// Add a machine.
    #[command(after_help = "Example:\n  activation-journal machine add \"PC 1\" --owner Ken --notes \"living room\"")]
    Add {
        /// Its name, unique (case and width do not matter).
        name: String,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The machines.
    #[command(after_help = "Example:\n  activation-journal machine list")]
    List(Paging),
    /// One machine and its history (hardware changes, cases, calls, follow-ups), oldest first.
    #[command(after_help = "Example:\n  activation-journal machine show \"PC 1\"")]
    Show {
        /// Its name, or its id.
        machine: String,
        /// Print the API's JSON (the timeline's) instead of tables.
        #[arg(long)]
        json: bool,
        /// Events a page, 1–500 (default 50).
        #[arg(long, value_name = "N")]
        limit: Option<i64>,
        /// The page after this one.
        #[arg(long, value_name = "CURSOR")]
        cursor: Option<String>,
    },
}

/// `license …`
#[derive(Debug, Subcommand)]
pub enum LicenseCommand {
    /// Add a license; with --key, its product key is read without echo.
    #[command(
        after_help = "Examples:\n  activation-journal license add --product \"Windows 8.1\" --edition Pro --channel retail_box \\\n      --purchased-from \"Yodobashi Umeda\" --box-colour blue --key\n  echo \"$KEY\" | activation-journal license add --product \"Windows 8.1\" --channel oem --key"
    )]
    Add {
        #[command(flatten)]
        license: LicenseFlags,
        /// Ask for the product key (read without echo; from stdin, one line, when it is not a terminal).
        #[arg(long)]
        key: bool,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The licenses (product keys masked).
    #[command(after_help = "Example:\n  activation-journal license list")]
    List(Paging),
}

/// What a license is, as flags.
#[derive(Debug, Args, Default, Clone)]
pub struct LicenseFlags {
    /// e.g. "Windows 8.1".
    #[arg(long)]
    pub product: Option<String>,
    /// e.g. Pro.
    #[arg(long)]
    pub edition: Option<String>,
    /// retail_box, retail_download, oem, volume_mak, volume_kms, digital or other.
    #[arg(long)]
    pub channel: Option<String>,
    /// The shop or site.
    #[arg(long)]
    pub purchased_from: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub purchased_on: Option<String>,
    #[arg(long)]
    pub box_colour: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

/// `attempt …`
#[derive(Debug, Subcommand)]
pub enum AttemptCommand {
    /// Record an attempt from flags (what `call` asks, for scripts).
    #[command(
        after_help = "Example:\n  activation-journal attempt add --machine \"PC 1\" --license 1 --started-at 2014-05-10T10:05:00+09:00 \\\n      --iid 508760583450367066786558223034732344271525457574499727444472481 --ivr-result not_confirmed \\\n      --operator-outcome reached --wait 180 --question \"edition:Which edition?=Pro\" \\\n      --cid 109062-530373-462923-856922-378004-297663-022353 --result activated"
    )]
    Add {
        #[command(flatten)]
        attempt: Box<AttemptFlags>,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The journal, newest first.
    #[command(
        after_help = "Examples:\n  activation-journal attempt list\n  activation-journal attempt list --machine \"PC 1\" --result not_activated --from 2014-05-01"
    )]
    List {
        /// Only this machine (name or id).
        #[arg(long)]
        machine: Option<String>,
        /// Only this license (id).
        #[arg(long, value_name = "ID")]
        license: Option<i64>,
        /// Only this case (id).
        #[arg(long = "case", value_name = "ID")]
        case_id: Option<i64>,
        /// activated or not_activated.
        #[arg(long, value_parser = closed::<AttemptResult>())]
        result: Option<AttemptResult>,
        /// not_needed, unavailable, reached or abandoned.
        #[arg(long, value_parser = closed::<OperatorOutcome>())]
        operator_outcome: Option<OperatorOutcome>,
        /// From this local date (YYYY-MM-DD) or RFC 3339 time, inclusive.
        #[arg(long, value_name = "WHEN")]
        from: Option<String>,
        /// To this local date or RFC 3339 time, inclusive.
        #[arg(long, value_name = "WHEN")]
        to: Option<String>,
        #[command(flatten)]
        paging: Paging,
    },
}

/// Everything `call` asks, as flags.
#[derive(Debug, Args, Default, Clone)]
pub struct AttemptFlags {
    /// The machine (name or id).
    #[arg(long)]
    pub machine: Option<String>,
    /// The license (id).
    #[arg(long, value_name = "ID")]
    pub license: Option<i64>,
    /// Why the case was opened, when this attempt opens one.
    #[arg(long)]
    pub trigger: Option<String>,
    /// When the call started, RFC 3339 with your offset [default: now, in this computer's offset].
    #[arg(long, value_name = "TIME")]
    pub started_at: Option<String>,
    #[arg(long, value_name = "TIME")]
    pub ended_at: Option<String>,
    /// The number dialled (digits, spaces, + - ( ); full-width accepted).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
    /// phone (default), online, sms_link, chat or other.
    #[arg(long)]
    pub method: Option<String>,
    /// toll_free or toll.
    #[arg(long)]
    pub number_kind: Option<String>,
    /// mobile, landline or other.
    #[arg(long)]
    pub called_from: Option<String>,
    /// ISO 3166 alpha-2, e.g. JP.
    #[arg(long)]
    pub country: Option<String>,
    /// What the phone menu activates: windows, office or other.
    #[arg(long)]
    pub ivr_product: Option<String>,
    /// The Installation ID (spaces, hyphens, full-width digits accepted).
    #[arg(long, value_name = "DIGITS")]
    pub iid: Option<String>,
    /// confirmed, not_confirmed, input_error, not_offered or skipped.
    #[arg(long)]
    pub ivr_result: Option<String>,
    /// A group the menu made you type again (repeat the flag).
    #[arg(long = "group-reentered", value_name = "N")]
    pub groups_reentered: Vec<i64>,
    /// not_needed, unavailable, reached or abandoned.
    #[arg(long)]
    pub operator_outcome: Option<String>,
    /// Seconds in the operator queue.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub wait: Option<i64>,
    /// 1–5.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub rating: Option<i64>,
    /// TOPIC:QUESTION=ANSWER, in the order asked (repeat the flag); QUESTION and ANSWER may be empty.
    #[arg(long = "question", value_name = "TOPIC:QUESTION=ANSWER")]
    pub questions: Vec<QuestionArg>,
    /// The Confirmation ID.
    #[arg(long, value_name = "DIGITS")]
    pub cid: Option<String>,
    /// activated or not_activated.
    #[arg(long)]
    pub result: Option<String>,
    /// Why not (required with not_activated).
    #[arg(long)]
    pub failure_reason: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

/// `case …`
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// The cases (one goal each: a license activated on a machine).
    #[command(
        after_help = "Examples:\n  activation-journal case list --status open\n  activation-journal case list --machine \"PC 1\""
    )]
    List {
        /// Only this machine (name or id).
        #[arg(long)]
        machine: Option<String>,
        /// Only this license (id).
        #[arg(long, value_name = "ID")]
        license: Option<i64>,
        /// open, activated or abandoned.
        #[arg(long, value_parser = closed::<CaseStatus>())]
        status: Option<CaseStatus>,
        #[command(flatten)]
        paging: Paging,
    },
    /// One case and its calls.
    #[command(after_help = "Example:\n  activation-journal case show 3")]
    Show {
        /// The case's id.
        id: i64,
        /// Print the API's JSON (the case's) instead of tables.
        #[arg(long)]
        json: bool,
    },
}

/// `follow-up …`
#[derive(Debug, Subcommand)]
pub enum FollowUpCommand {
    /// Note something to do about a machine (or one of its cases).
    #[command(
        after_help = "Example:\n  activation-journal follow-up add --machine \"PC 2\" \"call back before 18:00\" --due 2014-05-11"
    )]
    Add {
        /// What to do.
        text: String,
        /// The machine (name or id); not needed with --case.
        #[arg(long)]
        machine: Option<String>,
        /// The case it is about (id).
        #[arg(long = "case", value_name = "ID")]
        case_id: Option<i64>,
        /// YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Follow-ups (those not done, unless --done or --any).
    #[command(after_help = "Example:\n  activation-journal follow-up list --machine \"PC 2\"")]
    List {
        /// Only this machine (name or id).
        #[arg(long)]
        machine: Option<String>,
        /// Only those done.
        #[arg(long, conflicts_with = "any")]
        done: bool,
        /// Done or not.
        #[arg(long)]
        any: bool,
        #[command(flatten)]
        paging: Paging,
    },
    /// Mark a follow-up done.
    #[command(after_help = "Example:\n  activation-journal follow-up done 4")]
    Done {
        /// Its id.
        id: i64,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// A closed set's values as clap's possible values.
pub fn closed<T: crate::domain::enums::ClosedSet>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(T::all().iter().map(|n| n.name())).try_map(|s| s.parse::<T>())
}

/// A refusal of what was given, nothing stored.
fn refused(e: FieldErrors) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The answer of a write, refused input named after the flags.
fn stored<T>(r: Result<Created<T>, crate::store::StoreError>) -> anyhow::Result<T> {
    match r {
        Ok(Created::New(v)) => Ok(v),
        Ok(Created::Replay { .. }) => anyhow::bail!("the journal answered a replay to a command-line write"),
        Err(crate::store::StoreError::Invalid(e)) => Err(refused(flags_named(e))),
        Err(e) => Err(e.into()),
    }
}

/// A body built from flags, parsed as the API parses that body; refusals
/// named after the flags.
pub fn parse_body<W, D>(body: W) -> anyhow::Result<D>
where
    D: for<'a> TryFrom<&'a W, Error = FieldErrors>,
{
    D::try_from(&body).map_err(|e| refused(flags_named(e)))
}

/// A flag as a body field: absent when not given.
pub fn given<T: Clone>(v: &Option<T>) -> Field<T> {
    v.clone().map(Some)
}

/// Print a value as the API's JSON, one line.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    print_out(format!("{}\n", serde_json::to_string(value)?).as_bytes())?;
    Ok(())
}

fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED).set_header(header.to_vec());
    t
}

fn print_table(t: &comfy_table::Table) -> anyhow::Result<()> {
    print_out(format!("{t}\n").as_bytes())?;
    Ok(())
}

/// After a page with more: the same command with `--cursor`.
fn more(next: &Option<String>, command: &str) {
    if let Some(c) = next {
        eprintln!("more: activation-journal {command} --cursor {c}");
    }
}

/// A caller time as written, in its own offset: `2014-05-10 10:05 +09:00`.
pub fn local(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.format("%Y-%m-%d %H:%M %:z").to_string())
        .unwrap_or_else(|_| at.to_string())
}

/// A UTC stamp in this computer's time zone: `2014-05-10 10:05 +09:00`.
pub fn here(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M %:z").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn or_dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_else(|| "-".into())
}

/// A license as people name it: `Windows 8.1 Pro (retail_box)`.
pub fn license_label(l: &License) -> String {
    match &l.edition {
        Some(e) => format!("{} {e} ({})", l.product, l.channel),
        None => format!("{} ({})", l.product, l.channel),
    }
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
        anyhow::bail!(
            "--machine: there is no machine named \"{given}\"; the journal has no machines yet (machine add NAME)"
        )
    }
    anyhow::bail!("--machine: there is no machine named \"{given}\"; there are {}", names.join(", "))
}

/// Names of machines and labels of licenses, looked up once each.
#[derive(Default)]
pub struct Names {
    machines: HashMap<i64, String>,
    licenses: HashMap<i64, String>,
}

impl Names {
    async fn machine(&mut self, store: &Store, id: i64) -> String {
        if let Some(n) = self.machines.get(&id) {
            return n.clone();
        }
        let n = store.machine(id, true).await.map(|m| m.name).unwrap_or_else(|_| format!("machine {id}"));
        self.machines.insert(id, n.clone());
        n
    }

    async fn license(&mut self, store: &Store, id: i64) -> String {
        if let Some(n) = self.licenses.get(&id) {
            return n.clone();
        }
        let n = store.license(id, true).await.map(|l| license_label(&l)).unwrap_or_else(|_| format!("license {id}"));
        self.licenses.insert(id, n.clone());
        n
    }
}

fn machines_table(rows: &[Machine]) -> comfy_table::Table {
    let mut t = table(&["id", "name", "owner", "notes", "added"]);
    for m in rows {
        t.add_row(vec![m.id.to_string(), m.name.clone(), or_dash(&m.owner), or_dash(&m.notes), here(&m.created_at)]);
    }
    t
}

fn licenses_table(rows: &[License]) -> comfy_table::Table {
    let mut t = table(&["id", "product", "edition", "channel", "bought from", "on", "box", "product key"]);
    for l in rows {
        t.add_row(vec![
            l.id.to_string(),
            l.product.clone(),
            or_dash(&l.edition),
            l.channel.to_string(),
            or_dash(&l.purchased_from),
            or_dash(&l.purchased_on),
            or_dash(&l.box_colour),
            or_dash(&l.product_key_masked),
        ]);
    }
    t
}

/// Attempts as people read them: when (own offset), where, what happened.
pub async fn attempts_table(store: &Store, names: &mut Names, rows: &[Attempt]) -> comfy_table::Table {
    let mut t = table(&["id", "when", "machine", "license", "IVR", "operator", "wait", "asked", "result"]);
    for a in rows {
        let result = match (&a.result, &a.failure_reason) {
            (Some(r), Some(why)) => format!("{r} ({why})"),
            (Some(r), None) => r.to_string(),
            _ => "-".into(),
        };
        let asked: Vec<String> = a.questions.iter().map(|q| q.topic.to_string()).collect();
        t.add_row(vec![
            a.id.to_string(),
            local(&a.started_at),
            names.machine(store, a.machine_id).await,
            names.license(store, a.license_id).await,
            or_dash(&a.ivr_result),
            or_dash(&a.operator_outcome),
            a.wait_seconds.map(minutes).unwrap_or_else(|| "-".into()),
            if asked.is_empty() { "-".into() } else { asked.join(", ") },
            result,
        ]);
    }
    t
}

/// Seconds as `3:05`.
pub fn minutes(s: i64) -> String {
    format!("{}:{:02}", s / 60, s % 60)
}

async fn cases_table(store: &Store, names: &mut Names, rows: &[Case]) -> comfy_table::Table {
    let mut t = table(&["id", "machine", "license", "trigger", "status", "opened", "closed", "notes"]);
    for c in rows {
        t.add_row(vec![
            c.id.to_string(),
            names.machine(store, c.machine_id).await,
            names.license(store, c.license_id).await,
            c.trigger.to_string(),
            c.status.to_string(),
            here(&c.opened_at),
            c.closed_at.as_deref().map(here).unwrap_or_else(|| "-".into()),
            or_dash(&c.notes),
        ]);
    }
    t
}

async fn follow_ups_table(store: &Store, names: &mut Names, rows: &[FollowUp]) -> comfy_table::Table {
    let mut t = table(&["id", "machine", "case", "to do", "due", "done"]);
    for f in rows {
        t.add_row(vec![
            f.id.to_string(),
            names.machine(store, f.machine_id).await,
            or_dash(&f.case_id),
            f.text.clone(),
            or_dash(&f.due_on),
            if f.done { "yes".into() } else { "no".into() },
        ]);
    }
    t
}

pub async fn machine_command(store: &Store, c: MachineCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        MachineCommand::Add { name, owner, notes, json } => {
            let m: crate::domain::NewMachine =
                parse_body(MachineCreate { name: Some(Some(name)), owner: given(&owner), notes: given(&notes) })?;
            let m = match store.create_machine(&WriteCtx::new(&actor), &m).await {
                Err(crate::store::StoreError::Conflict(msg)) => anyhow::bail!("NAME: {msg}"),
                r => stored(r)?,
            };
            if json {
                return print_json(&m);
            }
            print_table(&machines_table(std::slice::from_ref(&m)))
        }
        MachineCommand::List(p) => {
            let page = store.machines(&p.page()?).await?;
            if p.json {
                return print_json(&page);
            }
            print_table(&machines_table(&page.items))?;
            more(&page.next_cursor, "machine list");
            Ok(())
        }
        MachineCommand::Show { machine: given, json, limit, cursor } => {
            let m = machine(store, &given).await?;
            let page = TimePageRequest::parse(limit, cursor.as_deref(), false).map_err(|e| refused(flags_named(e)))?;
            let timeline = store.timeline(m.id, &page).await?;
            if json {
                return print_json(&timeline);
            }
            print_table(&machines_table(std::slice::from_ref(&m)))?;
            let mut names = Names::default();
            let mut t = table(&["when", "what", "id", "details"]);
            for e in &timeline.events {
                use crate::store::TimelineEvent as E;
                let row = match e {
                    E::HardwareChange { hardware_change: h, .. } => vec![
                        h.changed_on.to_string(),
                        "hardware change".into(),
                        h.id.to_string(),
                        format!(
                            "replaced {}",
                            h.parts_replaced.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
                        ),
                    ],
                    E::Case { case: c, .. } => vec![
                        here(&c.opened_at),
                        "case opened".into(),
                        c.id.to_string(),
                        format!("{}, {} ({})", names.license(store, c.license_id).await, c.status, c.trigger),
                    ],
                    E::Attempt { attempt: a, .. } => vec![
                        local(&a.started_at),
                        "call".into(),
                        a.id.to_string(),
                        format!(
                            "IVR {}, operator {}{}, {}",
                            or_dash(&a.ivr_result),
                            or_dash(&a.operator_outcome),
                            a.wait_seconds.map(|w| format!(" after {}", minutes(w))).unwrap_or_default(),
                            or_dash(&a.result)
                        ),
                    ],
                    E::FollowUp { follow_up: f, .. } => vec![
                        f.due_on.map(|d| d.to_string()).unwrap_or_else(|| here(&f.created_at)),
                        "follow-up".into(),
                        f.id.to_string(),
                        format!("{}{}", f.text, if f.done { " (done)" } else { "" }),
                    ],
                };
                t.add_row(row);
            }
            print_table(&t)?;
            more(&timeline.next_cursor, &format!("machine show {given:?}"));
            Ok(())
        }
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
        inquire::Password::new("Product key (not shown):")
            .without_confirmation()
            .with_display_mode(inquire::PasswordDisplayMode::Hidden)
            .prompt()
            .map_err(|e| anyhow::anyhow!("no product key read: {e}"))?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        anyhow::bail!("--key: no product key was given (stdin was empty)");
    }
    Ok(key)
}

pub async fn license_command(store: &Store, c: LicenseCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        LicenseCommand::Add { license, key, json } => {
            let key = if key { Some(read_key()?) } else { None };
            let l: crate::domain::NewLicense = parse_body(license_body(&license, key))?;
            let l = stored(store.create_license(&WriteCtx::new(&actor), &l).await)?;
            if json {
                return print_json(&l);
            }
            print_table(&licenses_table(std::slice::from_ref(&l)))
        }
        LicenseCommand::List(p) => {
            let page = store.licenses(&p.page()?).await?;
            if p.json {
                return print_json(&page);
            }
            print_table(&licenses_table(&page.items))?;
            more(&page.next_cursor, "license list");
            Ok(())
        }
    }
}

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

/// The body of an attempt from what was given; the machine is resolved by
/// name first. `started_at` defaults to now in this computer's offset.
pub async fn attempt_body(store: &Store, a: &AttemptFlags) -> anyhow::Result<crate::domain::NewAttempt> {
    let machine_id = match &a.machine {
        Some(m) => Some(machine(store, m).await?.id),
        None => None,
    };
    let questions = a.questions.iter().map(QuestionArg::body).collect::<Vec<_>>();
    parse_body(AttemptCreate {
        case_id: None,
        machine_id: given(&machine_id),
        license_id: given(&a.license),
        trigger: given(&a.trigger),
        started_at: Some(Some(a.started_at.clone().unwrap_or_else(now_here))),
        ended_at: given(&a.ended_at),
        phone_number: given(&a.phone_number),
        method: given(&a.method),
        number_kind: given(&a.number_kind),
        called_from: given(&a.called_from),
        country: given(&a.country),
        ivr_product: given(&a.ivr_product),
        installation_id: given(&a.iid),
        ivr_result: given(&a.ivr_result),
        groups_reentered: (!a.groups_reentered.is_empty()).then(|| Some(a.groups_reentered.clone())),
        operator_outcome: given(&a.operator_outcome),
        wait_seconds: given(&a.wait),
        operator_rating: given(&a.rating),
        questions: (!questions.is_empty()).then_some(Some(questions)),
        confirmation_id: given(&a.cid),
        result: given(&a.result),
        failure_reason: given(&a.failure_reason),
        notes: given(&a.notes),
    })
}

/// Now, in this computer's offset, to the second.
pub fn now_here() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

pub async fn attempt_command(store: &Store, c: AttemptCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match c {
        AttemptCommand::Add { attempt, json } => {
            if attempt.machine.is_none() || attempt.license.is_none() {
                anyhow::bail!("--machine and --license are required (an attempt is about a license on a machine)");
            }
            let a = attempt_body(store, &attempt).await?;
            let a = stored(store.create_attempt(&WriteCtx::new(&actor), &a).await)?;
            if json {
                return print_json(&a);
            }
            print_table(&attempts_table(store, &mut Names::default(), std::slice::from_ref(&a)).await)?;
            for w in &a.warnings {
                eprintln!("warning: {w}");
            }
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
            print_table(&attempts_table(store, &mut Names::default(), &rows.items).await)?;
            more(&rows.next_cursor, "attempt list");
            Ok(())
        }
    }
}

pub async fn case_command(store: &Store, c: CaseCommand) -> anyhow::Result<()> {
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
            print_table(&cases_table(store, &mut Names::default(), &rows.items).await)?;
            more(&rows.next_cursor, "case list");
            Ok(())
        }
        CaseCommand::Show { id, json } => {
            let case = store.case(id, false).await?;
            if json {
                return print_json(&case);
            }
            let mut names = Names::default();
            print_table(&cases_table(store, &mut names, std::slice::from_ref(&case)).await)?;
            let filter = AttemptFilter { case_id: Some(id), ..AttemptFilter::default() };
            let page = TimePageRequest::parse(Some(crate::domain::page::MAX_LIMIT), None, false)
                .map_err(|e| refused(flags_named(e)))?;
            let calls = store.attempts_newest_first(&page, &filter).await?;
            print_table(&attempts_table(store, &mut names, &calls.items).await)?;
            if calls.next_cursor.is_some() {
                eprintln!("more calls: activation-journal attempt list --case {id}");
            }
            Ok(())
        }
    }
}

pub async fn follow_up_command(store: &Store, c: FollowUpCommand) -> anyhow::Result<()> {
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
            print_table(&follow_ups_table(store, &mut Names::default(), std::slice::from_ref(&f)).await)
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
            print_table(&follow_ups_table(store, &mut Names::default(), &rows.items).await)?;
            more(&rows.next_cursor, "follow-up list");
            Ok(())
        }
        FollowUpCommand::Done { id, json } => {
            let patch: crate::domain::FollowUpPatch =
                parse_body(FollowUpFields { done: Some(Some(true)), ..Default::default() })?;
            let f = store.update_follow_up(&WriteCtx::new(&actor), id, &patch).await?;
            if json {
                return print_json(&f);
            }
            print_table(&follow_ups_table(store, &mut Names::default(), std::slice::from_ref(&f)).await)
        }
    }
}

/// `search TEXT`: what matches, newest first.
pub async fn search(store: &Store, words: &[String], paging: &Paging) -> anyhow::Result<()> {
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
        eprintln!("nothing matches {joined:?}");
        return Ok(());
    }
    let mut t = table(&["what", "id", "where it matches"]);
    for h in &hits.items {
        t.add_row(vec![h.entity.to_string(), h.id.to_string(), h.snippet.clone()]);
    }
    print_table(&t)?;
    more(&hits.next_cursor, &format!("search {joined:?}"));
    Ok(())
}
