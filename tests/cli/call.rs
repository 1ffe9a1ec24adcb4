//! `call` through a real terminal (a pty): typed as a household types
//! during a call.
use super::*;
use expectrl::{Eof, Expect, Session};
use std::time::Duration;

const GROUPS: [&str; 9] =
    ["5087605", "8345036", "7066786", "5582230", "3473234", "4271525", "4575744", "9972744", "4472481"];
const CID: [&str; 7] = ["109062", "530373", "462923", "856922", "378004", "297663", "022353"];
const ENTER: &str = "\r";

fn session(dir: &std::path::Path, args: &[&str]) -> expectrl::session::OsSession {
    session_in(dir, args, &[])
}

/// `call` with these environment variables (a locale) on top of English ones.
fn session_in(dir: &std::path::Path, args: &[&str], vars: &[(&str, &str)]) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_activation-journal"));
    super::in_english(&mut cmd);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.current_dir(dir).env_remove("DATABASE_URL").env_remove("ACTIVATION_JOURNAL_KEY_FILE");
    // Drafts go to the test's own state directory.
    cmd.env("XDG_STATE_HOME", dir.join("state"));
    cmd.args(["--db", "j.db", "call"]).args(args);
    let mut p = Session::spawn(cmd).expect("a pty");
    p.get_process_mut().set_window_size(160, 50).unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p
}

fn say(p: &mut expectrl::session::OsSession, prompt: &str, keys: &str) {
    p.expect(prompt).unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    p.send(keys).unwrap();
    p.send(ENTER).unwrap();
}

fn exit_code(p: &expectrl::session::OsSession) -> i32 {
    match p.get_process().wait().unwrap() {
        expectrl::process::unix::WaitStatus::Exited(_, code) => code,
        other => panic!("{other:?}"),
    }
}

fn setup(dir: &std::path::Path) {
    for args in [
        &["migrate"][..],
        &["machine", "add", "PC 1"],
        &["machine", "add", "PC 2"],
        &["license", "add", "--product", "Windows 8.1", "--edition", "Pro", "--channel", "retail_box"],
    ] {
        let mut all = vec!["--db", "j.db"];
        all.extend_from_slice(args);
        assert!(aj(dir, &all).status.success());
    }
}

fn attempts(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let out = aj(dir, &["--db", "j.db", "attempt", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["items"].as_array().unwrap().clone()
}

#[test]
fn a_call_is_walked_through_as_it_happens_with_a_mistyped_group_asked_again_and_the_queue_timed() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut p = session(dir.path(), &[]);
    say(&mut p, "Which PC?", "PC 2");
    say(&mut p, "Which license?", "");
    say(&mut p, "Why does it need activating?", "hardware");
    // The number dialled is checked as it is typed, by the API's rule;
    // full-width digits and the IME's long dash are read as they are meant.
    say(&mut p, "Which number did you dial?", "12");
    p.expect("holds 2 digits").unwrap();
    p.send("\x7f".repeat(2)).unwrap();
    p.send("０１２０ー８０１ー７３４").unwrap();
    p.send(ENTER).unwrap();
    for (i, g) in GROUPS.iter().enumerate() {
        if i == 6 {
            // Group 7 mistyped: named at once, asked again, the typing kept to correct.
            say(&mut p, "group 7 of 9", "4575754");
            p.expect("group 7 does not check: type it again").unwrap();
            p.send("\x7f".repeat(7)).unwrap();
            p.send(g).unwrap();
            p.send(ENTER).unwrap();
        } else {
            say(&mut p, &format!("group {} of 9", i + 1), g);
        }
    }
    say(&mut p, "What did the phone menu say?", "not confirmed");
    say(&mut p, "Operator?", "");
    p.expect("Queue timer running").unwrap();
    std::thread::sleep(Duration::from_millis(2300));
    p.send(ENTER).unwrap();
    p.expect("waited").unwrap();
    say(&mut p, "How helpful was the operator?", "4");
    say(&mut p, "Question 1", "edition");
    say(&mut p, "Their words", "Which edition?");
    say(&mut p, "Your answer:", "Pro");
    say(&mut p, "Question 2", "Box colour");
    say(&mut p, "Their words", "箱の色は？");
    say(&mut p, "Your answer:", "青");
    say(&mut p, "Question 3", "no more");
    for (i, g) in CID.iter().enumerate() {
        say(&mut p, &format!("group {} of A–H", (b'A' + i as u8) as char), g);
    }
    say(&mut p, "group H of A–H", "");
    say(&mut p, "Is Windows activated?", "");
    say(&mut p, "Notes:", "二人目のオペレーターで成功");
    say(&mut p, "Store this call?", "yes");
    p.expect("stored call").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 0);

    let stored = attempts(dir.path());
    assert_eq!(stored.len(), 1);
    let a = &stored[0];
    assert_eq!(a["machine_id"], 2);
    assert_eq!(a["installation_id"], GROUPS.join("-"));
    assert_eq!(a["phone_number"], "0120-801-734");
    assert_eq!(a["ivr_result"], "not_confirmed");
    assert_eq!(a["operator_outcome"], "reached");
    let waited = a["wait_seconds"].as_i64().unwrap();
    assert!((2..60).contains(&waited), "the timer ran about 2 s: {waited}");
    assert_eq!(a["operator_rating"], 4);
    assert_eq!(a["questions"][0]["topic"], "edition");
    assert_eq!(a["questions"][1]["answer"], "青");
    assert_eq!(a["confirmation_id"], CID.join("-"));
    assert_eq!(a["result"], "activated");
    assert_eq!(a["notes"], "二人目のオペレーターで成功");
    assert!(a["ended_at"].is_string());
}

