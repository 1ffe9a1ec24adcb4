//! Recording, reading and correcting without curl: `machine`,
//! `hardware-change`, `license`, `attempt`, `case`, `follow-up` and `search`.
//!
//! What a command is given is turned into the API's request body and
//! parsed by the same wire and domain code as a POST, so a flag is refused
//! for the same reason and in the same words as the field (named after the
//! flag: `--wait: must be between 0 and 86400`). `--json` prints exactly
//! what the API answers; tables show names, and times in each attempt's own
//! offset (UTC stamps, such as a case's, in this computer's time zone).

mod attach;
mod attempt;
mod commands;
mod correct;
mod show;

pub use attach::{attach, attachment_command, list as attachments, AttachmentCommand};
pub use attempt::{attempt_command, now_here, AttemptEditArgs, QuestionArg};
pub use commands::{case_command, follow_up_command, license_body, license_command, machine_command, search};
pub use correct::hardware_change_command;
pub use show::{license_label, local, machine, minutes};

use clap::{Args, Subcommand};

use super::flags_named;
use crate::domain::{AttemptResult, CaseStatus, FieldErrors, OperatorOutcome, PageRequest};
use crate::store::Created;
use crate::wire::Field;
use correct::{
    CaseEdit, Edit, FollowUpEdit, HardwareChangeAdd, HardwareChangeEdit, LicenseEdit, MachineEdit, Shown, Target,
};

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
    /// Change a machine: only the fields given (`--clear FIELD` empties one).
    #[command(
        after_help = "Examples:\n  activation-journal machine edit 2 --name \"PC 2 (study)\" --owner Aiko\n  activation-journal machine edit 2 --clear notes"
    )]
    Edit(Edit<MachineEdit>),
    /// Archive a machine, with its cases, calls and follow-ups (out of lists and summaries; `unarchive` undoes it).
    #[command(after_help = "Example:\n  activation-journal machine archive 2")]
    Archive(Target),
    /// Bring an archived machine back, with what was archived with it.
    #[command(after_help = "Example:\n  activation-journal machine unarchive 2")]
    Unarchive(Shown),
}

/// `hardware-change …`
#[derive(Debug, Subcommand)]
pub enum HardwareChangeCommand {
    /// Record a hardware change of a machine (what was replaced, what was kept).
    #[command(
        after_help = "Example:\n  activation-journal hardware-change add --machine \"PC 1\" --changed-on 2014-05-09 \\\n      --parts-replaced motherboard,cpu,memory,gpu --parts-kept storage,optical"
    )]
    Add {
        /// The machine (name or id).
        #[arg(long)]
        machine: String,
        #[command(flatten)]
        fields: super::declared::Declared<HardwareChangeAdd>,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A machine's hardware changes.
    #[command(after_help = "Example:\n  activation-journal hardware-change list --machine \"PC 1\"")]
    List {
        /// The machine (name or id).
        #[arg(long)]
        machine: String,
        #[command(flatten)]
        paging: Paging,
    },
    /// Change a hardware change: only the fields given (`--clear FIELD` empties one).
    #[command(
        after_help = "Example:\n  activation-journal hardware-change edit 1 --parts-kept storage,optical --os-reinstalled false"
    )]
    Edit(Edit<HardwareChangeEdit>),
    /// Archive a hardware change (`unarchive` undoes it).
    #[command(after_help = "Example:\n  activation-journal hardware-change archive 1")]
    Archive(Target),
    /// Bring an archived hardware change back.
    #[command(after_help = "Example:\n  activation-journal hardware-change unarchive 1")]
    Unarchive(Shown),
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
    /// Change a license: only the fields given (`--clear FIELD` empties one; `--clear product-key` removes the key).
    #[command(
        after_help = "Examples:\n  activation-journal license edit 1 --box-colour blue --purchased-on 2014-04-29\n  activation-journal license edit 1 --key        # a new product key, read without echo"
    )]
    Edit {
        #[command(flatten)]
        edit: Edit<LicenseEdit>,
        /// Ask for a new product key (read without echo; from stdin, one line, when it is not a terminal).
        #[arg(long)]
        key: bool,
    },
    /// Archive a license, with its cases and calls (`unarchive` undoes it).
    #[command(after_help = "Example:\n  activation-journal license archive 1")]
    Archive(Target),
    /// Bring an archived license back, with what was archived with it.
    #[command(after_help = "Example:\n  activation-journal license unarchive 1")]
    Unarchive(Shown),
    /// Print a license's product key in clear, to a terminal only (audited).
    #[command(
        after_help = "Examples:\n  activation-journal license reveal 1\n  activation-journal license reveal 1 --force | xclip   # into a pipe, on purpose"
    )]
    Reveal {
        /// The license's id.
        id: i64,
        /// Print it into a pipe or a file too.
        #[arg(long)]
        force: bool,
    },
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
        /// Store the attempt once however often the command is run with this key and the same flags
        /// (a retry after a failure, or a script run twice answers the first row); 1–255 characters.
        #[arg(long, value_name = "KEY")]
        idempotency_key: Option<String>,
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
    /// Change an attempt: only the fields given (`--clear FIELD` empties one).
    #[command(
        after_help = "Examples:\n  activation-journal attempt edit 7 --result not_activated --failure-reason operator_unavailable\n  activation-journal attempt edit 7 --wait-seconds 180 --clear notes\n  activation-journal attempt edit 7 --question \"edition:Which edition?=Pro\" --question \"box_colour:=blue\""
    )]
    Edit(AttemptEditArgs),
    /// Archive an attempt (out of lists and summaries; `unarchive` undoes it).
    #[command(after_help = "Example:\n  activation-journal attempt archive 7")]
    Archive(Target),
    /// Bring an archived attempt back.
    #[command(after_help = "Example:\n  activation-journal attempt unarchive 7")]
    Unarchive(Shown),
}

