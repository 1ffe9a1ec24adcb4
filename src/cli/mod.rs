//! The command line (clap): definitions and the commands' bodies.
//!
//! Every command takes `--db` and `--key-file` the same way (flag, or
//! `DATABASE_URL` / `ACTIVATION_JOURNAL_KEY_FILE`, or the default), opens
//! the store through one path (which migrates, and refuses a newer
//! database) and reports failure as one lower-case line on stderr with exit
//! code 1; clap reports usage errors with exit code 2.

mod call;
mod record;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Flags, Settings};
use crate::domain::Scope;
use crate::portable::Format;
use crate::store::{Actor, Store};

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
        /// json: one document; csv: a zip of one CSV file per table.
        #[arg(long, value_enum, default_value_t = FormatArg::Json)]
        format: FormatArg,
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
        after_help = "Example:\n  activation-journal call\n  activation-journal call --machine \"PC 1\" --license 1\n\nCtrl-C at any point stores nothing. To record from a script, use `attempt add`."
    )]
    Call {
        /// Start with this machine (name or id) instead of picking it.
        #[arg(long)]
        machine: Option<String>,
        /// Start with this license (id) instead of picking it.
        #[arg(long, value_name = "ID")]
        license: Option<i64>,
    },
    /// Machines: add, list, show (with its history).
    #[command(subcommand)]
    Machine(record::MachineCommand),
    /// Licenses: add (the product key read without echo), list (keys masked).
    #[command(subcommand)]
    License(record::LicenseCommand),
    /// Attempts: add from flags, list newest first.
    #[command(subcommand)]
    Attempt(record::AttemptCommand),
    /// Cases: list, show with their calls.
    #[command(subcommand)]
    Case(record::CaseCommand),
    /// Follow-ups: add, list, done.
    #[command(subcommand, name = "follow-up")]
    FollowUp(record::FollowUpCommand),
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

/// An export form on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One JSON document.
    Json,
    /// A zip of one CSV file per table.
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
        }
    }
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
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Self {
        match s {
            ScopeArg::Read => Scope::Read,
            ScopeArg::Write => Scope::Write,
        }
    }
}