#[test]
fn a_pasted_id_fills_every_group_and_added_rows_wait_for_the_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut p = session(dir.path(), &[]);
    say(&mut p, "Which PC?", "add a machine");
    say(&mut p, "Name of the new PC:", "pc 1");
    p.expect("a machine has this name already").unwrap();
    p.send("\x7f".repeat(4)).unwrap();
    p.send("書斎のPC").unwrap();
    p.send(ENTER).unwrap();
    say(&mut p, "Whose is it?", "");
    say(&mut p, "Which license?", "add a license");
    say(&mut p, "Product:", "");
    say(&mut p, "Edition", "Pro");
    say(&mut p, "How was it bought?", "OEM");
    say(&mut p, "Bought from", "");
    say(&mut p, "Product key", "GCRJD-8NW9H-F2CDX-CCM8D-9D6T8");
    p.expect("does not check").unwrap();
    // A hidden field is emptied after a refusal: the key is typed again.
    p.send("\x7f".repeat(40)).unwrap();
    p.send("GCRJD-8NW9H-F2CDX-CCM8D-9D6T9").unwrap();
    p.send(ENTER).unwrap();
    say(&mut p, "Why does it need activating?", "");
    say(&mut p, "Which number did you dial?", "");
    // What `slmgr /dti` prints, pasted at group 1, with group 7 wrong.
    let mut wrong = GROUPS;
    wrong[6] = "4575754";
    say(&mut p, "group 1 of 9", &format!("Installation ID: {}", wrong.concat()));
    p.expect("group 7 does not check: type it again").unwrap();
    say(&mut p, "group 7 of 9", GROUPS[6]);
    say(&mut p, "What did the phone menu say?", "confirmed: it read");
    say(&mut p, "Operator?", "no operator needed");
    say(&mut p, "group A of A–H", "");
    // Without a Confirmation ID the cursor starts on "not activated": up, Enter.
    say(&mut p, "Is Windows activated?", "\x1b[A");
    say(&mut p, "Notes:", "");
    p.expect("installation ID  5087605-8345036").unwrap();
    say(&mut p, "Store this call?", "throw it away");
    p.expect("cancelled: nothing was stored").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(attempts(dir.path()).is_empty());
    let machines = aj(dir.path(), &["--db", "j.db", "machine", "list"]);
    assert!(!text(&machines.stdout).contains("書斎"), "the new machine waited for the confirmation");
    let licenses = aj(dir.path(), &["--db", "j.db", "license", "list"]);
    assert!(!text(&licenses.stdout).contains("oem"));
}

#[test]
fn ctrl_c_at_a_prompt_or_while_the_queue_timer_runs_offers_a_draft_and_without_one_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    // At a prompt (the terminal in raw mode: Ctrl-C is a key).
    let mut p = session(dir.path(), &["--machine", "PC 1", "--license", "1"]);
    say(&mut p, "Why does it need activating?", "");
    say(&mut p, "Which number did you dial?", "");
    say(&mut p, "group 1 of 9", GROUPS[0]);
    p.expect("group 2 of 9").unwrap();
    p.send("\x03").unwrap();
    say(&mut p, "Keep a draft of this call", "n");
    p.expect("cancelled: nothing was stored").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);
    // While the timer runs (a signal).
    let mut p = session(dir.path(), &["--machine", "PC 1", "--license", "1"]);
    say(&mut p, "Why does it need activating?", "");
    say(&mut p, "Which number did you dial?", "");
    say(&mut p, "group 1 of 9", "");
    say(&mut p, "What did the phone menu say?", "");
    say(&mut p, "Operator?", "waiting");
    p.expect("Queue timer running").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    p.send("\x03").unwrap();
    say(&mut p, "Keep a draft of this call", "n");
    p.expect("cancelled: nothing was stored").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(attempts(dir.path()).is_empty());
    assert!(drafts(dir.path()).is_empty(), "no draft was asked for");
}

