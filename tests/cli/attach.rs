//! Attachments from the terminal: `attach`, `attachments`, `attachment
//! get` (never over a file without --force, `-` only into a pipe), archive
//! and unarchive, and every argument given wrong.
use super::record::{household, json, ok, refused};
use super::*;
use activation_journal::domain::attachment::samples::{jpeg_with_gps, GPS};

#[test]
fn a_photo_is_attached_listed_and_written_back_without_its_location() {
    let dir = household();
    std::fs::write(dir.path().join("sticker.jpg"), jpeg_with_gps()).unwrap();
    let a = json(dir.path(), &["attach", "license", "1", "sticker.jpg", "--caption", "the key sticker", "--json"]);
    assert_eq!((a["media_type"].as_str(), a["thumbnail"].as_bool()), (Some("image/jpeg"), Some(true)));
    let id = a["id"].as_i64().unwrap().to_string();
    let table = ok(dir.path(), &["attachments", "license", "1"]);
    assert!(table.contains("the key sticker") && table.contains("JPG"), "{table}");
    ok(dir.path(), &["attachment", "get", &id, "--out", "back.jpg"]);
    let back = std::fs::read(dir.path().join("back.jpg")).unwrap();
    assert!(!back.windows(GPS.len()).any(|w| w == GPS));
    assert_eq!(back.len() as i64, a["size"].as_i64().unwrap());
    // Not over a file without --force; with it, yes.
    let (code, err) = refused(dir.path(), &["attachment", "get", &id, "--out", "back.jpg"]);
    assert_eq!(code, 1);
    assert!(err.contains("back.jpg already exists; pass --force"), "{err}");
    ok(dir.path(), &["attachment", "get", &id, "--out", "back.jpg", "--force"]);
    // `-` into a pipe (the test's stdout is one).
    let piped = aj(dir.path(), &["--db", "j.db", "attachment", "get", &id, "--out", "-"]);
    assert!(piped.status.success());
    assert_eq!(piped.stdout, back);

    ok(dir.path(), &["attachment", "archive", &id]);
    assert!(!ok(dir.path(), &["attachments", "license", "1"]).contains("the key sticker"));
    let (code, err) = refused(dir.path(), &["attachment", "archive", &id]);
    assert_eq!(code, 1);
    assert!(err.contains("already archived"), "{err}");
    let back = json(dir.path(), &["attachment", "unarchive", &id, "--json"]);
    assert_eq!(back["archived_at"], serde_json::Value::Null);
}

#[test]
fn every_attach_argument_given_wrong_is_refused_and_nothing_is_stored() {
    let dir = household();
    std::fs::write(dir.path().join("r.pdf"), b"%PDF-1.4 receipt").unwrap();
    std::fs::write(dir.path().join("x.gif"), b"GIF89a").unwrap();
    std::fs::write(dir.path().join("empty.pdf"), b"").unwrap();
    let long = "x".repeat(201);
    let cases: [(&[&str], i32, &str); 7] = [
        (&["attach", "license", "1", "r.pdf", "--caption", &long], 1, "--caption: "),
        (&["attach", "license", "1", "r.pdf", "--caption", "a\u{7}b"], 1, "--caption: "),
        (&["attach", "printer", "1", "r.pdf"], 2, "printer"),
        (&["attach", "license", "99", "r.pdf"], 1, "99"),
        (&["attach", "license", "1", "missing.pdf"], 1, "could not read missing.pdf"),
        (&["attach", "license", "1", "x.gif"], 1, "not a JPEG, PNG, WebP or PDF"),
        (&["attach", "license", "1", "empty.pdf"], 1, "is empty"),
    ];
    for (args, code, message) in cases {
        let (got, err) = refused(dir.path(), args);
        assert_eq!(got, code, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let listed = json(dir.path(), &["attachments", "license", "1", "--json"]);
    assert_eq!(listed["items"], serde_json::json!([]));
}

#[test]
fn a_caption_is_edited_and_cleared_and_a_wrong_one_refused_naming_the_flag() {
    let dir = household();
    std::fs::write(dir.path().join("r.pdf"), b"%PDF-1.4 receipt").unwrap();
    let a = json(dir.path(), &["attach", "license", "1", "r.pdf", "--caption", "receipt", "--json"]);
    let id = a["id"].as_i64().unwrap().to_string();
    let edited = json(dir.path(), &["attachment", "edit", &id, "--caption", "Softmart receipt", "--json"]);
    assert_eq!(edited["caption"], "Softmart receipt");
    assert_eq!(edited["size"], a["size"], "the file stays");
    let found = json(dir.path(), &["search", "softmart", "--json"]);
    assert_eq!(
        (found["items"][0]["entity"].as_str(), found["items"][0]["id"].as_i64()),
        (Some("attachment"), a["id"].as_i64())
    );
    let long = "x".repeat(201);
    for (args, message) in [
        (&["attachment", "edit", &id, "--caption", &long][..], "--caption: "),
        (&["attachment", "edit", &id, "--caption", "a\u{202e}b"], "--caption: "),
        (&["attachment", "edit", &id], "give at least one field to change"),
        (&["attachment", "edit", "99", "--caption", "x"], "attachment 99 not found"),
        (&["attachment", "edit", &id, "--clear", "media_type"], "--clear media-type: this record has no such field"),
    ] {
        let (code, err) = refused(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    assert_eq!(json(dir.path(), &["attachments", "license", "1", "--json"])["items"][0]["caption"], "Softmart receipt");
    let cleared = json(dir.path(), &["attachment", "edit", &id, "--clear", "caption", "--json"]);
    assert_eq!(cleared["caption"], serde_json::Value::Null);
}
