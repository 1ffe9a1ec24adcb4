//! Installation IDs, Confirmation IDs and product keys: parsed newtypes.
//!
//! Owns the rules of Microsoft's identifiers (layouts, the per-group mod-7 check
//! digit, the product-key alphabet and its CRC-based checksum) and the
//! normalisation of what people type: spaces, hyphens, full-width digits and
//! letters as a Japanese IME types them, and lower case. Knows nothing of
//! HTTP or SQL. A value of these types is always well formed. Product keys
//! are in [`product_key`], the group-by-group checks of a call in [`typing`].

use std::fmt;

use crate::i18n::Msg;

mod product_key;
mod typing;

pub use product_key::{find_key_like, last_five_of_mask, mask_last_five, ProductKey, KEY_ALPHABET};
pub use typing::{check_group, check_typed, split_pasted, IdKind, TypedGroup};

/// What went wrong parsing an identifier, in words a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(pub Msg);

/// Map full-width ASCII (as an IME types it) to ASCII and fold case up.
/// Separators (any kind of space or dash) become `None`.
fn normalise_char(c: char) -> Option<char> {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    match c {
        ' ' | '\t' | '\n' | '\r' | '-' | '_' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{00A0}' => None,
        _ => Some(c.to_ascii_uppercase()),
    }
}

/// The characters of `input` with separators dropped and full-width folded.
fn compact(input: &str) -> Vec<char> {
    input.chars().filter_map(normalise_char).collect()
}

/// Whether a group's last digit is the check digit of the digits before it.
fn group_checks(digits: &[u8]) -> bool {
    match digits.split_last() {
        Some((&check, data)) if !data.is_empty() => check_digit(data) == check,
        _ => false,
    }
}

/// The mod-7 check digit of a group's data digits, weighted 1, 2, 1, 2, …
pub fn check_digit(data: &[u8]) -> u8 {
    let sum: u32 = data.iter().enumerate().map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 1 } else { 2 }).sum();
    // sum % 7 is always < 7, so it fits in a u8.
    (sum % 7) as u8
}

fn digits_of(input: &str, what: &Msg) -> Result<Vec<u8>, IdError> {
    let chars = compact(input);
    if chars.is_empty() {
        return Err(IdError(Msg::new("msg.is_empty").inner("what", what.clone())));
    }
    chars
        .iter()
        .map(|c| {
            c.to_digit(10).map(|d| d as u8).ok_or_else(|| {
                IdError(Msg::new("msg.only_digits").inner("what", what.clone()).arg("c", format!("{c:?}")))
            })
        })
        .collect()
}

fn group_sizes(total: usize, layouts: &[(usize, &'static [usize])]) -> Option<&'static [usize]> {
    layouts.iter().find(|(n, _)| *n == total).map(|(_, g)| *g)
}

fn join_groups(digits: &[u8], sizes: &[usize]) -> String {
    let mut out = String::with_capacity(digits.len() + sizes.len());
    let mut at = 0;
    for (i, size) in sizes.iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        for d in &digits[at..at + size] {
            out.push(char::from(b'0' + d));
        }
        at += size;
    }
    out
}

/// Split `digits` by `sizes` and return the 0-based indexes of failing groups.
fn failing_groups(digits: &[u8], sizes: &[usize]) -> Vec<usize> {
    let mut at = 0;
    let mut bad = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        if !group_checks(&digits[at..at + size]) {
            bad.push(i);
        }
        at += size;
    }
    bad
}

/// The groups (by 0-based index) of an ID that do not check.
pub(crate) fn list_groups(kind: IdKind, bad: &[usize]) -> Msg {
    match bad {
        [one] => Msg::new("msg.does_not_check").inner("what", kind.group_name(*one)),
        _ => {
            let names = bad.iter().map(|i| kind.group_label(*i)).collect();
            match kind {
                IdKind::Installation => Msg::new("msg.groups_do_not_check").list("groups", names),
                IdKind::Confirmation => Msg::new("msg.boxes_do_not_check").list("groups", names),
            }
        }
    }
}

const IID_GROUPS_50: &[usize] = &[6, 6, 6, 6, 6, 6, 6, 6, 2];
const IID_GROUPS_54: &[usize] = &[6; 9];
const IID_GROUPS_63: &[usize] = &[7; 9];
const IID_LAYOUTS: &[(usize, &[usize])] = &[(50, IID_GROUPS_50), (54, IID_GROUPS_54), (63, IID_GROUPS_63)];

/// An Installation ID: 50, 54 or 63 digits whose every group checks.
///
/// ```
/// use activation_journal::domain::InstallationId;
/// let iid: InstallationId = "086680-618254-417674-185413-128320-279945-620426-138745-737550".parse().unwrap();
/// assert_eq!(iid.digits().len(), 54);
/// let err = "508760583450367066786558223034732344271525457574499727444472481"
///     .replacen("4499", "4599", 1)
///     .parse::<InstallationId>()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "group 7 does not check");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InstallationId {
    digits: String,
}