#[test]
fn without_a_terminal_call_points_to_attempt_add_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let out = super::in_english(&mut Command::new(env!("CARGO_BIN_EXE_activation-journal")))
        .current_dir(dir.path())
        .args(["--db", "j.db", "call"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("attempt add") && err.contains("nothing was stored"), "{err}");
    assert!(out.stdout.is_empty());
    assert!(attempts(dir.path()).is_empty());
}

const KEY: &str = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9";

/// The draft files kept in the test's state directory.
fn drafts(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(dir.join("state").join("activation-journal")) {
        Ok(files) => files.map(|f| f.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

fn the_draft(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let files = drafts(dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    (files[0].clone(), text)
}

#[test]
fn a_bad_answer_is_asked_again_with_the_apis_limit_and_lt_goes_back_one_question() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut p = session(dir.path(), &["--machine", "PC 1", "--license", "1"]);
    say(&mut p, "Why does it need activating?", "hardware");
    // Back from the number to why, and a different answer.
    say(&mut p, "Which number did you dial?", "<");
    say(&mut p, "Why does it need activating?", "reinstall");
    say(&mut p, "Which number did you dial?", "");
    say(&mut p, "group 1 of 9", GROUPS[0]);
    // Back one group, inside the ID.
    say(&mut p, "group 2 of 9", "<");
    // Group 1 asked again: left empty, the call has no ID.
    say(&mut p, "group 1 of 9", "");
    say(&mut p, "What did the phone menu say?", "not offered");
    say(&mut p, "Operator?", "waiting");
    p.expect("Queue timer running").unwrap();
    p.send(ENTER).unwrap();
    say(&mut p, "How helpful was the operator?", "");
    say(&mut p, "Question 1", "edition");
    // The operator's words are held to the API's 200 characters, asked
    // again with its message (no flag named), the typing kept to correct.
    say(&mut p, "Their words", &"あ".repeat(201));
    p.expect("is 201 characters long; at most 200 are allowed").unwrap();
    p.send("\x7f").unwrap();
    p.send(ENTER).unwrap();
    say(&mut p, "Your answer:", "Pro");
    say(&mut p, "Question 2", "no more");
    say(&mut p, "group A of A–H", "");
    say(&mut p, "Is Windows activated?", "");
    say(&mut p, "Why not?", "");
    say(&mut p, "Notes:", "<");
    say(&mut p, "Why not?", "Gave up");
    say(&mut p, "Notes:", "また明日");
    say(&mut p, "Store this call?", "yes");
    p.expect("stored call").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 0);
    let stored = attempts(dir.path());
    assert_eq!(stored.len(), 1);
    let a = &stored[0];
    assert_eq!(a["questions"][0]["question"].as_str().unwrap().chars().count(), 200);
    assert_eq!(a["failure_reason"], "caller_gave_up");
    assert_eq!(a["notes"], "また明日");
    assert!(a["installation_id"].is_null());
    let cases = aj(dir.path(), &["--db", "j.db", "case", "list", "--json"]);
    let cases: serde_json::Value = serde_json::from_slice(&cases.stdout).unwrap();
    assert_eq!(cases["items"][0]["trigger"], "reinstall");
    assert!(drafts(dir.path()).is_empty());
}

#[test]
fn ctrl_c_keeps_a_private_draft_without_the_key_and_resume_asks_the_key_again_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut p = session(dir.path(), &[]);
    say(&mut p, "Which PC?", "PC 2");
    say(&mut p, "Which license?", "add a license");
    say(&mut p, "Product:", "");
    say(&mut p, "Edition", "Pro");
    say(&mut p, "How was it bought?", "OEM");
    say(&mut p, "Bought from", "");
    say(&mut p, "Product key", KEY);
    say(&mut p, "Why does it need activating?", "new install");
    say(&mut p, "Which number did you dial?", "0120-801-734");
    p.expect("group 1 of 9").unwrap();
    p.send("\x03").unwrap();
    say(&mut p, "Keep a draft of this call", "y");
    p.expect("kept a draft of this call in").unwrap();
    // How to go on: the command as it was run (its --db too).
    p.expect("--db j.db call --resume").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(attempts(dir.path()).is_empty());

    let (file, kept) = the_draft(dir.path());
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(!kept.contains("GCRJD") && !kept.contains("9D6T9"), "no key in the draft: {kept}");
    assert!(kept.contains("0120-801-734") && kept.contains("\"key_left_out\": true"), "{kept}");

    let mut p = session(dir.path(), &["--resume"]);
    p.expect("Going on with the call").unwrap();
    say(&mut p, "product key was left out of the draft", KEY);
    say(&mut p, "group 1 of 9", &GROUPS.concat());
    say(&mut p, "What did the phone menu say?", "confirmed: it read");
    say(&mut p, "Operator?", "no operator needed");
    say(&mut p, "group A of A–H", &CID.concat());
    say(&mut p, "Is Windows activated?", "");
    say(&mut p, "Notes:", "");
    say(&mut p, "Store this call?", "yes");
    p.expect("added license 2").unwrap();
    p.expect("stored call").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 0);
    let stored = attempts(dir.path());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["phone_number"], "0120-801-734");
    assert_eq!(stored[0]["license_id"], 2);
    assert_eq!(stored[0]["result"], "activated");
    let licenses = aj(dir.path(), &["--db", "j.db", "license", "list", "--json"]);
    assert!(text(&licenses.stdout).contains("*****-*****-*****-*****-9D6T9"), "the key was stored sealed");
    assert!(drafts(dir.path()).is_empty(), "the draft is gone once the call is stored");
}

