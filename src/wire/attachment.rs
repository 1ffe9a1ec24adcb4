//! Attachment bodies: the fields an upload carries beside its file (its
//! caption; the entity it is attached to is a closed set and an id, parsed
//! where they arrive), and the PATCH of an attachment, which changes its
//! caption (the file is the file: a new one is a new attachment).

use super::{bodies, named_something, nullable};
use crate::domain::fields::{Check, FieldErrors};
use crate::domain::shape::LINE;
use crate::domain::AttachmentPatch;

bodies! {
    /// A change to an attachment: its caption (`null` clears it).
    pub struct AttachmentFields;
    pub mod attachment_fields;
    {
        /// What the file shows (one line, at most 200 characters).
        caption: String as LINE => [value_type = Option<String>, example = "the sticker on the side of the box"],
    }
}

/// Parse a caption as sent with an upload (absent or blank: none).
pub fn attachment_caption(raw: Option<&str>) -> Result<Option<String>, FieldErrors> {
    match raw {
        None => Ok(None),
        Some(raw) => {
            attachment_fields::caption.opt_text()(&raw.to_string()).map_err(|m| FieldErrors::one("caption", m))
        }
    }
}

impl TryFrom<&AttachmentFields> for AttachmentPatch {
    type Error = FieldErrors;

    fn try_from(f: &AttachmentFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let caption = c.patch_optional("caption", &f.caption, attachment_fields::caption.opt_text());
        c.finish()?;
        named_something(Self { caption: caption.flatten() }, AttachmentPatch::fields)
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

    #[test]
    fn a_patch_changes_or_clears_the_caption_and_names_something() {
        let patch = |json: &str| AttachmentPatch::try_from(&serde_json::from_str::<AttachmentFields>(json).unwrap());
        assert_eq!(patch(r#"{"caption": " the receipt "}"#).unwrap().caption, Some(Some("the receipt".into())));
        assert_eq!(patch(r#"{"caption": null}"#).unwrap().caption, Some(None));
        assert_eq!(patch(r#"{"caption": "  "}"#).unwrap().caption, Some(None));
        assert_eq!(patch("{}").unwrap_err().to_string(), "body: names no field to change");
        assert!(patch(r#"{"caption": "a\u202eb"}"#).unwrap_err().to_string().starts_with("caption: "));
    }
}
