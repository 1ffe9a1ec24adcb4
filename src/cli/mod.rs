//! The command line (clap): definitions and the commands' bodies.
//!
//! Every command takes `--db` and `--key-file` the same way (flag, or
//! `DATABASE_URL` / `ACTIVATION_JOURNAL_KEY_FILE`, or the default), opens
//! the store through one path (which migrates, and refuses a newer
//! database) and reports failure as one lower-case line on stderr with exit
//! code 1; clap reports usage errors with exit code 2. Only `serve`,
//! `migrate`, `demo`, `import` and `restore` create a journal that does not
//! exist; the others name the path they looked at (exit code 2).

mod call;
mod declared;
pub mod hint;
pub mod lang;
mod portable;
mod record;
mod reports;
pub mod table;
pub mod usage;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use table::OutputFormat;

use crate::config::{Flags, Settings};
use crate::domain::Scope;
use crate::portable::Format;
use crate::store::{Actor, Store};
use anyhow::Context as _;

const EXAMPLES: &str = "\
Examples:
  activation-journal serve                         # serve ./activation-journal.db on 127.0.0.1:8080
  activation-journal --db /srv/journal.db migrate  # create or upgrade a database and exit
  activation-journal token create --name phone --scope read
  activation-journal export --out journal.json     # everything but product keys, as JSON
  activation-journal --db new.db import journal.json";