#[test]
fn a_call_the_journal_refuses_is_kept_and_resume_stores_the_same_call_once() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    // A license with a key: the journal's key file now matters.
    let license = ["license", "add", "--product", "Windows 8.1", "--channel", "oem", "--key"];
    let out = super::record::typed_in(dir.path(), &license, &format!("{KEY}\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key_file = dir.path().join("j.db.key");
    let away = dir.path().join("key.away");
    std::fs::rename(&key_file, &away).unwrap();

    // An answer holding a key needs the key file to be sealed: the store fails.
    let mut p = session(dir.path(), &["--machine", "PC 1", "--license", "1"]);
    say(&mut p, "Why does it need activating?", "");
    say(&mut p, "Which number did you dial?", "");
    say(&mut p, "group 1 of 9", "");
    say(&mut p, "What did the phone menu say?", "not offered");
    say(&mut p, "Operator?", "waiting");
    p.expect("Queue timer running").unwrap();
    p.send(ENTER).unwrap();
    say(&mut p, "How helpful was the operator?", "5");
    say(&mut p, "Question 1", "Product key");
    say(&mut p, "Their words", "プロダクトキーは？");
    say(&mut p, "Your answer", KEY);
    say(&mut p, "Question 2", "no more");
    say(&mut p, "group A of A–H", "");
    say(&mut p, "Is Windows activated?", "");
    say(&mut p, "Why not?", "");
    say(&mut p, "Notes:", "鍵ファイルがない");
    say(&mut p, "Store this call?", "yes");
    p.expect("Everything typed is kept in a draft").unwrap();
    p.expect("call --resume").unwrap();
    p.expect("the call was not stored").unwrap();
    p.expect("key file").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 1);
    assert!(attempts(dir.path()).is_empty());
    let (file, kept) = the_draft(dir.path());
    assert!(!kept.contains("GCRJD") && kept.contains("\"answer_left_out\": true"), "{kept}");
    assert!(kept.contains("鍵ファイルがない"));
    let copy = dir.path().join("draft.copy");
    std::fs::copy(&file, &copy).unwrap();

    // The key file put back: resume asks the left-out answer, sums up, stores.
    std::fs::rename(&away, &key_file).unwrap();
    let resume = |dir: &std::path::Path, says: &str| {
        let mut p = session(dir, &["--resume"]);
        say(&mut p, "type it again", KEY);
        p.expect("notes            鍵ファイルがない").unwrap();
        say(&mut p, "Store this call?", "yes");
        p.expect(says).unwrap();
        p.expect(Eof).unwrap();
        assert_eq!(exit_code(&p), 0);
    };
    resume(dir.path(), "stored call 1 (case 1)");
    assert_eq!(attempts(dir.path()).len(), 1);
    assert!(drafts(dir.path()).is_empty());

    // The same draft again (as if the first store had not been heard of):
    // the call is not stored twice.
    std::fs::copy(&copy, &file).unwrap();
    resume(dir.path(), "stored already");
    let stored = attempts(dir.path());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["notes"], "鍵ファイルがない");
    assert_eq!(stored[0]["questions"][0]["answer"], "*****-*****-*****-*****-9D6T9");
}

