//! Recording and reading from the terminal without curl: the entity
//! commands, `search`, and their refusals.
use super::*;
use serde_json::Value;

pub(super) const IID: &str = "508760583450367066786558223034732344271525457574499727444472481";
pub(super) const CID: &str = "109062-530373-462923-856922-378004-297663-022353";

pub(super) fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let mut all = vec!["--db", "j.db"];
    all.extend_from_slice(args);
    let out = aj(dir, &all);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

pub(super) fn refused(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["--db", "j.db"];
    all.extend_from_slice(args);
    let out = aj(dir, &all);
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout: {}", text(&out.stdout));
    (out.status.code().unwrap_or(-1), text(&out.stderr))
}

pub(super) fn json(dir: &std::path::Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}

/// A fresh directory whose journal holds the story's PCs and license,
/// recorded by commands.
pub(super) fn household() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    record_household(tmp.path());
    tmp
}

/// A command on `j.db` in `dir` with `stdin` as what is typed into it.
pub(super) fn typed_in(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    super::in_english(&mut Command::new(env!("CARGO_BIN_EXE_activation-journal")))
        .current_dir(dir)
        .args(["--db", "j.db"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("a piped stdin").write_all(stdin.as_bytes())?;
            c.wait_with_output()
        })
        .expect("the binary runs")
}

