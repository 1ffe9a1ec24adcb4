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
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_activation-journal"));
    cmd.current_dir(dir).env_remove("DATABASE_URL").env_remove("ACTIVATION_JOURNAL_KEY_FILE");
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
    say(&mut p, "Question 2", "box_colour");
    say(&mut p, "Their words", "箱の色は？");
    say(&mut p, "Your answer:", "青");
    say(&mut p, "Question 3", "no more");
    for (i, g) in CID.iter().enumerate() {
        say(&mut p, &format!("group {} of A–H", (b'A' + i as u8) as char), g);
    }
    say(&mut p, "group H of A–H", "");
    say(&mut p, "Is Windows activated?", "");
    say(&mut p, "Notes:", "二人目のオペレーターで成功");
    p.expect("Store this call?").unwrap();
    p.send("y").unwrap();
    p.send(ENTER).unwrap();
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
    p.expect("Store this call?").unwrap();
    p.send("n").unwrap();
    p.send(ENTER).unwrap();
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
fn ctrl_c_at_a_prompt_or_while_the_queue_timer_runs_stores_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    // At a prompt (the terminal in raw mode: Ctrl-C is a key).
    let mut p = session(dir.path(), &["--machine", "PC 1", "--license", "1"]);
    say(&mut p, "Why does it need activating?", "");
    say(&mut p, "Which number did you dial?", "");
    say(&mut p, "group 1 of 9", GROUPS[0]);
    p.expect("group 2 of 9").unwrap();
    p.send("\x03").unwrap();
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
    p.expect("cancelled: nothing was stored").unwrap();
    p.expect(Eof).unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(attempts(dir.path()).is_empty());
}

#[test]
fn without_a_terminal_call_points_to_attempt_add_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_activation-journal"))
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