#[test]
fn resume_without_a_draft_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut p = session(dir.path(), &["--resume"]);
    p.expect("no draft of a call is kept for j.db").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 1);
}

#[test]
fn a_pc_name_taken_during_the_call_keeps_the_draft_and_resume_asks_for_the_pc_again() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut p = session(dir.path(), &[]);
    say(&mut p, "Which PC?", "add a machine");
    say(&mut p, "Name of the new PC:", "書斎のPC");
    say(&mut p, "Whose is it?", "");
    say(&mut p, "Which license?", "");
    say(&mut p, "Why does it need activating?", "");
    say(&mut p, "Which number did you dial?", "");
    say(&mut p, "group 1 of 9", "");
    say(&mut p, "What did the phone menu say?", "(don't");
    say(&mut p, "Operator?", "(don't");
    say(&mut p, "Is Windows activated?", "");
    say(&mut p, "Why not?", "");
    say(&mut p, "Notes:", "");
    p.expect("Store this call?").unwrap();
    // Meanwhile someone else adds a PC of that name.
    assert!(aj(dir.path(), &["--db", "j.db", "machine", "add", "書斎のpc"]).status.success());
    p.send("yes").unwrap();
    p.send(ENTER).unwrap();
    p.expect("call --resume").unwrap();
    let said = p.expect("give another name").unwrap();
    let said = text(said.before());
    assert!(
        said.contains("the call was not stored: \"書斎のPC\" is the name of machine \"書斎のpc\" already"),
        "{said}"
    );
    assert!(said.contains("(added since the call began): pick it, or"), "{said}");
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 1);
    assert!(attempts(dir.path()).is_empty());

    // Resume asks for the PC again (the one added meanwhile is in the list),
    // then the questions that hang on it, then the summary.
    let mut p = session(dir.path(), &["--resume"]);
    say(&mut p, "Which PC?", "書斎のpc");
    say(&mut p, "Which license?", "");
    say(&mut p, "Why does it need activating?", "");
    p.expect("machine          書斎のpc").unwrap();
    say(&mut p, "Store this call?", "yes");
    p.expect("stored call 1").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 0);
    let stored = attempts(dir.path());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["machine_id"], 3);
    assert_eq!(stored[0]["failure_reason"], "other");
}

#[test]
fn a_call_recorded_afterwards_starts_at_a_local_time_in_the_households_zone_and_has_no_end_from_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let at = ["--machine", "PC 1", "--license", "1", "--time-zone", "Asia/Tokyo", "--at"];
    // A time that is not one is named before any question.
    let mut p = session(dir.path(), &[&at[..], &["yesterday"]].concat());
    p.expect("--at: \"yesterday\" is not a time like").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 1);
    let mut p = session(dir.path(), &[&at[..], &["２０１６-０３-２６ １８:００"]].concat());
    say(&mut p, "Why does it need activating?", "");
    say(&mut p, "Which number did you dial?", "");
    say(&mut p, "group 1 of 9", &GROUPS.concat());
    say(&mut p, "What did the phone menu say?", "confirmed: it read");
    say(&mut p, "Operator?", "no operator needed");
    say(&mut p, "group A of A–H", &CID.concat());
    say(&mut p, "Is Windows activated?", "");
    say(&mut p, "Notes:", "");
    say(&mut p, "Store this call?", "yes");
    p.expect("stored call").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 0);
    let stored = attempts(dir.path());
    assert_eq!(stored[0]["started_at"], "2016-03-26T18:00:00+09:00");
    assert_eq!(stored[0]["ended_at"], serde_json::Value::Null);
    assert_eq!(stored[0]["warnings"], serde_json::json!([]));
}

