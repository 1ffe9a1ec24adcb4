//! What to have at hand for a license: the last answer a topic from its
//! live calls (a key only masked), a topic asked and never answered kept
//! as asked, other licenses' and archived calls' answers left out, and
//! its first live photos.

use super::*;
use activation_journal::domain::attachment::samples::jpeg_with_gps;

fn q(topic: Topic, question: Option<&str>, answer: Option<&str>) -> NewQuestion {
    NewQuestion { topic, question: question.map(str::to_string), answer: answer.map(str::to_string) }
}

#[tokio::test]
async fn the_last_answer_of_each_topic_is_at_hand_with_a_key_only_masked_and_the_licenses_photos() {
    let t = store().await;
    let s = &t.store;
    let a = cli();
    let ctx = WriteCtx::new(&a);
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::RetailDownload).await;
    let other = license(s, Channel::RetailBox).await;

    let mut first = call(m.id, l.id, "2014-05-09T18:00:00+09:00");
    first.questions = Some(vec![
        q(Topic::BoxColour, Some("what colour is the box?"), Some("green")),
        q(Topic::PurchaseSite, Some("where was it bought?"), None),
        q(Topic::ProductKey, None, Some(&format!("read out {KEY}"))),
        q(Topic::InstallationIdGroup, None, Some("123456")),
    ]);
    attempt(s, first).await.unwrap();
    let mut second = call(m.id, l.id, "2014-05-10T10:00:00+09:00");
    second.questions = Some(vec![q(Topic::BoxColour, None, Some("blue")), q(Topic::PurchaseSite, None, None)]);
    let second = attempt(s, second).await.unwrap();
    let mut archived = call_in(second.case_id, "2014-05-11T10:00:00+09:00");
    archived.questions = Some(vec![q(Topic::BoxColour, None, Some("red (typed by mistake)"))]);
    let archived = attempt(s, archived).await.unwrap();
    s.archive_attempt(&ctx, archived.id).await.unwrap();
    let mut elsewhere = call(m.id, other.id, "2014-05-12T10:00:00+09:00");
    elsewhere.questions = Some(vec![q(Topic::Edition, None, Some("Home"))]);
    attempt(s, elsewhere).await.unwrap();

    let h = s.at_hand(l.id).await.unwrap();
    let topics: Vec<Topic> = h.answers.iter().map(|a| a.topic).collect();
    assert_eq!(topics[0], Topic::BoxColour, "most recently asked first: {topics:?}");
    assert!(!topics.contains(&Topic::Edition), "another license's answers are not this one's");
    assert!(!topics.contains(&Topic::InstallationIdGroup), "the ID's groups are read off the PC on the day");
    let of = |t: Topic| h.answers.iter().find(|a| a.topic == t).unwrap();
    assert_eq!(of(Topic::BoxColour).answer.as_deref(), Some("blue"), "the last answer of a live call");
    assert_eq!(of(Topic::BoxColour).attempt_id, second.id);
    assert_eq!(of(Topic::BoxColour).asked_on, "2014-05-10");
    let site = of(Topic::PurchaseSite);
    assert_eq!((site.answer.as_deref(), site.attempt_id), (None, second.id), "asked twice, never answered");
    let key = of(Topic::ProductKey).answer.clone().unwrap();
    assert!(key.ends_with("9D6T9") && key.contains("*****"), "{key}");
    let json = serde_json::to_string(&h).unwrap();
    assert!(!json.contains(KEY) && !json.contains("GCRJD"), "the key never in full: {json}");
    assert!(h.attachments.is_empty() && !h.more_attachments);

    // Photos: the first live ones, capped.
    for i in 0..=activation_journal::domain::at_hand::AT_HAND_FILES {
        let file = NewAttachment::prepare(AttachedTo::License, l.id, Some(format!("photo {i}")), &jpeg_with_gps());
        s.create_attachment(&ctx, &file.unwrap()).await.unwrap();
    }
    let photo = s.attachments(AttachedTo::License, l.id, &PageRequest::default()).await.unwrap().items[0].id;
    s.archive_attachment(&ctx, photo).await.unwrap();
    let h = s.at_hand(l.id).await.unwrap();
    assert_eq!(h.attachments.len() as i64, activation_journal::domain::at_hand::AT_HAND_FILES);
    assert!(!h.more_attachments, "the archived one is not counted");
    assert!(h.attachments.iter().all(|a| a.id != photo && a.archived_at.is_none()));
    assert!(s.at_hand(other.id).await.unwrap().attachments.is_empty());

    // An unknown or archived license is not found.
    assert!(matches!(s.at_hand(999).await, Err(StoreError::NotFound { .. })));
    s.archive_license(&ctx, other.id).await.unwrap();
    assert!(matches!(s.at_hand(other.id).await, Err(StoreError::NotFound { .. })));
}
