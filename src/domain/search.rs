//! What a search asks for: the text typed, split into terms.
//!
//! Text is compared in NFKC (full-width `ＰＣ１` is `PC1`, half-width kana
//! are full-width), as the store writes its search documents. A term of
//! three or more characters is looked up in the trigram index; a shorter
//! one (`箱`, `色`: Japanese words are often one or two characters) cannot
//! be, and is matched as a substring of the documents the longer terms
//! found — or, alone, of the newest documents first.

use unicode_normalization::UnicodeNormalization;

use super::fields::{Check, FieldErrors, Msg};

/// The longest search text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// A parsed search: at least one term, every term non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Terms of three or more characters (indexed).
    pub long: Vec<String>,
    /// Terms of one or two characters (matched as substrings).
    pub short: Vec<String>,
}

impl SearchQuery {
    /// Parse `q` (the field is named `q` in messages).
    pub fn parse(q: Option<&str>) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let text: String = q.unwrap_or("").nfkc().collect();
        let text = text.trim();
        if text.is_empty() {
            c.push("q", Msg::new("msg.query_required"));
        } else if text.chars().count() > MAX_QUERY_CHARS {
            c.push("q", Msg::new("msg.at_most_chars").arg("max", MAX_QUERY_CHARS));
        } else if text.chars().any(char::is_control) {
            // Stored text holds none (besides line breaks and tabs, which
            // split terms anyway), and SQLite refuses a NUL in a pattern.
            c.push("q", Msg::new("msg.control_characters"));
        }
        c.finish()?;
        let (long, short) = text.split_whitespace().map(str::to_string).partition(|t| t.chars().count() >= 3);
        Ok(Self { long, short })
    }

    /// The FTS5 expression of the long terms (each a quoted phrase, all of
    /// them required), or `None` when there are none.
    pub fn match_expression(&self) -> Option<String> {
        if self.long.is_empty() {
            return None;
        }
        Some(self.long.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(" "))
    }

    /// The LIKE patterns of the short terms (`\` escapes `%`, `_` and itself).
    pub fn like_patterns(&self) -> Vec<String> {
        self.short
            .iter()
            .map(|t| format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
            .collect()
    }
}

/// A search document's text in the form it is searched in.
pub fn normalise(text: &str) -> String {
    text.nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_split_normalised_and_sorted_by_length() {
        let q = SearchQuery::parse(Some("  ＰＣ１ 箱 \"quoted\" 50%_ ")).unwrap();
        assert_eq!(q.long, ["PC1", "\"quoted\"", "50%_"]);
        assert_eq!(q.short, ["箱"]);
        assert_eq!(q.match_expression().unwrap(), "\"PC1\" \"\"\"quoted\"\"\" \"50%_\"");
        assert_eq!(SearchQuery::parse(Some("色 a_")).unwrap().like_patterns(), ["%色%", "%a\\_%"]);
        assert_eq!(SearchQuery::parse(Some("色")).unwrap().match_expression(), None);
    }

    #[test]
    fn empty_and_overlong_text_is_refused_by_name() {
        for q in [None, Some(""), Some("   "), Some("\u{3000}")] {
            let e = SearchQuery::parse(q).unwrap_err();
            assert_eq!(e.0[0].field, "q");
            assert!(e.0[0].message.contains("required"), "{e:?}");
        }
        let long = "あ".repeat(MAX_QUERY_CHARS + 1);
        assert!(SearchQuery::parse(Some(&long)).unwrap_err().0[0].message.contains("at most 200"));
        assert!(SearchQuery::parse(Some(&"あ".repeat(MAX_QUERY_CHARS))).is_ok());
        for q in ["5\u{b9}\u{0}X\u{f4}+", "a\u{7}b"] {
            let e = SearchQuery::parse(Some(q)).unwrap_err();
            assert_eq!(
                (e.0[0].field.as_str(), e.0[0].message.en().as_str()),
                ("q", "must not contain control characters")
            );
        }
    }
}
