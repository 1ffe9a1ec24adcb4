//! The store: every SQL statement of the journal, and nothing of HTTP.
//!
//! [`Store::open`] connects to the SQLite file (creating it), sets WAL,
//! `synchronous=FULL`, foreign keys, a busy timeout and who checkpoints
//! the WAL ([`Checkpoints`]: the journal, or Litestream), and applies the
//! embedded migrations — refusing a database written by a newer version.
//! Every write is one transaction begun `IMMEDIATE` that also writes its
//! audit-log row (and, for a POST with an idempotency key, the first
//! answer); callers get an answer only after the commit. Fixed statements
//! use `query!`/`query_as!` (checked at build time against `.sqlx/`);
//! dynamic filters use `QueryBuilder` with bound values only.

/// One write of a store method, run on the writer's thread and its
/// rusqlite connection (see [`writer`] and [`Store::write`]): `$body` sees
/// the connection as `$conn`, the write's context as `ctx`, each listed
/// argument as a reference to its own copy (the write runs on the writer's
/// thread, so it owns what it uses), and the store as `$this`; it runs
/// from its first statement to its last there (no `.await` inside), and
/// its answer comes once the batch is committed.
macro_rules! on_thread {
    ($store:expr, $ctx:ident, [$($arg:ident),*], |$conn:ident, $this:ident| $body:block) => {{
        let owned = $ctx.owned();
        $(let $arg = $arg.clone();)*
        #[allow(unused_variables)]
        let $this = $store.clone();
        $store
            .write(move |$conn: &rusqlite::Connection| {
                let $ctx = &owned.ctx();
                $(let $arg = &$arg;)*
                $body
            })
            .await
    }};
}

mod archive;
mod at_hand;
mod attachments;
mod attempts;
mod audit;
pub mod backup;
mod calendar;
mod cases;
mod chunk;
mod follow_ups;
mod hardware_changes;
pub mod idempotency;
mod import_rows;
mod key_check;
mod licenses;
mod machines;
mod portable;
mod refs;
mod rows;
mod search;
mod sessions;
pub mod settings;
pub mod statements;
mod summaries;
pub(crate) mod timeline;
mod tokens;
mod versions;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use crate::config::Checkpoints;
use crate::domain::{FieldErrors, Scope};
use crate::secrets::{SecretError, Secrets};

use refs::{reference, refused, row_state, Known, Refs};

pub use attachments::Bytes as AttachmentBytes;
pub use attempts::{AttemptFilter, ConfirmationMatch};
pub use audit::{AuditEntry, AuditFilter};
pub use search::{SearchHit, SCAN_WINDOW};
pub use sessions::{random_token, NewSession, Session, SESSION_IDLE};
pub use timeline::{Timeline, TimelineEvent};
pub use tokens::{NewToken, TokenInfo};
pub use versions::{etag, etag_of_json, Current, IfMatch};
pub use writer::{WriterStats, BATCH_MAX};

/// The embedded migrations.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Which rule a [`StoreError::Conflict`] is about (each is a problem kind
/// of its own in the API: `/problems/<slug>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// A machine's or token's name is in use.
    NameTaken,
    /// The machine and license have an open case already.
    OpenCaseExists,
    /// Archiving a row that is archived.
    AlreadyArchived,
    /// Bringing back a row that is not archived.
    NotArchived,
    /// Bringing back a row whose parent is archived.
    ParentArchived,
    /// Another unique rule.
    Unique,
}

impl ConflictKind {
    /// The problem kind's name in the API.
    pub fn slug(self) -> &'static str {
        match self {
            ConflictKind::NameTaken => "name-taken",
            ConflictKind::OpenCaseExists => "open-case-exists",
            ConflictKind::AlreadyArchived => "already-archived",
            ConflictKind::NotArchived => "not-archived",
            ConflictKind::ParentArchived => "parent-archived",
            ConflictKind::Unique => "conflict",
        }
    }
}

/// The one "not found" message (`attempt 9 not found`): the API says its
/// English, pages and the command line say it in their language.
pub fn not_found(entity: &str, id: i64) -> crate::i18n::Msg {
    crate::i18n::Msg::new("msg.not_found").noun("what", entity).arg("id", id)
}

