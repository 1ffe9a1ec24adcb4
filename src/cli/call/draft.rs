//! A call's draft: every answer given so far, kept in a file of the
//! user's state directory (`$XDG_STATE_HOME/activation-journal/`, or
//! `~/.local/state/activation-journal/`), one file a journal, mode 0600,
//! so that a call stopped half-way (Ctrl-C, Ctrl-D, Esc) or one the journal
//! refused goes on with `call --resume`.
//!
//! A product key is never written to the file: the key of a new license,
//! and any answer that holds something shaped like a key, are left out and
//! asked again on resume. (Sealing them with the journal's key file was the
//! other way; but a missing or replaced key file is one of the failures a
//! draft must survive, and sealing would then make a new key file that
//! does not open the journal's keys.)
//!
//! The draft holds the idempotency key made when the call started: each
//! write of the call carries it, so a resume after a store that did succeed
//! answers what was stored instead of storing it twice.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The questions of a call, in the order asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    #[default]
    Machine,
    License,
    Trigger,
    PhoneNumber,
    InstallationId,
    Ivr,
    Operator,
    Rating,
    Questions,
    ConfirmationId,
    Result,
    FailureReason,
    Notes,
    /// The summary, and "store this call?".
    Confirm,
}

impl Step {
    const ALL: [Step; 14] = [
        Step::Machine,
        Step::License,
        Step::Trigger,
        Step::PhoneNumber,
        Step::InstallationId,
        Step::Ivr,
        Step::Operator,
        Step::Rating,
        Step::Questions,
        Step::ConfirmationId,
        Step::Result,
        Step::FailureReason,
        Step::Notes,
        Step::Confirm,
    ];

    fn at(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The step after this one (the last stays).
    pub fn next(self) -> Step {
        Self::ALL.get(self.at() + 1).copied().unwrap_or(Step::Confirm)
    }

    /// The step before this one (the first stays).
    pub fn previous(self) -> Step {
        Self::ALL[self.at().saturating_sub(1)]
    }
}

/// The machine of the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "pick")]
pub enum MachinePick {
    Stored { id: i64, name: String },
    New { name: String, owner: Option<String> },
}

/// The license of the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "pick")]
pub enum LicensePick {
    Stored {
        id: i64,
        label: String,
        channel: String,
    },
    New {
        product: String,
        edition: Option<String>,
        channel: String,
        purchased_from: Option<String>,
        box_colour: Option<String>,
        /// The product key: in memory only, never in the file.
        key: Option<String>,
        /// A key was typed and left out of the file: ask it again.
        key_left_out: bool,
    },
}

/// One question the operator asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Asked {
    pub topic: String,
    pub question: Option<String>,
    /// In memory only when it holds a key.
    pub answer: Option<String>,
    /// An answer holding a key was left out of the file: ask it again.
    pub answer_left_out: bool,
}

/// Every answer of one call so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Draft {
    /// The journal the call is for.
    pub journal: PathBuf,
    /// Made when the call started; each write of the call carries it.
    pub key: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// Started at a time given with `--at` (recorded afterwards): no end
    /// time is taken from the clock.
    #[serde(default)]
    pub backdated: bool,
    /// The question to ask next.
    pub at: Step,
    /// Whether every question was answered once (a resume then goes back
    /// to the summary after the one it asks).
    pub complete: bool,
    pub machine: Option<MachinePick>,
    pub license: Option<LicensePick>,
    pub trigger: Option<String>,
    pub phone_number: Option<String>,
    pub installation_id: Option<String>,
    pub ivr_result: Option<String>,
    pub operator_outcome: Option<String>,
    pub wait_seconds: Option<i64>,
    pub operator_rating: Option<i64>,
    pub questions: Vec<Asked>,
    pub confirmation_id: Option<String>,
    pub result: Option<String>,
    pub failure_reason: Option<String>,
    pub notes: Option<String>,
}

impl Draft {
    /// A call starting now, for `journal`, with a new idempotency key.
    pub fn start(journal: &Path, started_at: String) -> Self {
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        Self {
            journal: journal.to_path_buf(),
            key: format!("call-{}", hex::encode(bytes)),
            started_at,
            ..Self::default()
        }
    }

    /// The draft as it may be written: product keys left out (and marked so).
    pub fn without_keys(&self) -> Self {
        let mut d = self.clone();
        if let Some(LicensePick::New { key, key_left_out, .. }) = &mut d.license {
            if key.take().is_some() {
                *key_left_out = true;
            }
        }
        for q in &mut d.questions {
            if q.answer.as_deref().is_some_and(|a| crate::domain::attempt::masked_answer(a).is_some()) {
                q.answer = None;
                q.answer_left_out = true;
            }
        }
        d
    }

    /// The digest of a part of the call, as its write's idempotency
    /// record holds it (product keys left out: a resume types them again).
    pub fn digest(part: &impl Serialize) -> Vec<u8> {
        let bytes = serde_json::to_vec(part).unwrap_or_default();
        Sha256::digest(&bytes).to_vec()
    }
}

