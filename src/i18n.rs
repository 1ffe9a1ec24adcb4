//! The languages: English and Japanese, from the catalogues in `locales/`
//! (rust-i18n, compiled in), shared by the pages, the server's messages and
//! the command line. Nothing a person reads is held in code; it is asked of
//! [`Tr`] by key. On the pages the language is chosen from `?lang=`, then
//! the `aj_lang` cookie, then `Accept-Language` (see `web::session`).
//!
//! A message the server or the command line can show (a field error, a
//! conflict, a limit, something not found) is a [`Msg`]: a catalogue key
//! (`msg.*`) and its values, rendered by [`Tr::msg`] in the reader's
//! language. The API renders them in English (its texts are what scripts
//! read); JSON keeps codes, never words.

use std::fmt;

use crate::domain::enums::ClosedSet;

/// One value of a [`Msg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is (a number, what the user typed).
    Text(String),
    /// A catalogue key, shown in the reader's language (an entity's name).
    Key(String),
    /// A list (of group names), joined as the language joins lists.
    List(Vec<String>),
    /// A message inside a message.
    Msg(Box<Msg>),
    /// Members of a closed set (its name, their codes): the codes in the
    /// API (scripts send them), their labels (`enum.<Set>.<code>`) on pages.
    Codes(&'static str, &'static [&'static str]),
}

/// A message a person reads: a catalogue key (`msg.*`) and its values
/// (`%{name}` in the catalogue). `Display` and `Serialize` give the English,
/// as the API says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// The catalogue key.
    pub key: &'static str,
    /// The values, by name.
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    /// A message without values.
    pub fn new(key: &'static str) -> Self {
        Msg { key, args: Vec::new() }
    }

    /// With a value shown as it is.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// With a value that is itself a catalogue key (shown translated).
    pub fn word(mut self, name: &'static str, key: impl Into<String>) -> Self {
        self.args.push((name, Arg::Key(key.into())));
        self
    }

    /// With an entity's name (`attempt`, `hardware change`), shown in the
    /// reader's language (`msg.noun.*`).
    pub fn noun(self, name: &'static str, noun: &str) -> Self {
        self.word(name, format!("msg.noun.{}", noun.replace([' ', '-'], "_")))
    }

    /// With a list of values, joined as the language joins lists.
    pub fn list(mut self, name: &'static str, items: Vec<String>) -> Self {
        self.args.push((name, Arg::List(items)));
        self
    }

    /// With the members of a closed set (`Channel`, its codes).
    pub fn codes(mut self, name: &'static str, set: &'static str, codes: &'static [&'static str]) -> Self {
        self.args.push((name, Arg::Codes(set, codes)));
        self
    }

    /// With a message inside (a reason after a colon).
    pub fn inner(mut self, name: &'static str, msg: Msg) -> Self {
        self.args.push((name, Arg::Msg(Box::new(msg))));
        self
    }

    /// A text from elsewhere (a JSON parser's, SQLite's) that has no
    /// words of ours: shown as it is, introduced in the reader's language.
    pub fn detail(text: impl fmt::Display) -> Self {
        Msg::new("msg.detail").arg("detail", text)
    }

    /// What the operating system said of a file, in catalogue words by its
    /// kind (not found, permission denied, the disk full…); a kind we have
    /// no words for keeps the system's own text.
    ///
    /// ```
    /// use activation_journal::i18n::{Lang, Msg, Tr};
    /// let e = std::io::Error::from(std::io::ErrorKind::NotFound);
    /// assert_eq!(Tr(Lang::Ja).msg(&Msg::io(&e)), "そのファイルやフォルダーはありません");
    /// ```
    pub fn io(e: &std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let key = match e.kind() {
            K::NotFound => "msg.io.not_found",
            K::PermissionDenied => "msg.io.permission_denied",
            K::AlreadyExists => "msg.io.already_exists",
            K::StorageFull => "msg.io.storage_full",
            K::QuotaExceeded => "msg.io.quota_exceeded",
            K::ReadOnlyFilesystem => "msg.io.read_only_filesystem",
            K::IsADirectory => "msg.io.is_a_directory",
            K::NotADirectory => "msg.io.not_a_directory",
            K::FileTooLarge => "msg.io.file_too_large",
            K::UnexpectedEof => "msg.io.unexpected_eof",
            K::InvalidData => "msg.io.invalid_data",
            _ => return Msg::new("msg.io.other").arg("detail", e),
        };
        Msg::new(key)
    }

    /// The message of `key` whose English is `text`, its values read back
    /// as texts (`None` when the text is not that message). A value runs to
    /// the first place the template's next words follow it.
    ///
    /// ```
    /// use activation_journal::i18n::Msg;
    /// let m = Msg::new("msg.skipped_time").arg("time", "2016-03-27 02:30").arg("zone", "Europe/Berlin");
    /// assert_eq!(Msg::read_en("msg.skipped_time", &m.en()), Some(m));
    /// ```
    pub fn read_en(key: &'static str, text: &str) -> Option<Msg> {
        let template = Tr(Lang::En).s(key);
        let mut args: Vec<(&'static str, Arg)> = Vec::new();
        let (first, mut rest_t) = template.split_once("%{").map_or((template.as_str(), ""), |(a, b)| (a, b));
        let mut rest = text.strip_prefix(first)?;
        while !rest_t.is_empty() {
            let (name, after) = rest_t.split_once('}')?;
            let (words, next_t) = after.split_once("%{").unwrap_or((after, ""));
            let end = match (words.is_empty(), next_t.is_empty()) {
                (true, true) => rest.len(),
                (true, false) => return None,
                (false, true) => rest.len().checked_sub(words.len()).filter(|e| rest[*e..] == *words)?,
                (false, false) => rest.find(words)?,
            };
            let value = &rest[..end];
            let name = leak_name(name)?;
            match args.iter().find(|(n, _)| *n == name) {
                Some((_, Arg::Text(seen))) if seen != value => return None,
                Some(_) => {}
                None => args.push((name, Arg::Text(value.to_string()))),
            }
            rest = &rest[end + words.len()..];
            rest_t = next_t;
        }
        rest.is_empty().then_some(Msg { key, args })
    }

    /// Whether the English text holds `part` (what tests ask).
    pub fn contains(&self, part: &str) -> bool {
        self.en().contains(part)
    }

    /// The English text, as the API says it.
    pub fn en(&self) -> String {
        Tr(Lang::En).render(self, true)
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl serde::Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en())
    }
}

