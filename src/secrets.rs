//! Secrets at rest: product keys, and answers that hold one, are sealed
//! with XChaCha20-Poly1305 under a 256-bit key kept in a key file beside
//! the database (`<db>.key` unless configured), created with mode 0600 the
//! first time something is sealed.
//!
//! Owns the key file and the sealed format (`1 ‖ 24-byte nonce ‖
//! ciphertext+tag`); knows nothing of SQL or HTTP. A lost or wrong key file
//! is a clear [`SecretError`], never a panic.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore as _;

const FORMAT: u8 = 1;
const AAD: &[u8] = b"activation-journal sealed v1";

/// Why a secret could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The key file is missing, so sealed values cannot be read.
    #[error("the key file {0} is missing, so stored product keys cannot be read; restore it from a backup")]
    Missing(PathBuf),
    /// The key file does not hold a key.
    #[error("the key file {0} does not hold a 64-hex-digit key")]
    Malformed(PathBuf),
    /// The key does not open this value (another key file, or damage).
    #[error("the key file {0} does not open this product key (was it replaced?)")]
    WrongKey(PathBuf),
    /// The key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// The sealing key, loaded from its file on first use.
#[derive(Clone)]
pub struct Secrets {
    path: PathBuf,
    // Held only to clone the Arc out; never across an await.
    key: Arc<Mutex<Option<Arc<XChaCha20Poly1305>>>>,
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
        let mut slot = self.key.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(k) = slot.as_ref() {
            return Ok(k.clone());
        }
        let bytes = match std::fs::read_to_string(&self.path) {
            Ok(text) => parse_key(&text).ok_or_else(|| SecretError::Malformed(self.path.clone()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => self.create_key_file()?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(SecretError::Missing(self.path.clone())),
            Err(source) => return Err(SecretError::Io { path: self.path.clone(), source }),
        };
        let cipher = Arc::new(XChaCha20Poly1305::new((&bytes).into()));
        *slot = Some(cipher.clone());
        Ok(cipher)
    }

    fn create_key_file(&self) -> Result<[u8; 32], SecretError> {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let io = |source| SecretError::Io { path: self.path.clone(), source };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        match options.open(&self.path) {
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
        let cipher = self.cipher(true)?;
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: AAD })
            .map_err(|_| SecretError::WrongKey(self.path.clone()))?;
        let mut out = Vec::with_capacity(1 + 24 + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Open a value sealed by [`Secrets::seal`].
    pub fn open(&self, sealed: &[u8]) -> Result<String, SecretError> {
        let cipher = self.cipher(false)?;
        let wrong = || SecretError::WrongKey(self.path.clone());
        if sealed.len() < 1 + 24 || sealed[0] != FORMAT {
            return Err(wrong());
        }
        let plain = cipher
            .decrypt(XNonce::from_slice(&sealed[1..25]), Payload { msg: &sealed[25..], aad: AAD })
            .map_err(|_| wrong())?;
        String::from_utf8(plain).map_err(|_| wrong())
    }
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
}