/// Where drafts are kept: `$XDG_STATE_HOME/activation-journal`, or
/// `$HOME/.local/state/activation-journal`.
pub fn dir() -> anyhow::Result<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let state = match state {
        Some(s) => s,
        None => match std::env::var_os("HOME").map(PathBuf::from).filter(|p| p.is_absolute()) {
            Some(home) => home.join(".local").join("state"),
            None => anyhow::bail!(crate::cli::lang::s("cli.draft.no_state_dir")),
        },
    };
    Ok(state.join("activation-journal"))
}

/// The draft file of the journal at `journal` (one a journal, named by a
/// digest of its full path).
pub fn path(journal: &Path) -> anyhow::Result<PathBuf> {
    let full = std::fs::canonicalize(journal).unwrap_or_else(|_| journal.to_path_buf());
    let digest = Sha256::digest(full.as_os_str().as_encoded_bytes());
    Ok(dir()?.join(format!("call-{}.json", &hex::encode(digest)[..16])))
}

/// Write the draft (keys left out) to its file, readable by its owner
/// only; the file is replaced whole, never half-written.
pub fn keep(draft: &Draft) -> anyhow::Result<PathBuf> {
    let file = path(&draft.journal)?;
    let dir = dir()?;
    let io = |what: &'static str, p: &Path, e: std::io::Error| {
        let msg = crate::i18n::Msg::new(what).arg("path", p.display()).inner("detail", crate::i18n::Msg::io(&e));
        anyhow::anyhow!(crate::cli::lang::t().msg(&msg))
    };
    std::fs::create_dir_all(&dir).map_err(|e| io("cli.draft.cannot_make_folder", &dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| io("cli.draft.cannot_make_private", &dir, e))?;
    }
    let json = serde_json::to_vec_pretty(&draft.without_keys())?;
    let tmp = file.with_extension("json.partial");
    let _ = std::fs::remove_file(&tmp);
    let mut out = crate::secrets::new_file(&tmp, true).map_err(|e| io("cli.io.cannot_write", &tmp, e))?;
    out.write_all(&json).and_then(|()| out.sync_all()).map_err(|e| io("cli.io.cannot_write", &tmp, e))?;
    std::fs::rename(&tmp, &file).map_err(|e| io("cli.io.cannot_write", &file, e))?;
    Ok(file)
}

/// The draft of the journal at `journal`, if one is kept.
pub fn read(journal: &Path) -> anyhow::Result<Option<(PathBuf, Draft)>> {
    let file = path(journal)?;
    let text = match std::fs::read(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            anyhow::bail!(said("cli.draft.cannot_read", &file, &crate::cli::lang::t().msg(&crate::i18n::Msg::io(&e))))
        }
    };
    let draft = serde_json::from_slice(&text).map_err(|e| anyhow::anyhow!(said("cli.draft.damaged", &file, &e)))?;
    Ok(Some((file, draft)))
}

/// A line on the draft file in the run's language, with what went wrong.
fn said(key: &str, file: &Path, e: &dyn std::fmt::Display) -> String {
    crate::cli::lang::f(key, &[("path", &file.display().to_string()), ("detail", &e.to_string())])
}

/// Remove the draft file, once its call is stored (or given up).
pub fn remove(file: &Path) {
    if let Err(e) = std::fs::remove_file(file) {
        if e.kind() != std::io::ErrorKind::NotFound {
            let t = crate::cli::lang::t();
            eprintln!(
                "{}: {}",
                t.s("cli.warning"),
                said("cli.draft.cannot_remove", file, &t.msg(&crate::i18n::Msg::io(&e)))
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_as_written_holds_no_product_key() {
        let mut d = Draft::start(Path::new("j.db"), "2014-05-10T10:05:00+09:00".into());
        d.license = Some(LicensePick::New {
            product: "Windows 8.1".into(),
            edition: None,
            channel: "oem".into(),
            purchased_from: None,
            box_colour: None,
            key: Some("GCRJD-8NW9H-F2CDX-CCM8D-9D6T9".into()),
            key_left_out: false,
        });
        d.questions = vec![
            Asked {
                topic: "product_key".into(),
                answer: Some("GCRJD-8NW9H-F2CDX-CCM8D-9D6T9".into()),
                ..Asked::default()
            },
            Asked { topic: "edition".into(), answer: Some("Pro".into()), ..Asked::default() },
        ];
        let written = serde_json::to_string(&d.without_keys()).unwrap();
        assert!(!written.contains("GCRJD"), "{written}");
        let back: Draft = serde_json::from_str(&written).unwrap();
        assert!(matches!(back.license, Some(LicensePick::New { key: None, key_left_out: true, .. })));
        assert!(back.questions[0].answer_left_out && back.questions[0].answer.is_none());
        assert_eq!(back.questions[1].answer.as_deref(), Some("Pro"));
    }

    #[test]
    fn steps_go_forward_and_back_within_the_call() {
        assert_eq!(Step::Machine.previous(), Step::Machine);
        assert_eq!(Step::Confirm.next(), Step::Confirm);
        assert_eq!(Step::Notes.next(), Step::Confirm);
        assert_eq!(Step::Trigger.previous(), Step::License);
    }
}