/// A journal of software-licence activation attempts made by phone.
#[derive(Debug, Parser)]
#[command(name = "activation-journal", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// The SQLite database file [env: DATABASE_URL=sqlite:PATH] [default: activation-journal.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The key file that seals product keys [env: ACTIVATION_JOURNAL_KEY_FILE] [default: <db>.key]
    #[arg(long, global = true, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Who checkpoints the WAL: journal, or litestream while Litestream replicates the database (the journal then
    /// checkpoints only past 10,000 WAL pages) [env: ACTIVATION_JOURNAL_CHECKPOINTS] [default: journal]
    #[arg(long, global = true, value_name = "WHO")]
    pub checkpoints: Option<String>,
    /// The household's time zone, an IANA name like Asia/Tokyo, for times typed without an offset; wins over the
    /// one kept in the journal [env: ACTIVATION_JOURNAL_TIME_ZONE] [default: the journal's, else the system's]
    #[arg(long, global = true, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// How to print: table (fitted to the terminal or COLUMNS) or tsv (for scripts) for lists, summaries and
    /// audit; json or csv for export [default: table; export: json]
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<table::OutputFormat>,
    /// The language of prompts, tables and messages: en or ja (clap's own help stays English)
    /// [default: from LC_ALL, LC_MESSAGES or LANG; English for C, POSIX and languages without a catalogue]
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<lang::LangArg>,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, then serve the REST API until SIGINT or SIGTERM.
    #[command(after_help = "Example:\n  activation-journal serve --bind 127.0.0.1:8080")]
    Serve {
        /// Where to listen [env: ACTIVATION_JOURNAL_BIND] [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Apply the database migrations and exit.
    #[command(after_help = "Example:\n  activation-journal --db journal.db migrate")]
    Migrate,
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a consistent copy of the database (safe while a server runs).
    #[command(after_help = "Example:\n  activation-journal backup journal-2026-11-25.db")]
    Backup {
        /// Where to write the copy.
        file: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
        /// Also copy the key file beside the backup, as FILE.key (readable by its owner only).
        #[arg(long)]
        with_key: bool,
    },
    /// Replace the database with a backup, after checking it; the current one is kept aside.
    #[command(after_help = "Example:\n  activation-journal restore journal-2026-11-25.db")]
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// Write the whole journal as JSON, or as a zip of CSV files (stdout when no --out).
    #[command(
        after_help = "Examples:\n  activation-journal export --out journal.json\n  activation-journal export --format csv --out journal.zip\n  activation-journal export --include-secrets --out keys.json   # product keys in clear"
    )]
    Export {
        /// Where to write it (stdout when not given).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Put product keys, and answers holding one, in clear (the file is made readable by you only).
        #[arg(long)]
        include_secrets: bool,
        /// Replace --out if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Add the rows of an export (JSON, or CSV zip) to the journal: all of them or, on any error, none.
    #[command(
        after_help = "Examples:\n  activation-journal --db new.db import journal.json\n  activation-journal import journal.zip\n\nRows already in the journal with the same id and content are left alone, so importing a file twice adds nothing."
    )]
    Import {
        /// The export to read (`-` for stdin).
        file: PathBuf,
    },
    /// Record one phone call as it happens: machine and license, the Installation ID group by group,
    /// the menu, the queue (timed), what was asked, the Confirmation ID, the result.
    #[command(
        after_help = "Examples:\n  activation-journal call\n  activation-journal call --machine \"PC 1\" --license 1\n  activation-journal call --resume\n\nEach answer is checked as it is typed; < goes back one question. Ctrl-C, Ctrl-D or Esc stops and offers to keep a draft (in $XDG_STATE_HOME/activation-journal, product keys left out); a call the journal refuses is kept as one. `call --resume` goes on with it and stores the call once. To record from a script, use `attempt add`."
    )]
    Call {
        /// Start with this machine (name or id) instead of picking it.
        #[arg(long)]
        machine: Option<String>,
        /// Start with this license (id) instead of picking it.
        #[arg(long, value_name = "ID")]
        license: Option<i64>,
        /// Go on with the call kept as a draft (stopped, or refused by the journal), and store it once.
        #[arg(long, conflicts_with_all = ["machine", "license", "at"])]
        resume: bool,
        /// When the call started, for a call recorded afterwards: a local time like "2016-03-26 18:00" (the
        /// household's time zone) or 2016-03-26T18:00:00+09:00 [default: now]
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Machines: add, list, show (with its history), edit, archive, unarchive.
    #[command(subcommand)]
    Machine(record::MachineCommand),
    /// Hardware changes of a machine: add, list, edit, archive, unarchive.
    #[command(subcommand, name = "hardware-change")]
    HardwareChange(record::HardwareChangeCommand),
    /// Licenses: add (the product key read without echo), list (keys masked), edit, archive, unarchive, reveal.
    #[command(subcommand)]
    License(record::LicenseCommand),
    /// Attempts: add from flags, list newest first, edit, archive, unarchive.
    #[command(subcommand)]
    Attempt(record::AttemptCommand),
    /// Cases: list, show with their calls, edit (give up on one, reopen it), archive, unarchive.
    #[command(subcommand)]
    Case(record::CaseCommand),
    /// Follow-ups: add, list, done, edit, archive, unarchive.
    #[command(subcommand, name = "follow-up")]
    FollowUp(record::FollowUpCommand),
    /// Attach a photo (JPEG, PNG, WebP) or a PDF to a license, machine, case or attempt: location data is taken
    /// out, a thumbnail made, the file kept sealed in the journal.
    #[command(
        after_help = "Examples:\n  activation-journal attach license 2 sticker.jpg --caption \"the key sticker\"\n  activation-journal attach attempt 14 screen.png"
    )]
    Attach {
        /// What it is attached to.
        #[arg(value_parser = record::closed::<crate::domain::AttachedTo>())]
        entity: crate::domain::AttachedTo,
        /// Its id.
        id: i64,
        /// The file (at most 20 MiB; its type is read from its contents).
        file: std::path::PathBuf,
        /// What it shows (one line, at most 200 characters).
        #[arg(long)]
        caption: Option<String>,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The photos and files of a license, machine, case or attempt.
    #[command(after_help = "Example:\n  activation-journal attachments license 2")]
    Attachments {
        #[arg(value_parser = record::closed::<crate::domain::AttachedTo>())]
        entity: crate::domain::AttachedTo,
        /// Its id.
        id: i64,
        #[command(flatten)]
        paging: record::Paging,
    },
    /// One attachment: get its file, archive, unarchive.
    #[command(subcommand)]
    Attachment(record::AttachmentCommand),
    /// Find machines, licenses, cases, calls and follow-ups by their text (Japanese too), newest first.
    #[command(
        after_help = "Examples:\n  activation-journal search 箱の色\n  activation-journal search yodobashi receipt"
    )]
    Search {
        /// Words that must all appear (case and width do not matter).
        #[arg(required = true, value_name = "TEXT")]
        text: Vec<String>,
        #[command(flatten)]
        paging: record::Paging,
    },
    /// Load the story of two PCs whose motherboards were swapped into an empty journal.
    #[command(
        after_help = "Example:\n  activation-journal --db demo.db demo && activation-journal --db demo.db summary hours"
    )]
    Demo,
    /// The audit log, newest first: every write and every key reveal (field names, never values).
    #[command(
        after_help = "Examples:\n  activation-journal audit\n  activation-journal audit --entity license --from 2026-11-01"
    )]
    Audit {
        /// Only rows about this kind of entity.
        #[arg(long, value_parser = record::closed::<crate::domain::AuditEntity>())]
        entity: Option<crate::domain::AuditEntity>,
        /// Only rows about this entity id.
        #[arg(long, value_name = "ID")]
        entity_id: Option<i64>,
        /// Only what this token did (its name; `cli` for the command line).
        #[arg(long, value_name = "NAME")]
        token: Option<String>,
        /// From this UTC date (YYYY-MM-DD) or RFC 3339 time, inclusive.
        #[arg(long, value_name = "WHEN")]
        from: Option<String>,
        /// To this UTC date or RFC 3339 time, inclusive.
        #[arg(long, value_name = "WHEN")]
        to: Option<String>,
        /// Rows a page, 1–500 (default 50).
        #[arg(long, value_name = "N")]
        limit: Option<i64>,
        /// The page after this one (printed after a page with more).
        #[arg(long, value_name = "CURSOR")]
        cursor: Option<String>,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the shell's completion script for this command: bash, zsh, fish, elvish or powershell.
    #[command(
        after_help = "Examples:\n  activation-journal completions bash > ~/.local/share/bash-completion/completions/activation-journal\n  activation-journal completions zsh > ~/.zfunc/_activation-journal\n  activation-journal completions fish > ~/.config/fish/completions/activation-journal.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), made from these definitions.
    #[command(after_help = "Example:\n  activation-journal man > activation-journal.1 && man ./activation-journal.1")]
    Man,
    /// Answer a question of the journal: when to call, what they ask, how long the queue is…
    #[command(
        after_help = "Examples:\n  activation-journal summary hours\n  activation-journal summary wait-times --from 2014-05-01 --json"
    )]
    Summary {
        /// overview, retries, wait-times, hours, questions, licenses or open
        #[arg(value_parser = record::closed::<crate::summary::SummaryName>())]
        name: crate::summary::SummaryName,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// First local date, inclusive (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last local date, inclusive (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only this machine (id).
        #[arg(long, value_name = "ID")]
        machine: Option<i64>,
        /// Only this license (id).
        #[arg(long, value_name = "ID")]
        license: Option<i64>,
        /// retries only: cases a page, 1–500 (default 50).
        #[arg(long, value_name = "N")]
        limit: Option<i64>,
        /// retries only: the page after this one (printed after a page with more).
        #[arg(long, value_name = "CURSOR")]
        cursor: Option<String>,
    },
}

