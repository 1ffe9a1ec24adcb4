//! What to have at hand, printed by `call` once the license is chosen and
//! before it asks for the number dialled: the answers given on the
//! license's past calls (a key only masked) and its photos, each with the
//! command that gets it (`attachment get ID --out FILE`). Only prints.

use unicode_width::UnicodeWidthStr;

use crate::cli::hint;
use crate::domain::AtHand;
use crate::i18n::Tr;

/// The block for the license labelled `license`, in `t`'s language (the
/// command that gets a photo names the program as run: `--db` and all).
pub fn lines(t: &Tr, license: &str, h: &AtHand) -> Vec<String> {
    let mut out = vec![t.f("hand.cli.title", &[("license", license)])];
    if h.answers.is_empty() {
        out.push(format!("  {}", t.s("hand.nothing_asked")));
    }
    let topics: Vec<String> = h.answers.iter().map(|a| t.e(a.topic)).collect();
    let widest = topics.iter().map(|w| w.width()).max().unwrap_or(0);
    for (a, topic) in h.answers.iter().zip(&topics) {
        let answer = a.answer.clone().unwrap_or_else(|| t.s("hand.no_answer"));
        let id = a.attempt_id.to_string();
        let when = t.f("hand.cli.asked", &[("date", &a.asked_on), ("id", &id)]);
        let words = a.question.as_deref().map(|q| format!(" {}", t.f("hand.their_words", &[("question", q)])));
        let pad = " ".repeat(widest - topic.width());
        out.push(format!("  {topic}{pad}  {answer}  ({when}){}", words.unwrap_or_default()));
    }
    if h.attachments.is_empty() {
        out.push(format!("  {}", t.s("hand.cli.no_photos")));
    } else {
        out.push(t.s("hand.cli.photos"));
        for a in &h.attachments {
            let caption = a.caption.clone().unwrap_or_else(|| t.s("attach.no_caption"));
            let (id, file) = (a.id.to_string(), a.file_name());
            let get = hint::command(&["attachment", "get", &id, "--out", &file]);
            let kind = crate::domain::attachment::extension(a.media_type).to_ascii_uppercase();
            out.push(format!("  {id}  {caption} ({kind})"));
            out.push(format!("      {}", t.f("hand.cli.get", &[("command", &get)])));
        }
        if h.more_attachments {
            let id = h.license_id.to_string();
            let all = hint::command(&["attachments", "license", &id]);
            out.push(format!("  {}", t.f("hand.cli.more", &[("command", &all)])));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Attachment, PastAnswer, Topic};
    use crate::i18n::Lang;

    fn hand() -> AtHand {
        let answer = |topic, answer: Option<&str>, question: Option<&str>| PastAnswer {
            topic,
            question: question.map(str::to_string),
            answer: answer.map(str::to_string),
            attempt_id: 3,
            asked_on: "2014-05-09".into(),
        };
        AtHand {
            license_id: 2,
            answers: vec![
                answer(Topic::BoxColour, Some("blue"), Some("what colour is the box?")),
                answer(Topic::PurchaseSite, None, None),
                answer(Topic::ProductKey, Some("*****-*****-*****-*****-9D6T9"), None),
            ],
            attachments: vec![Attachment {
                id: 7,
                entity: crate::domain::AttachedTo::License,
                entity_id: 2,
                caption: Some("the box".into()),
                media_type: crate::domain::MediaType::Jpeg,
                size: 1000,
                thumbnail: true,
                created_at: "2014-05-09T10:00:00Z".into(),
                updated_at: "2014-05-09T10:00:00Z".into(),
                archived_at: None,
            }],
            more_attachments: false,
        }
    }

    #[test]
    fn the_block_says_each_answer_given_then_and_how_to_get_each_photo() {
        let text = lines(&Tr(Lang::En), "Windows 8.1 Pro", &hand()).join("\n");
        assert!(text.contains("Windows 8.1 Pro"), "{text}");
        assert!(text.contains("blue"), "{text}");
        assert!(text.contains("what colour is the box?"), "{text}");
        assert!(text.contains("*****-*****-*****-*****-9D6T9"), "{text}");
        assert!(text.contains("attachment get 7 --out attachment-7.jpg"), "{text}");
        assert!(text.contains("the box"), "{text}");
        let ja = lines(&Tr(Lang::Ja), "Windows 8.1 Pro", &hand()).join("\n");
        assert!(ja.contains("パッケージの色"), "{ja}");
    }
}
