//! The shape of what a person writes: each field of each resource declared
//! once — its name, what kind of value it takes with its limits, whether a
//! POST requires it, and the catalogue key of its label.
//!
//! The declarations are made by `wire::bodies!` beside the request bodies
//! (one line a field), and read by every edge: the JSON parse takes its
//! limits from them, the OpenAPI document states them
//! (`routes::constraints`), the web form reads its fields and their kinds
//! from them, the command line's flags and the CSV columns are checked
//! against them by tests, and the tests send every declared field wrong.
//! This module is data only: no HTTP, no SQL, no serde.

use super::fields::{Msg, LONG_MAX, NAME_MAX, SHORT_MAX};

/// What a field takes, with its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A row id (a whole number from 1).
    Id,
    /// One line of text, trimmed, 1–`max` characters: no control
    /// characters, no bidirectional overrides or isolates.
    Line { max: usize },
    /// A [`Kind::Line`] that holds at least one visible character.
    Name { max: usize },
    /// Text that may span lines (notes), 1–`max` characters.
    Text { max: usize },
    /// A whole number in `min..=max`.
    Int { min: i64, max: i64 },
    /// One member of a closed set.
    OneOf(Set),
    /// Members of a closed set, each at most once.
    SetOf(Set),
    /// A list of at most `items` whole numbers in `min..=max`.
    Ints { min: i64, max: i64, items: usize },
    /// A time with an offset (RFC 3339).
    Time,
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// `true` or `false`.
    Bool,
    /// Text as typed (an ID, a code, a phone number) that matches `pattern`
    /// (empty: none stated) and is at most `max` characters; its own parser
    /// decides the rest.
    Code { pattern: &'static str, max: usize },
    /// A list of at most `items` objects (an attempt's questions).
    Objects { items: usize },
}

impl Kind {
    /// The longest text the field takes, where it is text.
    pub const fn max_chars(self) -> Option<usize> {
        match self {
            Kind::Line { max } | Kind::Name { max } | Kind::Text { max } | Kind::Code { max, .. } => Some(max),
            _ => None,
        }
    }
}

/// A closed set as a declaration names it: its own name (which names its
/// members' labels in the catalogues, `enum.<name>.<member>`) and its
/// members' wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Set {
    pub name: &'static str,
    pub members: &'static [&'static str],
}

/// One field of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDecl {
    /// The name in JSON, forms, CSV headers and error messages.
    pub name: &'static str,
    pub kind: Kind,
    /// Whether a POST must give it.
    pub required: bool,
    /// The catalogue key of its label (`field.<name>`).
    pub label: &'static str,
}

/// Short texts: names of things, colours, shops, questions.
pub const LINE: Kind = Kind::Line { max: SHORT_MAX };
/// A machine's name.
pub const NAME: Kind = Kind::Name { max: NAME_MAX };
/// Notes, answers, follow-ups.
pub const NOTES: Kind = Kind::Text { max: LONG_MAX };

/// Bidirectional overrides and isolates: they reorder what is shown
/// around them (a name that reads as another), so no one-line field
/// takes them.
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The length rule every text kind shares: counted as sent, so that the
/// limit the OpenAPI document states (`maxLength`) is the one applied.
fn within(raw: &str, max: usize) -> Result<(), Msg> {
    let n = raw.chars().count();
    if n > max {
        return Err(Msg::new("msg.too_long").arg("n", n).arg("max", max));
    }
    Ok(())
}

impl FieldDecl {
    /// What every text of this kind must be as sent, blank or not: at most
    /// its limit; one line (no control characters, no bidirectional
    /// controls) for [`Kind::Line`] and [`Kind::Name`]; newlines and tabs
    /// allowed in [`Kind::Text`].
    fn check_raw(self, raw: &str) -> Result<(), Msg> {
        within(raw, self.kind.max_chars().unwrap_or(super::fields::LONG_MAX))?;
        match self.kind {
            Kind::Text { .. } => {
                if raw.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
                    return Err(Msg::new("msg.control_characters"));
                }
            }
            _ => {
                if let Some(c) = raw.chars().find(|c| c.is_control() || bidi_control(*c)) {
                    return Err(Msg::new("msg.one_line").arg("code", format!("U+{:04X}", u32::from(c))));
                }
            }
        }
        Ok(())
    }

    /// The text rule of this field's kind: as [`FieldDecl::check_raw`]
    /// says, then trimmed and not blank; a [`Kind::Name`] must also show
    /// something.
    pub fn text(self) -> impl Fn(&String) -> Result<String, Msg> {
        move |raw| {
            self.check_raw(raw)?;
            let t = raw.trim();
            if t.is_empty() {
                return Err(Msg::new("msg.empty"));
            }
            if matches!(self.kind, Kind::Name { .. }) && t.chars().all(super::fields::invisible) {
                return Err(Msg::new("msg.invisible"));
            }
            Ok(t.to_string())
        }
    }

    /// [`FieldDecl::text`] for an optional field: blank means none.
    pub fn opt_text(self) -> impl Fn(&String) -> Result<Option<String>, Msg> {
        move |raw| {
            self.check_raw(raw)?;
            if raw.trim().is_empty() {
                Ok(None)
            } else {
                self.text()(raw).map(Some)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE_FIELD: FieldDecl = FieldDecl { name: "owner", kind: Kind::Line { max: 5 }, required: false, label: "" };
    const NAME_FIELD: FieldDecl = FieldDecl { name: "name", kind: Kind::Name { max: 5 }, required: true, label: "" };
    const NOTES_FIELD: FieldDecl = FieldDecl { name: "notes", kind: Kind::Text { max: 9 }, required: false, label: "" };

    #[test]
    fn one_line_fields_refuse_controls_and_bidi_anywhere() {
        for bad in ["a\nb", "a\tb", "\u{202E}ab", "ab\u{2066}", "a\u{0007}"] {
            assert!(LINE_FIELD.text()(&bad.to_string()).is_err(), "{bad:?}");
        }
        assert_eq!(LINE_FIELD.text()(&" ab ".to_string()), Ok("ab".into()));
        assert_eq!(LINE_FIELD.opt_text()(&"  ".to_string()), Ok(None));
        assert!(LINE_FIELD.opt_text()(&"\n".to_string()).is_err());
        assert!(LINE_FIELD.text()(&"abcdef".to_string()).unwrap_err().contains("6 characters"));
    }

    #[test]
    fn names_show_something_and_notes_keep_their_lines() {
        assert_eq!(NAME_FIELD.text()(&"\u{200B}".to_string()), Err(Msg::new("msg.invisible")));
        assert_eq!(NOTES_FIELD.text()(&"a\nb\tc".to_string()), Ok("a\nb\tc".into()));
        assert!(NOTES_FIELD.text()(&"a\u{0}".to_string()).is_err());
    }
}
