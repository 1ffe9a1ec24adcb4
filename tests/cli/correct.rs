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

/// What a pasted command line prints, run by a shell in `dir`.
fn pasted(dir: &std::path::Path, line: &str) -> Output {
    Command::new("sh").current_dir(dir).env_remove("DATABASE_URL").args(["-c", line]).output().expect("sh runs")
}

/// The `more: …` line of a page, without its label.
fn hint(stderr: &str) -> String {
    let line = stderr.lines().find_map(|l| l.strip_prefix("more: ")).unwrap_or_else(|| panic!("a hint: {stderr}"));
    line.to_string()
}

#[test]
fn a_paging_hint_pasted_back_shows_the_next_page_of_the_same_filtered_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let db = ["--db", "our journal.db"];
    let run = |args: &[&str]| {
        let out = aj(dir, &[&db[..], args].concat());
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        out
    };
    run(&["migrate"]);
    run(&["machine", "add", "PC 1"]);
    run(&["machine", "add", "PC 2"]);
    run(&["license", "add", "--product", "Windows 8.1", "--channel", "oem"]);
    for (machine, day) in [("PC 1", "10"), ("PC 2", "11"), ("PC 1", "12"), ("PC 2", "13"), ("PC 1", "14")] {
        let at = format!("2014-05-{day}T18:00:00+09:00");
        run(&["attempt", "add", "--machine", machine, "--license", "1", "--started-at", &at]);
    }
    let first = run(&["attempt", "list", "--machine", "PC 1", "--limit", "2"]);
    let line = hint(&text(&first.stderr));
    assert!(line.contains("--db 'our journal.db' attempt list --machine 'PC 1' --limit 2 --cursor "), "{line}");
    let next = pasted(dir, &line);
    assert!(next.status.success(), "{line}: {}", text(&next.stderr));
    let page = text(&next.stdout);
    assert!(page.contains("2014-05-10 18:00") && !page.contains("2014-05-14") && !page.contains("PC 2"), "{page}");
    assert!(!text(&next.stderr).contains("more:"), "the last page: {}", text(&next.stderr));
    // Pasting the hint of that page again (its --cursor replaced) goes on, not back to the start.
    let machines = run(&["machine", "list", "--limit=1"]);
    let second = pasted(dir, &hint(&text(&machines.stderr)));
    assert!(text(&second.stdout).contains("PC 2") && !text(&second.stdout).contains("PC 1"));
    assert!(!text(&second.stderr).contains("more:"), "{}", text(&second.stderr));
    // Another command's hint keeps the journal it was run on.
    let out = run(&["audit", "--limit", "1"]);
    let line = hint(&text(&out.stderr));
    assert!(line.contains("--db 'our journal.db' audit --limit 1 --cursor "), "{line}");
    assert!(pasted(dir, &line).status.success());
}
