//! An ID typed group by group during a call, as the phone menu checks it:
//! one group alone, a whole ID pasted into a group's field, a field checked
//! group by group as it is typed.

use crate::i18n::Msg;

use super::{digits_of, group_checks, group_letter, group_sizes, normalise_char, IdError, CID_LAYOUTS, IID_LAYOUTS};

/// Which identifier is typed group by group during a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// The Installation ID Windows shows, read out to the phone menu (groups 1–9).
    Installation,
    /// The Confirmation ID the menu or the operator reads back (boxes A–H).
    Confirmation,
}

impl IdKind {
    /// How a group is named: `group 7`, `group C` (`7 番目のグループ`, `C の欄`).
    pub fn group_name(self, index: usize) -> Msg {
        match self {
            IdKind::Installation => Msg::new("msg.what.group"),
            IdKind::Confirmation => Msg::new("msg.what.box"),
        }
        .arg("group", self.group_label(index))
    }

    /// A group's number or letter: `7`, `C`.
    pub fn group_label(self, index: usize) -> String {
        match self {
            IdKind::Installation => (index + 1).to_string(),
            IdKind::Confirmation => group_letter(index),
        }
    }

    /// How many groups the ID has at most (9; A–H).
    pub fn groups(self) -> usize {
        match self {
            IdKind::Installation => 9,
            IdKind::Confirmation => 8,
        }
    }
}

/// One group as it is typed (`index` 0-based), checked alone, as the phone
/// menu checks it: its digits, or what is wrong with it. `width` is the
/// width the first group set (an Installation ID's groups are all 6 or all
/// 7 digits; the last of a 50-digit one is 2); `None` for the first group.
///
/// ```
/// use activation_journal::domain::ids::{check_group, IdKind};
/// assert_eq!(check_group(IdKind::Installation, 0, None, "５０８７６０５").unwrap(), "5087605");
/// assert_eq!(check_group(IdKind::Installation, 6, Some(7), "4575745").unwrap_err().to_string(),
///            "group 7 does not check");
/// assert_eq!(check_group(IdKind::Confirmation, 2, Some(6), "12345").unwrap_err().to_string(),
///            "group C has 5 digits; expected 6");
/// ```
pub fn check_group(kind: IdKind, index: usize, width: Option<usize>, input: &str) -> Result<String, IdError> {
    let name = kind.group_name(index);
    let digits = digits_of(input, &name)?;
    let n = digits.len();
    let fits = match (kind, width) {
        (IdKind::Confirmation, _) => n == 6,
        (IdKind::Installation, None) => n == 6 || n == 7,
        (IdKind::Installation, Some(6)) if index == 8 => n == 6 || n == 2,
        (IdKind::Installation, Some(w)) => n == w,
    };
    if !fits {
        let expected = match (kind, width) {
            (IdKind::Confirmation, _) => Msg::new("msg.digits_n").arg("n", 6),
            (IdKind::Installation, None) => Msg::new("msg.digits_6_or_7"),
            (IdKind::Installation, Some(6)) if index == 8 => Msg::new("msg.digits_6_or_2"),
            (IdKind::Installation, Some(w)) => Msg::new("msg.digits_n").arg("n", w),
        };
        return Err(IdError(Msg::new("msg.group_digits").inner("what", name).arg("n", n).inner("expected", expected)));
    }
    if !group_checks(&digits) {
        return Err(IdError(Msg::new("msg.does_not_check").inner("what", name)));
    }
    Ok(digits.iter().map(|d| char::from(b'0' + d)).collect())
}

/// A whole ID pasted where one group was asked for (what `slmgr /dti`
/// prints, or the ID alone): its groups, checking or not, when its digit
/// count is one of the kind's layouts; `None` when it is not a whole ID.
/// A label before a colon (`Installation ID:`, `インストール ID：`) is skipped.
pub fn split_pasted(kind: IdKind, text: &str) -> Option<Vec<String>> {
    let after_label = text.rsplit([':', '：']).next().unwrap_or(text);
    let digits = digits_of(after_label, &Msg::new("msg.what.installation_id")).ok()?;
    let layouts = match kind {
        IdKind::Installation => IID_LAYOUTS,
        IdKind::Confirmation => CID_LAYOUTS,
    };
    let sizes = group_sizes(digits.len(), layouts)?;
    let mut at = 0;
    let mut groups = Vec::with_capacity(sizes.len());
    for size in sizes {
        groups.push(digits[at..at + size].iter().map(|d| char::from(b'0' + d)).collect());
        at += size;
    }
    Some(groups)
}

/// One group of an ID as it is being typed into one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedGroup {
    /// The group's digits as typed (normalised).
    pub digits: String,
    /// `None` while the last group is still being typed; then whether it checks.
    pub check: Option<Result<(), IdError>>,
}

/// An ID typed (or pasted) into one field, checked group by group as the
/// phone menu checks it: groups are split at spaces and hyphens, or, for
/// digits typed without them, by the layout their count gives (7 digits a
/// group until then). The last group is `None` (still being typed) while
/// it is shorter than its width and nothing follows it. A label before a
/// colon (`slmgr /dti` output) is skipped.
///
/// ```
/// use activation_journal::domain::ids::{check_typed, IdKind};
/// let g = check_typed(IdKind::Installation, "5087605-8345036-7066786-5582230-3473234-4271525-4575754-99");
/// assert_eq!(g[6].check.clone().unwrap().unwrap_err().to_string(), "group 7 does not check");
/// assert_eq!(g[7].check, None);
/// ```
pub fn check_typed(kind: IdKind, text: &str) -> Vec<TypedGroup> {
    if let Some(groups) = split_pasted(kind, text) {
        let width = groups.first().map(String::len);
        return groups
            .iter()
            .enumerate()
            .map(|(i, g)| TypedGroup {
                digits: g.clone(),
                check: Some(check_group(kind, i, if i == 0 { None } else { width }, g).map(|_| ())),
            })
            .collect();
    }
    let after_label = text.rsplit([':', '\u{ff1a}']).next().unwrap_or(text);
    // Separators of any kind become one space; full-width digits fold.
    let normal: String = after_label.chars().map(|c| normalise_char(c).unwrap_or(' ')).collect();
    let default_width = match kind {
        IdKind::Installation => 7,
        IdKind::Confirmation => 6,
    };
    let parts: Vec<String> = if normal.trim().contains(' ') {
        normal.split_whitespace().map(str::to_string).collect()
    } else {
        let chars: Vec<char> = normal.trim().chars().collect();
        chars.chunks(default_width).map(|c| c.iter().collect()).collect()
    };
    let ends_open = !normal.ends_with(' ');
    let width = parts.first().map(|p| p.chars().count()).filter(|n| *n == 6 || *n == 7);
    let count = parts.len().min(kind.groups());
    parts
        .into_iter()
        .take(kind.groups())
        .enumerate()
        .map(|(i, g)| {
            let n = g.chars().count();
            let expected = if i == 0 { default_width } else { width.unwrap_or(default_width) };
            let typing = i + 1 == count && ends_open && n < expected && g.chars().all(|c| c.is_ascii_digit());
            let check = (!typing).then(|| check_group(kind, i, if i == 0 { None } else { width }, &g).map(|_| ()));
            TypedGroup { digits: g, check }
        })
        .collect()
}