#[test]
fn with_lang_ja_the_call_is_asked_and_summed_up_in_japanese_and_stores_the_same_codes() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut p = session_in(dir.path(), &["--machine", "PC 1", "--license", "1"], &[("LANG", "ja_JP.UTF-8")]);
    p.expect("に始まった通話を記録します").unwrap();
    say(&mut p, "ライセンス認証が必要になった理由は？", "再インストール");
    say(&mut p, "どの番号に電話しましたか？", "");
    for (i, g) in GROUPS.iter().enumerate() {
        let prompt = format!("インストール ID の {} 番目のグループ", i + 1);
        if i == 6 {
            // Group 7 mistyped: said in the glossary's words, asked again.
            say(&mut p, &prompt, "4575754");
            p.expect("7 番目のグループが正しくありません。もう一度入力してください").unwrap();
            p.send("\x7f".repeat(7)).unwrap();
            p.send(g).unwrap();
            p.send(ENTER).unwrap();
        } else {
            say(&mut p, &prompt, g);
        }
    }
    say(&mut p, "音声ガイダンスは何と言いましたか？", "確認できた");
    say(&mut p, "オペレーターは？", "不要");
    for (i, g) in CID.iter().enumerate() {
        say(&mut p, &format!("確認 ID の {} の欄", (b'A' + i as u8) as char), g);
    }
    say(&mut p, "確認 ID の H の欄", "");
    say(&mut p, "Windows のライセンス認証はできましたか？", "");
    say(&mut p, "メモ:", "日本語で記録");
    p.expect("通話の内容").unwrap();
    p.expect("音声ガイダンス").unwrap();
    p.expect("確認できた").unwrap();
    say(&mut p, "この通話を保存しますか？", "はい");
    p.expect("通話 1 を保存しました").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 0);
    let a = &attempts(dir.path())[0];
    assert_eq!((a["ivr_result"].as_str(), a["operator_outcome"].as_str()), (Some("confirmed"), Some("not_needed")));
    assert_eq!((a["result"].as_str(), a["notes"].as_str()), (Some("activated"), Some("日本語で記録")));
    assert_eq!(a["installation_id"], GROUPS.join("-"));
}

#[test]
fn what_to_have_at_hand_is_shown_once_the_license_is_chosen_before_the_number_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let key = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9";
    let said = format!("product_key:=it is {key}");
    let earlier = [
        "--db",
        "j.db",
        "attempt",
        "add",
        "--machine",
        "PC 1",
        "--license",
        "1",
        "--started-at",
        "2014-05-09T18:00:00+09:00",
        "--question",
        "box_colour:What colour is the box?=blue",
        "--question",
        "purchase_site:Where was it bought?=",
        "--question",
        &said,
    ];
    let out = aj(dir.path(), &earlier);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(dir.path().join("box.jpg"), activation_journal::domain::attachment::samples::jpeg_with_gps())
        .unwrap();
    let out = aj(dir.path(), &["--db", "j.db", "attach", "license", "1", "box.jpg", "--caption", "the box"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let mut p = session(dir.path(), &["--machine", "PC 2"]);
    say(&mut p, "Which license?", "");
    p.expect("Have at hand for Windows 8.1 Pro").unwrap();
    let shown = p.expect("Why does it need activating?").unwrap();
    let shown = String::from_utf8_lossy(shown.before()).to_string();
    for part in [
        "Box colour",
        "blue",
        "“What colour is the box?”",
        "Where it was bought",
        "not answered then",
        "*****-*****-*****-*****-9D6T9",
        "2014-05-09, call 1",
        "the box (JPG)",
        "j.db attachment get 1 --out attachment-1.jpg",
    ] {
        assert!(shown.contains(part), "{part:?} in {shown}");
    }
    assert!(!shown.contains(key) && !shown.contains("GCRJD"), "the key never in full: {shown}");
    p.send("\x03").unwrap();
    say(&mut p, "Keep a draft of this call", "n");
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);

    // In Japanese, the license given as a flag.
    let mut p = session_in(dir.path(), &["--machine", "PC 2", "--license", "1"], &[("LANG", "ja_JP.UTF-8")]);
    p.expect("Windows 8.1 Pro (パッケージ版) で手元に用意するもの").unwrap();
    let shown = p.expect("ライセンス認証が必要になった理由は？").unwrap();
    let shown = String::from_utf8_lossy(shown.before()).to_string();
    for part in ["パッケージの色", "「What colour is the box?」", "前回は答えられませんでした", "取り出すには:"]
    {
        assert!(shown.contains(part), "{part:?} in {shown}");
    }
    assert!(!shown.contains(key), "{shown}");
    p.send("\x03").unwrap();
    say(&mut p, "下書きとして残し", "n");
    p.expect(Eof).unwrap();
    assert!(attempts(dir.path()).len() == 1, "only the earlier call");
}
