//! A command line clap refuses (an unknown command or flag, a value a flag
//! does not take, a missing argument), said in the run's language.
//!
//! clap writes its refusals in English; in English they are printed as
//! clap prints them. In another language the refusal is said from the
//! catalogue (`cli.usage.*`) with what clap found filled in, followed by
//! the command to read the help. Help and version texts stay clap's.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::i18n::{Lang, Msg};

/// The run's language before the line is understood: `--lang X` or
/// `--lang=X` anywhere in it, else the locale.
pub fn language(args: &[String]) -> Lang {
    let flag = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--lang") {
        Some("") => args.get(i + 1).map(String::as_str),
        Some(v) => v.strip_prefix('='),
        None => None,
    });
    let flag = flag.and_then(|v| <super::lang::LangArg as clap::ValueEnum>::from_str(v, true).ok());
    super::lang::detect(flag, |v| std::env::var(v).ok())
}

/// One of clap's context values as text: a list joined with commas.
fn text(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What clap refused, as a catalogue message; `None` for help and
/// version, which are not refusals.
pub fn refusal(e: &clap::Error) -> Option<Msg> {
    let arg = || text(e, ContextKind::InvalidArg).unwrap_or_default();
    let msg = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return None
        }
        ErrorKind::InvalidSubcommand => Msg::new("cli.usage.unknown_command")
            .arg("command", text(e, ContextKind::InvalidSubcommand).unwrap_or_default()),
        ErrorKind::UnknownArgument => Msg::new("cli.usage.unknown_argument").arg("arg", arg()),
        ErrorKind::MissingRequiredArgument => Msg::new("cli.usage.missing").arg("arg", arg()),
        ErrorKind::MissingSubcommand => Msg::new("cli.usage.missing_command"),
        ErrorKind::ArgumentConflict => Msg::new("cli.usage.conflict")
            .arg("arg", arg())
            .arg("other", text(e, ContextKind::PriorArg).unwrap_or_default()),
        ErrorKind::InvalidValue => match text(e, ContextKind::ValidValue) {
            Some(valid) => Msg::new("cli.usage.value_one_of")
                .arg("arg", arg())
                .arg("value", text(e, ContextKind::InvalidValue).unwrap_or_default())
                .arg("valid", valid),
            None => Msg::new("cli.usage.value_missing").arg("arg", arg()),
        },
        ErrorKind::ValueValidation => Msg::new("cli.usage.value_refused")
            .arg("arg", arg())
            .arg("value", text(e, ContextKind::InvalidValue).unwrap_or_default())
            .arg("detail", std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default()),
        _ => Msg::new("cli.usage.other").arg("detail", e.kind().as_str().unwrap_or("?")),
    };
    Some(msg)
}

/// Print clap's refusal in the run's language and say the exit code (2,
/// as clap's own); help and version are printed by clap.
pub fn report(e: clap::Error, lang: Lang) -> std::process::ExitCode {
    match (lang, refusal(&e)) {
        (Lang::En, _) | (_, None) => {
            let code = e.exit_code();
            let _ = e.print();
            std::process::ExitCode::from(u8::try_from(code).unwrap_or(2))
        }
        (_, Some(msg)) => {
            let t = crate::i18n::Tr(lang);
            eprintln!("{}: {}", t.s("cli.err.prefix"), t.msg(&msg));
            let suggested = text(&e, ContextKind::SuggestedSubcommand).or_else(|| text(&e, ContextKind::SuggestedArg));
            if let Some(suggestion) = suggested {
                eprintln!("{}", t.msg(&Msg::new("cli.usage.did_you_mean").arg("suggestion", suggestion)));
            }
            eprintln!("{}", t.s("cli.usage.see_help"));
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_flag_is_found_before_the_line_is_understood() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(language(&args(&["aj", "--lang", "ja", "machine", "lst"])), Lang::Ja);
        assert_eq!(language(&args(&["aj", "machine", "--lang=ja"])), Lang::Ja);
        assert_eq!(language(&args(&["aj", "--lang=en", "x"])), Lang::En);
    }
}
