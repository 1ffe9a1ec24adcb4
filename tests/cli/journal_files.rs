//! Read-only and damaged journals: reading commands work on a journal
//! whose file or folder cannot be written, a damaged file is named as such
//! with what to try, and no SQLite code number reaches a message.
//!
//! The tests run as root, whom file modes do not stop: what makes the
//! read-only case real is that the journal decides by the mode bits
//! (`store::read_only_place`) and then opens the file with SQLite's
//! read-only flag (and `immutable` in a read-only folder). So the tests
//! check what only that path gives: no `-wal`/`-shm` appears beside the
//! file, and a write is refused by SQLite itself (`SQLITE_READONLY`),
//! said in words.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::{aj, text};

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A message a person reads: no `code: 14`, no `(code 1544)`.
fn no_code(message: &str) {
    assert!(!message.contains("code"), "a raw SQLite code reached the message: {message}");
}

#[test]
fn reading_commands_work_on_a_read_only_journal_in_a_read_only_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("journal");
    std::fs::create_dir(&folder).unwrap();
    let out = aj(dir.path(), &["--db", "journal/j.db", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    chmod(&folder.join("j.db"), 0o444);
    chmod(&folder, 0o555);
    for args in [
        &["machine", "list"][..],
        &["attempt", "list", "--limit", "1"],
        &["summary", "hours", "--json"],
        &["search", "PC"],
        &["export", "--out", "export.json"],
        &["backup", "backup.db"],
    ] {
        let mut all = vec!["--db", "journal/j.db"];
        all.extend_from_slice(args);
        let out = aj(dir.path(), &all);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    assert!(dir.path().join("export.json").exists() && dir.path().join("backup.db").exists());
    let add = aj(dir.path(), &["--db", "journal/j.db", "machine", "add", "PC 9"]);
    assert_eq!(add.status.code(), Some(1));
    let message = text(&add.stderr);
    // Which file, why (here both it and its folder), and what to do.
    let file = folder.join("j.db");
    assert!(message.contains(&format!("the journal {} is read-only", file.display())), "{message}");
    assert!(message.contains(&format!("neither the file nor its folder {} can be written", folder.display())));
    assert!(message.contains("chmod u+w") && message.contains("--db"), "{message}");
    no_code(&message);
    // Only the folder read-only: the folder is named as the reason.
    chmod(&folder.join("j.db"), 0o644);
    let add = aj(dir.path(), &["--db", "journal/j.db", "follow-up", "add", "--machine", "PC 1", "check drivers"]);
    let message = text(&add.stderr);
    assert!(
        message.contains(&format!("its folder {} cannot be written", folder.display()))
            && message.contains(&format!("chmod u+w {}", folder.display())),
        "{message}"
    );
    chmod(&folder.join("j.db"), 0o444);
    let beside: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(beside.iter().all(|n| !n.ends_with("-wal") && !n.ends_with("-shm")), "SQLite wrote beside it: {beside:?}");
    chmod(&folder, 0o755);
    let hours = aj(dir.path(), &["--db", "journal/j.db", "summary", "hours", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&hours.stdout).unwrap();
    assert_eq!(v["best_hours"], serde_json::json!([10]), "read-only, the journal reads as before");
}

#[test]
fn a_read_only_file_in_a_writable_folder_is_listed_and_not_written() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    chmod(&dir.path().join("j.db"), 0o444);
    let list = aj(dir.path(), &["--db", "j.db", "machine", "list"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    assert!(text(&list.stdout).contains("PC 1"));
    let add = aj(dir.path(), &["--db", "j.db", "token", "create", "--name", "phone", "--scope", "read"]);
    assert_eq!(add.status.code(), Some(1));
    let file = std::path::absolute(dir.path().join("j.db")).unwrap();
    let message = text(&add.stderr);
    assert!(
        message.contains(&format!("the journal {} is read-only (the file cannot be written)", file.display()))
            && message.contains(&format!("chmod u+w {}", file.display())),
        "{message}"
    );
    no_code(&message);
    // In the run's language: the same catalogue message the pages show.
    let add = super::aj_env(
        dir.path(),
        &[("LANG", "ja_JP.UTF-8")],
        &["--db", "j.db", "token", "create", "--name", "phone", "--scope", "read"],
    );
    assert_eq!(add.status.code(), Some(1));
    let message = text(&add.stderr);
    assert!(
        message.contains(&format!("ジャーナル {} は読み取り専用です", file.display()))
            && message.contains(&format!("chmod u+w {}", file.display())),
        "{message}"
    );
}

#[test]
fn a_read_only_journal_that_needs_migrating_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // An empty file is a SQLite database with nothing in it: every migration pending.
    std::fs::write(dir.path().join("old.db"), b"").unwrap();
    chmod(&dir.path().join("old.db"), 0o444);
    let out = aj(dir.path(), &["--db", "old.db", "machine", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(message.contains("migration") && message.contains("read-only") && message.contains("migrate"), "{message}");
    no_code(&message);
}

#[test]
fn a_damaged_journal_is_named_as_such_with_what_to_try() {
    let dir = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(dir.path().join("j.db"), garbage).unwrap();
    for args in [&["machine", "list"][..], &["summary", "hours"], &["export"], &["backup", "b.db"], &["migrate"]] {
        let mut all = vec!["--db", "j.db"];
        all.extend_from_slice(args);
        let out = aj(dir.path(), &all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let message = text(&out.stderr);
        assert!(message.contains("damaged or is not a journal") && message.contains("export"), "{args:?}: {message}");
        no_code(&message);
    }
}

#[test]
fn a_backup_into_a_missing_folder_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    let out = aj(dir.path(), &["--db", "j.db", "backup", "nowhere/b.db"]);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(message.contains("the folder nowhere does not exist"), "{message}");
    no_code(&message);
}