/// Parse the command line, run the command, and turn failure into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve { .. });
    init_tracing(if serving { "info" } else { "warn" });
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<Cancelled>() => {
            eprintln!("{e}");
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
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

/// An error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = cause.to_string();
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

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    Store::open(&settings.db, &settings.key_file).await.map_err(|e| anyhow::anyhow!("{}: {e}", settings.db.display()))
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
    let flags = Flags { db: cli.db.clone(), key_file: cli.key_file.clone(), bind };
    let settings = Settings::from_env(&flags).map_err(anyhow::Error::msg)?;
    match cli.command {
        Command::Serve { .. } => crate::startup::serve(settings).await,
        Command::Migrate => {
            let store = open(&settings).await?;
            store.close().await;
            eprintln!("{} is up to date", settings.db.display());
            Ok(())
        }
        Command::Token(t) => {
            let store = open(&settings).await?;
            let result = token(&store, t).await;
            store.close().await;
            result
        }
        Command::Backup { file, force, with_key } => {
            let store = open(&settings).await?;
            let result = store.backup(&file, force, with_key).await;
            store.close().await;
            result?;
            eprintln!("wrote {}", file.display());
            if with_key {
                eprintln!(
                    "wrote {}: the key file, in clear; keep it as safe as the backup",
                    crate::store::backup::key_beside(&file).display()
                );
            } else {
                eprintln!(
                    "the product keys in it are sealed with {}, which the backup does not hold: keep a copy of that \
                     key file with it (or back up with --with-key)",
                    settings.key_file.display()
                );
            }
            Ok(())
        }
        Command::Restore { file } => {
            let kept = crate::store::backup::restore(&settings.db, &settings.key_file, &file).await?;
            match kept {
                Some(aside) => eprintln!("restored {}; the previous database is {}", file.display(), aside.display()),
                None => eprintln!("restored {}", file.display()),
            }
            Ok(())
        }
        Command::Export { format, out, include_secrets, force } => {
            export(&settings, format.into(), out, include_secrets, force).await
        }
        Command::Import { file } => import(&settings, &file).await,
        Command::Audit { entity, entity_id, token, from, to, limit, cursor, json } => {
            let mut c = crate::domain::fields::Check::default();
            let (from, to) = crate::domain::fields::range(
                &mut c,
                from.as_deref(),
                to.as_deref(),
                crate::domain::time::TimeBound::parse,
            );
            let entity_id = crate::domain::fields::id_filter(&mut c, "entity_id", entity_id);
            c.finish().map_err(|e| anyhow::anyhow!("{}", flags_named(e)))?;
            let page = crate::domain::PageRequest::parse(limit, cursor.as_deref(), false)
                .map_err(|e| anyhow::anyhow!("{}", flags_named(e)))?;
            let filter = crate::store::AuditFilter { entity, entity_id, token, from, to };
            let store = open(&settings).await?;
            let result = store.audit_log(&page, &filter).await;
            store.close().await;
            let rows = result?;
            if json {
                print_out(format!("{}\n", serde_json::to_string(&rows)?).as_bytes())?;
            } else {
                let mut t = comfy_table::Table::new();
                t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED).set_header([
                    "when (UTC)",
                    "who",
                    "what",
                    "entity",
                    "id",
                    "fields",
                ]);
                for e in &rows.items {
                    t.add_row(vec![
                        e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
                        e.actor.clone(),
                        e.action.to_string(),
                        e.entity.to_string(),
                        e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
                        e.fields.join(", "),
                    ]);
                }
                print_out(format!("{t}\n").as_bytes())?;
                if let Some(c) = &rows.next_cursor {
                    eprintln!("more: activation-journal audit --cursor {c}");
                }
            }
            Ok(())
        }
        Command::Call { machine, license } => {
            with_store(&settings, async |store| call::run(store, machine, license).await).await
        }
        Command::Machine(c) => with_store(&settings, async |store| record::machine_command(store, c).await).await,
        Command::License(c) => with_store(&settings, async |store| record::license_command(store, c).await).await,
        Command::Attempt(c) => with_store(&settings, async |store| record::attempt_command(store, c).await).await,
        Command::Case(c) => with_store(&settings, async |store| record::case_command(store, c).await).await,
        Command::FollowUp(c) => with_store(&settings, async |store| record::follow_up_command(store, c).await).await,
        Command::Search { text, paging } => {
            with_store(&settings, async |store| record::search(store, &text, &paging).await).await
        }
        Command::Demo => {
            let store = open(&settings).await?;
            let result = crate::demo::load(&store).await;
            store.close().await;
            result?;
            eprintln!("loaded the demo story into {}; try: activation-journal summary hours", settings.db.display());
            Ok(())
        }
        Command::Summary { name, json, from, to, machine, license, limit, cursor } => {
            let filter = crate::summary::SummaryFilter::parse(from.as_deref(), to.as_deref(), machine, license)
                .map_err(|e| anyhow::anyhow!("{}", flags_named(e)))?;
            let page = crate::summary::summary_page(name, limit, cursor.as_deref())
                .map_err(|e| anyhow::anyhow!("{}", flags_named(e)))?;
            let store = open(&settings).await?;
            let result = store.summary(name, &filter, &page, chrono::Utc::now()).await;
            store.close().await;
            let summary = result?;
            if json {
                print_out(format!("{}\n", serde_json::to_string(&summary)?).as_bytes())?;
            } else {
                print_out(format!("{}\n", crate::summary::render::text(&summary)).as_bytes())?;
                if let crate::summary::Summary::Retries(crate::summary::Retries { next_cursor: Some(c), .. }) = &summary
                {
                    eprintln!("more cases: activation-journal summary retries --cursor {c}");
                }
            }
            Ok(())
        }
    }
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

fn stderr_is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr())
}

