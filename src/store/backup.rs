//! Backups and restores of the database file.
//!
//! A backup is `VACUUM INTO`: a consistent copy taken inside a read
//! transaction, safe while a server writes (never a copy of a live WAL
//! file), written under a temporary name and renamed once complete. The
//! product keys in it are sealed with the key file, which is kept apart
//! (`--with-key` copies it beside the backup). A restore first checks the
//! candidate (a SQLite file, complete, `PRAGMA integrity_check` says ok, no
//! migration newer than this program's, its sealed keys open with the key
//! file), then
//! keeps the current database as `<db>.before-restore-<UTC timestamp>` and
//! copies the backup in place. A running server holds an exclusive lock on
//! `<db>.lock` for its lifetime; restore refuses while that lock is taken.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};

use super::{Store, StoreError, MIGRATOR};

/// Why a backup or restore was refused.
#[derive(Debug)]
pub enum BackupError {
    Exists(PathBuf),
    NotSqlite(PathBuf, String),
    Damaged(PathBuf, String),
    Newer(PathBuf, i64),
    Incomplete(PathBuf, String),
    OtherKey(PathBuf, PathBuf),
    NoKey(PathBuf, PathBuf),
    InUse(PathBuf, PathBuf),
    NoFolder(PathBuf),
    Io(PathBuf, std::io::Error),
    Store(StoreError),
}

impl BackupError {
    /// What it says to a person, as a catalogue message; field errors of
    /// the store (`None`) are said field by field.
    pub fn msg(&self) -> Option<crate::i18n::Msg> {
        use crate::i18n::Msg;
        let file = |key: &'static str, path: &Path| Msg::new(key).arg("file", path.display());
        Some(match self {
            BackupError::Exists(p) => file("msg.backup.exists", p),
            BackupError::NotSqlite(p, d) => file("msg.backup.not_sqlite", p).arg("detail", d),
            BackupError::Damaged(p, d) => file("msg.backup.damaged", p).arg("detail", d),
            BackupError::Newer(p, n) => file("msg.backup.newer", p).arg("n", n),
            BackupError::Incomplete(p, d) => file("msg.backup.incomplete", p).arg("detail", d),
            BackupError::OtherKey(p, k) => file("msg.backup.other_key", p).arg("key", k.display()),
            BackupError::NoKey(p, k) => file("msg.backup.no_key", p).arg("key", k.display()),
            BackupError::InUse(p, l) => file("msg.backup.in_use", p).arg("lock", l.display()),
            BackupError::NoFolder(p) => Msg::new("msg.backup.no_folder").arg("folder", p.display()),
            BackupError::Io(p, e) => file("msg.backup.io", p).inner("detail", Msg::io(e)),
            BackupError::Store(e) => return e.msg(),
        })
    }
}

/// In English, as the logs say it.
impl std::fmt::Display for BackupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self, self.msg()) {
            (BackupError::Store(e), _) => e.fmt(f),
            (_, Some(m)) => f.write_str(&m.en()),
            (_, None) => Ok(()),
        }
    }
}

impl std::error::Error for BackupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BackupError::Io(_, e) => Some(e),
            BackupError::Store(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Store(e)
    }
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(e.into())
    }
}

/// The lock file a server holds for a database.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// Take the server lock of `db` (held until the returned file is dropped);
/// `None` when another process holds it.
pub fn try_lock(db: &Path) -> Result<Option<File>, BackupError> {
    let path = lock_path(db);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| BackupError::Io(path.clone(), e))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(BackupError::Io(path, e)),
    }
}

/// `path` with `suffix` added to its name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Where `backup FILE --with-key` puts the key file: `FILE.key`.
pub fn key_beside(backup: &Path) -> PathBuf {
    beside(backup, ".key")
}

impl Store {
    /// Write a consistent copy of the database to `to`: into `to.partial`
    /// first, renamed to `to` once complete, so that an interrupted backup
    /// never leaves a file that looks like one. With `with_key`, the key
    /// file is copied to `to.key` (mode 0600, never over an existing file).
    pub async fn backup(&self, to: &Path, force: bool, with_key: bool) -> Result<(), BackupError> {
        fn io(p: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
            move |e| BackupError::Io(p.to_path_buf(), e)
        }
        let key_copy = key_beside(to);
        if !force {
            for path in [Some(to), with_key.then_some(key_copy.as_path())].into_iter().flatten() {
                if path.exists() {
                    return Err(BackupError::Exists(path.to_path_buf()));
                }
            }
        }
        let folder = to.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !folder.is_dir() {
            return Err(BackupError::NoFolder(folder.to_path_buf()));
        }
        let partial = beside(to, ".partial");
        for stale in [partial.clone(), beside(&partial, "-journal")] {
            match std::fs::remove_file(&stale) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&stale)(e)),
                _ => {}
            }
        }
        let target = partial.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO ?").bind(target).execute(&self.pool).await?;
        std::fs::rename(&partial, to).map_err(io(to))?;
        if with_key {
            let key = std::fs::read(self.secrets.path()).map_err(io(self.secrets.path()))?;
            if force {
                match std::fs::remove_file(&key_copy) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&key_copy)(e)),
                    _ => {}
                }
            }
            let mut file = crate::secrets::new_file(&key_copy, true).map_err(io(&key_copy))?;
            std::io::Write::write_all(&mut file, &key).map_err(io(&key_copy))?;
            file.sync_all().map_err(io(&key_copy))?;
        }
        Ok(())
    }

    /// The key file these product keys are sealed with.
    pub fn key_file(&self) -> &Path {
        self.secrets.path()
    }
}