/// What can go wrong in the store. Each says itself as a catalogue message
/// ([`StoreError::msg`]): its English is what the API and logs show, and
/// the command line and pages say it in their reader's language.
#[derive(Debug)]
pub enum StoreError {
    /// No such row (or it is archived and archived rows were not asked for).
    NotFound { entity: &'static str, id: i64 },
    /// Something named (not by id) does not exist.
    Missing(crate::i18n::Msg),
    /// A unique rule would be broken (a machine name in use, a second open
    /// case…), or the row is not in the state the write needs; the kind says which.
    Conflict(ConflictKind, crate::i18n::Msg),
    /// The input is not valid against what is stored (a missing reference, a
    /// patch that breaks a rule).
    Invalid(FieldErrors),
    /// An idempotency key was used before with another request.
    IdempotencyMismatch,
    /// The database holds a migration this program does not know.
    NewerDatabase(i64),
    /// A sealed value could not be sealed or opened.
    Secret(SecretError),
    /// A stored value that does not parse (the database was edited by hand?).
    Corrupt(String),
    /// SQLite stayed locked past the busy timeout, or no connection came
    /// free in time: nothing was written, and the same request may succeed
    /// in a moment.
    Busy(String),
    /// Applying migrations failed.
    Migrate(sqlx::migrate::MigrateError),
    /// The write could not be run or committed (the writer stopped, the
    /// commit failed): nothing of it was stored.
    Unavailable(String),
    /// The write's `If-Match` names another version of the row than the
    /// one stored: nothing was written; this is the row as it now is.
    Precondition(Box<Current>),
    /// The file, or the folder it is in, cannot be written: a reading
    /// command works (see [`Store::open_read_only`]), a write does not.
    /// A write through the store names the file and why ([`ReadOnlyPlace`]).
    ReadOnly(Option<Box<ReadOnlyPlace>>),
    /// A read-only journal whose migrations are not all applied: it cannot
    /// be migrated without write access.
    ReadOnlyPending(usize),
    /// The file is not a SQLite database, or SQLite found it damaged.
    Damaged(String),
    /// SQLite could not open or create a file: a missing folder, or no
    /// permission to it.
    CannotOpen(String),
    /// Anything else from SQLite.
    Database(String),
}

impl StoreError {
    /// What it says to a person, as a catalogue message with its values;
    /// field errors (`None`) are said field by field.
    pub fn msg(&self) -> Option<crate::i18n::Msg> {
        use crate::i18n::Msg;
        let detail = |key: &'static str, d: &str| Msg::new(key).arg("detail", d);
        Some(match self {
            StoreError::NotFound { entity, id } => not_found(entity, *id),
            StoreError::Missing(m) | StoreError::Conflict(_, m) => m.clone(),
            StoreError::Invalid(_) => return None,
            StoreError::IdempotencyMismatch => Msg::new("msg.store.idempotency_mismatch"),
            StoreError::NewerDatabase(n) => Msg::new("msg.store.newer").arg("n", n),
            StoreError::Secret(e) => e.msg(),
            StoreError::Corrupt(d) => detail("msg.store.corrupt", d),
            StoreError::Busy(d) => detail("msg.store.busy", d),
            StoreError::Migrate(e) => detail("msg.store.migrate", &e.to_string()),
            StoreError::Unavailable(d) => detail("msg.store.unavailable", d),
            StoreError::Precondition(c) => {
                Msg::new("msg.store.changed").noun("what", c.table().noun()).arg("id", c.id())
            }
            StoreError::ReadOnly(place) => read_only_msg(place.as_deref()),
            StoreError::ReadOnlyPending(n) => Msg::new("msg.store.read_only_pending").arg("n", n),
            StoreError::Damaged(d) => detail("msg.store.damaged", d),
            StoreError::CannotOpen(d) => detail("msg.store.cannot_open", d),
            StoreError::Database(d) => detail("msg.store.database", d),
        })
    }
}

/// In English, as the API and the logs say it.
impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self, self.msg()) {
            (StoreError::Invalid(errors), _) => errors.fmt(f),
            (_, Some(m)) => f.write_str(&m.en()),
            (_, None) => Ok(()),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Migrate(e) => Some(e),
            // Said as its own (transparent): what lies under it.
            StoreError::Secret(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl From<SecretError> for StoreError {
    fn from(e: SecretError) -> Self {
        StoreError::Secret(e)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return StoreError::Busy(e.to_string());
        }
        if let sqlx::Error::Database(db) = &e {
            let code = db.code().and_then(|c| c.parse::<i32>().ok());
            return sqlite_error(code, db.message());
        }
        StoreError::Database(e.to_string())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, message) => {
                let text = message.clone().unwrap_or_else(|| f.to_string());
                sqlite_error(Some(f.extended_code), &text)
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

/// SQLite's error, by its extended result code, as the store says it: the
/// codes a person may meet are said in words here, and only here (for
/// sqlx's connections and the writer's rusqlite one alike).
fn sqlite_error(code: Option<i32>, message: &str) -> StoreError {
    // The primary result code is an extended code's low byte.
    match code.map(|c| c & 0xff) {
        // SQLITE_BUSY, SQLITE_LOCKED
        Some(5 | 6) => return StoreError::Busy(message.to_string()),
        // SQLITE_READONLY (1544 is SQLITE_READONLY_DIRECTORY)
        Some(8) => return StoreError::ReadOnly(None),
        // SQLITE_CORRUPT, SQLITE_NOTADB
        Some(11 | 26) => return StoreError::Damaged(message.to_string()),
        // SQLITE_CANTOPEN
        Some(14) => return StoreError::CannotOpen(message.to_string()),
        _ => {}
    }
    match code {
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
        Some(2067 | 1555) => {
            StoreError::Conflict(ConflictKind::Unique, crate::i18n::Msg::new("msg.duplicate").arg("detail", message))
        }
        // SQLITE_CONSTRAINT_FOREIGNKEY
        Some(787) => StoreError::Invalid(FieldErrors::one("request", crate::i18n::Msg::new("msg.no_such_row"))),
        // SQLITE_CONSTRAINT_CHECK
        Some(275) => StoreError::Invalid(FieldErrors::one(
            "request",
            crate::i18n::Msg::new("msg.breaks_a_rule").arg("detail", message),
        )),
        _ => StoreError::Database(message.to_string()),
    }
}

/// Who writes: an API token, or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The token's row id; `None` for the command line.
    pub token_id: Option<i64>,
    /// The token's name, or `cli`.
    pub name: String,
    /// What the actor may do.
    pub scope: Scope,
}

impl Actor {
    /// The command line, which may do anything.
    pub fn cli() -> Self {
        Self { token_id: None, name: "cli".into(), scope: Scope::Write }
    }
}

/// An `Idempotency-Key` and the digest of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    pub request_hash: Vec<u8>,
}

impl Idempotency {
    /// What a key may be: 1 to 255 visible ASCII characters (an
    /// `Idempotency-Key` header, `attempt add --idempotency-key`): the
    /// catalogue key of the message that says so.
    pub const KEY_RULE: &'static str = "msg.idempotency_key";

    /// A key as sent, if it keeps [`Self::KEY_RULE`].
    pub fn key(raw: &[u8]) -> Option<String> {
        let visible = !raw.is_empty() && raw.len() <= 255 && raw.iter().all(|b| (0x21..=0x7e).contains(b));
        visible.then(|| String::from_utf8_lossy(raw).into_owned())
    }
}

/// Who writes, the idempotency key of a POST, and the version of the row a
/// change, archive or unarchive was made against.
#[derive(Debug, Clone)]
pub struct WriteCtx<'a> {
    pub actor: &'a Actor,
    pub idempotency: Option<Idempotency>,
    /// The versions ([`etag`]) the row must have for the write to go on;
    /// `None` writes whatever the row is now (creates ignore it).
    pub if_match: Option<IfMatch>,
}