/// A spinner on stderr while `what` runs, when stderr is a terminal.
fn spinner(what: &str) -> indicatif::ProgressBar {
    if !stderr_is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

async fn export(
    settings: &Settings,
    format: Format,
    out: Option<PathBuf>,
    secrets: bool,
    force: bool,
) -> anyhow::Result<()> {
    if let Some(path) = &out {
        if path.exists() && !force {
            anyhow::bail!("{} already exists; pass --force to replace it", path.display());
        }
    } else if format == Format::Csv && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!("a zip is binary: pass --out FILE, or redirect stdout to a file");
    }
    let store = open(settings).await?;
    let bar = spinner("exporting");
    let head = crate::portable::Head::now(secrets);
    // Rows go out as they are read: to a temporary file renamed when
    // complete, or to stdout (a reader that closes the pipe ends it quietly).
    let result = match &out {
        Some(path) => {
            let (partial, file) = Partial::create(path, secrets)?;
            let written = async {
                let mut w = crate::portable::ExportWriter::new(format, std::io::BufWriter::new(file), &head)
                    .map_err(anyhow::Error::msg)?;
                store.export_into(&Actor::cli(), secrets, &mut w).await?;
                let counts = w.counts();
                w.finish().map_err(anyhow::Error::msg)?.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?.sync_all()?;
                anyhow::Ok(counts)
            }
            .await;
            written.and_then(|counts| partial.keep().map(|()| counts))
        }
        None => {
            let stdout = Quiet::new(std::io::stdout().lock());
            let mut w = crate::portable::ExportWriter::new(format, std::io::BufWriter::new(stdout), &head)
                .map_err(anyhow::Error::msg)?;
            store.export_into(&Actor::cli(), secrets, &mut w).await?;
            let counts = w.counts();
            w.finish().map_err(anyhow::Error::msg)?;
            Ok(counts)
        }
    };
    store.close().await;
    bar.finish_and_clear();
    let c = result?;
    let to = out.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "stdout".into());
    eprintln!(
        "exported {} rows to {to} ({} machines, {} hardware changes, {} licenses, {} cases, {} attempts, {} follow-ups)",
        c.total(),
        c.machines,
        c.hardware_changes,
        c.licenses,
        c.cases,
        c.attempts,
        c.follow_ups
    );
    if secrets {
        eprintln!("warning: this export holds product keys in clear; keep it private and delete it when done");
    }
    Ok(())
}

/// A file written through a temporary file and a rename, so a failure
/// never leaves half an export; with secrets it is readable by its owner
/// only. A temporary file left by an interrupted export (or a symlink in
/// its place) is removed, never written through: the new one is made
/// fresh, with its mode from the start ([`crate::secrets::new_file`]).
/// Dropped without [`Partial::keep`], the temporary file is removed.
struct Partial {
    tmp: PathBuf,
    path: PathBuf,
    kept: bool,
}

impl Partial {
    fn create(path: &std::path::Path, secrets: bool) -> anyhow::Result<(Self, std::fs::File)> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
        let tmp = dir.join(format!(".{name}.partial"));
        let fail = |e: std::io::Error| anyhow::anyhow!("could not write {}: {e}", path.display());
        match std::fs::remove_file(&tmp) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e)),
            _ => {}
        }
        let file = crate::secrets::new_file(&tmp, secrets).map_err(fail)?;
        Ok((Self { tmp, path: path.to_path_buf(), kept: false }, file))
    }

    /// Put the finished file in place.
    fn keep(mut self) -> anyhow::Result<()> {
        std::fs::rename(&self.tmp, &self.path)
            .map_err(|e| anyhow::anyhow!("could not write {}: {e}", self.path.display()))?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Whether a file is a zip (the CSV form of an export), by its first bytes.
fn is_zip(file: &std::path::Path) -> anyhow::Result<bool> {
    let mut magic = [0u8; 4];
    let mut f = std::fs::File::open(file).map_err(|e| anyhow::anyhow!("could not read {}: {e}", file.display()))?;
    let n = std::io::Read::read(&mut f, &mut magic)?;
    Ok(n == 4 && &magic == b"PK\x03\x04")
}

/// Stdout that a reader may close early (`export | head`): from then on,
/// what is written is dropped, quietly, as `print_out` does.
struct Quiet<W> {
    inner: W,
    closed: bool,
}

impl<W> Quiet<W> {
    fn new(inner: W) -> Self {
        Self { inner, closed: false }
    }
}

impl<W: std::io::Write> std::io::Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other if self.closed => other.or(Ok(())),
            other => other,
        }
    }
}