/// Token commands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token and print it alone on stdout (it is shown only once).
    #[command(after_help = "Example:\n  TOKEN=$(activation-journal token create --name phone --scope write)")]
    Create {
        /// A name to tell the token by.
        #[arg(long)]
        name: String,
        /// What the token may do.
        #[arg(long, value_enum, default_value_t = ScopeArg::Read)]
        scope: ScopeArg,
    },
    /// List tokens (names and scopes; never the tokens themselves).
    #[command(after_help = "Example:\n  activation-journal token list")]
    List,
    /// Revoke the live token with this name.
    #[command(after_help = "Example:\n  activation-journal token revoke phone")]
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// A token scope on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    /// Read everything but product keys.
    Read,
    /// Read and write, and reveal product keys.
    Write,
    /// Read the calendar feed (`/calendar.ics?token=...`) and nothing else.
    Calendar,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Self {
        match s {
            ScopeArg::Read => Scope::Read,
            ScopeArg::Write => Scope::Write,
            ScopeArg::Calendar => Scope::Calendar,
        }
    }
}

/// Parse the command line, run the command, and turn failure into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
            return usage::report(e, usage::language(&args));
        }
    };
    lang::set(lang::detect(cli.lang, |v| std::env::var(v).ok()));
    let serving = matches!(cli.command, Command::Serve { .. });
    init_tracing(if serving { "info" } else { "warn" });
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            let why = lang::t().msg(&crate::i18n::Msg::io(&e));
            eprintln!("{}: {}", lang::s("cli.err.prefix"), lang::f("cli.err.runtime", &[("detail", &why)]));
            return ExitCode::FAILURE;
        }
    };
    let error = lang::s("cli.err.prefix");
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<Cancelled>() => {
            eprintln!("{}", lang::s("cli.cancelled"));
            ExitCode::from(130)
        }
        Err(e) if e.is::<NoJournal>() => {
            eprintln!("{error}: {}", one_line(&e));
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("{error}: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The user stopped a command that asks questions (Ctrl-C, Esc, or no to
/// its last question) before it wrote anything: exit code 130, as after a
/// Ctrl-C, and no `error:`.
#[derive(Debug, thiserror::Error)]
#[error("cancelled: nothing was stored")]
pub struct Cancelled;

/// An error and its causes on one line, in the run's language.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = said_any(cause);
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

fn init_tracing(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).try_init();
}

/// A command that reads or adds to a journal was pointed at a file that
/// does not exist: it names the path it looked at and how to start a
/// journal there (exit code 2), instead of creating an empty one that a
/// running server knows nothing of.
#[derive(Debug, thiserror::Error)]
#[error(
    "there is no journal at {path}; name yours with --db or DATABASE_URL, or start one there with \
     `activation-journal --db {given} migrate` (serve, demo, import and restore create one too)"
)]
pub struct NoJournal {
    path: String,
    given: String,
}

