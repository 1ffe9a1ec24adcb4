//! The languages: English and Japanese, from the catalogues in `locales/`
//! (rust-i18n, compiled in), shared by the pages, the server's messages and
//! the command line. Nothing a person reads is held in code; it is asked of
//! [`Tr`] by key. On the pages the language is chosen from `?lang=`, then
//! the `aj_lang` cookie, then `Accept-Language` (see `web::session`).
//!
//! Messages that come from the domain's parsers (field errors) are English
//! sentences shared with the API; [`Tr::message`] gives the Japanese of the
//! common ones (a group that does not check, a missing field, …) and the
//! English otherwise.

use std::borrow::Cow;

use crate::domain::enums::ClosedSet;

/// A language of the pages, the messages and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The code used in `?lang=`, the cookie and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language of a code, if it is one of ours.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// The preferred of our languages in an `Accept-Language` header
    /// (highest `q` first; English when it names neither).
    pub fn from_accept(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut bits = part.split(';');
            let Some(lang) = bits.next().and_then(Lang::from_code) else { continue };
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// The catalogue of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tr(pub Lang);

impl Tr {
    /// The language.
    pub fn lang(&self) -> &'static str {
        self.0.code()
    }

    /// The text of `key`.
    pub fn s(&self, key: &str) -> String {
        crate::_rust_i18n_translate(self.0.code(), key).into_owned()
    }

    /// The text of `key` with `%{name}` replaced by values.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.s(key);
        for (name, value) in args {
            text = text.replace(&format!("%{{{name}}}"), value);
        }
        text
    }

    /// The label of a closed set's member (`enum.Channel.retail_box`).
    pub fn e<T: ClosedSet>(&self, value: T) -> String {
        self.s(&format!("enum.{}.{}", T::set(), value.name()))
    }

    /// The label of an optional member, or a dash.
    pub fn oe<T: ClosedSet>(&self, value: &Option<T>) -> String {
        value.map(|v| self.e(v)).unwrap_or_else(|| "–".into())
    }

    /// A domain message (English, as the API says it) in this language:
    /// the common shapes are translated, the others left in English.
    pub fn message(&self, message: &str) -> String {
        if self.0 == Lang::En {
            return message.to_string();
        }
        let words: Vec<&str> = message.split_whitespace().collect();
        let known: Option<Cow<'_, str>> = match words.as_slice() {
            ["group", g, "does", "not", "check"] => Some(self.f("msg.group_does_not_check", &[("group", g)]).into()),
            ["groups", .., "do", "not", "check"] => {
                let list = message.trim_start_matches("groups ").trim_end_matches(" do not check");
                let list = list.replace(" and ", "、").replace(", ", "、");
                Some(self.f("msg.groups_do_not_check", &[("groups", &list)]).into())
            }
            ["group", g, "has", n, "digits;", "expected", rest @ ..] => {
                Some(self.f("msg.group_digits", &[("group", g), ("n", n), ("expected", &rest.join(" "))]).into())
            }
            ["group", g, "is", "empty"] => Some(self.f("msg.group_empty", &[("group", g)]).into()),
            ["is", "required"] | ["is", "required", ..] => Some(self.s("msg.required").into()),
            ["installation", "ID", "has", n, "digits;", ..] => Some(self.f("msg.iid_digits", &[("n", n)]).into()),
            ["confirmation", "ID", "has", n, "digits;", ..] => Some(self.f("msg.cid_digits", &[("n", n)]).into()),
            _ => None,
        };
        known.map(Cow::into_owned).unwrap_or_else(|| message.to_string())
    }

    /// Seconds as `3 min 05 s` / `3分05秒`.
    pub fn duration(&self, seconds: impl std::borrow::Borrow<i64>) -> String {
        let seconds = *seconds.borrow();
        let (m, s) = (seconds / 60, seconds % 60);
        if m == 0 {
            self.f("fmt.seconds", &[("s", &s.to_string())])
        } else {
            self.f("fmt.minutes_seconds", &[("m", &m.to_string()), ("s", &format!("{s:02}"))])
        }
    }

    /// A rate as a percentage, or a dash.
    pub fn pct(&self, rate: impl std::borrow::Borrow<Option<f64>>) -> String {
        rate.borrow().map(|r| format!("{:.0} %", r * 100.0)).unwrap_or_else(|| "–".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_of_ours() {
        for (header, lang) in [
            ("ja,en-US;q=0.9,en;q=0.8", Lang::Ja),
            ("en-GB,en;q=0.9,ja;q=0.8", Lang::En),
            ("fr-FR,fr;q=0.9,ja;q=0.5", Lang::Ja),
            ("de", Lang::En),
            ("", Lang::En),
            ("ja;q=0", Lang::En),
            ("ja-JP", Lang::Ja),
        ] {
            assert_eq!(Lang::from_accept(header), lang, "{header}");
        }
    }

    #[test]
    fn domain_messages_read_in_japanese() {
        let t = Tr(Lang::Ja);
        assert_eq!(t.message("group 7 does not check"), "7 番目のグループが正しくありません");
        assert_eq!(t.message("something else"), "something else");
        assert_eq!(Tr(Lang::En).message("group 7 does not check"), "group 7 does not check");
    }

    /// Every key of one catalogue is in the other (the catalogues are flat
    /// `key: value` files).
    #[test]
    fn both_catalogues_have_the_same_keys() {
        let keys = |file: &str| -> std::collections::BTreeSet<String> {
            let text = std::fs::read_to_string(format!("{}/locales/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with("_version") && !l.trim().is_empty())
                .map(|l| l.split(':').next().unwrap().trim().to_string())
                .collect()
        };
        let (en, ja) = (keys("en.yml"), keys("ja.yml"));
        assert_eq!(en.difference(&ja).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in ja.yml");
        assert_eq!(ja.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in en.yml");
    }

    /// Every member of every closed set a page shows has a label.
    #[test]
    fn every_member_has_a_label_in_both_languages() {
        use crate::domain::*;
        fn all<T: ClosedSet>() {
            for lang in Lang::ALL {
                for v in T::all() {
                    let key = format!("enum.{}.{}", T::set(), v.name());
                    assert!(crate::_rust_i18n_try_translate(lang.code(), &key).is_some(), "{} {key}", lang.code());
                }
            }
        }
        all::<Channel>();
        all::<Part>();
        all::<Trigger>();
        all::<CaseStatus>();
        all::<Method>();
        all::<NumberKind>();
        all::<CalledFrom>();
        all::<IvrProduct>();
        all::<IvrResult>();
        all::<OperatorOutcome>();
        all::<Topic>();
        all::<AttemptResult>();
        all::<FailureReason>();
        all::<SearchEntity>();
        all::<SummaryName>();
    }
}
