//! The command line's language: `--lang en|ja`, else the POSIX locale
//! variables in their order (`LC_ALL`, then `LC_MESSAGES`, then `LANG`; the
//! first one set and not empty decides). `ja…` (`ja_JP.UTF-8`) is Japanese;
//! `C`, `POSIX`, English and every language we have no catalogue for is
//! English. Prompts, table headers, the words for codes in tables, notes
//! and errors come from the catalogues (`cli.*` keys) in that language;
//! `--json` and `--format tsv` keep the codes, so scripts read the same
//! whatever the locale. clap's refusals of a command line are said in the
//! run's language ([`crate::cli::usage`]); clap's own help stays English.
//!
//! Decided once a run ([`set`]): it describes the process's environment,
//! which every command shares. Tables take it as a value
//! ([`crate::cli::table::Words`]) with how they are printed.

use std::sync::OnceLock;

use clap::ValueEnum;

use crate::i18n::{Lang, Tr};

/// A language on the command line (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Japanese (日本語).
    Ja,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => Lang::En,
            LangArg::Ja => Lang::Ja,
        }
    }
}

/// The language of a POSIX locale name (`ja_JP.UTF-8`, `en_US@euro`, `C`).
pub fn of_locale(locale: &str) -> Lang {
    let name = locale.split(['.', '@']).next().unwrap_or("");
    Lang::from_code(name).unwrap_or_default()
}

/// The run's language from the flag and the environment (`var` reads a
/// variable): the flag wins, then the first of `LC_ALL`, `LC_MESSAGES`,
/// `LANG` that is set and not empty.
pub fn detect(flag: Option<LangArg>, var: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(l) = flag {
        return l.into();
    }
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| var(v))
        .find(|v| !v.trim().is_empty())
        .map(|v| of_locale(v.trim()))
        .unwrap_or_default()
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Decide this run's language; the first call wins.
pub fn set(lang: Lang) {
    let _ = LANG.set(lang);
}

/// This run's catalogue (English before [`set`]).
pub fn t() -> Tr {
    Tr(LANG.get().copied().unwrap_or_default())
}

/// The text of `key` in this run's language.
pub fn s(key: &str) -> String {
    t().s(key)
}

/// The text of `key` with its `%{name}` values filled in.
pub fn f(key: &str, args: &[(&str, &str)]) -> String {
    t().f(key, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_then_lc_all_then_lc_messages_then_lang_decide() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        for (flag, vars, lang) in [
            (None, &[][..], Lang::En),
            (None, &[("LANG", "ja_JP.UTF-8")][..], Lang::Ja),
            (None, &[("LANG", "ja_JP.eucJP")][..], Lang::Ja),
            (None, &[("LANG", "ja")][..], Lang::Ja),
            (None, &[("LANG", "C")][..], Lang::En),
            (None, &[("LANG", "POSIX")][..], Lang::En),
            (None, &[("LANG", "C.UTF-8")][..], Lang::En),
            (None, &[("LANG", "fr_FR.UTF-8")][..], Lang::En),
            (None, &[("LANG", "en_GB.UTF-8")][..], Lang::En),
            (None, &[("LC_MESSAGES", "ja_JP.UTF-8"), ("LANG", "C")][..], Lang::Ja),
            (None, &[("LC_ALL", "C"), ("LC_MESSAGES", "ja_JP.UTF-8")][..], Lang::En),
            (None, &[("LC_ALL", ""), ("LANG", "ja_JP.UTF-8")][..], Lang::Ja),
            (Some(LangArg::En), &[("LC_ALL", "ja_JP.UTF-8")][..], Lang::En),
            (Some(LangArg::Ja), &[("LANG", "C")][..], Lang::Ja),
        ] {
            assert_eq!(detect(flag, env(vars)), lang, "{flag:?} {vars:?}");
        }
    }

    /// Every member of the closed sets only the command line shows has a
    /// word in both languages.
    #[test]
    fn the_command_lines_own_sets_have_words_in_both_languages() {
        use crate::domain::enums::ClosedSet;
        use crate::domain::{AuditAction, AuditEntity, Scope};
        fn all<T: ClosedSet>() {
            for lang in Lang::ALL {
                for v in T::all() {
                    let key = format!("enum.{}.{}", T::set(), v.name());
                    assert!(crate::_rust_i18n_try_translate(lang.code(), &key).is_some(), "{} {key}", lang.code());
                }
            }
        }
        all::<AuditAction>();
        all::<AuditEntity>();
        all::<Scope>();
    }
}