/// Check that `file` is a sound journal this program can open, whose sealed
/// product keys (if any) open with the key file `key_file`.
pub async fn check_backup(file: &Path, key_file: &Path) -> Result<(), BackupError> {
    let bad = |e: &dyn std::fmt::Display| BackupError::NotSqlite(file.to_path_buf(), e.to_string());
    if !file.is_file() {
        return Err(BackupError::NotSqlite(file.to_path_buf(), "no such file".into()));
    }
    // A `-journal` beside it: SQLite was still writing it when it stopped.
    if beside(file, "-journal").exists() {
        return Err(BackupError::Incomplete(file.to_path_buf(), "a -journal file lies beside it".into()));
    }
    let mut conn = SqliteConnectOptions::new().filename(file).read_only(true).connect().await.map_err(|e| bad(&e))?;
    let verdict: Result<Vec<(String,)>, sqlx::Error> =
        sqlx::query_as("PRAGMA integrity_check").fetch_all(&mut conn).await;
    let verdict = match verdict {
        Ok(rows) => rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("; "),
        Err(e) => return Err(bad(&e)),
    };
    if verdict != "ok" {
        return Err(BackupError::Damaged(file.to_path_buf(), verdict));
    }
    let applied: Vec<(i64,)> = sqlx::query_as("SELECT version FROM _sqlx_migrations")
        .fetch_all(&mut conn)
        .await
        .map_err(|_| BackupError::NotSqlite(file.to_path_buf(), "it holds no activation-journal tables".into()))?;
    if let Some((v,)) = applied.into_iter().find(|(v,)| !MIGRATOR.iter().any(|m| m.version == *v)) {
        return Err(BackupError::Newer(file.to_path_buf(), v));
    }
    let key = backup_key(&mut conn, file, key_file).await;
    conn.close().await?;
    key
}

/// The key check of a backup before it replaces anything: its sealed
/// values need the key file they were sealed with (by its recorded
/// fingerprint, or, in a backup older than fingerprints, by opening one).
async fn backup_key(conn: &mut sqlx::SqliteConnection, file: &Path, key_file: &Path) -> Result<(), BackupError> {
    let sealed: Option<(Vec<u8>,)> = sqlx::query_as(
        "SELECT product_key_sealed FROM licenses WHERE product_key_sealed IS NOT NULL
         UNION ALL SELECT answer_sealed FROM attempt_questions WHERE answer_sealed IS NOT NULL LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some((sealed,)) = sealed else { return Ok(()) };
    let secrets = crate::secrets::Secrets::new(key_file);
    let other = || BackupError::OtherKey(file.to_path_buf(), key_file.to_path_buf());
    let Some(actual) = secrets.fingerprint().map_err(|_| other())? else {
        return Err(BackupError::NoKey(file.to_path_buf(), key_file.to_path_buf()));
    };
    // Backups from before migration 16 have no fingerprint table.
    let recorded: Option<(String,)> = sqlx::query_as("SELECT fingerprint FROM key_fingerprint WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await
        .unwrap_or(None);
    match recorded {
        Some((recorded,)) if recorded == actual => Ok(()),
        Some(_) => Err(other()),
        None => secrets.open(&sealed).map(|_| ()).map_err(|_| other()),
    }
}

/// Replace the database at `db` with the backup `file`, keeping the current
/// one as `<db>.before-restore-<timestamp>`. Returns that path.
pub async fn restore(db: &Path, key_file: &Path, file: &Path) -> Result<Option<PathBuf>, BackupError> {
    check_backup(file, key_file).await?;
    let Some(_lock) = try_lock(db)? else {
        return Err(BackupError::InUse(db.to_path_buf(), lock_path(db)));
    };
    let mut kept = None;
    if db.exists() {
        // Fold the WAL into the file so that one file holds everything.
        let store = Store::connect(db, key_file).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await?;
        store.close().await;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let mut aside = db.as_os_str().to_owned();
        aside.push(format!(".before-restore-{stamp}"));
        let aside = PathBuf::from(aside);
        std::fs::rename(db, &aside).map_err(|e| BackupError::Io(db.to_path_buf(), e))?;
        for suffix in ["-wal", "-shm"] {
            let mut side = db.as_os_str().to_owned();
            side.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(side));
        }
        kept = Some(aside);
    }
    std::fs::copy(file, db).map_err(|e| BackupError::Io(db.to_path_buf(), e))?;
    // Bring an older backup up to date, and prove it opens.
    let store = Store::open(db, key_file).await?;
    store.close().await;
    Ok(kept)
}
