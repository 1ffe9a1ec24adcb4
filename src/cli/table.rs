//! Every table the command line prints (lists, shows, summaries, audit)
//! goes through here, so they all fit the terminal the same way:
//!
//! - `--format table` (the default): box-drawn, its columns shrunk and
//!   wrapped to the width of the terminal, or to `COLUMNS` when set (also
//!   into a pipe); into a pipe without `COLUMNS`, rows are never wrapped.
//!   The header is bold only on a terminal, and never with `NO_COLOR`
//!   (<https://no-color.org>) or `TERM=dumb`.
//! - `--format tsv`, for scripts: a header line, then one line per row,
//!   cells separated by tabs, never wrapped nor coloured (a tab or line
//!   break inside a cell becomes a space).
//!
//! How to print is decided once per run from the flag and the environment
//! ([`Output::detect`]) and handed to the commands as a value ([`Words`],
//! which carries it with the words of the run's language), never read from
//! a global: a test renders with the width and format it gives. The tables
//! are built by the commands with [`Words::table`] and printed with
//! [`Words::print`]. Nothing here knows a record.

use clap::ValueEnum;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ColumnConstraint, ContentArrangement, Table, Width};
use unicode_width::UnicodeWidthStr;

use crate::domain::enums::ClosedSet;
use crate::i18n::{Lang, Tr};

/// How a command prints its answer (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables for people, fitted to the terminal (lists, summaries, audit).
    Table,
    /// Tab-separated values for scripts: a header line, one line per row.
    Tsv,
    /// One JSON document (export; elsewhere use --json).
    Json,
    /// A zip of one CSV file per table (export only).
    Csv,
}

/// How tables are printed in this run (by default: drawn, unfitted, plain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Output {
    /// Tab-separated instead of drawn.
    pub tsv: bool,
    /// The width to fit drawn tables to; `None` leaves rows unwrapped.
    pub width: Option<u16>,
    /// Whether the header may be bold (ANSI).
    pub colour: bool,
}

/// The narrowest width a table is fitted to, whatever `COLUMNS` says.
const NARROWEST: u16 = 20;

impl Output {
    /// How to print, from `--format`, `COLUMNS`, `NO_COLOR`, `TERM` and
    /// whether stdout is a terminal (and how wide it is).
    pub fn detect(format: Option<OutputFormat>) -> Self {
        let term = console::Term::stdout();
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
        let width = if terminal { term.size_checked().map(|(_, cols)| cols) } else { None };
        Self::from_parts(
            format,
            std::env::var("COLUMNS").ok().as_deref(),
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            std::env::var("TERM").is_ok_and(|t| t == "dumb"),
            terminal,
            width,
        )
    }

    /// [`Output::detect`] without looking at the process: `COLUMNS` (a
    /// positive number, else ignored) wins over the terminal's own width.
    pub fn from_parts(
        format: Option<OutputFormat>,
        columns: Option<&str>,
        no_color: bool,
        dumb: bool,
        terminal: bool,
        terminal_width: Option<u16>,
    ) -> Self {
        let tsv = format == Some(OutputFormat::Tsv);
        let columns = columns.and_then(|c| c.trim().parse::<u16>().ok()).filter(|c| *c > 0);
        let width = columns.or(terminal_width).map(|w| w.max(NARROWEST));
        Output { tsv, width: if tsv { None } else { width }, colour: terminal && !tsv && !no_color && !dumb }
    }
}

/// An empty table with this header, as every command draws it.
pub fn new<S: ToString>(header: &[S]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header.iter().map(ToString::to_string));
    t
}

/// A caller time as written, in its own offset: `2014-05-10 10:05 +09:00`.
pub fn local(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.format("%Y-%m-%d %H:%M %:z").to_string())
        .unwrap_or_else(|_| at.to_string())
}

/// The words of a table and how it is printed: its headers, and codes as
/// words, in the run's language for people; for scripts (`--format tsv`)
/// English headers and the codes themselves (`operator_unavailable`),
/// whatever the language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    /// The catalogue of the words.
    pub t: Tr,
    /// Codes stay codes (TSV).
    pub codes: bool,
    /// How tables are printed.
    pub out: Output,
}

