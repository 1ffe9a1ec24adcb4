//! The command line, run as a user runs it.

use std::process::{Command, Output};

fn aj(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_activation-journal"))
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ACTIVATION_JOURNAL_BIND")
        .env_remove("ACTIVATION_JOURNAL_KEY_FILE")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn migrate_creates_the_default_database_and_is_a_no_op_twice() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = aj(dir.path(), &["migrate"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert!(dir.path().join("activation-journal.db").exists());
}

#[test]
fn a_newer_database_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "migrate"]).status.success());
    let db = dir.path().join("j.db");
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg("INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) VALUES (99990101000000, 'future', CURRENT_TIMESTAMP, 1, x'00', 0)")
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        // Without the sqlite3 CLI, the store test covers the same refusal.
        return;
    }
    for args in [&["--db", "j.db", "migrate"][..], &["--db", "j.db", "serve", "--bind", "127.0.0.1:0"][..]] {
        let out = aj(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "one error line: {err}");
        assert!(errors[0].contains("newer"), "{err}");
    }
}

#[test]
fn serve_refuses_a_public_address_while_no_token_exists() {
    let dir = tempfile::tempdir().unwrap();
    let out = aj(dir.path(), &["--db", "j.db", "serve", "--bind", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no API token exists"), "{}", text(&out.stderr));
}

#[test]
fn tokens_are_printed_alone_and_listed_without_their_secret() {
    let dir = tempfile::tempdir().unwrap();
    let out = aj(dir.path(), &["--db", "j.db", "token", "create", "--name", "phone", "--scope", "write"]);
    assert!(out.status.success());
    let token = text(&out.stdout);
    assert_eq!(token.trim().lines().count(), 1);
    assert!(token.starts_with("aj_"));
    let list = text(&aj(dir.path(), &["--db", "j.db", "token", "list"]).stdout);
    assert!(list.contains("phone") && list.contains("write") && !list.contains(token.trim()));
    assert!(aj(dir.path(), &["--db", "j.db", "token", "revoke", "phone"]).status.success());
    assert_eq!(aj(dir.path(), &["--db", "j.db", "token", "revoke", "phone"]).status.code(), Some(1));
    assert_eq!(
        aj(dir.path(), &["--db", "j.db", "token", "create", "--scope", "admin", "--name", "x"]).status.code(),
        Some(2)
    );
}

#[test]
fn summaries_print_tables_or_the_apis_json() {
    let dir = tempfile::tempdir().unwrap();
    let table = aj(dir.path(), &["--db", "j.db", "summary", "hours"]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    assert!(text(&table.stdout).contains("best hours to call: none yet"));
    let json = aj(dir.path(), &["--db", "j.db", "summary", "overview", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["attempts"], 0);
    assert_eq!(v["activation_rate"], serde_json::Value::Null);
    assert_eq!(aj(dir.path(), &["--db", "j.db", "summary", "everything"]).status.code(), Some(2));
    let bad = aj(dir.path(), &["--db", "j.db", "summary", "hours", "--from", "May"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("from"), "{}", text(&bad.stderr));
}

#[test]
fn the_demo_loads_the_story_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = aj(dir.path(), &["--db", "demo.db", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = aj(dir.path(), &["--db", "demo.db", "demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already holds data"));
    let hours = aj(dir.path(), &["--db", "demo.db", "summary", "hours", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&hours.stdout).unwrap();
    assert_eq!(v["best_hours"], serde_json::json!([10]));
}

#[test]
fn backup_refuses_to_overwrite_and_restore_checks_before_replacing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    assert!(aj(dir.path(), &["--db", "j.db", "backup", "copy.db"]).status.success());
    let again = aj(dir.path(), &["--db", "j.db", "backup", "copy.db"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("--force"));
    assert!(aj(dir.path(), &["--db", "j.db", "backup", "copy.db", "--force"]).status.success());

    // Not a database, or a damaged one: refused, and nothing replaced.
    std::fs::write(dir.path().join("notes.txt"), "not a database at all, just some text").unwrap();
    let mut damaged = std::fs::read(dir.path().join("copy.db")).unwrap();
    for b in damaged.iter_mut().skip(4096).take(8192) {
        *b = 0x5a;
    }
    std::fs::write(dir.path().join("damaged.db"), damaged).unwrap();
    for bad in ["notes.txt", "damaged.db", "missing.db"] {
        let out = aj(dir.path(), &["--db", "j.db", "restore", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}: {}", text(&out.stderr));
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert!(leftovers.is_empty(), "a refused restore moves nothing");

    // A good backup replaces the database; the old one is kept aside.
    assert!(aj(dir.path(), &["--db", "j.db", "token", "create", "--name", "after-backup"]).status.success());
    let out = aj(dir.path(), &["--db", "j.db", "restore", "copy.db"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("before-restore"));
    let tokens = text(&aj(dir.path(), &["--db", "j.db", "token", "list"]).stdout);
    assert!(!tokens.contains("after-backup"), "the restored database is the backup: {tokens}");
}

#[test]
fn restore_refuses_while_a_server_holds_the_database() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    assert!(aj(dir.path(), &["--db", "j.db", "backup", "copy.db"]).status.success());
    // The lock a running server holds.
    let lock = activation_journal::store::backup::try_lock(&dir.path().join("j.db")).unwrap().unwrap();
    let out = aj(dir.path(), &["--db", "j.db", "restore", "copy.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("a server is using"), "{}", text(&out.stderr));
    drop(lock);
    assert!(aj(dir.path(), &["--db", "j.db", "restore", "copy.db"]).status.success());
}