/// Open an existing journal (migrating it): every command but those that
/// may start one ([`create`]). A journal whose file or folder is read-only
/// is opened for reading only: lists, summaries, search, export and backup
/// work, and a write says it cannot.
async fn open(settings: &Settings) -> anyhow::Result<Store> {
    if !settings.db.exists() {
        let path = std::path::absolute(&settings.db).unwrap_or_else(|_| settings.db.clone());
        return Err(NoJournal { path: path.display().to_string(), given: settings.db.display().to_string() }.into());
    }
    let folder = settings.db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if !(crate::store::read_only_place(&settings.db) || crate::store::read_only_place(folder)) {
        return create(settings).await;
    }
    let store = Store::open_read_only(&settings.db, &settings.key_file)
        .await
        .with_context(|| settings.db.display().to_string())?;
    store.fix_zone(settings.time_zone);
    Ok(store)
}

/// Open the journal, creating and migrating it when it does not exist yet
/// (`migrate`, `demo`, `import`; `serve` and `restore` do the same).
async fn create(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::open_with(&settings.db, &settings.key_file, settings.checkpoints)
        .await
        .with_context(|| settings.db.display().to_string())?;
    store.fix_zone(settings.time_zone);
    Ok(store)
}

/// Open the store, run `f` with it, close it (also when `f` failed).
async fn with_store(settings: &Settings, f: impl AsyncFnOnce(&Store) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let result = f(&store).await;
    store.close().await;
    result
}