impl Words {
    /// The words of a run that prints as `out`, in `lang` (English with
    /// TSV, for scripts).
    pub fn new(out: Output, lang: Lang) -> Self {
        let codes = out.tsv;
        Words { t: Tr(if codes { Lang::En } else { lang }), codes, out }
    }

    /// Words for people, to say a value in a prompt or a line (never a
    /// table for scripts): the call's dialogue.
    pub fn people(lang: Lang) -> Self {
        Self::new(Output::default(), lang)
    }

    /// Print a table to stdout as this run prints tables.
    pub fn print(&self, t: &Table) -> std::io::Result<()> {
        super::print_out(render(t, &self.out).as_bytes())
    }

    /// Text around tables (a heading, a count, a hint): on stdout with
    /// drawn tables; on stderr with TSV, which keeps stdout to the tables
    /// alone.
    pub fn say(&self, text: &str) -> std::io::Result<()> {
        if self.out.tsv {
            eprintln!("{text}");
            Ok(())
        } else {
            super::print_out(format!("{text}\n").as_bytes())
        }
    }

    /// An empty table whose header is these catalogue keys' texts.
    pub fn table(&self, keys: &[&str]) -> Table {
        new(&keys.iter().map(|k| self.t.s(k)).collect::<Vec<_>>())
    }

    /// The text of a catalogue key.
    pub fn s(&self, key: &str) -> String {
        self.t.s(key)
    }

    /// The text of a catalogue key with its values filled in.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.t.f(key, args)
    }

    /// A closed set's member: its word, or its code for scripts.
    pub fn e<T: ClosedSet>(&self, value: T) -> String {
        if self.codes {
            value.name().to_string()
        } else {
            self.t.e(value)
        }
    }

    /// An optional member, or a dash.
    pub fn oe<T: ClosedSet>(&self, value: &Option<T>) -> String {
        value.map(|v| self.e(v)).unwrap_or_else(|| "-".into())
    }

    /// Members, comma-separated (a dash when none).
    pub fn list<T: ClosedSet>(&self, values: &[T]) -> String {
        if values.is_empty() {
            return "-".into();
        }
        let sep = if self.codes || self.t.0 == Lang::En { ", " } else { "、" };
        values.iter().map(|v| self.e(*v)).collect::<Vec<_>>().join(sep)
    }

    /// Yes or no: `yes`/`no` for scripts.
    pub fn yes_no(&self, yes: bool) -> String {
        self.s(if yes { "cli.yes" } else { "cli.no" })
    }
}