impl<'a> WriteCtx<'a> {
    /// A write without an idempotency key or a precondition.
    pub fn new(actor: &'a Actor) -> Self {
        Self { actor, idempotency: None, if_match: None }
    }

    /// The same write, made only if the row is still at a version `if_match` names.
    pub fn if_match(self, if_match: Option<IfMatch>) -> Self {
        Self { if_match, ..self }
    }

    /// The same write, stored once however often it is retried with `key`
    /// and the same request (`request_hash`, a digest of what was sent).
    pub fn once(mut self, key: String, request_hash: Vec<u8>) -> Self {
        self.idempotency = Some(Idempotency { key, request_hash });
        self
    }

    /// The same, owned, to travel to the writer.
    fn owned(&self) -> OwnedCtx {
        OwnedCtx { actor: self.actor.clone(), idempotency: self.idempotency.clone(), if_match: self.if_match.clone() }
    }
}

/// A [`WriteCtx`] that owns its actor (a write runs on the writer's task).
struct OwnedCtx {
    actor: Actor,
    idempotency: Option<Idempotency>,
    if_match: Option<IfMatch>,
}

impl OwnedCtx {
    fn ctx(&self) -> WriteCtx<'_> {
        WriteCtx { actor: &self.actor, idempotency: self.idempotency.clone(), if_match: self.if_match.clone() }
    }
}

