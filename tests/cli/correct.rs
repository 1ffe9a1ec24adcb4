//! Correcting from the terminal: edit, archive and unarchive of every
//! entity, hardware changes, revealing a product key, paging hints that
//! repeat the command as it was run, and writes stored once when retried.
use super::record::{household, json, ok, refused, typed_in, CID, IID};
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

/// The story's household with one call (case 1, attempt 1), a follow-up
/// (1) and a hardware change (1) of PC 1, all recorded by commands.
fn corrected_household() -> tempfile::TempDir {
    let dir = household();
    let d = dir.path();
    ok(d, &["attempt", "add", "--machine", "PC 1", "--license", "1", "--started-at", "2014-05-10T18:00:00+09:00"]);
    ok(d, &["follow-up", "add", "remove the old drivers", "--machine", "PC 1"]);
    let h = json(
        d,
        &[
            "hardware-change",
            "add",
            "--machine",
            "PC 1",
            "--changed-on",
            "2014-05-09",
            "--parts-replaced",
            "motherboard,cpu",
            "--parts-kept",
            "storage,optical",
            "--json",
        ],
    );
    assert_eq!(h["parts_replaced"], serde_json::json!(["motherboard", "cpu"]));
    dir
}

#[test]
fn every_entity_is_edited_from_flags_and_answers_as_the_api_does() {
    let dir = corrected_household();
    let d = dir.path();
    let m = json(d, &["machine", "edit", "1", "--name", "PC 1 (study)", "--clear", "owner", "--json"]);
    assert_eq!((m["name"].as_str(), m["owner"].is_null()), (Some("PC 1 (study)"), true), "{m}");
    let table = ok(d, &["machine", "edit", "1", "--notes", "by the window"]);
    assert!(table.contains("PC 1 (study)") && table.contains("by the window"), "{table}");
    let h = json(d, &["hardware-change", "edit", "1", "--os-reinstalled", "true", "--json"]);
    assert_eq!(h["os_reinstalled"], true);
    let l = json(d, &["license", "edit", "1", "--box-colour", "blue", "--edition", "Core", "--json"]);
    assert_eq!((l["box_colour"].as_str(), l["edition"].as_str()), (Some("blue"), Some("Core")));
    assert_eq!(l["product_key_masked"], "*****-*****-*****-*****-9D6T9", "the key stays");
    let a = json(d, &["attempt", "edit", "1", "--wait-seconds", "180", "--operator-outcome", "reached", "--json"]);
    assert_eq!((a["wait_seconds"].as_i64(), a["operator_outcome"].as_str()), (Some(180), Some("reached")));
    let f = json(d, &["follow-up", "edit", "1", "--due-on", "2014-05-20", "--done", "true", "--json"]);
    assert_eq!((f["due_on"].as_str(), f["done"].as_bool()), (Some("2014-05-20"), Some(true)));
    // A case is given up on, and reopened.
    let c = json(d, &["case", "edit", "1", "--status", "abandoned", "--notes", "bought a new license", "--json"]);
    assert_eq!(c["status"], "abandoned");
    assert!(c["closed_at"].is_string(), "{c}");
    assert!(ok(d, &["case", "list", "--status", "abandoned"]).contains("Abandoned"), "the status as a word");
    let c = json(d, &["case", "edit", "1", "--status", "open", "--json"]);
    assert_eq!((c["status"].as_str(), c["closed_at"].is_null()), (Some("open"), true), "{c}");
    // Each edit is in the audit log, by the command line.
    let audit = json(d, &["audit", "--json", "--limit", "500"]);
    let updates = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "update").count();
    assert_eq!(updates, 8, "{audit}");
}

/// A value of the declared kind that the field refuses.
fn wrong(kind: &activation_journal::domain::shape::Kind) -> Option<String> {
    use activation_journal::domain::shape::Kind as K;
    Some(match *kind {
        K::Id => "0".into(),
        K::Line { max } | K::Name { max } | K::Text { max } | K::Code { max, .. } => "x".repeat(max + 1),
        K::Int { max, .. } => (max + 1).to_string(),
        K::OneOf(_) | K::SetOf(_) => "nope".into(),
        K::Ints { max, .. } => (max + 1).to_string(),
        K::Time => "yesterday".into(),
        K::Date => "May".into(),
        K::Bool => "maybe".into(),
        K::Objects { .. } => return None,
    })
}