/// The fields of an attempt with flags of their own (the rest are made
/// from the attempt's field declarations, see [`super::declared`]).
#[derive(Debug)]
pub struct AttemptSet;

impl super::declared::FlagSet for AttemptSet {
    type Body = crate::wire::AttemptCreate;
    const OWN: &'static [&'static str] = &[
        "case_id",
        "machine_id",
        "license_id",
        "installation_id",
        "groups_reentered",
        "wait_seconds",
        "operator_rating",
        "confirmation_id",
    ];
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
    /// The Installation ID (spaces, hyphens, full-width digits accepted).
    #[arg(long, value_name = "DIGITS")]
    pub iid: Option<String>,
    /// A group the menu made you type again (repeat the flag).
    #[arg(long = "group-reentered", value_name = "N")]
    pub groups_reentered: Vec<i64>,
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
    /// The attempt's other fields, one flag each (`--started-at` defaults
    /// to now, in this computer's offset).
    #[command(flatten)]
    pub fields: super::declared::Declared<AttemptSet>,
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
    /// Change a case: only the fields given; `--status abandoned` gives up on it, `--status open` reopens it.
    #[command(
        after_help = "Examples:\n  activation-journal case edit 3 --status abandoned --notes \"bought a new license\"\n  activation-journal case edit 3 --status open"
    )]
    Edit(Edit<CaseEdit>),
    /// Archive a case, with its calls (`unarchive` undoes it).
    #[command(after_help = "Example:\n  activation-journal case archive 3")]
    Archive(Target),
    /// Bring an archived case back, with its calls.
    #[command(after_help = "Example:\n  activation-journal case unarchive 3")]
    Unarchive(Shown),
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
    /// Change a follow-up: only the fields given (`--clear FIELD` empties one).
    #[command(
        after_help = "Examples:\n  activation-journal follow-up edit 4 --due-on 2014-05-20\n  activation-journal follow-up edit 4 --done false"
    )]
    Edit(Edit<FollowUpEdit>),
    /// Archive a follow-up (`unarchive` undoes it).
    #[command(after_help = "Example:\n  activation-journal follow-up archive 4")]
    Archive(Target),
    /// Bring an archived follow-up back.
    #[command(after_help = "Example:\n  activation-journal follow-up unarchive 4")]
    Unarchive(Shown),
}

/// A closed set's values as clap's possible values.
pub fn closed<T: crate::domain::enums::ClosedSet>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(T::all().iter().map(|n| n.name())).try_map(|s| s.parse::<T>())
}

/// A refusal of what was given, nothing stored (said in the run's
/// language when printed).
fn refused(e: FieldErrors) -> anyhow::Error {
    anyhow::Error::new(e)
}

/// The answer of a write, refused input named after the flags; a write
/// retried with its idempotency key answers the row the first one stored.
fn stored<T: serde::de::DeserializeOwned>(r: Result<Created<T>, crate::store::StoreError>) -> anyhow::Result<T> {
    match r {
        Ok(Created::New(v)) => Ok(v),
        Ok(Created::Replay { body, entity_id, .. }) => serde_json::from_str(&body).map_err(|e| {
            let msg = crate::i18n::Msg::new("cli.err.replay_unreadable").arg("id", entity_id).arg("detail", e);
            anyhow::Error::new(msg)
        }),
        Err(crate::store::StoreError::Invalid(e)) => Err(refused(flags_named(e))),
        Err(crate::store::StoreError::IdempotencyMismatch) => {
            anyhow::bail!(crate::cli::lang::s("cli.err.key_used"))
        }
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
