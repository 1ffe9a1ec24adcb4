//! Hints printed under a page with more: the command exactly as it was run
//! (program, `--db`, filters, `--limit`…) with `--cursor` set to the next
//! page's, quoted for a POSIX shell, so that pasting it back shows the next
//! page of the same list of the same journal. Only prints; knows nothing of
//! what a command does.

/// The options every command takes (`global = true`), carried into a hint
/// for another command.
const GLOBAL: [&str; 3] = ["--db", "--key-file", "--checkpoints"];

/// After a page with more: `more: <the command as run> --cursor NEXT`, on stderr.
pub fn more(next: &Option<String>) {
    more_of(&super::lang::s("cli.hint.more"), next);
}

/// The same, with its own label (`more cases`).
pub fn more_of(label: &str, next: &Option<String>) {
    if let Some(cursor) = next {
        eprintln!("{label}: {}", again(&argv(), cursor));
    }
}

/// Where to read what did not fit: `more calls: <program and global options> ARGS`.
pub fn elsewhere(label: &str, args: &[&str]) {
    eprintln!("{label}: {}", other(&argv(), args));
}

/// The program and the global options as run, then `args` (`call --resume`
/// after a call kept as a draft), quoted for the shell.
pub fn command(args: &[&str]) -> String {
    other(&argv(), args)
}

fn argv() -> Vec<String> {
    std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect()
}

/// `args` with any `--cursor` left out and `--cursor cursor` put last (before a `--`).
fn again(args: &[String], cursor: &str) -> String {
    let mut out: Vec<&str> = Vec::with_capacity(args.len() + 2);
    let mut rest: &[String] = &[];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            rest = &args[i..];
            break;
        }
        if a == "--cursor" {
            i += 2;
            continue;
        }
        if !a.starts_with("--cursor=") {
            out.push(a);
        }
        i += 1;
    }
    out.extend(["--cursor", cursor]);
    out.extend(rest.iter().map(String::as_str));
    line(&out)
}

/// The program and the global options of `args`, then `then`.
fn other(args: &[String], then: &[&str]) -> String {
    let mut out: Vec<&str> = args.iter().take(1).map(String::as_str).collect();
    let mut i = 1;
    while i < args.len() && args[i] != "--" {
        let a = args[i].as_str();
        if GLOBAL.contains(&a) {
            out.extend(args[i..].iter().take(2).map(String::as_str));
            i += 2;
            continue;
        }
        if GLOBAL.iter().any(|g| a.strip_prefix(g).is_some_and(|v| v.starts_with('='))) {
            out.push(a);
        }
        i += 1;
    }
    out.extend_from_slice(then);
    line(&out)
}

fn line(words: &[&str]) -> String {
    words.iter().map(|w| quoted(w)).collect::<Vec<_>>().join(" ")
}

/// A word as a POSIX shell reads it back: as is when it holds nothing the
/// shell treats specially, else in single quotes (the sign-in page's
/// token command too).
pub fn quoted(word: &str) -> String {
    let plain = !word.is_empty()
        && !word.starts_with(['=', '~'])
        && word.chars().all(|c| c.is_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn words_are_quoted_only_when_the_shell_would_change_them() {
        for (word, shown) in [
            ("attempt", "attempt"),
            ("--limit=5", "--limit=5"),
            ("/srv/journal.db", "/srv/journal.db"),
            ("箱の色", "箱の色"),
            ("PC 1", "'PC 1'"),
            ("Ken's PC", r"'Ken'\''s PC'"),
            ("", "''"),
            ("$HOME", "'$HOME'"),
            ("~/j.db", "'~/j.db'"),
            ("a*b", "'a*b'"),
            ("ＰＣ\u{3000}１", "'ＰＣ\u{3000}１'"),
        ] {
            assert_eq!(quoted(word), shown, "{word:?}");
        }
    }

    #[test]
    fn the_hint_is_the_command_as_run_with_the_next_cursor() {
        let run = args(&["aj", "--db", "my journal.db", "attempt", "list", "--machine", "PC 1", "--limit", "2"]);
        assert_eq!(again(&run, "c2"), "aj --db 'my journal.db' attempt list --machine 'PC 1' --limit 2 --cursor c2");
        let paged = args(&["aj", "case", "list", "--cursor", "c1", "--status=open", "--cursor=c0", "--db=j.db"]);
        assert_eq!(again(&paged, "c2"), "aj case list --status=open --db=j.db --cursor c2");
        let dashed = args(&["aj", "search", "--limit", "1", "--", "--weird"]);
        assert_eq!(again(&dashed, "c"), "aj search --limit 1 --cursor c -- --weird");
    }

    #[test]
    fn a_hint_for_another_command_keeps_the_global_options() {
        let run = args(&["aj", "--db", "j.db", "case", "show", "3", "--key-file=k", "--json"]);
        assert_eq!(other(&run, &["attempt", "list", "--case", "3"]), "aj --db j.db --key-file=k attempt list --case 3");
    }
}
