//! Product keys: the key alphabet, the checksum of a key with an `N`,
//! the masked form the journal shows, and finding a key typed into free text.

use std::fmt;

use super::{compact, normalise_char, IdError};
use crate::i18n::Msg;

/// The 24 letters and digits product keys are written with (`N` aside).
pub const KEY_ALPHABET: &[u8; 24] = b"BCDFGHJKMPQRTVWXY2346789";

/// A product key: 25 characters of the key alphabet, at most one `N`; keys
/// with an `N` pass their checksum. `Display` and `Debug` mask all but the
/// last group; [`ProductKey::expose_secret`] gives the key itself.
///
/// ```
/// use activation_journal::domain::ProductKey;
/// let key: ProductKey = "gcrjd 8nw9h f2cdx ccm8d 9d6t9".parse().unwrap();
/// assert_eq!(key.to_string(), "*****-*****-*****-*****-9D6T9");
/// assert_eq!(key.expose_secret(), "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9");
/// assert!("GCRJD-8NW9H-F2CDX-CCM8D-9D6T8".parse::<ProductKey>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ProductKey {
    chars: [u8; 25],
}

impl ProductKey {
    /// The key in clear, grouped by hyphens. Only for encryption and the
    /// audited reveal route.
    pub fn expose_secret(&self) -> String {
        let mut out = String::with_capacity(29);
        for (i, c) in self.chars.iter().enumerate() {
            if i > 0 && i % 5 == 0 {
                out.push('-');
            }
            out.push(char::from(*c));
        }
        out
    }

    /// The last five characters, which Microsoft's own tools show too.
    pub fn last_five(&self) -> String {
        self.chars[20..].iter().map(|c| char::from(*c)).collect()
    }

    /// `true` when the key has an `N` (and so a checksum, which passed);
    /// `None` when the key has no `N` and only its form could be checked.
    pub fn checks(&self) -> Option<bool> {
        self.chars.contains(&b'N').then_some(true)
    }

    /// The masked form shown everywhere: `*****-*****-*****-*****-9D6T9`.
    pub fn masked(&self) -> String {
        mask_last_five(&self.last_five())
    }
}

/// The last five characters of a masked key (`*****-*****-*****-*****-9D6T9`),
/// which are not secret (Windows shows them): `None` for anything else.
pub fn last_five_of_mask(masked: &str) -> Option<String> {
    let last5 = masked.trim().strip_prefix("*****-*****-*****-*****-")?;
    let ok = last5.len() == 5 && last5.bytes().all(|c| c == b'N' || KEY_ALPHABET.contains(&c));
    ok.then(|| last5.to_string())
}

/// The masked form of a key whose last five characters are `last5`.
pub fn mask_last_five(last5: &str) -> String {
    format!("*****-*****-*****-*****-{last5}")
}

/// CRC-32/BZIP2: polynomial 0x04C11DB7, MSB first, init and xorout all ones.
pub(super) fn crc32_bzip2(bytes: &[u8]) -> u32 {
    let mut crc: u32 = 0xFFFF_FFFF;
    for &b in bytes {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 { (crc << 1) ^ 0x04C1_1DB7 } else { crc << 1 };
        }
    }
    !crc
}

/// The checksum of a key with an `N`: the N's position, then the other 24
/// characters as base-24 digits, make one number; its 10 bits from bit 103
/// must equal the low 10 bits of the CRC-32/BZIP2 of that number with
/// those bits cleared (little-endian bytes).
fn key_checksum_ok(chars: &[u8; 25]) -> bool {
    let Some(n_at) = chars.iter().position(|&c| c == b'N') else {
        return false;
    };
    let mut v: u128 = n_at as u128;
    for &c in chars.iter().filter(|&&c| c != b'N') {
        let Some(d) = KEY_ALPHABET.iter().position(|&a| a == c) else {
            return false;
        };
        v = v * 24 + d as u128;
    }
    let check = ((v >> 103) & 0x3FF) as u32;
    v &= !(0x3FFu128 << 103);
    crc32_bzip2(&v.to_le_bytes()) & 0x3FF == check
}

impl std::str::FromStr for ProductKey {
    type Err = IdError;

    fn from_str(input: &str) -> Result<Self, IdError> {
        let chars = compact(input);
        if chars.is_empty() {
            return Err(IdError(Msg::new("msg.is_empty").inner("what", Msg::new("msg.what.product_key"))));
        }
        if let Some(c) = chars.iter().find(|c| !(**c == 'N' || (c.is_ascii() && KEY_ALPHABET.contains(&(**c as u8))))) {
            return Err(IdError(Msg::new("msg.key_alphabet").arg("c", format!("{c:?}"))));
        }
        if chars.len() != 25 {
            return Err(IdError(Msg::new("msg.key_length").arg("n", chars.len())));
        }
        let mut key = [0u8; 25];
        for (slot, c) in key.iter_mut().zip(&chars) {
            *slot = *c as u8;
        }
        match key.iter().filter(|&&c| c == b'N').count() {
            0 => {}
            1 if key_checksum_ok(&key) => {}
            1 => return Err(IdError(Msg::new("msg.key_does_not_check"))),
            n => return Err(IdError(Msg::new("msg.key_many_n").arg("n", n))),
        }
        Ok(Self { chars: key })
    }
}

impl fmt::Display for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProductKey({})", self.masked())
    }
}

/// Find what looks like a product key inside free text (5 groups of 5
/// key-alphabet characters, separated by hyphens or spaces, or run
/// together). Returns the byte ranges in `text` and the last five
/// characters of each. Typos are still found: only the form is checked.
pub fn find_key_like(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let is_key_char = |c: char| {
        let n = normalise_char(c);
        matches!(n, Some(x) if x == 'N' || (x.is_ascii() && KEY_ALPHABET.contains(&(x as u8))))
    };
    let is_sep = |c: char| normalise_char(c).is_none();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // A key starts at a word boundary.
        let boundary = i == 0 || !chars[i - 1].1.is_alphanumeric();
        if boundary && is_key_char(chars[i].1) {
            let mut j = i;
            let mut taken = String::new();
            let mut ok = true;
            for group in 0..5 {
                if group > 0 && j < chars.len() && is_sep(chars[j].1) {
                    j += 1;
                }
                for _ in 0..5 {
                    match chars.get(j) {
                        Some(&(_, c)) if is_key_char(c) => {
                            taken.extend(normalise_char(c));
                            j += 1;
                        }
                        _ => {
                            ok = false;
                            break;
                        }
                    }
                }
                if !ok {
                    break;
                }
            }
            let ends_at_boundary = chars.get(j).is_none_or(|&(_, c)| !c.is_alphanumeric());
            if ok && ends_at_boundary && taken.matches('N').count() <= 1 {
                let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
                found.push((chars[i].0..end, taken[20..].to_string()));
                i = j;
                continue;
            }
        }
        i += 1;
    }
    found
}