#[test]
fn a_bad_value_for_each_edit_flag_is_refused_naming_the_flag_and_nothing_changes() {
    use activation_journal::wire;
    let dir = corrected_household();
    let d = dir.path();
    let rows = || ok(d, &["export"]).lines().filter(|l| !l.contains("exported_at")).collect::<Vec<_>>().join("\n");
    let before = rows();
    let edits: [(&str, &[activation_journal::domain::shape::FieldDecl], &[&str]); 6] = [
        ("machine", wire::machine_fields::ALL, &[]),
        ("hardware-change", wire::hardware_change_fields::ALL, &[]),
        ("license", wire::license_fields::ALL, &["product_key"]),
        ("case", wire::case_fields::ALL, &["machine_id", "license_id"]),
        ("attempt", wire::attempt_fields::ALL, &["case_id", "machine_id", "license_id", "trigger"]),
        ("follow-up", wire::follow_up_fields::ALL, &[]),
    ];
    let mut tried = 0;
    for (command, fields, own) in edits {
        let clearable = if command == "follow-up" { "due-on" } else { "notes" };
        let noun = if command == "hardware-change" { "hardware change" } else { command };
        for f in fields.iter().filter(|f| !own.contains(&f.name)) {
            let Some(value) = wrong(&f.kind) else { continue };
            let flag = format!("--{}", f.name.replace('_', "-"));
            let (code, err) = refused(d, &[command, "edit", "1", &flag, &value]);
            assert_eq!(code, 1, "{command} {flag}: {err}");
            assert!(err.starts_with(&format!("error: {flag}: ")), "{command} {flag} {value:.20}: {err}");
            tried += 1;
        }
        // An unknown id, a field that is not one, no field at all.
        for (args, message) in [
            (&["edit", "9", "--clear", clearable][..], format!("{} 9 not found", noun)),
            (&["edit", "1", "--clear", "colour"], "--clear colour: this record has no such field".into()),
            (&["edit", "1"], "give at least one field to change".into()),
            (&["archive", "9"], format!("{} 9 not found", noun)),
            (&["unarchive", "9"], format!("{} 9 not found", noun)),
            (&["unarchive", "1"], format!("{} 1 is not archived", noun)),
        ] {
            let (code, err) = refused(d, &[&[command][..], args].concat());
            assert_eq!(code, 1, "{command} {args:?}: {err}");
            assert!(err.contains(&message), "{command} {args:?}: {err}");
        }
        let (code, err) = refused(d, &[command, "edit", "one", "--clear", "notes"]);
        assert_eq!(code, 2, "{command}: an id is a number: {err}");
    }
    assert!(tried >= 30, "{tried} flags tried");
    // Rules that span fields, and those the journal checks, name the flag too.
    for (args, message) in [
        (&["machine", "edit", "1", "--name", "pc 2"][..], "--name: "),
        (&["hardware-change", "edit", "1", "--parts-kept", "cpu"], "--parts-kept: \"cpu\" cannot be both"),
        (&["case", "edit", "1", "--hardware-change-id", "9"], "--hardware-change-id"),
        (&["attempt", "edit", "1", "--ended-at", "2014-05-10T17:00:00+09:00"], "--ended-at"),
        (&["attempt", "edit", "1", "--result", "not_activated"], "--failure-reason"),
        (&["follow-up", "edit", "1", "--case-id", "9"], "--case-id"),
    ] {
        let (code, err) = refused(d, args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    assert_eq!(rows(), before, "nothing was changed");
}

#[test]
fn archiving_says_how_to_undo_it_and_unarchive_brings_everything_back() {
    let dir = corrected_household();
    let d = dir.path();
    let count = |args: &[&str]| json(d, &[args, &["--json"][..]].concat())["items"].as_array().unwrap().len();
    for (command, list) in [
        ("follow-up", &["follow-up", "list", "--any"][..]),
        ("hardware-change", &["hardware-change", "list", "--machine", "PC 1"]),
        ("attempt", &["attempt", "list"]),
        ("case", &["case", "list"]),
        ("license", &["license", "list"]),
        ("machine", &["machine", "list"]),
    ] {
        let before = count(list);
        let out = aj(d, &["--db", "j.db", command, "archive", "1"]);
        assert!(out.status.success() && out.stdout.is_empty(), "{command}: {}", text(&out.stderr));
        let said = text(&out.stderr);
        assert!(said.starts_with("archived ") && said.contains(" 1"), "{said}");
        let undo = said.lines().find_map(|l| l.strip_prefix("undo: ")).unwrap_or_else(|| panic!("{said}"));
        assert!(undo.ends_with(&format!("--db j.db {command} unarchive 1")), "{undo}");
        assert_eq!(count(list), before - 1, "{command} is out of its list");
        let (code, err) = refused(d, &[command, "archive", "1"]);
        assert_eq!(code, 1);
        assert!(err.contains("is already archived") && err.contains(&format!("{command} unarchive 1")), "{err}");
        // The undo line, pasted back, brings it back.
        let back = pasted(d, undo);
        assert!(back.status.success(), "{undo}: {}", text(&back.stderr));
        assert!(text(&back.stdout).contains('1'));
        assert_eq!(count(list), before, "{command} is back");
        ok(d, &[command, "archive", "1"]);
    }
    // Archiving the machine took what was left of its history; unarchiving brings it back with it.
    let m = json(d, &["machine", "unarchive", "1", "--json"]);
    assert_eq!((m["id"].as_i64(), m["archived_at"].is_null()), (Some(1), true), "{m}");
    // Rows archived on their own before stay archived.
    assert_eq!(count(&["follow-up", "list", "--any"]), 0);
    assert_eq!(count(&["machine", "list"]), 2);
}

#[test]
fn a_product_key_is_revealed_to_a_terminal_only_unless_forced_and_every_reveal_is_audited() {
    let dir = household();
    let d = dir.path();
    // The test's stdout is a pipe, as `license reveal 1 | cat` would be.
    let (code, err) = refused(d, &["license", "reveal", "1"]);
    assert_eq!(code, 1);
    assert!(err.contains("to a terminal only") && err.contains("--force"), "{err}");
    assert!(!err.contains("GCRJD"), "{err}");
    let reveals = || {
        let audit = json(d, &["audit", "--entity", "license", "--entity-id", "1", "--json"]);
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "reveal_product_key")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(reveals().is_empty(), "a refused reveal reads nothing");
    assert_eq!(ok(d, &["license", "reveal", "1", "--force"]), "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9\n");
    let audited = reveals();
    assert_eq!(audited.len(), 1);
    assert_eq!((audited[0]["actor"].as_str(), audited[0]["fields"][0].as_str()), (Some("cli"), Some("product_key")));
    // A new key, read from stdin; then none.
    let out = typed_in(d, &["license", "edit", "1", "--key", "--json"], "gcrjd-8nw9h-f2cdx-ccm8d-9d6t8\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--key: product key does not check"), "{}", text(&out.stderr));
    ok(d, &["license", "edit", "1", "--clear", "product-key"]);
    let (code, err) = refused(d, &["license", "reveal", "1", "--force"]);
    assert_eq!(code, 1);
    assert!(err.contains("license 1 has no product key"), "{err}");
    let (_, err) = refused(d, &["license", "reveal", "9", "--force"]);
    assert!(err.contains("license 9 not found"), "{err}");
}

#[test]
fn hardware_changes_are_added_and_listed_by_machine_name() {
    let dir = corrected_household();
    let d = dir.path();
    let list = ok(d, &["hardware-change", "list", "--machine", "PC 1"]);
    assert!(list.contains("2014-05-09") && list.contains("Motherboard, CPU") && list.contains("Drive, DVD drive"));
    assert_eq!(json(d, &["hardware-change", "list", "--machine", "PC 2", "--json"])["items"], serde_json::json!([]));
    for (args, message) in [
        (
            &["hardware-change", "add", "--machine", "PC 9", "--changed-on", "2014-05-09"][..],
            "there is no machine named \"PC 9\"",
        ),
        (&["hardware-change", "add", "--machine", "PC 2"], "--changed-on: is required"),
        (&["hardware-change", "add", "--machine", "PC 2", "--changed-on", "2041-05-09"], "--changed-on"),
        (
            &["hardware-change", "add", "--machine", "PC 2", "--changed-on", "2014-05-09", "--parts-replaced", "drive"],
            "--parts-replaced: \"drive\"",
        ),
        (&["hardware-change", "list", "--machine", "PC 9"], "there is no machine named"),
        (&["hardware-change", "list", "--machine", "PC 1", "--limit", "0"], "--limit"),
    ] {
        let (code, err) = refused(d, args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let (code, _) = refused(d, &["hardware-change", "add", "--changed-on", "2014-05-09"]);
    assert_eq!(code, 2, "--machine is required");
}

#[test]
fn an_attempts_questions_are_replaced_by_edit_and_a_masked_answer_keeps_its_key() {
    let dir = corrected_household();
    let d = dir.path();
    let key = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9";
    let said = format!("product_key:The key?=read out {key}");
    let a =
        json(d, &["attempt", "edit", "1", "--question", "edition:Which edition?=Pro", "--question", &said, "--json"]);
    let answers = |a: &serde_json::Value| {
        a["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["answer"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(answers(&a), ["Pro", "read out *****-*****-*****-*****-9D6T9"], "{a}");
    assert_eq!(a["questions"][1]["question"], "The key?");
    // The edition's question dropped, the key's given back as shown: the key stays sealed.
    let a = json(
        d,
        &["attempt", "edit", "1", "--question", "product_key:=read out *****-*****-*****-*****-9D6T9", "--json"],
    );
    assert_eq!(answers(&a), ["read out *****-*****-*****-*****-9D6T9"]);
    ok(d, &["export", "--include-secrets", "--out", "keys.json"]);
    let keys: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("keys.json")).unwrap()).unwrap();
    assert_eq!(keys["attempts"][0]["questions"][0]["answer"], format!("read out {key}"));
    // A bad question is named by its flag and its place; nothing changes.
    for (args, message) in [
        (&["--question", "edition:=Pro", "--question", "colour:=blue"][..], "error: --question 2 (topic): "),
        (&["--question", &format!("other:{}=x", "q".repeat(201))], "error: --question 1 (question): "),
        (&["--question", "edition:=Pro", "--clear", "questions"], "give the questions, or clear them, not both"),
    ] {
        let (code, err) = refused(d, &[&["attempt", "edit", "1"][..], args].concat());
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    assert_eq!(answers(&json(d, &["attempt", "edit", "1", "--notes", "x", "--json"])).len(), 1);
    let a = json(d, &["attempt", "edit", "1", "--clear", "questions", "--json"]);
    assert_eq!(a["questions"], serde_json::json!([]), "{a}");
}
