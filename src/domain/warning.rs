//! Warnings kept with an attempt: a remark on a field that was stored
//! anyway (a 48-digit Confirmation ID group that does not check, a time at
//! another offset than the household's). They are stored and answered by
//! the API as English text, `field: sentence` (scripts read them); pages and
//! the command line read that text back into a [`Msg`] and say it in the
//! reader's language. A text that is none of ours (an older wording, an
//! imported file's) is shown as it is. No HTTP, no SQL.

use super::fields::Msg;
use super::ids::{list_groups, IdKind};

/// The catalogue key of a time at another offset than the household's.
const OFFSET: &str = "msg.warning.offset";
/// The catalogue key of a 48-digit Confirmation ID whose groups do not check.
const CID48: &str = "msg.warning.cid48";

/// One warning: the field it is about and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The field, as the API names it (`started_at`, `confirmation_id`).
    pub field: String,
    /// What it says.
    pub msg: Msg,
}

impl Warning {
    /// A warning on `field`.
    pub fn on(field: &str, msg: Msg) -> Self {
        Warning { field: field.into(), msg }
    }

    /// A time entered at `offset`, not at the household's `home` offset in
    /// `zone` at that moment.
    pub fn offset(time: &str, offset: &str, home: &str, zone: &str) -> Msg {
        Msg::new(OFFSET).arg("time", time).arg("offset", offset).arg("home", home).arg("zone", zone)
    }

    /// The failing groups (0-based) of a 48-digit Confirmation ID, stored anyway.
    pub fn cid48(bad: &[usize]) -> Self {
        let msg = Msg::new(CID48).inner("groups", list_groups(IdKind::Confirmation, bad));
        Warning { field: "confirmation_id".into(), msg }
    }

    /// Whether it is about a time's offset (placed again when the attempt is).
    pub fn is_offset(&self) -> bool {
        self.msg.key == OFFSET
    }

    /// In the reader's language: `field: sentence` (the sentence alone
    /// when it is not ours).
    pub fn said(&self, t: &crate::i18n::Tr) -> String {
        match self.field.as_str() {
            "" => t.msg(&self.msg),
            field => format!("{field}: {}", t.msg(&self.msg)),
        }
    }

    /// The text stored and answered: `field: sentence` in English.
    pub fn text(&self) -> String {
        format!("{}: {}", self.field, self.msg.en())
    }

    /// A stored text read back; one that is none of ours is kept as it is
    /// (shown, not lost).
    ///
    /// ```
    /// use activation_journal::domain::warning::Warning;
    /// let w = Warning::cid48(&[1, 7]);
    /// assert_eq!(Warning::read(&w.text()), w);
    /// assert!(!Warning::read("notes: something else").is_offset());
    /// ```
    pub fn read(text: &str) -> Self {
        let (field, rest) = text.split_once(": ").unwrap_or(("", text));
        let known = Msg::read_en(OFFSET, rest)
            .filter(|m| m.args.iter().all(|(_, a)| !matches!(a, crate::i18n::Arg::Text(t) if t.is_empty())))
            .or_else(|| {
                let groups = Msg::read_en(CID48, rest)?.args.into_iter().find(|(n, _)| *n == "groups")?.1;
                let crate::i18n::Arg::Text(groups) = groups else { return None };
                Some(Msg::new(CID48).inner("groups", list_groups(IdKind::Confirmation, &letters(&groups)?)))
            });
        match known {
            Some(msg) => Warning { field: field.into(), msg },
            None => Warning { field: String::new(), msg: Msg::new("msg.as_is").arg("text", text) },
        }
    }
}

/// The 0-based groups of `group H does not check` / `groups B and H do not
/// check`, as [`list_groups`] says them in English.
fn letters(text: &str) -> Option<Vec<usize>> {
    let list = text
        .strip_prefix("group ")
        .and_then(|t| t.strip_suffix(" does not check"))
        .or_else(|| text.strip_prefix("groups ").and_then(|t| t.strip_suffix(" do not check")))?;
    list.split(", ")
        .flat_map(|p| p.split(" and "))
        .map(|l| match l.as_bytes() {
            [b @ b'A'..=b'H'] => Some(usize::from(b - b'A')),
            _ => None,
        })
        .collect()
}

/// Warnings as stored, read back.
pub fn read_all(texts: &[String]) -> Vec<Warning> {
    texts.iter().map(|t| Warning::read(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Tr};

    #[test]
    fn every_warning_reads_back_from_its_text() {
        for w in [
            Warning::cid48(&[7]),
            Warning::cid48(&[0, 3, 7]),
            Warning::on("started_at", Warning::offset("2016-03-26T18:00:00Z", "Z", "+09:00", "Asia/Tokyo")),
            Warning::on("ended_at", Warning::offset("2016-03-26T18:00:00-05:00", "-05:00", "+01:00", "Europe/Berlin")),
        ] {
            assert_eq!(Warning::read(&w.text()), w, "{}", w.text());
        }
    }

    #[test]
    fn stored_texts_of_earlier_versions_read_as_before() {
        let offset = "started_at: 2016-03-26T09:00:00Z is at Z, not at the household's +09:00 (Asia/Tokyo) then; \
                      its local hour and date are read at Z";
        let w = Warning::read(offset);
        assert!(w.is_offset());
        assert_eq!(w.text(), offset);
        let ja = w.said(&Tr(Lang::Ja));
        assert!(ja.contains("Asia/Tokyo") && !ja.contains("household"), "{ja}");

        let cid = "confirmation_id: group H does not check (48-digit IDs are stored anyway: their check digit is not \
                   confirmed)";
        let w = Warning::read(cid);
        assert_eq!(w, Warning::cid48(&[7]));
        assert_eq!(w.text(), cid);
        assert!(!Tr(Lang::Ja).msg(&w.msg).contains("check"), "{}", Tr(Lang::Ja).msg(&w.msg));
    }

    #[test]
    fn a_text_that_is_none_of_ours_is_shown_as_it_is() {
        for text in ["something else", "confirmation_id: groups X and Y do not check", "started_at: is at"] {
            let w = Warning::read(text);
            assert!(!w.is_offset());
            assert_eq!(w.said(&Tr(Lang::Ja)), text);
        }
    }
}