async fn import(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let refused = |e: &dyn std::fmt::Display| anyhow::anyhow!("import refused, nothing was written: {e}");
    let store = open(settings).await?;
    let bar = if stderr_is_terminal() {
        indicatif::ProgressBar::new_spinner().with_message("importing")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |done: usize| bar.set_message(format!("importing: {done} rows"));
    let streamed = if file.as_os_str() != "-" && !is_zip(file)? {
        // A JSON file is read as a stream: a chunk of rows at a time, never the whole file.
        let (tx, mut rx) = tokio::sync::mpsc::channel(2);
        let path = file.to_path_buf();
        let reader = std::thread::spawn(move || -> Result<bool, crate::portable::DecodeError> {
            let f = std::fs::File::open(&path).map_err(|e| {
                crate::portable::DecodeError::Invalid(crate::domain::FieldErrors::one(
                    "document",
                    format!("could not read {}: {e}", path.display()),
                ))
            })?;
            let mut secrets = false;
            crate::portable::stream_json(f, |piece| {
                if let crate::portable::Incoming::Head { includes_secrets } = &piece {
                    secrets = *includes_secrets;
                }
                tx.blocking_send(piece).map_err(|_| "the import stopped".to_string())
            })?;
            Ok(secrets)
        });
        let written = store.import_stream(&Actor::cli(), &mut rx, &progress).await;
        drop(rx);
        let read = reader.join().map_err(|_| anyhow::anyhow!("the reader of {} failed", file.display()))?;
        match (read, written) {
            // Not in export order (keys sorted by a tool): nothing was
            // written; read it whole below.
            (Err(crate::portable::DecodeError::Order(_)), _) => None,
            // The file's own fault first: it says where.
            (Err(e), _) => Some(Err(refused(&e))),
            (Ok(secrets), Ok(report)) => Some(Ok((report, secrets))),
            (Ok(_), Err(crate::store::StoreError::Invalid(e))) => Some(Err(refused(&e))),
            (Ok(_), Err(e)) => Some(Err(e.into())),
        }
    } else {
        None
    };
    let result = if let Some(r) = streamed {
        r
    } else {
        let bytes = if file.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)?;
            buf
        } else {
            std::fs::read(file).map_err(|e| anyhow::anyhow!("could not read {}: {e}", file.display()))?
        };
        match crate::portable::decode(&bytes, None) {
            Err(e) => Err(refused(&e)),
            Ok(doc) => match store.import(&Actor::cli(), &doc, &progress).await {
                Ok(report) => Ok((report, doc.includes_secrets)),
                Err(crate::store::StoreError::Invalid(e)) => Err(refused(&e)),
                Err(e) => Err(e.into()),
            },
        }
    };
    bar.finish_and_clear();
    store.close().await;
    let (report, includes_secrets) = result?;
    eprintln!(
        "imported {} rows into {} ({} already there, unchanged)",
        report.created.total(),
        settings.db.display(),
        report.unchanged.total()
    );
    if !includes_secrets {
        eprintln!("note: the file was exported without secrets, so it holds no product keys");
    }
    Ok(())
}

async fn token(store: &Store, command: TokenCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match command {
        TokenCommand::Create { name, scope } => {
            let t = store.create_token(&actor, &name, scope.into()).await?;
            println!("{}", t.token);
        }
        TokenCommand::List => {
            let tokens = store.tokens().await?;
            if tokens.is_empty() {
                eprintln!("no tokens yet; make one with: activation-journal token create --name NAME --scope read");
            }
            for t in tokens {
                let state = t.revoked_at.map(|r| format!("revoked {r}")).unwrap_or_else(|| "live".into());
                println!("{}\t{}\tcreated {}\t{}", t.name, t.scope, t.created_at, state);
            }
        }
        TokenCommand::Revoke { name } => {
            store.revoke_token(&actor, &name).await?;
            eprintln!("revoked {name}");
        }
    }
    Ok(())
}