impl InstallationId {
    /// The digits alone, as stored.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// How many groups this layout has (always 9).
    pub fn group_sizes(&self) -> &'static [usize] {
        group_sizes(self.digits.len(), IID_LAYOUTS).unwrap_or(IID_GROUPS_63)
    }
}

impl std::str::FromStr for InstallationId {
    type Err = IdError;

    fn from_str(input: &str) -> Result<Self, IdError> {
        let digits = digits_of(input, &Msg::new("msg.what.installation_id"))?;
        let sizes = group_sizes(digits.len(), IID_LAYOUTS)
            .ok_or_else(|| IdError(Msg::new("msg.iid_digits").arg("n", digits.len())))?;
        let bad = failing_groups(&digits, sizes);
        if !bad.is_empty() {
            return Err(IdError(list_groups(IdKind::Installation, &bad)));
        }
        Ok(Self { digits: digits.iter().map(|d| char::from(b'0' + d)).collect() })
    }
}

impl fmt::Display for InstallationId {
    /// Groups joined by hyphens, as Windows shows them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits: Vec<u8> = self.digits.bytes().map(|b| b - b'0').collect();
        f.write_str(&join_groups(&digits, self.group_sizes()))
    }
}

impl fmt::Debug for InstallationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InstallationId({self})")
    }
}

/// A Confirmation ID: 42 digits (7 checked groups, A–G) or 48 digits
/// (8 groups, A–H, whose check is only a warning: no public source confirms
/// that the check digit applies to them).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ConfirmationId {
    digits: String,
}

/// A parsed Confirmation ID with the warnings to store beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedConfirmationId {
    /// The ID itself.
    pub id: ConfirmationId,
    /// Groups of a 48-digit ID that do not check, as sentences.
    pub warnings: Vec<String>,
}

const CID_GROUPS_42: &[usize] = &[6; 7];
const CID_GROUPS_48: &[usize] = &[6; 8];
const CID_LAYOUTS: &[(usize, &[usize])] = &[(42, CID_GROUPS_42), (48, CID_GROUPS_48)];

fn group_letter(i: usize) -> String {
    char::from(b'A' + (i as u8 % 26)).to_string()
}

impl ConfirmationId {
    /// Parse, keeping failing groups of a 48-digit ID as warnings.
    ///
    /// ```
    /// use activation_journal::domain::ConfirmationId;
    /// let ok = ConfirmationId::parse_checked("109062-530373-462923-856922-378004-297663-022353").unwrap();
    /// assert!(ok.warnings.is_empty());
    /// assert!(ConfirmationId::parse_checked("109062-530373-462923-856922-378004-297663-022354").is_err());
    /// ```
    pub fn parse_checked(input: &str) -> Result<CheckedConfirmationId, IdError> {
        let digits = digits_of(input, &Msg::new("msg.what.confirmation_id"))?;
        let sizes = group_sizes(digits.len(), CID_LAYOUTS)
            .ok_or_else(|| IdError(Msg::new("msg.cid_digits").arg("n", digits.len())))?;
        let bad = failing_groups(&digits, sizes);
        let id = ConfirmationId { digits: digits.iter().map(|d| char::from(b'0' + d)).collect() };
        if bad.is_empty() {
            return Ok(CheckedConfirmationId { id, warnings: Vec::new() });
        }
        if digits.len() == 42 {
            return Err(IdError(list_groups(IdKind::Confirmation, &bad)));
        }
        let warnings = vec![super::warning::Warning::cid48(&bad).text()];
        Ok(CheckedConfirmationId { id, warnings })
    }

    /// The digits alone, as stored.
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

impl fmt::Display for ConfirmationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits: Vec<u8> = self.digits.bytes().map(|b| b - b'0').collect();
        let sizes = group_sizes(digits.len(), CID_LAYOUTS).unwrap_or(CID_GROUPS_48);
        f.write_str(&join_groups(&digits, sizes))
    }
}