/// A table as `out` says: drawn and fitted, or tab-separated; ends with a
/// line break.
pub fn render(t: &Table, out: &Output) -> String {
    if out.tsv {
        return tsv(t);
    }
    let mut t = t.clone();
    match out.width {
        Some(w) => {
            if let Some(widths) = column_widths(&t, w) {
                t.set_content_arrangement(ContentArrangement::Dynamic).set_width(w);
                // comfy-table counts a column's padding (a space either side) in it.
                for (column, w) in t.column_iter_mut().zip(widths) {
                    let w = u16::try_from(w + 2).unwrap_or(u16::MAX);
                    column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w)));
                }
            }
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    };
    let drawn = t.to_string();
    let mut text = String::with_capacity(drawn.len() + 16);
    // The header rows lie between the top border and the `╞═╡` rule.
    let mut in_header = t.header().is_some();
    for (i, line) in drawn.lines().enumerate() {
        if line.starts_with('╞') {
            in_header = false;
        }
        if out.colour && in_header && i > 0 {
            text.push_str(&format!("\x1b[1m{line}\x1b[0m\n"));
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// The widest a column may need to be kept whole: its longest word, up to
/// this many columns (longer words are split).
const WHOLE_WORD: usize = 14;

/// The width of each column's text when the table must fit `width`;
/// `None` when it fits as it is. Each column first gets its longest word
/// (up to [`WHOLE_WORD`]); when not all fit, the columns with the longest
/// words are cut to their header's longest word, and when even that does
/// not fit, the room is shared evenly. What is left gives whole words back
/// where that costs least, then goes, a character at a time, to the column
/// whose text lacks the most.
fn column_widths(t: &Table, width: u16) -> Option<Vec<usize>> {
    let columns = t.column_iter().count();
    // The preset draws a rule between columns and a space either side of each.
    let room = usize::from(width).saturating_sub(3 * columns + 1).max(columns);
    let measure = |row: &comfy_table::Row, f: &dyn Fn(&str) -> usize| -> Vec<usize> {
        let mut w: Vec<usize> = row.cell_iter().map(|c| f(&c.content())).collect();
        w.resize(columns, 0);
        w
    };
    let word = |text: &str| text.split_whitespace().map(UnicodeWidthStr::width).max().unwrap_or(0).min(WHOLE_WORD);
    let line = |text: &str| text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
    let rows: Vec<&comfy_table::Row> = t.header().into_iter().chain(t.row_iter()).collect();
    let widest = |f: &dyn Fn(&str) -> usize| {
        rows.iter()
            .map(|r| measure(r, f))
            .fold(vec![1; columns], |a, b| a.iter().zip(b).map(|(x, y)| (*x).max(y)).collect())
    };
    let full = widest(&line);
    if full.iter().sum::<usize>() <= room {
        return None;
    }
    let header = t.header().map(|h| measure(h, &word)).unwrap_or_else(|| vec![1; columns]);
    let words: Vec<usize> = widest(&word).iter().zip(&full).map(|(w, f)| (*w).min(*f)).collect();
    let mut w = words.clone();
    while w.iter().sum::<usize>() > room {
        match (0..columns).filter(|i| w[*i] > header[*i].max(1)).max_by_key(|i| w[*i]) {
            Some(i) => w[i] = header[i].max(1),
            None => {
                w = fair_shares(&words, room);
                break;
            }
        }
    }
    let mut left = room.saturating_sub(w.iter().sum());
    // Whole words back first, where that costs least.
    let mut cut: Vec<usize> = (0..columns).filter(|i| words[*i] > w[*i]).collect();
    cut.sort_by_key(|i| words[*i] - w[*i]);
    for i in cut {
        let more = words[i] - w[i];
        if more <= left {
            w[i] = words[i];
            left -= more;
        }
    }
    while left > 0 {
        let Some(i) = (0..columns).filter(|i| full[*i] > w[*i]).max_by_key(|i| full[*i] - w[*i]) else { break };
        w[i] += 1;
        left -= 1;
    }
    Some(w)
}

/// `room` shared among columns that need `need` each: a column that needs
/// less than an even share gets what it needs, and what it leaves is shared
/// among the others (so a narrow id column does not take the room a wide
/// Japanese one lacks). Each gets at least 1.
fn fair_shares(need: &[usize], room: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..need.len()).collect();
    order.sort_by_key(|i| need[*i]);
    let mut w = vec![1; need.len()];
    let mut left = room;
    for (k, i) in order.iter().enumerate() {
        let share = (left / (need.len() - k)).max(1);
        w[*i] = need[*i].clamp(1, share);
        left = left.saturating_sub(w[*i]);
    }
    w
}

/// A cell as one TSV field: no tab or line break inside.
fn field(cell: &str) -> String {
    cell.replace(['\t', '\n', '\r'], " ")
}

/// The header line and one line per row, tab-separated.
fn tsv(t: &Table) -> String {
    let mut text = String::new();
    for row in t.header().into_iter().chain(t.row_iter()) {
        let cells: Vec<String> = row.cell_iter().map(|c| field(&c.content())).collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide() -> Table {
        let mut t = new(&["id", "when", "machine", "license", "IVR", "operator", "wait", "asked", "result"]);
        t.add_row(vec![
            "12",
            "2016-03-26 18:00 +09:00",
            "居間のパソコン（マザーボード交換後）",
            "Windows 8.1 Pro (retail_box)",
            "not_confirmed",
            "reached",
            "12:05",
            "installation_id_group, how_many_pcs, previously_installed",
            "activated",
        ]);
        t.add_row(vec!["13", "2016-03-27 10:00 +09:00", "PC 2", "Office", "-", "-", "-", "-", "not_activated\tnote"]);
        t
    }

    fn width_of(line: &str) -> usize {
        unicode_width::UnicodeWidthStr::width(line)
    }

    #[test]
    fn drawn_tables_fit_the_width_asked() {
        for width in [80_u16, 60, 120] {
            let out = Output { tsv: false, width: Some(width), colour: false };
            let text = render(&wide(), &out);
            for line in text.lines() {
                assert!(width_of(line) <= usize::from(width), "{width}: {line:?} is {}", width_of(line));
            }
            if width >= 80 {
                assert!(text.contains("PC 2"), "{text}");
                assert!(text.contains("machine") && text.contains("operator"), "headers are not split: {text}");
            }
        }
    }

    /// How to print is a value each call is given: two in one process,
    /// each with its own `COLUMNS` and format, do not see each other's.
    #[test]
    fn each_call_prints_as_its_own_words_say() {
        use crate::domain::Channel;
        let narrow = Words::new(Output::from_parts(None, Some("40"), false, false, false, None), Lang::Ja);
        let script =
            Words::new(Output::from_parts(Some(OutputFormat::Tsv), Some("40"), false, false, false, None), Lang::Ja);
        for x in [narrow, script] {
            let mut t = x.table(&["cli.col.id", "cli.col.channel", "cli.col.notes"]);
            t.add_row(vec!["1".to_string(), x.e(Channel::RetailBox), "居間のパソコン（マザーボード交換後）".repeat(3)]);
            let text = render(&t, &x.out);
            if x.out.tsv {
                assert_eq!(text.lines().count(), 2, "{text}");
                assert!(text.contains("retail_box") && text.starts_with("id\t"), "{text}");
            } else {
                assert!(text.lines().all(|l| width_of(l) <= 40), "{text}");
                assert!(text.contains("パッケージ版") && !text.contains("retail_box"), "{text}");
            }
        }
    }

    #[test]
    fn unfitted_tables_keep_each_row_on_one_line() {
        let text = render(&wide(), &Output::default());
        assert_eq!(text.lines().count(), 6, "{text}");
    }

    #[test]
    fn tsv_is_a_header_line_and_one_tab_separated_line_a_row() {
        let out = Output { tsv: true, width: None, colour: false };
        let text = render(&wide(), &out);
        let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines.iter().all(|l| l.len() == 9), "{lines:?}");
        assert_eq!(lines[0][0], "id");
        assert_eq!(lines[2][8], "not_activated note", "a tab inside a cell is a space");
        assert!(!text.contains('\x1b') && !text.contains('│'));
    }

    #[test]
    fn colour_is_for_terminals_without_no_color() {
        let on_terminal = Output::from_parts(None, None, false, false, true, Some(100));
        assert_eq!(on_terminal, Output { tsv: false, width: Some(100), colour: true });
        assert!(render(&wide(), &on_terminal).contains("\x1b[1m"));
        assert!(!Output::from_parts(None, None, true, false, true, Some(100)).colour, "NO_COLOR");
        assert!(!Output::from_parts(None, None, false, true, true, Some(100)).colour, "TERM=dumb");
        assert!(!Output::from_parts(None, None, false, false, false, None).colour, "a pipe");
        let tsv = Output::from_parts(Some(OutputFormat::Tsv), Some("80"), false, false, true, Some(100));
        assert_eq!(tsv, Output { tsv: true, width: None, colour: false });
    }

    #[test]
    fn columns_wins_over_the_terminal_and_nonsense_is_ignored() {
        let at = |columns: Option<&str>, terminal: Option<u16>| {
            Output::from_parts(None, columns, false, false, terminal.is_some(), terminal).width
        };
        assert_eq!(at(Some("80"), Some(200)), Some(80));
        assert_eq!(at(Some("80"), None), Some(80), "COLUMNS also into a pipe");
        assert_eq!(at(Some("wide"), Some(200)), Some(200));
        assert_eq!(at(Some("0"), None), None);
        assert_eq!(at(Some("5"), None), Some(NARROWEST));
        assert_eq!(at(None, None), None);
    }
}
