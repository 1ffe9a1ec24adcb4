//! The command line (clap): definitions and the commands' bodies.
//!
//! Every command takes `--db` and `--key-file` the same way (flag, or
//! `DATABASE_URL` / `ACTIVATION_JOURNAL_KEY_FILE`, or the default), opens
//! the store through one path (which migrates, and refuses a newer
//! database) and reports failure as one lower-case line on stderr with exit
//! code 1; clap reports usage errors with exit code 2.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Flags, Settings};
use crate::domain::Scope;
use crate::store::{Actor, Store};

const EXAMPLES: &str = "\
Examples:
  activation-journal serve                         # serve ./activation-journal.db on 127.0.0.1:8080
  activation-journal --db /srv/journal.db migrate  # create or upgrade a database and exit
  activation-journal token create --name phone --scope read";

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
    },
    /// Replace the database with a backup, after checking it; the current one is kept aside.
    #[command(after_help = "Example:\n  activation-journal restore journal-2026-11-25.db")]
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// Load the story of two PCs whose motherboards were swapped into an empty journal.
    #[command(
        after_help = "Example:\n  activation-journal --db demo.db demo && activation-journal --db demo.db summary hours"
    )]
    Demo,
    /// Answer a question of the journal: when to call, what they ask, how long the queue is…
    #[command(
        after_help = "Examples:\n  activation-journal summary hours\n  activation-journal summary wait-times --from 2014-05-01 --json"
    )]
    Summary {
        /// overview, retries, wait-times, hours, questions, licenses or open
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(crate::summary::NAMES))]
        name: String,
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
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

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
        Command::Backup { file, force } => {
            let store = open(&settings).await?;
            let result = store.backup(&file, force).await;
            store.close().await;
            result?;
            eprintln!("wrote {}", file.display());
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
        Command::Demo => {
            let store = open(&settings).await?;
            let result = crate::demo::load(&store).await;
            store.close().await;
            result?;
            eprintln!("loaded the demo story into {}; try: activation-journal summary hours", settings.db.display());
            Ok(())
        }
        Command::Summary { name, json, from, to, machine, license } => {
            let filter = crate::summary::SummaryFilter::parse(from.as_deref(), to.as_deref(), machine, license)?;
            let store = open(&settings).await?;
            let result = crate::summary::Summary::compute(&store, &name, &filter, chrono::Utc::now()).await;
            store.close().await;
            let summary = result?.ok_or_else(|| anyhow::anyhow!("there is no summary {name:?}"))?;
            if json {
                println!("{}", serde_json::to_string(&summary)?);
            } else {
                println!("{}", crate::summary::render::text(&summary));
            }
            Ok(())
        }
    }
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