/// The answer to a create: the new row, or the first answer to a replayed request.
#[derive(Debug, Clone, PartialEq)]
pub enum Created<T> {
    New(T),
    Replay { status: u16, entity_id: i64, body: String },
}

impl<T> Created<T> {
    /// The id of the row created (now, or by the first request).
    pub fn id(&self, id_of: impl Fn(&T) -> i64) -> i64 {
        match self {
            Created::New(v) => id_of(v),
            Created::Replay { entity_id, .. } => *entity_id,
        }
    }
}

/// The journal on SQLite.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    secrets: Secrets,
    writer: writer::Writer,
    /// The live tokens in memory, and the file that says when they changed.
    tokens: std::sync::Arc<tokens::TokenCache>,
    token_stamp: std::path::PathBuf,
    /// The database file, as opened.
    path: std::path::PathBuf,
    /// The household's time zone ([`settings`]).
    household: settings::Household,
    /// Opened for reading only ([`Store::open_read_only`]): a write is refused
    /// before it begins, naming the file and why.
    read_only: bool,
}

type Tx = Transaction<'static, Sqlite>;

impl Store {
    /// Open (creating if needed) and migrate the database at `path`, with
    /// product keys sealed by the key file at `key_file`.
    pub async fn open(path: &Path, key_file: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, key_file, Checkpoints::default()).await
    }

    /// [`Store::open`], with the WAL checkpointed by whom `checkpoints` says.
    pub async fn open_with(path: &Path, key_file: &Path, checkpoints: Checkpoints) -> Result<Self, StoreError> {
        let store = Self::connect_with(path, key_file, checkpoints).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connect without migrating.
    pub async fn connect(path: &Path, key_file: &Path) -> Result<Self, StoreError> {
        Self::connect_with(path, key_file, Checkpoints::default()).await
    }

    /// Connect without migrating, with the WAL checkpointed by whom
    /// `checkpoints` says: every connection, the writer's too, checkpoints
    /// after a commit that leaves that many pages in the WAL.
    pub async fn connect_with(path: &Path, key_file: &Path, checkpoints: Checkpoints) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("wal_autocheckpoint", checkpoints.wal_autocheckpoint().to_string());
        // The writer touches every index of every table it writes: a page
        // cache of 16 MiB (SQLite's default is 2) keeps them in memory
        // instead of reading them again from the OS for each write.
        let writer = writer::Writer::start(Some(writer_connection(path, checkpoints)?))?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            secrets: Secrets::new(key_file),
            writer,
            tokens: Default::default(),
            token_stamp: tokens::stamp_path(path),
            path: path.to_path_buf(),
            household: Default::default(),
            read_only: false,
        })
    }

    /// Open an existing journal for reading only: no migration, no WAL
    /// set, nothing written (a write answers [`StoreError::ReadOnly`]). When
    /// its folder cannot be written and no WAL file is beside it, it is
    /// opened `immutable` (SQLite then makes no `-shm` either). A journal
    /// with migrations pending is refused ([`StoreError::ReadOnlyPending`]).
    pub async fn open_read_only(path: &Path, key_file: &Path) -> Result<Self, StoreError> {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let immutable = read_only_place(folder) && !beside(path, "-wal").exists();
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(immutable)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // No writer's connection: its writes are refused before they queue.
        let writer = writer::Writer::start(None)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        let store = Self {
            pool,
            secrets: Secrets::new(key_file),
            writer,
            tokens: Default::default(),
            token_stamp: tokens::stamp_path(path),
            path: path.to_path_buf(),
            household: Default::default(),
            read_only: true,
        };
        store.migrated().await?;
        store.load_zone().await?;
        Ok(store)
    }

    /// The versions of the migrations applied to the journal.
    async fn applied(&self) -> Result<Vec<i64>, StoreError> {
        match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(&self.pool).await {
            Ok(v) => Ok(v),
            // No migrations table: none applied yet.
            Err(sqlx::Error::Database(db)) if db.message().starts_with("no such table") => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every migration this program knows is applied, and none it does not.
    async fn migrated(&self) -> Result<(), StoreError> {
        let applied = self.applied().await?;
        let known: Vec<i64> =
            MIGRATOR.iter().filter(|m| !m.migration_type.is_down_migration()).map(|m| m.version).collect();
        if let Some(newer) = applied.iter().find(|v| !known.contains(v)) {
            return Err(StoreError::NewerDatabase(*newer));
        }
        match known.iter().filter(|v| !applied.contains(v)).count() {
            0 => Ok(()),
            pending => Err(StoreError::ReadOnlyPending(pending)),
        }
    }

    /// The database file this store opened (as it was named).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The row an earlier create by `actor` with idempotency key `key`
    /// stored, if there was one (whatever request it came with).
    pub async fn created_with_key(&self, actor: &Actor, key: &str) -> Result<Option<i64>, StoreError> {
        let Some(token_id) = actor.token_id else { return Ok(None) };
        let row =
            sqlx::query_scalar!("SELECT entity_id FROM idempotency_keys WHERE token_id = ? AND key = ?", token_id, key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row)
    }

    /// Apply pending migrations; a no-op when there are none. Refuses a
    /// database that holds a migration this program does not know.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let before = self.applied().await?.len();
        let started = std::time::Instant::now();
        // On a connection of its own that logs no statements: sqlx's
        // slow-statement warning would print a whole migration, hundreds of
        // lines, each time one takes over a second on a big journal. One
        // line below says what was applied and how long it took.
        use sqlx::ConnectOptions as _;
        let options = (*self.pool.connect_options()).clone().disable_statement_logging();
        let mut conn: SqliteConnection = sqlx::Connection::connect_with(&options).await?;
        let ran = MIGRATOR.run(&mut conn).await;
        sqlx::Connection::close(conn).await?;
        match ran {
            Ok(()) => {}
            Err(sqlx::migrate::MigrateError::VersionMissing(v)) => return Err(StoreError::NewerDatabase(v)),
            Err(sqlx::migrate::MigrateError::Execute(e) | sqlx::migrate::MigrateError::ExecuteMigration(e, _)) => {
                return Err(e.into())
            }
            Err(e) => return Err(StoreError::Migrate(e)),
        }
        let applied = self.applied().await?.len().saturating_sub(before);
        if applied > 0 {
            tracing::info!(applied, seconds = started.elapsed().as_secs_f64(), "migrated the journal");
        }
        let mut tx = self.begin_write().await?;
        machines::key_names(&mut tx).await?;
        let zoned = cases::zone_unzoned(&mut tx).await?;
        if zoned > 0 {
            tracing::info!(cases = zoned, "gave cases' times the household's offset");
        }
        let indexed = search::catch_up(&mut tx, search::Look::IfBehind).await?;
        if indexed > 0 {
            tracing::info!(rows = indexed, "indexed for search");
        }
        tx.commit().await?;
        self.load_zone().await
    }

    /// The pool, for tests and tools that need raw SQL (benchmarks, checks).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Close the writer (after the writes queued) and the pool, waiting
    /// for connections to be returned.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// `PRAGMA integrity_check`: `"ok"` when the file is sound.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        let row: (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&self.pool).await?;
        Ok(row.0)
    }

    /// Begin a write transaction on the pool: `BEGIN IMMEDIATE` takes the
    /// write lock up front, so a read-then-write never fails on a stale
    /// snapshot. Only for what runs outside serving's writes: opening the
    /// journal (after its migrations: name keys, the search catch-up) and
    /// tools that wrote rows straight into the file (the benchmarks'
    /// indexing). Every write of the journal's
    /// use goes through the writer ([`Store::write`]).
    async fn begin_write(&self) -> Result<Tx, StoreError> {
        if self.read_only {
            return Err(self.read_only_here());
        }
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Whether this journal was opened for reading only ([`Store::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The refusal of a write to this journal, naming its file and why it
    /// cannot be written.
    pub(crate) fn read_only_here(&self) -> StoreError {
        StoreError::ReadOnly(Some(Box::new(ReadOnlyPlace::of(&self.path))))
    }
}

/// The writer thread's connection to the journal at `path`, with the pool's
/// PRAGMAs (WAL, `synchronous=FULL`, foreign keys, the busy timeout, who
/// checkpoints) and a page cache of 16 MiB (SQLite's default is 2): the
/// writer touches every index of every table it writes, and keeps them in
/// memory instead of reading them again from the OS for each write.
fn writer_connection(path: &Path, checkpoints: Checkpoints) -> Result<rusqlite::Connection, StoreError> {
    let conn = rusqlite::Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    // Room for every statement the writer runs (rusqlite keeps 16).
    conn.set_prepared_statement_cache_capacity(256);
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
         PRAGMA wal_autocheckpoint = {}; PRAGMA cache_size = -16384",
        checkpoints.wal_autocheckpoint()
    ))?;
    Ok(conn)
}

/// Whether `path` (a journal or its folder) is to be treated as read-only:
/// no write permission bit is set on it (root too is held to that), or this
/// user may not write it. Reading commands then open the journal with
/// [`Store::open_read_only`].
pub fn read_only_place(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return false };
    if meta.permissions().readonly() {
        return true;
    }
    if meta.is_file() {
        return matches!(
            std::fs::OpenOptions::new().append(true).open(path),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied
        );
    }
    matches!(tempfile::tempfile_in(path), Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied)
}

/// A journal that cannot be written, and why: what a refused write says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOnlyPlace {
    /// The journal's file, as named.
    pub file: std::path::PathBuf,
    pub why: ReadOnlyWhy,
}

/// Why a journal cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOnlyWhy {
    /// The file itself is read-only.
    File,
    /// Its folder is (SQLite writes its `-wal` and `-shm` files there).
    Folder(std::path::PathBuf),
    /// Both the file and its folder are.
    Both(std::path::PathBuf),
    /// Neither's mode says so, yet SQLite refused (a file system mounted
    /// read-only, or modes changed since the journal was opened).
    Refused,
}

impl ReadOnlyPlace {
    /// Why the journal at `file` cannot be written, as its file and folder
    /// now are (named by their absolute paths).
    pub fn of(file: &Path) -> Self {
        let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let folder = file.parent().unwrap_or(Path::new("/")).to_path_buf();
        let why = match (read_only_place(&file), read_only_place(&folder)) {
            (true, false) => ReadOnlyWhy::File,
            (false, true) => ReadOnlyWhy::Folder(folder),
            (true, true) => ReadOnlyWhy::Both(folder),
            (false, false) => ReadOnlyWhy::Refused,
        };
        Self { file, why }
    }
}

/// Why a write to the journal was refused and what to do, as the command
/// line says it: its commands and flags (`--db`).
pub fn read_only_msg(place: Option<&ReadOnlyPlace>) -> crate::i18n::Msg {
    read_only_said(place, false)
}

/// [`read_only_msg`] as the API and the pages say it: what whoever runs
/// the server can do, without the command line's flags.
pub fn read_only_served_msg(place: Option<&ReadOnlyPlace>) -> crate::i18n::Msg {
    read_only_said(place, true)
}

fn read_only_said(place: Option<&ReadOnlyPlace>, served: bool) -> crate::i18n::Msg {
    use crate::i18n::Msg;
    let key = |cli: Msg, server: Msg| if served { server } else { cli };
    let reading = key(Msg::new("msg.read_only.reading"), Msg::new("msg.read_only.served.reading"));
    let Some(p) = place else {
        return key(Msg::new("msg.read_only.unknown"), Msg::new("msg.read_only.served.unknown"))
            .inner("reading", reading);
    };
    let file = p.file.display().to_string();
    let msg = match &p.why {
        ReadOnlyWhy::File => key(Msg::new("msg.read_only.file"), Msg::new("msg.read_only.served.file")),
        ReadOnlyWhy::Folder(folder) => key(Msg::new("msg.read_only.folder"), Msg::new("msg.read_only.served.folder"))
            .arg("folder", folder.display()),
        ReadOnlyWhy::Both(folder) => {
            key(Msg::new("msg.read_only.both"), Msg::new("msg.read_only.served.both")).arg("folder", folder.display())
        }
        ReadOnlyWhy::Refused => key(Msg::new("msg.read_only.refused"), Msg::new("msg.read_only.served.refused")),
    };
    msg.arg("file", file).inner("reading", reading)
}

/// `path` with `suffix` added to its file name (`journal.db-wal`).
fn beside(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    p.into()
}

/// Parse a stored closed-set value.
/// A stored value that does not parse.
fn corrupt(e: crate::i18n::Msg) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn stored<T: FromStr<Err = crate::i18n::Msg>>(value: &str) -> Result<T, StoreError> {
    value.parse().map_err(corrupt)
}

/// Parse an optional stored closed-set value.
fn stored_opt<T: FromStr<Err = crate::i18n::Msg>>(value: Option<&str>) -> Result<Option<T>, StoreError> {
    value.map(stored).transpose()
}

/// A stored local hour or weekday (`what`), which its CHECK keeps small.
fn stored_u32(what: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}

/// Parse a stored date.
fn stored_date(value: &str) -> Result<chrono::NaiveDate, StoreError> {
    crate::domain::time::parse_date(value).map_err(corrupt)
}

/// The id and system times a new row is written with: the next id and now
/// for a create, the exported ones for an import. (SQLite gives an
/// `INTEGER PRIMARY KEY` written as NULL the next id.)
struct NewRow {
    id: Option<i64>,
    created_at: String,
    updated_at: String,
    archived_at: Option<String>,
}

impl NewRow {
    /// A row created now.
    fn now() -> Self {
        let now = crate::domain::time::now_system();
        Self { id: None, created_at: now.clone(), updated_at: now, archived_at: None }
    }
}

impl From<&crate::portable::Stamps> for NewRow {
    fn from(s: &crate::portable::Stamps) -> Self {
        Self {
            id: Some(s.id),
            created_at: s.created_at.clone(),
            updated_at: s.updated_at.clone(),
            archived_at: s.archived_at.clone(),
        }
    }
}

/// The tables whose rows are archived rather than deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Machines,
    HardwareChanges,
    Licenses,
    Cases,
    Attempts,
    FollowUps,
    Attachments,
}

impl Table {
    /// Every table, in the order of the enum.
    pub(super) const ALL: [Table; 7] = [
        Table::Machines,
        Table::HardwareChanges,
        Table::Licenses,
        Table::Cases,
        Table::Attempts,
        Table::FollowUps,
        Table::Attachments,
    ];

    /// The table's name in SQL.
    pub(super) fn name(self) -> &'static str {
        match self {
            Table::Machines => "machines",
            Table::HardwareChanges => "hardware_changes",
            Table::Licenses => "licenses",
            Table::Cases => "cases",
            Table::Attempts => "attempts",
            Table::FollowUps => "follow_ups",
            Table::Attachments => "attachments",
        }
    }

    /// How messages name a row of this table.
    fn noun(self) -> &'static str {
        match self {
            Table::Machines => "machine",
            Table::HardwareChanges => "hardware change",
            Table::Licenses => "license",
            Table::Cases => "case",
            Table::Attempts => "attempt",
            Table::FollowUps => "follow-up",
            Table::Attachments => "attachment",
        }
    }

    /// How the audit log names this table's rows.
    fn entity(self) -> &'static str {
        match self {
            Table::Machines => "machine",
            Table::HardwareChanges => "hardware_change",
            Table::Licenses => "license",
            Table::Cases => "case",
            Table::Attempts => "attempt",
            Table::FollowUps => "follow_up",
            Table::Attachments => "attachment",
        }
    }

    fn not_found(self, id: i64) -> StoreError {
        StoreError::NotFound { entity: self.noun(), id }
    }
}

/// Rows that can be archived.
trait Archivable {
    fn archived_at(&self) -> Option<&str>;
}

macro_rules! archivable {
    ($($t:ty),+) => { $(impl Archivable for $t { fn archived_at(&self) -> Option<&str> { self.archived_at.as_deref() } })+ };
}
archivable!(
    crate::domain::Machine,
    crate::domain::HardwareChange,
    crate::domain::License,
    crate::domain::Case,
    crate::domain::Attempt,
    crate::domain::FollowUp,
    crate::domain::Attachment
);

/// A fetched row, if it may be shown: archived rows only when asked for.
fn visible<T: Archivable>(row: Option<T>, include_archived: bool, table: Table, id: i64) -> Result<T, StoreError> {
    row.filter(|r| include_archived || r.archived_at().is_none()).ok_or(table.not_found(id))
}
