//! Correcting from the terminal: edit, archive and unarchive of every
//! entity, hardware changes, revealing a product key, paging hints that
//! repeat the command as it was run, and writes stored once when retried.
use super::record::{household, json, ok, refused, CID, IID};
use super::*;

#[test]
fn an_attempt_retried_with_its_idempotency_key_is_stored_once() {
    let dir = household();
    let add =
        ["attempt", "add", "--machine", "PC 1", "--license", "1", "--iid", IID, "--cid", CID, "--result", "activated"];
    let keyed = |key: &str, extra: &[&str]| {
        let mut args = add.to_vec();
        args.extend_from_slice(&["--idempotency-key", key, "--json"]);
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json(dir.path(), &args)
    };
    // No --started-at: it is now each time, and the retry is still the same call.
    let first = run(&keyed("call-2014-05-10", &[]));
    let again = run(&keyed("call-2014-05-10", &[]));
    assert_eq!(first, again, "the retry answers the first row");
    assert_eq!(json(dir.path(), &["attempt", "list", "--json"])["items"].as_array().unwrap().len(), 1);
    // The same key with other flags is refused, and nothing is stored.
    let mut other = vec!["--db", "j.db"];
    let changed = keyed("call-2014-05-10", &["--notes", "another call"]);
    other.extend(changed.iter().map(String::as_str));
    let out = aj(dir.path(), &other);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--idempotency-key: this key was already used"), "{}", text(&out.stderr));
    for bad in ["", "two words", &"k".repeat(256)] {
        let args = keyed(bad, &[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, err) = refused(dir.path(), &args);
        assert_eq!(code, 1, "{bad:?}");
        assert!(err.contains("--idempotency-key: must be 1 to 255 visible ASCII characters"), "{bad:?}: {err}");
    }
    // Without a key, each run is a call of its own.
    ok(dir.path(), &add);
    assert_eq!(json(dir.path(), &["attempt", "list", "--json"])["items"].as_array().unwrap().len(), 2);
}
