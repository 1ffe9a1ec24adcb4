//! Secrets at rest: product keys, and answers that hold one, are sealed
//! with XChaCha20-Poly1305 under a 256-bit key kept in a key file beside
//! the database (`<db>.key` unless configured), created with mode 0600 the
//! first time something is sealed.
//!
//! Owns the key file and the sealed format (`1 ‖ 24-byte nonce ‖
//! ciphertext+tag`); knows nothing of SQL or HTTP. A lost or wrong key file
//! is a clear [`SecretError`], never a panic. A key file replaced (or
//! removed) while the program runs is noticed at the next seal or open,
//! which then reads the file anew, rather than going on with the key it read
//! first.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore as _;

const FORMAT: u8 = 1;
const AAD: &[u8] = b"activation-journal sealed v1";

/// Why a secret could not be sealed or opened.
#[derive(Debug)]
pub enum SecretError {
    /// The key file is missing, so sealed values cannot be read.
    Missing(PathBuf),
    /// The key file does not hold a key.
    Malformed(PathBuf),
    /// The key does not open this value (another key file, or damage).
    WrongKey(PathBuf),
    /// The key file holds another key than the one the journal's product
    /// keys were sealed with (its fingerprint differs).
    NotThisJournals(PathBuf),
    /// The key file could not be read or written.
    Io { path: PathBuf, source: std::io::Error },
}

impl SecretError {
    /// What it says to a person, as a catalogue message (the system's
    /// error in catalogue words by its kind).
    pub fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        let file = |key: &'static str, path: &std::path::Path| Msg::new(key).arg("file", path.display());
        match self {
            SecretError::Missing(p) => file("msg.secret.missing", p),
            SecretError::Malformed(p) => file("msg.secret.malformed", p),
            SecretError::WrongKey(p) => file("msg.secret.wrong_key", p),
            SecretError::NotThisJournals(p) => file("msg.secret.not_this_journals", p),
            SecretError::Io { path, source } => file("msg.secret.io", path).inner("detail", Msg::io(source)),
        }
    }
}

/// In English, as the API and the logs say it.
impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().en())
    }
}

impl std::error::Error for SecretError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SecretError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A key read from its file: the cipher, and the key's fingerprint.
type Loaded = (Arc<XChaCha20Poly1305>, String);

/// A key as read, and the file it was read from.
type Cached = (Loaded, Option<FileId>);

/// Which file a key was read from, as cheaply told as a `stat`: device,
/// inode, modification time and length. A file written anew, renamed over
/// or put back from a backup differs in one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
    modified: Option<std::time::SystemTime>,
    len: u64,
}

impl FileId {
    /// The identity of the file at `path` now (`None`: there is none).
    fn of(path: &std::path::Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt as _;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Some(Self { dev, ino, modified: meta.modified().ok(), len: meta.len() })
    }
}

/// The sealing key, loaded from its file on first use.
#[derive(Clone)]
pub struct Secrets {
    path: PathBuf,
    // Held only to clone the Arc out; never across an await.
    /// The key and its fingerprint, once read, and the file it was read from.
    key: Arc<Mutex<Option<Cached>>>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Secrets {
    /// Secrets kept in the key file at `path` (which may not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), key: Arc::new(Mutex::new(None)) }
    }

    fn cipher(&self, create: bool) -> Result<Arc<XChaCha20Poly1305>, SecretError> {
        self.loaded(create).map(|(cipher, _)| cipher)
    }

