//! Settings, with one precedence: defaults < environment < flags.
//!
//! A bare start needs no file: the database is `activation-journal.db` in
//! the working directory, the key file is the database path plus `.key`,
//! and the server listens on `127.0.0.1:8080`. Settings are passed in,
//! never read from a global.

use crate::domain::time::Zone;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Default database file.
pub const DEFAULT_DB: &str = "activation-journal.db";
/// Default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Who folds the write-ahead log back into the database file (checkpoints).
///
/// Litestream replicates a journal by reading its WAL, and checkpoints it
/// itself (a passive checkpoint every 1,000 pages and every minute): a
/// journal that checkpoints too only races it. Left to Litestream, the
/// journal still checkpoints once its WAL holds
/// [`Checkpoints::LITESTREAM_BACKSTOP_PAGES`], which happens only when
/// Litestream is not running (or not keeping up), so the WAL stays bounded
/// either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Checkpoints {
    /// The journal: SQLite's automatic checkpoint, every 1,000 pages.
    #[default]
    Journal,
    /// Litestream, while it replicates the journal.
    Litestream,
}

impl Checkpoints {
    /// The journal's own checkpoint threshold when Litestream checkpoints:
    /// ten times Litestream's (about 40 MB of WAL with 4 KiB pages).
    pub const LITESTREAM_BACKSTOP_PAGES: u32 = 10_000;

    /// SQLite's `wal_autocheckpoint` for the journal's connections: after a
    /// commit that leaves this many pages in the WAL, the committing
    /// connection checkpoints (passively).
    pub fn wal_autocheckpoint(self) -> u32 {
        match self {
            Checkpoints::Journal => 1_000,
            Checkpoints::Litestream => Self::LITESTREAM_BACKSTOP_PAGES,
        }
    }
}

impl FromStr for Checkpoints {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "journal" => Ok(Checkpoints::Journal),
            "litestream" => Ok(Checkpoints::Litestream),
            other => Err(format!("{other:?} is not journal or litestream")),
        }
    }
}

impl fmt::Display for Checkpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Checkpoints::Journal => "journal",
            Checkpoints::Litestream => "litestream",
        })
    }
}

/// The effective settings of one run.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// The SQLite database file.
    pub db: PathBuf,
    /// The key file that seals product keys.
    pub key_file: PathBuf,
    /// Where `serve` listens.
    pub bind: String,
    /// Who checkpoints the WAL.
    pub checkpoints: Checkpoints,
    /// The household's time zone when a flag or the environment sets it
    /// (it then wins over the one kept in the journal); `None`: the
    /// journal's, or the system's.
    pub time_zone: Option<Zone>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key file's path is not a secret; its contents are never read here.
        f.debug_struct("Settings")
            .field("db", &self.db)
            .field("key_file", &self.key_file)
            .field("bind", &self.bind)
            .field("checkpoints", &self.checkpoints)
            .field("time_zone", &self.time_zone.map(|z| z.name()))
            .finish()
    }
}