/// Run one parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let bind = match &cli.command {
        Command::Serve { bind } => bind.clone(),
        _ => None,
    };
    let flags = Flags {
        db: cli.db.clone(),
        key_file: cli.key_file.clone(),
        bind,
        checkpoints: cli.checkpoints.clone(),
        time_zone: cli.time_zone.clone(),
    };
    let settings = Settings::from_env(&flags).map_err(anyhow::Error::msg)?;
    let exporting = matches!(cli.command, Command::Export { .. });
    let format = match (exporting, cli.format) {
        (true, None | Some(OutputFormat::Json)) => Format::Json,
        (true, Some(OutputFormat::Csv)) => Format::Csv,
        (true, Some(_)) => anyhow::bail!(lang::s("cli.err.export_format")),
        (false, Some(OutputFormat::Json | OutputFormat::Csv)) => anyhow::bail!(lang::s("cli.err.table_format")),
        (false, _) => Format::Json,
    };
    let words = table::Words::new(table::Output::detect(cli.format), lang::t().0);
    let x = &words;
    match cli.command {
        Command::Serve { .. } => crate::startup::serve(settings).await,
        Command::Migrate => {
            let store = create(&settings).await?;
            store.close().await;
            eprintln!("{}", lang::f("cli.done.migrated", &[("db", &settings.db.display().to_string())]));
            Ok(())
        }
        Command::Token(t) => {
            let store = open(&settings).await?;
            let result = token(&store, x, t).await;
            store.close().await;
            result
        }
        Command::Backup { file, force, with_key } => backup(&settings, &file, force, with_key).await,
        Command::Restore { file } => {
            let kept = crate::store::backup::restore(&settings.db, &settings.key_file, &file).await?;
            let path = file.display().to_string();
            match kept {
                Some(aside) => eprintln!(
                    "{}",
                    lang::f("cli.restored_aside", &[("path", &path), ("aside", &aside.display().to_string())])
                ),
                None => eprintln!("{}", lang::f("cli.restored", &[("path", &path)])),
            }
            Ok(())
        }
        Command::Export { out, include_secrets, force } => {
            portable::export(&settings, format, out, include_secrets, force).await
        }
        Command::Import { file } => portable::import(&settings, &file).await,
        Command::Audit { entity, entity_id, token, from, to, limit, cursor, json } => {
            let (page, filter) = reports::audit_query(entity, entity_id, token, from, to, limit, cursor)?;
            let store = open(&settings).await?;
            let result = store.audit_log(&page, &filter).await;
            store.close().await;
            reports::print_audit(x, &result?, json)
        }
        Command::Call { machine, license, resume, at } => {
            with_store(&settings, async |store| {
                call::run(store, &settings.db, call::Start { machine, license, resume, at }).await
            })
            .await
        }
        Command::Machine(c) => with_store(&settings, async |store| record::machine_command(store, x, c).await).await,
        Command::HardwareChange(c) => {
            with_store(&settings, async |store| record::hardware_change_command(store, x, c).await).await
        }
        Command::License(c) => with_store(&settings, async |store| record::license_command(store, x, c).await).await,
        Command::Attempt(c) => with_store(&settings, async |store| record::attempt_command(store, x, c).await).await,
        Command::Case(c) => with_store(&settings, async |store| record::case_command(store, x, c).await).await,
        Command::FollowUp(c) => with_store(&settings, async |store| record::follow_up_command(store, x, c).await).await,
        Command::Attach { entity, id, file, caption, json } => {
            with_store(&settings, async |store| {
                record::attach(store, x, entity, id, &file, caption.as_deref(), json).await
            })
            .await
        }
        Command::Attachments { entity, id, paging } => {
            with_store(&settings, async |store| record::attachments(store, x, entity, id, &paging).await).await
        }
        Command::Attachment(c) => {
            with_store(&settings, async |store| record::attachment_command(store, x, c).await).await
        }
        Command::Search { text, paging } => {
            with_store(&settings, async |store| record::search(store, x, &text, &paging).await).await
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "activation-journal",
                &mut out,
            );
            Ok(print_out(&out)?)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
            Ok(print_out(&out)?)
        }
        Command::Demo => {
            let store = create(&settings).await?;
            let result = crate::demo::load(&store).await;
            store.close().await;
            result?;
            eprintln!("{}", lang::f("cli.done.demo", &[("db", &settings.db.display().to_string())]));
            Ok(())
        }
        Command::Summary { name, json, from, to, machine, license, limit, cursor } => {
            let filter = crate::summary::SummaryFilter::parse(from.as_deref(), to.as_deref(), machine, license)
                .map_err(|e| anyhow::Error::new(flags_named(e)))?;
            let page = crate::summary::summary_page(name, limit, cursor.as_deref())
                .map_err(|e| anyhow::Error::new(flags_named(e)))?;
            let store = open(&settings).await?;
            let result = store.summary(name, &filter, &page, chrono::Utc::now()).await;
            store.close().await;
            reports::print_summary(x, &result?, json)
        }
    }
}

/// `backup`: the database (and, with `--with-key`, the key file) to `file`,
/// and a word on where the key that opens its product keys is.
async fn backup(settings: &Settings, file: &std::path::Path, force: bool, with_key: bool) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let result = store.backup(file, force, with_key).await;
    store.close().await;
    result?;
    let path = |p: &std::path::Path| p.display().to_string();
    eprintln!("{}", lang::f("cli.io.wrote", &[("path", &path(file))]));
    if with_key {
        eprintln!("{}", lang::f("cli.backup.wrote_key", &[("path", &path(&crate::store::backup::key_beside(file)))]));
    } else {
        eprintln!("{}", lang::f("cli.backup.key_elsewhere", &[("path", &path(&settings.key_file))]));
    }
    Ok(())
}