/// The story's PCs and license, recorded by commands in `dir`.
pub(super) fn record_household(dir: &std::path::Path) {
    ok(dir, &["migrate"]);
    ok(dir, &["machine", "add", "PC 1", "--owner", "Ken"]);
    ok(dir, &["machine", "add", "PC 2", "--notes", "居間"]);
    let license = ["license", "add", "--product", "Windows 8.1", "--edition", "Pro", "--channel", "retail_box"];
    let bought = ["--box-colour", "青", "--purchased-from", "ヨドバシカメラ", "--key"];
    let out = typed_in(dir, &[&license[..], &bought].concat(), "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("*****-*****-*****-*****-9D6T9") && !table.contains("GCRJD"), "{table}");
}

#[test]
fn a_household_records_its_calls_by_name_and_reads_them_newest_first_in_local_time() {
    let dir = household();
    // The first call: refused by the menu, nobody at 18:00.
    ok(
        dir.path(),
        &[
            "attempt",
            "add",
            "--machine",
            "pc 1",
            "--license",
            "1",
            "--started-at",
            "2014-05-10T18:00:00+09:00",
            "--iid",
            IID,
            "--ivr-result",
            "not_confirmed",
            "--operator-outcome",
            "unavailable",
            "--result",
            "not_activated",
            "--failure-reason",
            "operator_unavailable",
            "--trigger",
            "hardware_change",
        ],
    );
    // The next morning: three minutes in the queue, two questions, activated.
    let stored = json(
        dir.path(),
        &[
            "attempt",
            "add",
            "--machine",
            "PC 1",
            "--license",
            "1",
            "--started-at",
            "2014-05-11T10:00:00+09:00",
            "--operator-outcome",
            "reached",
            "--wait",
            "180",
            "--question",
            "edition:Which edition?=Pro",
            "--question",
            "box_colour:箱の色は？=青",
            "--cid",
            CID,
            "--result",
            "activated",
            "--json",
        ],
    );
    assert_eq!(stored["wait_seconds"], 180);
    assert_eq!(stored["questions"][1]["question"], "箱の色は？");
    assert_eq!(stored["case_id"], 1);

    // Newest first, with names and each call's own offset.
    let list = ok(dir.path(), &["attempt", "list"]);
    let second = list.find("2014-05-11 10:00 +09:00").expect("local time of the second call");
    let first = list.find("2014-05-10 18:00 +09:00").expect("local time of the first call");
    assert!(second < first, "newest first: {list}");
    assert!(list.contains("PC 1") && list.contains("Windows 8.1 Pro (Retail box)"), "{list}");
    assert!(list.contains("3:00") && list.contains("Windows edition, Box colour"), "topics as words: {list}");
    assert!(list.contains("No operator available") && !list.contains("operator_unavailable"), "{list}");
    // Scripts read the codes (and English headers) whatever the language.
    let tsv = ok(dir.path(), &["--lang", "ja", "--format", "tsv", "attempt", "list"]);
    assert!(tsv.starts_with("id\twhen\tmachine\tlicense\t"), "{tsv}");
    assert!(tsv.contains("edition, box_colour") && tsv.contains("not_activated (operator_unavailable)"), "{tsv}");
    // Filters as flags.
    let failed = json(dir.path(), &["attempt", "list", "--result", "not_activated", "--json"]);
    assert_eq!(failed["items"].as_array().unwrap().len(), 1);
    assert_eq!(json(dir.path(), &["attempt", "list", "--machine", "PC 2", "--json"])["items"], serde_json::json!([]));
    let paged = json(dir.path(), &["attempt", "list", "--limit", "1", "--json"]);
    assert_eq!(paged["items"][0]["id"], 2);
    let cursor = paged["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(
        json(dir.path(), &["attempt", "list", "--limit", "1", "--cursor", &cursor, "--json"])["items"][0]["id"],
        1
    );

    // Cases, the machine's history, follow-ups, search.
    let cases = ok(dir.path(), &["case", "list"]);
    assert!(cases.contains("Activated") && cases.contains("Hardware change") && cases.contains("PC 1"), "{cases}");
    let case = ok(dir.path(), &["case", "show", "1"]);
    assert!(case.contains("2014-05-10 18:00 +09:00") && case.contains("2014-05-11 10:00 +09:00"), "{case}");
    let history = ok(dir.path(), &["machine", "show", "PC 1"]);
    assert!(history.contains("case opened") && history.contains("operator: Reached after 3:00"), "{history}");
    ok(dir.path(), &["follow-up", "add", "箱の写真を撮っておく", "--machine", "PC 2", "--due", "2014-05-12"]);
    let todo = ok(dir.path(), &["follow-up", "list"]);
    assert!(todo.contains("箱の写真を撮っておく") && todo.contains("PC 2"), "{todo}");
    ok(dir.path(), &["follow-up", "done", "1"]);
    assert!(!ok(dir.path(), &["follow-up", "list"]).contains("箱の写真"));
    assert!(ok(dir.path(), &["follow-up", "list", "--done"]).contains("箱の写真"));
    let found = ok(dir.path(), &["search", "箱"]);
    assert!(found.contains("Follow-up") && found.contains("Call") && found.contains("[箱]"), "{found}");
    let hits = json(dir.path(), &["search", "ヨドバシ", "--json"]);
    assert_eq!(hits["items"][0]["entity"], "license");
    // The key is nowhere a command prints.
    for args in [&["license", "list"][..], &["search", "GCRJD"], &["attempt", "list"], &["audit"]] {
        assert!(!ok(dir.path(), args).contains("GCRJD"), "{args:?}");
    }
    let machines = ok(dir.path(), &["machine", "list"]);
    assert!(machines.contains("PC 1") && machines.contains("Ken") && machines.contains("居間"), "{machines}");
}

#[test]
fn json_is_what_the_api_answers() {
    let dir = household();
    ok(
        dir.path(),
        &["attempt", "add", "--machine", "PC 2", "--license", "1", "--started-at", "2014-05-10T18:00:00+09:00"],
    );
    ok(dir.path(), &["follow-up", "add", "call back", "--machine", "PC 2"]);
    let commands: [(&[&str], &str); 7] = [
        (&["machine", "list", "--json"], "/api/v1/machines"),
        (&["license", "list", "--json"], "/api/v1/licenses"),
        (&["attempt", "list", "--json"], "/api/v1/attempts?order=started_at"),
        (&["case", "list", "--json"], "/api/v1/cases"),
        (&["case", "show", "1", "--json"], "/api/v1/cases/1"),
        (&["follow-up", "list", "--any", "--json"], "/api/v1/follow-ups"),
        (&["search", "call", "--json"], "/api/v1/search?q=call"),
    ];
    let printed: Vec<Value> = commands.iter().map(|(args, _)| json(dir.path(), args)).collect();
    let timeline = json(dir.path(), &["machine", "show", "PC 2", "--json"]);
    let mut server = Server::start(dir.path(), Some(ok(dir.path(), &["token", "create", "--name", "t"]).trim()));
    for ((_, path), printed) in commands.iter().zip(printed) {
        let answer = server.request("GET", path, "").unwrap();
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let body: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{path}: {answer}"));
        assert_eq!(printed, body, "{path}");
    }
    let answer = server.request("GET", "/api/v1/machines/2/timeline", "").unwrap();
    assert_eq!(timeline, serde_json::from_str::<Value>(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap());
    let _ = server.child.kill();
    let _ = server.child.wait();
}

#[test]
fn bad_flags_are_refused_by_name_and_nothing_is_stored() {
    let dir = household();
    let base = ["attempt", "add", "--machine", "PC 1", "--license", "1", "--started-at", "2014-05-10T18:00:00+09:00"];
    for (extra, message) in [
        (&["--wait", "-5"][..], "--wait"),
        (
            &["--iid", "508760583450367066786558223034732344271525457574599727444472481"],
            "--iid: group 7 does not check",
        ),
        (&["--cid", "109062-530373-462923-856922-378004-297663-022354"], "--cid: group G does not check"),
        (&["--result", "not_activated"], "--failure-reason"),
        (&["--result", "maybe"], "--result: \"maybe\" is not one of activated, not_activated"),
        (&["--ivr-result", "ok"], "--ivr-result"),
        (&["--rating", "9"], "--rating"),
        (&["--question", "colour:What colour?=blue"], "--question 1 (topic)"),
        (&["--country", "Japan"], "--country"),
        (&["--group-reentered", "10"], "--group-reentered"),
        (&["--ended-at", "2014-05-10T17:00:00+09:00"], "--ended-at"),
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let (code, err) = refused(dir.path(), &args);
        assert_eq!(code, 1, "{extra:?}: {err}");
        assert!(err.starts_with("error: ") && err.contains(message), "{extra:?}: {err}");
    }
    let mut future = base.to_vec();
    future[7] = "2041-05-10T18:00:00+09:00";
    let (_, err) = refused(dir.path(), &future);
    assert!(err.contains("--started-at") && err.contains("did you mean 2014"), "{err}");
    for (args, message) in [
        (
            &["attempt", "add", "--machine", "PC 9", "--license", "1"][..],
            "there is no machine named \"PC 9\"; there are \"PC 1\", \"PC 2\"",
        ),
        (&["attempt", "add", "--license", "1"], "--machine and --license are required"),
        (&["attempt", "add", "--machine", "PC 1", "--license", "7"], "--license: there is no license 7"),
        (&["attempt", "list", "--machine", "PC 9"], "there is no machine named"),
        (&["attempt", "list", "--from", "2014-05-10", "--to", "2014-05-01"], "--to"),
        (&["attempt", "list", "--license", "0"], "--license: 0 is not an id"),
        (&["attempt", "list", "--limit", "0"], "--limit"),
        (&["attempt", "list", "--cursor", "junk"], "--cursor"),
        (&["machine", "add", "pc 1"], "NAME: \"pc 1\" is the name of machine \"PC 1\" already"),
        (&["machine", "add", ""], "NAME"),
        (&["machine", "show", "PC 9"], "there is no machine named \"PC 9\""),
        (&["license", "add", "--channel", "boxed", "--product", "Windows"], "--channel: \"boxed\" is not one of"),
        (&["license", "add", "--channel", "oem"], "--product"),
        (&["license", "add", "--product", "W", "--channel", "oem", "--purchased-on", "2041-01-01"], "--purchased-on"),
        (&["case", "show", "9"], "case 9 not found"),
        (&["case", "list", "--license=-1"], "--license: -1 is not an id"),
        (&["follow-up", "add", "x"], "--machine"),
        (&["follow-up", "add", "", "--machine", "PC 1"], "TEXT"),
        (&["follow-up", "add", "x", "--machine", "PC 1", "--due", "tomorrow"], "--due"),
        (&["follow-up", "done", "42"], "follow-up 42 not found"),
        (&["search", " "], "TEXT: is required"),
    ] {
        let (code, err) = refused(dir.path(), args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // A key that does not check, from stdin; an empty stdin.
    for (stdin, message) in [("GCRJD-8NW9H-F2CDX-CCM8D-9D6T8\n", "--key"), ("", "no product key was given")] {
        let out = typed_in(dir.path(), &["license", "add", "--product", "W", "--channel", "oem", "--key"], stdin);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(message), "{}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("GCRJD"), "the key is never echoed");
    }
    // Nothing of that was stored.
    assert_eq!(json(dir.path(), &["attempt", "list", "--json"])["items"], serde_json::json!([]));
    assert_eq!(json(dir.path(), &["license", "list", "--json"])["items"].as_array().unwrap().len(), 1);
    assert_eq!(json(dir.path(), &["machine", "list", "--json"])["items"].as_array().unwrap().len(), 2);
    assert_eq!(json(dir.path(), &["follow-up", "list", "--json"])["items"], serde_json::json!([]));
}

#[test]
fn lists_page_through_far_more_rows_than_a_household_has() {
    let dir = household();
    // 1,200 calls straight through the store's own command path would take
    // a while; a JSON import is the same rows.
    let mut attempts = Vec::new();
    for i in 0..1200 {
        attempts.push(serde_json::json!({
            "id": i + 1, "case_id": 1, "machine_id": 1, "license_id": 1,
            "started_at": format!("2014-05-{:02}T{:02}:{:02}:00+09:00", 1 + i / 60 % 28, i / 60 % 24, i % 60),
            "method": "phone", "groups_reentered": [], "questions": [], "warnings": [],
            "created_at": "2014-05-01T00:00:00.000000Z", "updated_at": "2014-05-01T00:00:00.000000Z"
        }));
    }
    let export: Value = serde_json::from_str(&ok(dir.path(), &["export"])).unwrap();
    let mut doc = export.clone();
    doc["cases"] = serde_json::json!([{"id": 1, "machine_id": 1, "license_id": 1, "trigger": "other", "status": "open",
        "opened_at": "2014-05-01T00:00:00.000000Z", "created_at": "2014-05-01T00:00:00.000000Z",
        "updated_at": "2014-05-01T00:00:00.000000Z"}]);
    doc["attempts"] = Value::Array(attempts);
    let fresh = tempfile::tempdir().unwrap();
    std::fs::write(fresh.path().join("big.json"), doc.to_string()).unwrap();
    let out = aj(fresh.path(), &["--db", "j.db", "import", "big.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    let mut last: Option<String> = None;
    loop {
        let mut args = vec!["attempt", "list", "--limit", "500", "--json"];
        if let Some(c) = &cursor {
            args.extend(["--cursor", c.as_str()]);
        }
        let page = json(fresh.path(), &args);
        for a in page["items"].as_array().unwrap() {
            let at = a["started_at"].as_str().unwrap().to_string();
            if let Some(prev) = &last {
                assert!(at <= *prev, "newest first: {at} after {prev}");
            }
            last = Some(at);
            seen += 1;
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, 1200);
    // A table page says how to get the next one, on stderr.
    let out = aj(fresh.path(), &["--db", "j.db", "attempt", "list"]);
    let hint = text(&out.stderr);
    assert!(hint.contains("activation-journal --db j.db attempt list --cursor "), "{hint}");
}

#[test]
fn a_large_export_imports_as_a_stream_and_a_bad_row_far_in_is_named_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    record_household(d);
    // 2,500 calls (more than two chunks of the streaming reader), by import.
    let mut doc: Value = serde_json::from_str(&ok(d, &["export"])).unwrap();
    doc["cases"] = serde_json::json!([{"id": 1, "machine_id": 1, "license_id": 1, "trigger": "other",
        "status": "open", "opened_at": "2014-05-01T00:00:00.000000Z", "created_at": "2014-05-01T00:00:00.000000Z",
        "updated_at": "2014-05-01T00:00:00.000000Z"}]);
    doc["attempts"] = Value::Array(
        (0..2500)
            .map(|i| {
                serde_json::json!({"id": i + 1, "case_id": 1, "started_at": "2014-05-10T18:00:00+09:00",
                    "installation_id": IID, "questions": [{"topic": "edition", "answer": format!("Pro {i}")}],
                    "created_at": "2014-05-01T00:00:00.000000Z", "updated_at": "2014-05-01T00:00:00.000000Z"})
            })
            .collect(),
    );
    std::fs::write(d.join("sorted.json"), doc.to_string()).unwrap();
    let out = aj(d, &["--db", "big.db", "import", "sorted.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Its export is in export order: it streams back into a fresh journal, the same.
    assert!(aj(d, &["--db", "big.db", "export", "--out", "big.json"]).status.success());
    let out = aj(d, &["--db", "fresh.db", "import", "big.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("imported 2504 rows"), "{}", text(&out.stderr));
    assert!(aj(d, &["--db", "fresh.db", "export", "--out", "again.json"]).status.success());
    let strip = |p: &str| {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(d.join(p)).unwrap()).unwrap();
        v["exported_at"] = Value::Null;
        v
    };
    assert_eq!(strip("big.json"), strip("again.json"));
    // Twice: nothing added.
    let out = aj(d, &["--db", "fresh.db", "import", "big.json"]);
    assert!(text(&out.stderr).contains("imported 0 rows") && text(&out.stderr).contains("2504 already there"));

    // One bad row in the third chunk, and an id listed twice across chunks: named, nothing written.
    let lines: Vec<String> = std::fs::read_to_string(d.join("big.json")).unwrap().lines().map(String::from).collect();
    let at = |id: usize| lines.iter().position(|l| l.contains(&format!("{{\"id\":{id},\"case_id\""))).unwrap();
    let mut bad = lines.clone();
    bad[at(2201)] = bad[at(2201)].replacen("4575744", "4575754", 1);
    std::fs::write(d.join("bad.json"), bad.join("\n")).unwrap();
    let mut twice = lines.clone();
    twice[at(1900)] = twice[at(1900)].replacen("{\"id\":1900,", "{\"id\":10,", 1);
    std::fs::write(d.join("twice.json"), twice.join("\n")).unwrap();
    for (file, expected) in [
        ("bad.json", "attempts[2200].installation_id: group 7 does not check"),
        ("twice.json", "attempts[1899].id: 10 is listed twice"),
    ] {
        let out = aj(d, &["--db", "empty.db", "import", file]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(text(&out.stderr).contains(expected), "{file}: {}", text(&out.stderr));
    }
    let empty = aj(d, &["--db", "empty.db", "attempt", "list", "--json"]);
    assert_eq!(serde_json::from_slice::<Value>(&empty.stdout).unwrap()["items"], serde_json::json!([]));
    let machines = aj(d, &["--db", "empty.db", "machine", "list", "--json"]);
    assert_eq!(serde_json::from_slice::<Value>(&machines.stdout).unwrap()["items"], serde_json::json!([]));
}