/// What flags say; `None` when a flag was not given.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub db: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub bind: Option<String>,
    /// `journal` or `litestream`, as typed.
    pub checkpoints: Option<String>,
    /// An IANA time zone name, as typed.
    pub time_zone: Option<String>,
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
        let checkpoints = match (&flags.checkpoints, env("ACTIVATION_JOURNAL_CHECKPOINTS")) {
            (Some(c), _) => c.parse().map_err(|e| format!("--checkpoints: {e}"))?,
            (None, Some(c)) if !c.trim().is_empty() => {
                c.parse().map_err(|e| format!("ACTIVATION_JOURNAL_CHECKPOINTS: {e}"))?
            }
            _ => Checkpoints::default(),
        };
        let time_zone = match (&flags.time_zone, env("ACTIVATION_JOURNAL_TIME_ZONE")) {
            (Some(z), _) => Some(Zone::parse(z).map_err(|e| format!("--time-zone: {e}"))?),
            (None, Some(z)) if !z.trim().is_empty() => {
                Some(Zone::parse(&z).map_err(|e| format!("ACTIVATION_JOURNAL_TIME_ZONE: {e}"))?)
            }
            _ => None,
        };
        Ok(Self { db, key_file, bind, checkpoints, time_zone })
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
        assert_eq!(s.checkpoints, Checkpoints::Journal);
        let env = |k: &str| match k {
            "DATABASE_URL" => Some("sqlite://env.db?mode=rwc".to_string()),
            "ACTIVATION_JOURNAL_BIND" => Some("0.0.0.0:9000".to_string()),
            _ => None,
        };
        let s = Settings::resolve(&Flags::default(), env).unwrap();
        assert_eq!((s.db.to_str(), s.bind.as_str()), (Some("env.db"), "0.0.0.0:9000"));
        let flags = Flags {
            db: Some("flag.db".into()),
            bind: Some("127.0.0.1:1".into()),
            key_file: None,
            checkpoints: None,
            time_zone: None,
        };
        let s = Settings::resolve(&flags, env).unwrap();
        assert_eq!(
            (s.db.to_str(), s.bind.as_str(), s.key_file.to_str()),
            (Some("flag.db"), "127.0.0.1:1", Some("flag.db.key"))
        );
    }

    #[test]
    fn checkpoints_are_left_to_litestream_by_the_environment_or_a_flag() {
        let env = |k: &str| (k == "ACTIVATION_JOURNAL_CHECKPOINTS").then(|| "litestream".to_string());
        let s = Settings::resolve(&Flags::default(), env).unwrap();
        assert_eq!(s.checkpoints, Checkpoints::Litestream);
        assert_eq!(s.checkpoints.wal_autocheckpoint(), Checkpoints::LITESTREAM_BACKSTOP_PAGES);
        assert!(format!("{s:?}").contains("checkpoints: Litestream"), "the effective settings name it: {s:?}");
        let flags = Flags { checkpoints: Some("journal".into()), ..Flags::default() };
        let s = Settings::resolve(&flags, env).unwrap();
        assert_eq!((s.checkpoints, s.checkpoints.wal_autocheckpoint()), (Checkpoints::Journal, 1_000));
        let blank = |k: &str| (k == "ACTIVATION_JOURNAL_CHECKPOINTS").then(|| " ".to_string());
        assert_eq!(Settings::resolve(&Flags::default(), blank).unwrap().checkpoints, Checkpoints::Journal);
    }

    #[test]
    fn an_unknown_checkpoint_owner_is_named_with_where_it_came_from() {
        let env = |k: &str| (k == "ACTIVATION_JOURNAL_CHECKPOINTS").then(|| "sqlite".to_string());
        let e = Settings::resolve(&Flags::default(), env).unwrap_err();
        assert_eq!(e, r#"ACTIVATION_JOURNAL_CHECKPOINTS: "sqlite" is not journal or litestream"#);
        let flags = Flags { checkpoints: Some("Litestream".into()), ..Flags::default() };
        let e = Settings::resolve(&flags, |_: &str| None).unwrap_err();
        assert_eq!(e, r#"--checkpoints: "Litestream" is not journal or litestream"#);
    }

    #[test]
    fn the_time_zone_comes_from_a_flag_or_the_environment_and_is_named_when_unknown() {
        let env = |k: &str| (k == "ACTIVATION_JOURNAL_TIME_ZONE").then(|| "Europe/Berlin".to_string());
        assert_eq!(Settings::resolve(&Flags::default(), |_: &str| None).unwrap().time_zone, None);
        let s = Settings::resolve(&Flags::default(), env).unwrap();
        assert_eq!(s.time_zone.map(|z| z.name()), Some("Europe/Berlin"));
        let flags = Flags { time_zone: Some("Asia/Tokyo".into()), ..Flags::default() };
        assert_eq!(Settings::resolve(&flags, env).unwrap().time_zone.map(|z| z.name()), Some("Asia/Tokyo"));
        let flags = Flags { time_zone: Some("Tokyo".into()), ..Flags::default() };
        let e = Settings::resolve(&flags, env).unwrap_err();
        assert!(e.starts_with("--time-zone: \"Tokyo\" is not a time zone name"), "{e}");
        let bad = |k: &str| (k == "ACTIVATION_JOURNAL_TIME_ZONE").then(|| "JST".to_string());
        let e = Settings::resolve(&Flags::default(), bad).unwrap_err();
        assert!(e.starts_with("ACTIVATION_JOURNAL_TIME_ZONE: \"JST\""), "{e}");
    }

    #[test]
    fn bad_urls_are_explained() {
        assert!(database_path("postgres://x").unwrap_err().contains("not a sqlite: URL"));
        assert!(database_path("sqlite::memory:").is_err());
    }
}