impl fmt::Debug for ConfirmationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConfirmationId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::product_key::crc32_bzip2;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn groups_are_checked_one_at_a_time_as_the_phone_menu_does() {
        let groups =
            ["5087605", "8345036", "7066786", "5582230", "3473234", "4271525", "4575744", "9972744", "4472481"];
        for (i, g) in groups.iter().enumerate() {
            assert_eq!(check_group(IdKind::Installation, i, Some(7), g).as_deref(), Ok(*g));
        }
        for (index, width, input, message) in [
            (0, None, "50876", "group 1 has 5 digits; expected 6 or 7"),
            (1, Some(7), "834503", "group 2 has 6 digits; expected 7"),
            (6, Some(7), "4575754", "group 7 does not check"),
            (2, Some(7), "70a6786", "group 3 may hold only digits, spaces and hyphens, not 'A'"),
            (3, Some(7), "", "group 4 is empty"),
            (8, Some(6), "925", "group 9 has 3 digits; expected 6 (or 2, on Windows XP)"),
        ] {
            assert_eq!(check_group(IdKind::Installation, index, width, input).unwrap_err().to_string(), message);
        }
        assert_eq!(check_group(IdKind::Installation, 8, Some(6), "92").as_deref(), Ok("92"));
        assert_eq!(check_group(IdKind::Confirmation, 1, Some(6), "530373").as_deref(), Ok("530373"));
        assert_eq!(
            check_group(IdKind::Confirmation, 6, Some(6), "022354").unwrap_err().to_string(),
            "group G does not check"
        );
    }

    #[test]
    fn a_pasted_id_is_split_into_its_groups_label_or_not() {
        let dti = "Installation ID: 508760583450367066786558223034732344271525457574499727444472481";
        let groups = split_pasted(IdKind::Installation, dti).unwrap();
        assert_eq!(groups.len(), 9);
        assert_eq!(groups[6], "4575744");
        let ja = "インストール ID：５０８７６０５-8345036 7066786 5582230 3473234 4271525 4575744 9972744 4472481";
        assert_eq!(split_pasted(IdKind::Installation, ja).unwrap()[0], "5087605");
        assert_eq!(split_pasted(IdKind::Installation, "5087605"), None);
        let cid = split_pasted(IdKind::Confirmation, "109062-530373-462923-856922-378004-297663-022353").unwrap();
        assert_eq!(cid.len(), 7);
    }

    const IID63: &str = "508760583450367066786558223034732344271525457574499727444472481";
    const IID54: &str = "086680-618254-417674-185413-128320-279945-620426-138745-737550";
    const IID50: &str = "140360-627153-508674-221690-171243-904021-659581-150052-92";
    const CID42: &str = "109062-530373-462923-856922-378004-297663-022353";
    const KEYS: &[&str] = &[
        "W269N-WFGWX-YVC9B-4J6C9-T83GX",
        "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9",
        "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7",
        "NW6C2-QMPVW-D7KKK-3GKT6-VCFB2",
    ];

    #[test]
    fn the_worked_group_example_checks() {
        assert!(group_checks(&[5, 0, 8, 7, 6, 0, 5]));
        assert_eq!(check_digit(&[5, 0, 8, 7, 6, 0]), 5);
    }

    #[test]
    fn every_iid_vector_parses_with_its_layout() {
        let iid: InstallationId = IID63.parse().unwrap();
        assert_eq!(iid.to_string(), "5087605-8345036-7066786-5582230-3473234-4271525-4575744-9972744-4472481");
        assert_eq!(IID54.parse::<InstallationId>().unwrap().to_string(), IID54);
        assert_eq!(IID50.parse::<InstallationId>().unwrap().to_string(), IID50);
    }

    #[test]
    fn changing_the_44th_digit_fails_exactly_group_7() {
        let mut digits: Vec<u8> = IID63.bytes().collect();
        digits[43] = if digits[43] == b'9' { b'8' } else { digits[43] + 1 };
        let changed = String::from_utf8(digits).unwrap();
        assert_eq!(changed.parse::<InstallationId>().unwrap_err().0, "group 7 does not check");
    }

    #[test]
    fn several_failing_groups_are_all_named() {
        let mut digits: Vec<u8> = IID63.bytes().collect();
        digits[0] = b'6'; // group 1
        digits[42] = b'5'; // group 7 (was 4)
        let changed = String::from_utf8(digits).unwrap();
        assert_eq!(changed.parse::<InstallationId>().unwrap_err().0, "groups 1 and 7 do not check");
    }

    #[test]
    fn iid_of_the_wrong_length_says_how_many_digits() {
        let err = "12345".parse::<InstallationId>().unwrap_err().0;
        assert_eq!(err, "installation ID has 5 digits; expected 50, 54 or 63 (9 groups of 6 or 7)");
        let err = "12a45".parse::<InstallationId>().unwrap_err().0;
        assert!(err.contains("'A'"), "{err}");
    }

    #[test]
    fn full_width_digits_and_ime_dashes_are_accepted() {
        let wide: String =
            IID54.chars().map(|c| if c == '-' { 'ー' } else { char::from_u32(c as u32 + 0xFEE0).unwrap() }).collect();
        assert_eq!(wide.parse::<InstallationId>().unwrap().to_string(), IID54);
    }

    #[test]
    fn cid_vectors() {
        let ok = ConfirmationId::parse_checked(CID42).unwrap();
        assert_eq!(ok.id.to_string(), CID42);
        assert!(ok.warnings.is_empty());
        let bad = CID42.replacen("530373", "530374", 1);
        assert_eq!(ConfirmationId::parse_checked(&bad).unwrap_err().0, "group B does not check");
        // 48 digits: stored, with a warning naming the group.
        let cid48 = "109062-530373-462923-856922-378004-297663-022353-000000";
        assert!(ConfirmationId::parse_checked(cid48).unwrap().warnings.is_empty());
        let warned = ConfirmationId::parse_checked("109062-530373-462923-856922-378004-297663-022353-000001").unwrap();
        assert_eq!(warned.warnings.len(), 1);
        assert!(warned.warnings[0].contains("group H does not check"), "{:?}", warned.warnings);
        let short = ConfirmationId::parse_checked("123").unwrap_err().0;
        assert!(short.contains("3 digits"), "{short}");
    }

    #[test]
    fn key_vectors_check_and_mask() {
        for k in KEYS {
            let key: ProductKey = k.parse().unwrap_or_else(|e| panic!("{k}: {e}"));
            assert_eq!(key.expose_secret(), *k);
            assert_eq!(key.checks(), Some(true));
            assert!(!format!("{key} {key:?}").contains(&k[..5]));
        }
        let typo = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T8".parse::<ProductKey>().unwrap_err().0;
        assert!(typo.contains("does not check"), "{typo}");
    }

    #[test]
    fn keys_are_normalised() {
        let wide = "ｇｃｒｊｄ－８ｎｗ９ｈ　Ｆ２ＣＤＸ－ＣＣＭ８Ｄ－９Ｄ６Ｔ９";
        assert_eq!(wide.parse::<ProductKey>().unwrap().expose_secret(), KEYS[1]);
    }

    #[test]
    fn keys_without_n_check_form_only() {
        let key: ProductKey = "BCDFG-HJKMP-QRTVW-XY234-6789B".parse().unwrap();
        assert_eq!(key.checks(), None);
        assert!("BCDFG-HJKMP-QRTVW-XY234-6789".parse::<ProductKey>().unwrap_err().0.contains("24 characters"));
        assert!("ACDFG-HJKMP-QRTVW-XY234-6789B".parse::<ProductKey>().unwrap_err().0.contains("'A'"));
        assert!("NNDFG-HJKMP-QRTVW-XY234-6789B".parse::<ProductKey>().unwrap_err().0.contains("2 N's"));
    }

    #[test]
    fn keys_are_found_inside_text() {
        let found = find_key_like("she asked, I read GCRJD-8NW9H-F2CDX-CCM8D-9D6T9 off the sticker");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "9D6T9");
        assert!(find_key_like("the blue box from Yodobashi").is_empty());
        assert_eq!(find_key_like("gcrjd8nw9hf2cdxccm8d9d6t9").len(), 1);
    }

    fn arb_iid() -> impl Strategy<Value = String> {
        prop_oneof![Just(IID_GROUPS_50), Just(IID_GROUPS_54), Just(IID_GROUPS_63)].prop_flat_map(|sizes| {
            let total: usize = sizes.iter().sum();
            proptest::collection::vec(0u8..10, total).prop_map(move |mut d| {
                let mut at = 0;
                for size in sizes {
                    d[at + size - 1] = check_digit(&d[at..at + size - 1]);
                    at += size;
                }
                d.iter().map(|x| char::from(b'0' + x)).collect()
            })
        })
    }

    /// 24^25: the number of values a key spells.
    const KEY_SPACE: u128 = 24u128.pow(25);

    /// The key with an `N` that a base-24 value spells once its ten check
    /// bits are set (the checksum's rule, run backwards); None when setting them leaves
    /// the range of 25 digits.
    fn key_with_n(v: u128) -> Option<String> {
        let mut v = v & !(0x3FFu128 << 103);
        v |= u128::from(crc32_bzip2(&v.to_le_bytes()) & 0x3FF) << 103;
        if v >= KEY_SPACE {
            return None;
        }
        let mut digits = [0usize; 25];
        for slot in digits.iter_mut().rev() {
            *slot = (v % 24) as usize;
            v /= 24;
        }
        let mut chars: Vec<char> = digits[1..].iter().map(|&d| char::from(KEY_ALPHABET[d])).collect();
        chars.insert(digits[0], 'N');
        Some(chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn valid_iids_round_trip(raw in arb_iid()) {
            let iid: InstallationId = raw.parse().unwrap();
            prop_assert_eq!(iid.digits(), raw.as_str());
            let again: InstallationId = iid.to_string().parse().unwrap();
            prop_assert_eq!(again, iid);
        }

        #[test]
        fn a_changed_digit_is_caught_unless_by_seven(raw in arb_iid(), pos in 0usize..63, delta in 1u8..10) {
            let pos = pos % raw.len();
            let mut d: Vec<u8> = raw.bytes().map(|b| b - b'0').collect();
            let old = d[pos];
            let new = (old + delta) % 10;
            d[pos] = new;
            let changed: String = d.iter().map(|x| char::from(b'0' + x)).collect();
            let result = changed.parse::<InstallationId>();
            // A changed check digit never matches (a check is 0-6 and unique);
            // a data digit weighted 1 or 2 goes unnoticed only when it moves by 7.
            let sizes = group_sizes(raw.len(), IID_LAYOUTS).unwrap();
            let mut end = 0;
            let is_check = sizes.iter().any(|s| { end += s; end - 1 == pos });
            let diff = (i16::from(new) - i16::from(old)).rem_euclid(7);
            if !is_check && diff == 0 {
                prop_assert!(result.is_ok());
            } else {
                prop_assert!(result.is_err(), "{} -> {}", raw, changed);
            }
        }

        #[test]
        fn valid_cids_of_both_lengths_round_trip_without_warnings(
            d in prop_oneof![Just(42usize), Just(48usize)].prop_flat_map(|n| proptest::collection::vec(0u8..10, n))
        ) {
            let mut d = d;
            for g in 0..d.len() / 6 {
                d[g * 6 + 5] = check_digit(&d[g * 6..g * 6 + 5]);
            }
            let raw: String = d.iter().map(|x| char::from(b'0' + x)).collect();
            let cid = ConfirmationId::parse_checked(&raw).unwrap();
            prop_assert!(cid.warnings.is_empty());
            let again = ConfirmationId::parse_checked(&cid.id.to_string()).unwrap();
            prop_assert_eq!(again.id, cid.id);
        }

        #[test]
        fn valid_keys_with_n_round_trip(v in any::<u128>()) {
            let key = key_with_n(v % KEY_SPACE);
            prop_assume!(key.is_some());
            let raw = key.unwrap_or_default();
            let key: ProductKey = raw.parse().unwrap();
            prop_assert_eq!(key.expose_secret().replace('-', ""), raw.clone());
            prop_assert_eq!(key.checks(), Some(true));
            let again: ProductKey = key.expose_secret().to_lowercase().parse().unwrap();
            prop_assert_eq!(again, key);
        }

        #[test]
        fn valid_keys_without_n_round_trip(idx in proptest::collection::vec(0usize..24, 25)) {
            let raw: String = idx.iter().map(|&i| char::from(KEY_ALPHABET[i])).collect();
            let key: ProductKey = raw.parse().unwrap();
            let again: ProductKey = key.expose_secret().to_lowercase().parse().unwrap();
            prop_assert_eq!(again, key);
        }

        #[test]
        fn no_input_panics_a_parser(s in "\\PC{0,80}") {
            let _ = s.parse::<InstallationId>();
            let _ = ConfirmationId::parse_checked(&s);
            let _ = s.parse::<ProductKey>();
            let _ = find_key_like(&s);
        }

        #[test]
        fn no_digit_soup_panics_a_parser(s in "[0-9０-９ \\-ーNn]{0,70}") {
            let _ = s.parse::<InstallationId>();
            let _ = ConfirmationId::parse_checked(&s);
            let _ = s.parse::<ProductKey>();
        }
    }
}