    /// The key (made first when `create`), with its fingerprint: read
    /// once, and read again when the key file is no longer the file it
    /// was read from (one `stat` a call tells).
    fn loaded(&self, create: bool) -> Result<Loaded, SecretError> {
        let mut slot = self.key.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = FileId::of(&self.path);
        if let Some((k, read_from)) = slot.as_ref() {
            if now.is_some() && *read_from == now {
                return Ok(k.clone());
            }
            *slot = None;
        }
        let bytes = match std::fs::read_to_string(&self.path) {
            Ok(text) => parse_key(&text).ok_or_else(|| SecretError::Malformed(self.path.clone()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => self.create_key_file()?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(SecretError::Missing(self.path.clone())),
            Err(source) => return Err(SecretError::Io { path: self.path.clone(), source }),
        };
        let loaded = (Arc::new(XChaCha20Poly1305::new((&bytes).into())), fingerprint_of(&bytes));
        // The identity of the file as it is after reading (or making) it.
        *slot = Some((loaded.clone(), FileId::of(&self.path)));
        Ok(loaded)
    }

    /// The key file's path.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The fingerprint of the key file, `None` when there is no key file.
    pub fn fingerprint(&self) -> Result<Option<String>, SecretError> {
        match self.loaded(false) {
            Ok((_, fingerprint)) => Ok(Some(fingerprint)),
            Err(SecretError::Missing(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The fingerprint of the key file, made first when there is none.
    pub fn fingerprint_or_create(&self) -> Result<String, SecretError> {
        self.loaded(true).map(|(_, fingerprint)| fingerprint)
    }

    fn create_key_file(&self) -> Result<[u8; 32], SecretError> {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let io = |source| SecretError::Io { path: self.path.clone(), source };
        match new_file(&self.path, true) {
            Ok(mut file) => {
                file.write_all(format!("{}\n", hex::encode(key)).as_bytes()).map_err(io)?;
                file.sync_all().map_err(io)?;
                Ok(key)
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&self.path).map_err(io)?;
                parse_key(&text).ok_or_else(|| SecretError::Malformed(self.path.clone()))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Seal `plain`, creating the key file if there is none.
    pub fn seal(&self, plain: &str) -> Result<Vec<u8>, SecretError> {
        self.seal_bytes(plain.as_bytes())
    }

    /// Seal bytes (an attachment's file), creating the key file if there is none.
    pub fn seal_bytes(&self, plain: &[u8]) -> Result<Vec<u8>, SecretError> {
        let cipher = self.cipher(true)?;
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: AAD })
            .map_err(|_| SecretError::WrongKey(self.path.clone()))?;
        let mut out = Vec::with_capacity(1 + 24 + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Open a value sealed by [`Secrets::seal`].
    pub fn open(&self, sealed: &[u8]) -> Result<String, SecretError> {
        String::from_utf8(self.open_bytes(sealed)?).map_err(|_| SecretError::WrongKey(self.path.clone()))
    }

    /// Open bytes sealed by [`Secrets::seal_bytes`] (or [`Secrets::seal`]).
    pub fn open_bytes(&self, sealed: &[u8]) -> Result<Vec<u8>, SecretError> {
        let cipher = self.cipher(false)?;
        let wrong = || SecretError::WrongKey(self.path.clone());
        if sealed.len() < 1 + 24 || sealed[0] != FORMAT {
            return Err(wrong());
        }
        cipher
            .decrypt(XNonce::from_slice(&sealed[1..25]), Payload { msg: &sealed[25..], aad: AAD })
            .map_err(|_| wrong())
    }
}

/// Create a new file for `path` that nobody else can have opened or
/// pointed elsewhere: `create_new` (O_EXCL — never an existing file, and
/// never through a symlink, which O_EXCL refuses) with, when `private`, mode
/// 0600 from the start rather than after the bytes are in. Every file the
/// program writes secrets to is made this way: the key file, an export with
/// product keys, a key copied beside a backup.
pub fn new_file(path: &std::path::Path, private: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

/// The fingerprint of a key: 16 bytes of SHA-256 over a label and the key,
/// in hex. It names the key (to tell one key file from another) without
/// revealing it.
fn fingerprint_of(key: &[u8; 32]) -> String {
    use sha2::{Digest as _, Sha256};
    let digest = Sha256::new().chain_update(b"activation-journal key fingerprint v1\n").chain_update(key).finalize();
    hex::encode(&digest[..16])
}

fn parse_key(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text.trim()).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_the_same_key_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db.key");
        let s = Secrets::new(&path);
        let sealed = s.seal("GCRJD-8NW9H-F2CDX-CCM8D-9D6T9").unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"GCRJD"));
        assert_eq!(Secrets::new(&path).open(&sealed).unwrap(), "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_file(&path).unwrap();
        let err = Secrets::new(&path).open(&sealed).unwrap_err();
        assert!(err.to_string().contains("is missing"), "{err}");
        Secrets::new(&path).seal("x").unwrap(); // a new key
        assert!(matches!(Secrets::new(&path).open(&sealed), Err(SecretError::WrongKey(_))));
        assert!(matches!(Secrets::new(&path).open(b"junk"), Err(SecretError::WrongKey(_))));
    }

    #[test]
    fn a_key_file_replaced_or_removed_while_in_use_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db.key");
        let s = Secrets::new(&path);
        let sealed = s.seal("GCRJD-8NW9H-F2CDX-CCM8D-9D6T9").unwrap();
        let first = s.fingerprint().unwrap().unwrap();
        // Another key put in its place (a new file renamed over it).
        let other = dir.path().join("other.key");
        Secrets::new(&other).seal("x").unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert_ne!(s.fingerprint().unwrap().unwrap(), first, "the replaced file is read, not the cached key");
        assert!(matches!(s.open(&sealed), Err(SecretError::WrongKey(_))));
        // Removed: missing, as at start.
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(s.open(&sealed), Err(SecretError::Missing(_))));
        assert_eq!(s.fingerprint().unwrap(), None);
    }
}
