//! Backups and restores of the database file.
//!
//! A backup is `VACUUM INTO`: a consistent copy taken inside a read
//! transaction, safe while a server writes (never a copy of a live WAL
//! file). A restore first checks the candidate (a SQLite file, `PRAGMA
//! integrity_check` says ok, no migration newer than this program's), then
//! keeps the current database as `<db>.before-restore-<UTC timestamp>` and
//! copies the backup in place. A running server holds an exclusive lock on
//! `<db>.lock` for its lifetime; restore refuses while that lock is taken.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};

use super::{Store, StoreError, MIGRATOR};

/// Why a backup or restore was refused.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists; pass --force to replace it")]
    Exists(PathBuf),
    #[error("{0} is not a SQLite database: {1}")]
    NotSqlite(PathBuf, String),
    #[error("{0} fails the integrity check: {1}")]
    Damaged(PathBuf, String),
    #[error("{0} was written by a newer activation-journal (migration {1}); upgrade the program first")]
    Newer(PathBuf, i64),
    #[error("a server is using {0} (it holds {1}); stop it first")]
    InUse(PathBuf, PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
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

impl Store {
    /// Write a consistent copy of the database to `to`.
    pub async fn backup(&self, to: &Path, force: bool) -> Result<(), BackupError> {
        if to.exists() {
            if !force {
                return Err(BackupError::Exists(to.to_path_buf()));
            }
            std::fs::remove_file(to).map_err(|e| BackupError::Io(to.to_path_buf(), e))?;
        }
        let target = to.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO ?").bind(target).execute(&self.pool).await?;
        Ok(())
    }
}

/// Check that `file` is a sound journal this program can open.
pub async fn check_backup(file: &Path) -> Result<(), BackupError> {
    let bad = |e: &dyn std::fmt::Display| BackupError::NotSqlite(file.to_path_buf(), e.to_string());
    if !file.is_file() {
        return Err(BackupError::NotSqlite(file.to_path_buf(), "no such file".into()));
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
    conn.close().await?;
    Ok(())
}

/// Replace the database at `db` with the backup `file`, keeping the current
/// one as `<db>.before-restore-<timestamp>`. Returns that path.
pub async fn restore(db: &Path, key_file: &Path, file: &Path) -> Result<Option<PathBuf>, BackupError> {
    check_backup(file).await?;
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
