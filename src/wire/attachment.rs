//! The fields an upload carries beside its file: its caption (the entity
//! it is attached to is a closed set and an id, parsed where they arrive).

use crate::domain::fields::{FieldErrors, SHORT_MAX};
use crate::domain::shape::{FieldDecl, Kind};

/// The caption's declaration: one line, at most 200 characters.
pub const CAPTION: FieldDecl =
    FieldDecl { name: "caption", kind: Kind::Line { max: SHORT_MAX }, required: false, label: "field.caption" };

/// Parse a caption as sent (absent or blank: none).
pub fn attachment_caption(raw: Option<&str>) -> Result<Option<String>, FieldErrors> {
    match raw {
        None => Ok(None),
        Some(raw) => CAPTION.opt_text()(&raw.to_string()).map_err(|m| FieldErrors::one("caption", m)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caption_is_one_line_of_at_most_200_characters() {
        assert_eq!(attachment_caption(Some("  the box  ")).unwrap().as_deref(), Some("the box"));
        assert_eq!(attachment_caption(Some("   ")).unwrap(), None);
        assert_eq!(attachment_caption(None).unwrap(), None);
        assert!(attachment_caption(Some(&"x".repeat(201))).unwrap_err().to_string().starts_with("caption: "));
        assert!(attachment_caption(Some("a\u{7}b")).is_err());
        assert!(attachment_caption(Some("a\nb")).is_err());
    }
}