/// Write what a command answers to stdout. A reader that closed the pipe
/// (`export | head`) has what it wanted: that ends the output quietly,
/// where `println!` would panic.
fn print_out(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// One error of a chain in the run's language: the store's and the
/// domain's own errors by their kind, any other through the catalogue's
/// translation of the domain's messages ([`crate::i18n::Tr::message`]).
fn said_any(cause: &(dyn std::error::Error + 'static)) -> String {
    if let Some(e) = cause.downcast_ref::<crate::store::StoreError>() {
        return said(e);
    }
    if let Some(e) = cause.downcast_ref::<crate::domain::FieldErrors>() {
        return fields_said(e);
    }
    if let Some(NoJournal { path, given }) = cause.downcast_ref::<NoJournal>() {
        return lang::f("cli.err.no_journal", &[("path", path), ("given", given)]);
    }
    if let Some(e) = cause.downcast_ref::<crate::domain::ids::IdError>() {
        return lang::t().msg(&e.0);
    }
    if let Some(e) = cause.downcast_ref::<crate::store::backup::BackupError>() {
        return match e {
            crate::store::backup::BackupError::Store(e) => said(e),
            other => other.msg().map_or_else(|| other.to_string(), |m| lang::t().msg(&m)),
        };
    }
    if let Some(e) = cause.downcast_ref::<crate::secrets::SecretError>() {
        return lang::t().msg(&e.msg());
    }
    if let Some(e) = cause.downcast_ref::<std::io::Error>() {
        return lang::t().msg(&crate::i18n::Msg::io(e));
    }
    if let Some(m) = cause.downcast_ref::<crate::i18n::Msg>() {
        return lang::t().msg(m);
    }
    cause.to_string()
}

/// Field errors in the run's language: `--wait: must be between 0 and 86400`;
/// a closed set's members as the codes the flags take.
pub(crate) fn fields_said(e: &crate::domain::FieldErrors) -> String {
    let t = lang::t();
    e.0.iter().map(|f| format!("{}: {}", f.field, t.msg_codes(&f.message))).collect::<Vec<_>>().join("; ")
}

/// A store error in the run's language (a row not found names its kind
/// in words; a refusal names its fields).
pub(crate) fn said(e: &crate::store::StoreError) -> String {
    use crate::store::StoreError;
    let t = lang::t();
    match e {
        StoreError::Invalid(f) => fields_said(f),
        StoreError::IdempotencyMismatch => t.s("cli.err.idempotency"),
        other => other.msg().map_or_else(|| other.to_string(), |m| t.msg(&m)),
    }
}

/// Warnings of a write (an offset other than the household's…), on stderr.
pub(crate) fn warn(warnings: &[String]) {
    let t = lang::t();
    for w in crate::domain::warning::read_all(warnings) {
        eprintln!("{}: {}", t.s("cli.warning"), w.said(&t));
    }
}

/// Field errors of values given as flags, named after the flags
/// (`--machine: 0 is not an id`), not the API's parameters.
fn flags_named(e: crate::domain::FieldErrors) -> crate::domain::FieldErrors {
    let flag = |field: &str| {
        // `questions[1].topic`: the second --question.
        if let Some(rest) = field.strip_prefix("questions[") {
            let (n, part) = rest.split_once("]").unwrap_or((rest, ""));
            let n = n.parse::<usize>().map(|n| n + 1).unwrap_or(0);
            return format!("--question {n} ({})", part.trim_start_matches('.'));
        }
        match field {
            "machine_id" => "--machine".to_string(),
            "license_id" => "--license".to_string(),
            "case_id" => "--case".to_string(),
            "installation_id" => "--iid".to_string(),
            "confirmation_id" => "--cid".to_string(),
            "wait_seconds" => "--wait".to_string(),
            "operator_rating" => "--rating".to_string(),
            "groups_reentered" => "--group-reentered".to_string(),
            "due_on" => "--due".to_string(),
            "product_key" => "--key".to_string(),
            "name" => "NAME".to_string(),
            "text" => "TEXT".to_string(),
            other => format!("--{}", other.replace('_', "-")),
        }
    };
    crate::domain::FieldErrors(
        e.0.into_iter().map(|f| crate::domain::FieldError { field: flag(&f.field), message: f.message }).collect(),
    )
}

async fn token(store: &Store, x: &table::Words, command: TokenCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match command {
        TokenCommand::Create { name, scope } => {
            let t = store.create_token(&actor, &name, scope.into()).await?;
            println!("{}", t.token);
        }
        TokenCommand::List => {
            let tokens = store.tokens().await?;
            if tokens.is_empty() {
                eprintln!("{}", lang::s("cli.token.none"));
            }
            let mut list = x.table(&["cli.col.name", "cli.col.scope", "cli.col.created", "cli.col.revoked"]);
            for t in tokens {
                let revoked = t.revoked_at.as_deref().map(table::local).unwrap_or_else(|| "-".into());
                list.add_row(vec![t.name.clone(), x.e(t.scope), table::local(&t.created_at), revoked]);
            }
            x.print(&list)?;
        }
        TokenCommand::Revoke { name } => {
            store.revoke_token(&actor, &name).await?;
            eprintln!("{}", lang::f("cli.token.revoked", &[("name", &name)]));
        }
    }
    Ok(())
}