impl std::error::Error for Msg {}

/// Where an error is a plain text (a stored value that does not parse, a
/// command's own error), a message is its English.
impl From<Msg> for String {
    fn from(m: Msg) -> String {
        m.en()
    }
}

/// Tests compare a message with its English text.
impl PartialEq<&str> for Msg {
    fn eq(&self, other: &&str) -> bool {
        self.en() == *other
    }
}

/// The names of values the messages read back by [`Msg::read_en`] use.
fn leak_name(name: &str) -> Option<&'static str> {
    ["time", "offset", "home", "zone", "groups", "text"].into_iter().find(|n| *n == name)
}

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

    /// A message in this language, its values filled in.
    pub fn msg(&self, msg: &Msg) -> String {
        self.render(msg, false)
    }

    /// A message in this language with closed sets' members as codes, for
    /// the command line's flags, which take the codes (`--result activated`).
    pub fn msg_codes(&self, msg: &Msg) -> String {
        self.render(msg, true)
    }

    /// A message with closed sets' members as codes (the API) or as labels.
    fn render(&self, msg: &Msg, codes: bool) -> String {
        let mut text = self.s(msg.key);
        for (name, value) in &msg.args {
            let value = match value {
                Arg::Text(t) => t.clone(),
                Arg::Key(k) => self.s(k),
                Arg::List(items) => self.list(items),
                Arg::Msg(m) => self.render(m, codes),
                Arg::Codes(_, members) if codes => members.join(", "),
                Arg::Codes(set, members) => {
                    let label = |code: &&str| {
                        crate::_rust_i18n_try_translate(self.0.code(), format!("enum.{set}.{code}"))
                            .map_or_else(|| code.to_string(), |l| format!("「{l}」"))
                    };
                    let labels: Vec<String> = members.iter().map(label).collect();
                    match self.0 {
                        Lang::Ja => labels.join("、"),
                        Lang::En => labels.join(", ").replace(['「', '」'], "\""),
                    }
                }
            };
            text = text.replace(&format!("%{{{name}}}"), &value);
        }
        text
    }

    /// Field errors as `field: message; …` in this language.
    pub fn errors(&self, errors: &crate::domain::FieldErrors) -> String {
        let parts: Vec<String> = errors.0.iter().map(|e| format!("{}: {}", e.field, self.msg(&e.message))).collect();
        parts.join("; ")
    }

    /// A list as this language writes it: `1, 2 and 3` / `1、2、3`.
    pub fn list(&self, items: &[String]) -> String {
        match (self.0, items) {
            (Lang::Ja, _) => items.join("、"),
            (Lang::En, [rest @ .., last]) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            (Lang::En, _) => items.join(""),
        }
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
    fn messages_read_in_each_language() {
        let m = Msg::new("msg.does_not_check").inner("what", Msg::new("msg.what.group").arg("group", 7));
        assert_eq!(Tr(Lang::Ja).msg(&m), "7 番目のグループが正しくありません");
        assert_eq!(m.to_string(), "group 7 does not check");
        let m = Msg::new("msg.groups_do_not_check").list("groups", vec!["1".into(), "2".into(), "3".into()]);
        assert_eq!(m.en(), "groups 1, 2 and 3 do not check");
        assert_eq!(Tr(Lang::Ja).msg(&m), "1、2、3 番目のグループが正しくありません");
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

    /// The flat `key: "value"` lines of a catalogue.
    fn catalogue(file: &str) -> Vec<(String, String)> {
        let text = std::fs::read_to_string(format!("{}/locales/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("_version") && !l.trim().is_empty())
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.trim().to_string(), v.trim().trim_matches('"').to_string())
            })
            .collect()
    }

    /// Every message key the code names (`Msg::new("…")`, the catalogue
    /// keys held in constants, every entity's name) is in both catalogues.
    #[test]
    fn every_message_key_in_the_code_is_in_both_catalogues() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut texts = Vec::new();
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut texts);
        let mut keys: Vec<String> = texts
            .iter()
            .flat_map(|t| t.split("Msg::new(\"").skip(1).map(|rest| rest.split('"').next().unwrap().to_string()))
            .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
            .collect();
        assert!(keys.len() > 100, "{} keys found", keys.len());
        keys.push(crate::store::Idempotency::KEY_RULE.to_string());
        keys.push("msg.import.required".to_string());
        for noun in ["machine", "hardware change", "license", "case", "attempt", "follow-up"] {
            keys.push(format!("msg.noun.{}", noun.replace([' ', '-'], "_")));
        }
        for lang in Lang::ALL {
            for key in &keys {
                assert!(crate::_rust_i18n_try_translate(lang.code(), key).is_some(), "{} {key}", lang.code());
            }
        }
    }

    /// Every message reads in Japanese with its values filled in: Japanese
    /// words, and no English word left but the names a Japanese reader
    /// meets as they are (ID, RFC, slmgr, a code the API takes…).
    #[test]
    fn every_message_renders_in_japanese_without_english_words() {
        const AS_THEY_ARE: &[&str] = &[
            "ID",
            "en",
            "ja",
            "MiB",
            "JPEG",
            "PNG",
            "WebP",
            "PDF",
            "IANA",
            "Asia",
            "Tokyo",
            "Europe",
            "Berlin",
            "ISO",
            "JP",
            "JSON",
            "UTF",
            "API",
            "POST",
            "unarchive",
            "next_cursor",
            "slmgr",
            "dlv",
            "dti",
            "Windows",
            "XP",
            "activation",
            "journal",
            "export",
            "Idempotency",
            "Key",
            "PC",
            "BCDFGHJKMPQRTVWXY",
            "U",
            "chmod",
            "db",
            "SQLite",
            // Commands and flags, typed as they are.
            "migrate",
            "backup",
            "restore",
            "force",
            "with",
            "key",
            "file",
        ];
        let en: std::collections::BTreeMap<String, String> = catalogue("en.yml").into_iter().collect();
        let mut checked = 0;
        for (key, _) in catalogue("ja.yml").into_iter().filter(|(k, _)| k.starts_with("msg.")) {
            let mut m = Msg::new(Box::leak(key.clone().into_boxed_str()));
            for name in [
                "what", "group", "groups", "expected", "msg", "c", "n", "text", "time", "zone", "when", "earliest",
                "year", "to", "from", "max", "min", "lo", "hi", "code", "opened", "closed", "name", "id", "case",
                "machine", "license", "not", "taken", "detail", "given", "of_case", "ours", "path", "offset", "home",
                "reading", "file", "folder", "owner", "owner_id", "key", "lock",
            ] {
                m = m.arg(name, "7");
            }
            let ja = Tr(Lang::Ja).msg(&m);
            assert!(!ja.contains("%{"), "{key}: a value is not filled in: {ja}");
            let japanese = ja.chars().any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'));
            let english_words: Vec<&str> = ja
                .split(|c: char| !c.is_ascii_alphabetic() && c != '_')
                .filter(|w| w.len() > 1 && !AS_THEY_ARE.contains(w))
                .collect();
            let same = en.get(&key).is_some_and(|e| e == &ja);
            // A PC is a PC in Japanese too; a text that is none of ours is shown as it is.
            let as_is = key == "msg.noun.machine" || key == "msg.as_is";
            let japanese = japanese || as_is;
            assert!(
                japanese && english_words.is_empty() && (!same || as_is),
                "{key} is not Japanese: {ja} {english_words:?}"
            );
            checked += 1;
        }
        assert!(checked > 100, "{checked} messages checked");
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
