//! Settings, with one precedence: defaults < environment < flags.
//!
//! A bare start needs no file: the database is `activation-journal.db` in
//! the working directory, the key file is the database path plus `.key`,
//! and the server listens on `127.0.0.1:8080`. Settings are passed in,
//! never read from a global.

use std::fmt;
use std::path::PathBuf;

/// Default database file.
pub const DEFAULT_DB: &str = "activation-journal.db";
/// Default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The effective settings of one run.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// The SQLite database file.
    pub db: PathBuf,
    /// The key file that seals product keys.
    pub key_file: PathBuf,
    /// Where `serve` listens.
    pub bind: String,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key file's path is not a secret; its contents are never read here.
        f.debug_struct("Settings")
            .field("db", &self.db)
            .field("key_file", &self.key_file)
            .field("bind", &self.bind)
            .finish()
    }
}

/// What flags say; `None` when a flag was not given.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub db: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub bind: Option<String>,
}

impl Settings {
    /// Resolve settings from flags and an environment look-up.
    ///
    /// ```
    /// use activation_journal::config::{Flags, Settings};
    /// let env = |k: &str| (k == "DATABASE_URL").then(|| "sqlite:/data/j.db".to_string());
    /// let s = Settings::resolve(&Flags::default(), env).unwrap();
    /// assert_eq!(s.db.to_str(), Some("/data/j.db"));
    /// assert_eq!(s.key_file.to_str(), Some("/data/j.db.key"));
    /// ```
    pub fn resolve(flags: &Flags, env: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let db = match (&flags.db, env("DATABASE_URL")) {
            (Some(path), _) => path.clone(),
            (None, Some(url)) if !url.trim().is_empty() => database_path(&url)?,
            _ => PathBuf::from(DEFAULT_DB),
        };
        let key_file = match (&flags.key_file, env("ACTIVATION_JOURNAL_KEY_FILE")) {
            (Some(path), _) => path.clone(),
            (None, Some(path)) if !path.trim().is_empty() => PathBuf::from(path),
            _ => {
                let mut p = db.clone().into_os_string();
                p.push(".key");
                PathBuf::from(p)
            }
        };
        let bind = match (&flags.bind, env("ACTIVATION_JOURNAL_BIND")) {
            (Some(b), _) => b.clone(),
            (None, Some(b)) if !b.trim().is_empty() => b,
            _ => DEFAULT_BIND.to_string(),
        };
        Ok(Self { db, key_file, bind })
    }

    /// Resolve from flags and the process environment.
    pub fn from_env(flags: &Flags) -> Result<Self, String> {
        Self::resolve(flags, |k| std::env::var(k).ok())
    }
}

/// The file of a `sqlite:` URL (`sqlite:PATH`, `sqlite://PATH`, with an
/// optional `?query` that is ignored).
pub fn database_path(url: &str) -> Result<PathBuf, String> {
    let rest = url
        .trim()
        .strip_prefix("sqlite:")
        .ok_or_else(|| format!("DATABASE_URL {url:?} is not a sqlite: URL (like sqlite:activation-journal.db)"))?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        return Err(format!("DATABASE_URL {url:?} does not name a database file"));
    }
    Ok(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_environment_which_beats_defaults() {
        let none = |_: &str| None;
        let s = Settings::resolve(&Flags::default(), none).unwrap();
        assert_eq!(s.db, PathBuf::from(DEFAULT_DB));
        assert_eq!(s.key_file, PathBuf::from("activation-journal.db.key"));
        assert_eq!(s.bind, DEFAULT_BIND);
        let env = |k: &str| match k {
            "DATABASE_URL" => Some("sqlite://env.db?mode=rwc".to_string()),
            "ACTIVATION_JOURNAL_BIND" => Some("0.0.0.0:9000".to_string()),
            _ => None,
        };
        let s = Settings::resolve(&Flags::default(), env).unwrap();
        assert_eq!((s.db.to_str(), s.bind.as_str()), (Some("env.db"), "0.0.0.0:9000"));
        let flags = Flags { db: Some("flag.db".into()), bind: Some("127.0.0.1:1".into()), key_file: None };
        let s = Settings::resolve(&flags, env).unwrap();
        assert_eq!(
            (s.db.to_str(), s.bind.as_str(), s.key_file.to_str()),
            (Some("flag.db"), "127.0.0.1:1", Some("flag.db.key"))
        );
    }

    #[test]
    fn bad_urls_are_explained() {
        assert!(database_path("postgres://x").unwrap_err().contains("not a sqlite: URL"));
        assert!(database_path("sqlite::memory:").is_err());
    }
}
