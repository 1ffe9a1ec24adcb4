//! Store-level tests: a temp-dir SQLite file per test, never `sqlite::memory:`.

use activation_journal::domain::time::CallerTime;
use activation_journal::domain::*;
use activation_journal::store::{Actor, AttemptFilter, Created, Idempotency, Store, StoreError, WriteCtx};
use serde_json::json;

const IID: &str = "508760583450367066786558223034732344271525457574499727444472481";
const CID: &str = "109062-530373-462923-856922-378004-297663-022353";
const KEY: &str = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9";

struct TestStore {
    store: Store,
    dir: tempfile::TempDir,
}

async fn store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.db");
    let store = Store::open(&db, &dir.path().join("journal.db.key")).await.unwrap();
    store.fix_zone(Some(activation_journal::domain::time::Zone::parse("Asia/Tokyo").unwrap()));
    TestStore { store, dir }
}

fn cli() -> Actor {
    Actor::cli()
}

fn new<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replay { .. } => panic!("expected a new row"),
    }
}

fn named(name: &str) -> NewMachine {
    NewMachine { name: name.into(), owner: None, notes: None }
}

async fn machine(s: &Store, name: &str) -> Machine {
    let a = cli();
    new(s.create_machine(&WriteCtx::new(&a), &named(name)).await.unwrap())
}

fn windows(channel: Channel) -> NewLicense {
    NewLicense {
        product: "Windows 8.1".into(),
        edition: Some("Pro".into()),
        channel,
        purchased_from: None,
        purchased_on: None,
        box_colour: None,
        product_key: KeyChange::Set(KEY.parse().unwrap()),
        notes: None,
    }
}

async fn license(s: &Store, channel: Channel) -> License {
    let a = cli();
    new(s.create_license(&WriteCtx::new(&a), &windows(channel)).await.unwrap())
}

fn day(date: &str) -> chrono::NaiveDate {
    date.parse().unwrap()
}

fn change(on: &str, replaced: &[Part], kept: &[Part]) -> NewHardwareChange {
    NewHardwareChange {
        changed_on: day(on),
        parts_replaced: replaced.iter().copied().collect(),
        parts_kept: kept.iter().copied().collect(),
        os_reinstalled: false,
        notes: None,
    }
}

fn case_of(machine_id: i64, license_id: i64) -> NewCase {
    NewCase {
        machine_id,
        license_id,
        trigger: Trigger::Other,
        hardware_change_id: None,
        status: CaseStatus::Open,
        opened_at: None,
        notes: None,
    }
}

fn follow_up(machine_id: Option<i64>, case_id: Option<i64>, text: &str) -> NewFollowUp {
    NewFollowUp { machine_id, case_id, text: text.into(), due_on: None, done: false }
}

/// A call of machine `m` about license `l` (their open case, or a new one).
fn call(m: i64, l: i64, started_at: &str) -> NewAttempt {
    let pair = AttemptTarget::Pair { machine_id: m, license_id: l, trigger: Trigger::Other };
    NewAttempt::new(pair, CallerTime::parse(started_at).unwrap())
}

/// A call in case `c`.
fn call_in(c: i64, started_at: &str) -> NewAttempt {
    NewAttempt::new(AttemptTarget::Case(c), CallerTime::parse(started_at).unwrap())
}

async fn attempt(s: &Store, a: NewAttempt) -> Result<Attempt, StoreError> {
    let actor = cli();
    s.create_attempt(&WriteCtx::new(&actor), &a).await.map(new)
}

async fn audit_count(s: &Store, action: &str, entity: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_log WHERE action = ? AND entity = ?")
        .bind(action)
        .bind(entity)
        .fetch_one(s.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn machines_are_created_read_listed_updated_and_archived() {
    let t = store().await;
    let s = &t.store;
    let a = cli();
    let ctx = WriteCtx::new(&a);
    let m = machine(s, "PC 1").await;
    assert_eq!(s.machine(m.id, false).await.unwrap(), m);
    let dup = s.create_machine(&ctx, &named("PC 1")).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_, ref m) if m.contains("PC 1")), "{dup:?}");
    let patch = MachinePatch { owner: Some(Some("Ken".into())), ..Default::default() };
    let m2 = s.update_machine(&ctx, m.id, &patch).await.unwrap();
    assert_eq!((m2.name.as_str(), m2.owner.as_deref()), ("PC 1", Some("Ken")));
    s.archive_machine(&ctx, m.id).await.unwrap();
    assert!(matches!(s.machine(m.id, false).await, Err(StoreError::NotFound { .. })));
    assert!(s.machine(m.id, true).await.unwrap().archived_at.is_some());
    assert!(s.machines(&PageRequest::default()).await.unwrap().items.is_empty());
    // The name of an archived machine can be used again.
    machine(s, "PC 1").await;
    assert_eq!(audit_count(s, "create", "machine").await, 2);
    assert_eq!(audit_count(s, "update", "machine").await, 1);
    assert_eq!(audit_count(s, "archive", "machine").await, 1);
}

#[tokio::test]
async fn hardware_changes_belong_to_live_machines() {
    let t = store().await;
    let s = &t.store;
    let a = cli();
    let ctx = WriteCtx::new(&a);
    let m = machine(s, "PC 1").await;
    let f = change("2014-05-09", &[Part::Motherboard, Part::Cpu, Part::Memory], &[Part::Storage]);
    let h = new(s.create_hardware_change(&ctx, m.id, &f).await.unwrap());
    assert_eq!(h.parts_replaced, vec![Part::Motherboard, Part::Cpu, Part::Memory]);
    let reinstalled = HardwareChangePatch { os_reinstalled: Some(true), ..Default::default() };
    let h2 = s.update_hardware_change(&ctx, h.id, &reinstalled).await.unwrap();
    assert!(h2.os_reinstalled);
    assert_eq!(h2.parts_kept, vec![Part::Storage]);
    assert!(matches!(s.create_hardware_change(&ctx, 999, &f).await, Err(StoreError::NotFound { .. })));
    s.archive_hardware_change(&ctx, h.id).await.unwrap();
    assert!(s.hardware_changes(m.id, &PageRequest::default()).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn licenses_keep_their_key_sealed_and_reveal_it_with_an_audit_row() {
    let t = store().await;
    let s = &t.store;
    let a = cli();
    let ctx = WriteCtx::new(&a);
    let l = license(s, Channel::RetailBox).await;
    assert_eq!(l.product_key_masked.as_deref(), Some("*****-*****-*****-*****-9D6T9"));
    assert_eq!(l.product_key_checks, Some(true));
    assert_eq!(s.reveal_product_key(&ctx, l.id).await.unwrap().as_deref(), Some(KEY));
    assert_eq!(audit_count(s, "reveal_product_key", "license").await, 1);
    // A patch without the key keeps it; null removes it.
    let blue = LicensePatch { box_colour: Some(Some("blue".into())), ..Default::default() };
    let l2 = s.update_license(&ctx, l.id, &blue).await.unwrap();
    assert_eq!(l2.product_key_masked, l.product_key_masked);
    let no_key = LicensePatch { product_key: Some(KeyChange::Clear), ..Default::default() };
    let l3 = s.update_license(&ctx, l.id, &no_key).await.unwrap();
    assert_eq!(l3.product_key_masked, None);
    assert_eq!(s.reveal_product_key(&ctx, l.id).await.unwrap(), None);
}

#[tokio::test]
async fn keys_never_reach_the_database_files_in_clear() {
    let t = store().await;
    let s = &t.store;
    let l = license(s, Channel::RetailDownload).await;
    let m = machine(s, "PC 2").await;
    let mut a = call(m.id, l.id, "2014-05-10T10:30:00+09:00");
    a.questions = Some(vec![
        NewQuestion {
            topic: Topic::ProductKey,
            question: Some("the key?".into()),
            answer: Some("nw6c2 qmpvw d7kkk 3gkt6 vcfb2".into()),
        },
        NewQuestion {
            topic: Topic::Other,
            question: None,
            answer: Some("I also read W269N-WFGWX-YVC9B-4J6C9-T83GX to him".into()),
        },
    ]);
    attempt(s, a).await.unwrap();
    s.close().await;
    let haystack = String::from_utf8_lossy(&database_bytes(t.dir.path())).to_uppercase();
    for key in [KEY, "NW6C2-QMPVW-D7KKK-3GKT6-VCFB2", "W269N-WFGWX-YVC9B-4J6C9-T83GX"] {
        assert!(!haystack.contains(key), "{key} found with hyphens");
        assert!(!haystack.contains(&key.replace('-', "")), "{key} found without hyphens");
        assert!(!haystack.contains(&key.replace('-', " ")), "{key} found with spaces");
    }
}

/// Every byte of the directory's files except the key file. SQLite's connection threads
/// may still be checkpointing and deleting `-wal`/`-shm` after `close()` returns; a file
/// that vanishes mid-scan starts the scan again, so nothing is read half-way through.
fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    'scan: for _ in 0..50 {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with(".key") {
                continue;
            }
            match std::fs::read(&path) {
                Ok(b) => bytes.extend(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    continue 'scan;
                }
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
        return bytes;
    }
    panic!("the database files kept changing");
}

#[tokio::test]
async fn a_lost_key_file_is_a_clear_error_on_reveal() {
    let t = store().await;
    let s = &t.store;
    let l = license(s, Channel::RetailBox).await;
    std::fs::remove_file(t.dir.path().join("journal.db.key")).unwrap();
    let reopened = Store::open(&t.dir.path().join("journal.db"), &t.dir.path().join("journal.db.key")).await.unwrap();
    let a = cli();
    let err = reopened.reveal_product_key(&WriteCtx::new(&a), l.id).await.unwrap_err();
    assert!(err.to_string().contains("is missing"), "{err}");
}

#[tokio::test]
async fn a_key_file_replaced_while_the_journal_is_open_refuses_writes_that_would_seal() {
    let t = store().await;
    let s = &t.store;
    license(s, Channel::RetailBox).await;
    // Another journal's key file put in place of this one's (renamed over it).
    let other = tempfile::tempdir().unwrap();
    license(&Store::open(&other.path().join("j.db"), &other.path().join("j.db.key")).await.unwrap(), Channel::Oem)
        .await;
    std::fs::rename(other.path().join("j.db.key"), t.dir.path().join("journal.db.key")).unwrap();
    let a = cli();
    let err = s.create_license(&WriteCtx::new(&a), &windows(Channel::RetailBox)).await.unwrap_err();
    assert!(err.to_string().contains("is not the key this journal's product keys are sealed with"), "{err}");
    // What seals nothing is still written.
    machine(s, "PC 1").await;
}

#[tokio::test]
async fn an_attempt_opens_a_case_and_an_activated_one_closes_it() {
    let t = store().await;
    let s = &t.store;
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::RetailBox).await;
    let a = cli();
    let hc = change("2014-05-09", &[Part::Motherboard], &[]);
    let h = new(s.create_hardware_change(&WriteCtx::new(&a), m.id, &hc).await.unwrap());
    let mut day1 = call(m.id, l.id, "2014-05-09T18:02:00+09:00");
    day1.target = AttemptTarget::Pair { machine_id: m.id, license_id: l.id, trigger: Trigger::HardwareChange };
    day1.installation_id = Some(IID.parse().unwrap());
    day1.ivr_result = Some(IvrResult::NotConfirmed);
    day1.operator_outcome = Some(OperatorOutcome::Unavailable);
    day1.result = Some(AttemptResult::NotActivated);
    day1.failure_reason = Some(FailureReason::OperatorUnavailable);
    let day1 = attempt(s, day1).await.unwrap();
    let case = s.case(day1.case_id, false).await.unwrap();
    assert_eq!(
        (case.status, case.trigger, case.hardware_change_id),
        (CaseStatus::Open, Trigger::HardwareChange, Some(h.id))
    );
    assert_eq!(case.opened_at, "2014-05-09T18:02:00+09:00", "the call's time, as it gave it");
    let mut day2 = call(m.id, l.id, "2014-05-10T10:05:00+09:00");
    day2.ended_at = Some(CallerTime::parse("2014-05-10T10:20:00+09:00").unwrap());
    day2.installation_id = Some(IID.parse().unwrap());
    day2.operator_outcome = Some(OperatorOutcome::Reached);
    day2.wait_seconds = Some(0);
    day2.confirmation_id = Some(ConfirmationId::parse_checked(CID).unwrap().id);
    day2.result = Some(AttemptResult::Activated);
    let day2 = attempt(s, day2).await.unwrap();
    assert_eq!(day2.case_id, day1.case_id, "the second call joins the open case");
    assert_eq!(day2.started_at, "2014-05-10T10:05:00+09:00");
    let case = s.case(day1.case_id, false).await.unwrap();
    assert_eq!((case.status, case.closed_at.as_deref()), (CaseStatus::Activated, Some("2014-05-10T10:20:00+09:00")));
    // The IID now finds its CID.
    let iid: InstallationId = IID.parse().unwrap();
    let found = s.confirmation_ids(&iid).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].confirmation_id, CID);
    // Archiving the activating attempt reopens the case.
    s.archive_attempt(&WriteCtx::new(&a), day2.id).await.unwrap();
    assert_eq!(s.case(day1.case_id, false).await.unwrap().status, CaseStatus::Open);
    // A third attempt after the case is closed opens a new one.
    let activated =
        AttemptPatch { result: Some(Some(AttemptResult::Activated)), failure_reason: Some(None), ..Default::default() };
    s.update_attempt(&WriteCtx::new(&a), day1.id, &activated).await.unwrap();
    let later = attempt(s, call(m.id, l.id, "2015-01-01T10:00:00+09:00")).await.unwrap();
    assert_ne!(later.case_id, day1.case_id);
}

#[tokio::test]
async fn a_create_answers_the_attempt_as_a_read_finds_it() {
    // The create reads its row back from its own INSERT (RETURNING) and its
    // questions from theirs; every field set, so that a column out of place
    // in either shows.
    let t = store().await;
    let s = &t.store;
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::RetailBox).await;
    let mut a = call(m.id, l.id, "2014-05-10T10:05:00+09:00");
    a.ended_at = Some(CallerTime::parse("2014-05-10T10:20:30+09:00").unwrap());
    a.method = Method::Phone;
    a.number_kind = Some(NumberKind::TollFree);
    a.called_from = Some(CalledFrom::Landline);
    a.country = Some("JP".into());
    a.ivr_product = Some(IvrProduct::Windows);
    a.installation_id = Some(IID.parse().unwrap());
    a.ivr_result = Some(IvrResult::InputError);
    a.groups_reentered = vec![7, 2];
    a.operator_outcome = Some(OperatorOutcome::Reached);
    a.wait_seconds = Some(180);
    a.operator_rating = Some(4);
    a.questions = Some(vec![
        NewQuestion {
            topic: Topic::BoxColour,
            question: Some("What colour is the box?".into()),
            answer: Some("青".into()),
        },
        NewQuestion { topic: Topic::ProductKey, question: Some("The key, please".into()), answer: Some(KEY.into()) },
        NewQuestion { topic: Topic::Other, question: None, answer: None },
    ]);
    a.confirmation_id = Some(ConfirmationId::parse_checked(CID).unwrap().id);
    a.result = Some(AttemptResult::Activated);
    a.notes = Some("said \"thank you\" \\ 🙏".into());
    a.warnings = vec!["a warning".into()];
    let created = attempt(s, a).await.unwrap();
    let read = s.attempt(created.id, false).await.unwrap();
    assert_eq!(created, read);
    assert_eq!(read.questions.len(), 3);
    assert_ne!(read.questions[1].answer.as_deref(), Some(KEY), "a key in an answer is sealed, the answer masked");
    assert_eq!((read.country.as_deref(), read.wait_seconds, read.groups_reentered.len()), (Some("JP"), Some(180), 2));
}

#[tokio::test]
async fn a_call_before_its_case_was_opened_moves_the_opening_back_and_a_later_one_does_not() {
    let t = store().await;
    let s = &t.store;
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::RetailBox).await;
    let actor = cli();
    let mut c = case_of(m.id, l.id);
    c.opened_at = Some("2014-05-10T03:00:00.000000Z".into());
    let case = new(s.create_case(&WriteCtx::new(&actor), &c).await.unwrap());
    attempt(s, call_in(case.id, "2014-05-10T13:00:00+09:00")).await.unwrap();
    assert_eq!(s.case(case.id, false).await.unwrap().opened_at, "2014-05-10T03:00:00.000000Z", "a later call");
    attempt(s, call_in(case.id, "2014-05-10T11:59:59.999+09:00")).await.unwrap();
    assert_eq!(
        s.case(case.id, false).await.unwrap().opened_at,
        "2014-05-10T11:59:59.999+09:00",
        "a millisecond before"
    );
    attempt(s, call_in(case.id, "2014-05-10T09:30:00+09:00")).await.unwrap();
    assert_eq!(s.case(case.id, false).await.unwrap().opened_at, "2014-05-10T09:30:00+09:00");
}

#[tokio::test]
async fn a_call_recorded_after_its_case_was_closed_joins_that_case() {
    let t = store().await;
    let s = &t.store;
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::RetailBox).await;
    let first = attempt(s, call(m.id, l.id, "2014-05-09T18:00:00+09:00")).await.unwrap();
    let mut done = call(m.id, l.id, "2014-05-10T10:05:00+09:00");
    done.result = Some(AttemptResult::Activated);
    let done = attempt(s, done).await.unwrap();
    assert_eq!(done.case_id, first.case_id);
    assert_eq!(s.case(first.case_id, false).await.unwrap().status, CaseStatus::Activated);
    // Written down a day later: a call made before the case closed.
    let late = attempt(s, call(m.id, l.id, "2014-05-10T09:00:00+09:00")).await.unwrap();
    assert_eq!(late.case_id, first.case_id, "a call before the case closed belongs to it");
    // A call after it closed opens a new case, which the next call joins.
    let next = attempt(s, call(m.id, l.id, "2015-01-01T10:00:00+09:00")).await.unwrap();
    assert_ne!(next.case_id, first.case_id);
    let again = attempt(s, call(m.id, l.id, "2015-01-02T10:00:00+09:00")).await.unwrap();
    assert_eq!(again.case_id, next.case_id, "the open case comes first");
    // While a case is open, even a call from before the first case closed joins the open one.
    let old = attempt(s, call(m.id, l.id, "2014-05-09T20:00:00+09:00")).await.unwrap();
    assert_eq!(old.case_id, next.case_id);
}

#[tokio::test]
async fn references_to_missing_rows_are_field_errors_not_panics() {
    let t = store().await;
    let s = &t.store;
    let err = attempt(s, call(5, 6, "2014-05-10T10:05:00+09:00")).await.unwrap_err();
    match err {
        StoreError::Invalid(e) => {
            assert_eq!(e.to_string(), "machine_id: there is no machine 5; license_id: there is no license 6")
        }
        other => panic!("{other:?}"),
    }
    let err = attempt(s, call_in(9, "2014-05-10T10:05:00+09:00")).await.unwrap_err();
    assert!(err.to_string().contains("there is no case 9"), "{err}");
    // A raw foreign-key violation also comes back as a StoreError.
    let raw = sqlx::query("INSERT INTO hardware_changes (machine_id, changed_on, created_at, updated_at) VALUES (77, '2014-01-01', 'x', 'x')")
        .execute(s.pool())
        .await
        .unwrap_err();
    assert!(matches!(StoreError::from(raw), StoreError::Invalid(_)));
}

#[tokio::test]
async fn one_open_case_per_pair() {
    let t = store().await;
    let s = &t.store;
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::Oem).await;
    let a = cli();
    let ctx = WriteCtx::new(&a);
    let f = case_of(m.id, l.id);
    let c = new(s.create_case(&ctx, &f).await.unwrap());
    assert!(matches!(s.create_case(&ctx, &f).await, Err(StoreError::Conflict(..))));
    let status = |s: CaseStatus| CasePatch { status: Some(s), ..Default::default() };
    let closed = s.update_case(&ctx, c.id, &status(CaseStatus::Abandoned)).await.unwrap();
    assert!(closed.closed_at.is_some());
    let c2 = new(s.create_case(&ctx, &f).await.unwrap());
    assert!(matches!(s.update_case(&ctx, c.id, &status(CaseStatus::Open)).await, Err(StoreError::Conflict(..))));
    let moved = CasePatch { machine_id: Some(Some(99)), ..Default::default() };
    let err = s.update_case(&ctx, c2.id, &moved).await.unwrap_err();
    assert!(err.to_string().contains("cannot be changed"), "{err}");
}

#[tokio::test]
async fn follow_ups_take_their_machine_from_their_case() {
    let t = store().await;
    let s = &t.store;
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::Oem).await;
    let a = cli();
    let ctx = WriteCtx::new(&a);
    let c = new(s.create_case(&ctx, &case_of(m.id, l.id)).await.unwrap());
    let f = new(s.create_follow_up(&ctx, &follow_up(None, Some(c.id), "remove the old drivers")).await.unwrap());
    assert_eq!((f.machine_id, f.done), (m.id, false));
    let done = FollowUpPatch { done: Some(true), ..Default::default() };
    let f2 = s.update_follow_up(&ctx, f.id, &done).await.unwrap();
    assert!(f2.done);
    let open = s.follow_ups(&PageRequest::default(), None, None, Some(false)).await.unwrap();
    assert!(open.items.is_empty());
    s.archive_follow_up(&ctx, f.id).await.unwrap();
    let tl = s.timeline(m.id, &TimePageRequest::parse(None, None, false).unwrap()).await.unwrap();
    assert_eq!(tl.events.len(), 1, "the case; the archived follow-up is left out");
}

#[tokio::test]
async fn pagination_visits_every_row_exactly_once() {
    let t = store().await;
    let s = &t.store;
    let mut ids = Vec::new();
    for i in 0..23 {
        ids.push(machine(s, &format!("PC {i}")).await.id);
    }
    // Archive a few: they are skipped, the rest still come once each.
    let a = cli();
    for id in [ids[3], ids[10]] {
        s.archive_machine(&WriteCtx::new(&a), id).await.unwrap();
    }
    let live: Vec<i64> = ids.iter().copied().filter(|id| *id != ids[3] && *id != ids[10]).collect();
    for size in [1, 2, 5, 7, 21, 22, 50] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = PageRequest::parse(Some(size), cursor.as_deref(), false).unwrap();
            let got = s.machines(&page).await.unwrap();
            assert!(got.items.len() as i64 <= size);
            seen.extend(got.items.iter().map(|m| m.id));
            match got.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, live, "page size {size}");
    }
}

#[tokio::test]
async fn attempt_filters_narrow_the_list() {
    let t = store().await;
    let s = &t.store;
    let m1 = machine(s, "PC 1").await;
    let m2 = machine(s, "PC 2").await;
    let l = license(s, Channel::Oem).await;
    for (m, at, result) in [
        (m1.id, "2014-05-09T18:00:00+09:00", AttemptResult::NotActivated),
        (m2.id, "2014-05-09T18:10:00+09:00", AttemptResult::NotActivated),
        (m1.id, "2014-05-10T10:05:00+09:00", AttemptResult::Activated),
    ] {
        let mut a = call(m, l.id, at);
        a.result = Some(result);
        if result == AttemptResult::NotActivated {
            a.failure_reason = Some(FailureReason::OperatorUnavailable);
            a.operator_outcome = Some(OperatorOutcome::Unavailable);
        }
        attempt(s, a).await.unwrap();
    }
    let page = PageRequest::default();
    let count = |f: AttemptFilter| async move { s.attempts(&page, &f).await.unwrap().items.len() };
    assert_eq!(count(AttemptFilter::default()).await, 3);
    assert_eq!(count(AttemptFilter { machine_id: Some(m1.id), ..Default::default() }).await, 2);
    assert_eq!(count(AttemptFilter { result: Some(AttemptResult::Activated), ..Default::default() }).await, 1);
    assert_eq!(
        count(AttemptFilter { operator_outcome: Some(OperatorOutcome::Unavailable), ..Default::default() }).await,
        2
    );
    let day1 = time::TimeBound::parse("2014-05-09").unwrap();
    assert_eq!(count(AttemptFilter { from: Some(day1), to: Some(day1), ..Default::default() }).await, 2);
    let instant = time::TimeBound::parse("2014-05-09T09:05:00Z").unwrap();
    assert_eq!(count(AttemptFilter { from: Some(instant), ..Default::default() }).await, 2);
}

#[tokio::test]
async fn idempotent_creates_answer_the_first_time_again() {
    let t = store().await;
    let s = &t.store;
    let token = s.create_token(&cli(), "phone", Scope::Write).await.unwrap();
    let actor = s.authenticate(&token.token).await.unwrap().unwrap();
    let idem = |hash: &[u8]| WriteCtx {
        actor: &actor,
        idempotency: Some(Idempotency { key: "k1".into(), request_hash: hash.to_vec() }),
        if_match: None,
    };
    let first = s.create_machine(&idem(b"a"), &named("PC 1")).await.unwrap();
    let again = s.create_machine(&idem(b"a"), &named("PC 1")).await.unwrap();
    let Created::Replay { status, entity_id, body } = again else { panic!("expected a replay") };
    let Created::New(m) = first else { panic!() };
    assert_eq!((status, entity_id), (201, m.id));
    assert_eq!(serde_json::from_str::<Machine>(&body).unwrap(), m);
    assert!(matches!(s.create_machine(&idem(b"b"), &named("PC 9")).await, Err(StoreError::IdempotencyMismatch)));
    assert_eq!(s.machines(&PageRequest::default()).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn tokens_are_stored_hashed_and_can_be_revoked() {
    let t = store().await;
    let s = &t.store;
    let tok = s.create_token(&cli(), "phone", Scope::Read).await.unwrap();
    assert!(tok.token.len() >= 40);
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_one(s.pool()).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(&tok.token));
    assert_eq!(s.authenticate(&tok.token).await.unwrap().unwrap().scope, Scope::Read);
    assert!(s.authenticate("aj_nope").await.unwrap().is_none());
    assert!(matches!(s.create_token(&cli(), "phone", Scope::Write).await, Err(StoreError::Conflict(..))));
    s.revoke_token(&cli(), "phone").await.unwrap();
    assert!(s.authenticate(&tok.token).await.unwrap().is_none());
    assert_eq!(s.tokens().await.unwrap().len(), 1);
    assert_eq!(audit_count(s, "token_revoke", "api_token").await, 1);
}

#[tokio::test]
async fn migrating_twice_is_a_no_op_and_a_newer_database_is_refused() {
    let t = store().await;
    let s = &t.store;
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .execute(s.pool())
    .await
    .unwrap();
    let err = Store::open(&t.dir.path().join("journal.db"), &t.dir.path().join("k")).await.unwrap_err();
    assert!(matches!(err, StoreError::NewerDatabase(99990101000000)));
    assert!(err.to_string().contains("newer"), "{err}");
}

#[tokio::test]
async fn a_backup_taken_during_writes_is_sound_and_complete() {
    let t = store().await;
    let s = t.store.clone();
    let writer = tokio::spawn(async move {
        let a = cli();
        for i in 0..300 {
            s.create_machine(&WriteCtx::new(&a), &named(&format!("PC {i}"))).await.unwrap();
        }
    });
    // Let some writes land, note how many are committed, then back up while the rest go on.
    while t.store.overview(&Default::default()).await.unwrap().machines < 50 {
        tokio::task::yield_now().await;
    }
    let before = t.store.overview(&Default::default()).await.unwrap().machines;
    let copy = t.dir.path().join("copy.db");
    t.store.backup(&copy, false, false).await.unwrap();
    writer.await.unwrap();
    activation_journal::store::backup::check_backup(&copy, t.store.key_file()).await.unwrap();
    let restored = Store::open(&copy, &t.dir.path().join("journal.db.key")).await.unwrap();
    assert_eq!(restored.integrity_check().await.unwrap(), "ok");
    let in_copy = restored.overview(&Default::default()).await.unwrap().machines;
    assert!(in_copy >= before, "{in_copy} rows in the copy, {before} committed before it began");
}

#[tokio::test]
async fn exports_with_keys_and_imports_are_audited_and_unique_rules_hold_on_import() {
    let (a, b) = (store().await, store().await);
    activation_journal::demo::load(&a.store).await.unwrap();
    let plain = a.store.export(&cli(), false).await.unwrap();
    assert_eq!(audit_count(&a.store, "reveal_product_key", "export").await, 0);
    let secret = a.store.export(&cli(), true).await.unwrap();
    assert_eq!(audit_count(&a.store, "reveal_product_key", "export").await, 1, "a key export is audited");
    assert!(secret.includes_secrets && !plain.includes_secrets);

    let parsed = activation_journal::portable::parse(&serde_json::to_value(&secret).unwrap()).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let report = b.store.import(&cli(), &parsed, &|n| seen.lock().unwrap().push(n)).await.unwrap();
    assert_eq!(report.created.total(), 13);
    assert_eq!(seen.lock().unwrap().last(), Some(&13), "progress ends at the total");
    assert_eq!(audit_count(&b.store, "import", "journal").await, 1);

    // A live machine under a new id but a name in use, or a second open case
    // for a pair: refused, naming the row.
    let mut doc = serde_json::to_value(&plain).unwrap();
    doc["machines"][0]["id"] = json!(50);
    let clash = activation_journal::portable::parse(&document(json!({"machines": [doc["machines"][0]]}))).unwrap();
    let err = b.store.import(&cli(), &clash, &|_| {}).await.unwrap_err().to_string();
    assert!(err.contains("machines[0].name: a machine named \"PC 1\" already exists"), "{err}");
    let open = json!({"id": 60, "machine_id": 1, "license_id": 1, "trigger": "other", "status": "open",
        "opened_at": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"});
    let mut second = open.clone();
    second["id"] = json!(61);
    let twice = activation_journal::portable::parse(&document(json!({"cases": [open, second]}))).unwrap();
    let err = b.store.import(&cli(), &twice, &|_| {}).await.unwrap_err().to_string();
    assert!(err.contains("cases[1].status: case 60 is already open for machine 1 and license 1"), "{err}");
    assert_eq!(audit_count(&b.store, "import", "journal").await, 1, "a refused import writes no audit row");
}

#[tokio::test]
async fn an_import_writes_hundreds_of_rows_at_once_and_still_names_a_bad_one_deep_in() {
    let t = store().await;
    let machines = json!([
        {"id": 1, "name": "PC 1", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"},
        {"id": 2, "name": "PC 2", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}]);
    let licenses = json!([{"id": 1, "product": "Windows 8.1", "channel": "oem",
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}]);
    // 1,200 closed cases (more than two statements' worth), the last one open,
    // one of them archived; three calls each, one answer holding a product key.
    let (mut cases, mut attempts) = (Vec::new(), Vec::new());
    for c in 1..=1200i64 {
        let open = c == 1200;
        cases.push(json!({"id": c, "machine_id": 1 + c % 2, "license_id": 1, "trigger": "other",
            "status": if open { "open" } else { "abandoned" }, "opened_at": "2026-01-01T00:00:00Z",
            "closed_at": if open { json!(null) } else { json!("2026-01-02T00:00:00Z") },
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "archived_at": if c == 7 { json!("2026-01-03T00:00:00Z") } else { json!(null) }}));
        for k in 0..3i64 {
            let answer = if c == 3 && k == 0 { "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9" } else { "Pro" };
            attempts.push(json!({"id": (c - 1) * 3 + k + 1, "case_id": c, "machine_id": 1 + c % 2,
                "started_at": format!("2026-01-01T{:02}:00:00+09:00", 9 + k), "result": "not_activated",
                "failure_reason": "line_closed", "questions": [{"topic": "edition", "answer": answer}],
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}));
        }
    }
    let rows = json!({"machines": machines, "licenses": licenses, "cases": cases, "attempts": attempts});
    let good = activation_journal::portable::parse(&document(rows.clone())).unwrap();

    // A call whose machine is not its case's, in the second statement's worth: named.
    let mut bad = rows.clone();
    bad["attempts"][1700]["machine_id"] = json!(1);
    let bad = activation_journal::portable::parse(&document(bad)).unwrap();
    let err = t.store.import(&cli(), &bad, &|_| {}).await.unwrap_err().to_string();
    assert!(err.contains("attempts[1700].machine_id: is 1, but case 567 has machine_id 2"), "{err}");
    // A second open case for a pair, refused by the database in a chunk, then named.
    let mut twice = rows.clone();
    twice["cases"][1197]["status"] = json!("open");
    twice["cases"][1197]["closed_at"] = json!(null);
    let twice = activation_journal::portable::parse(&document(twice)).unwrap();
    let err = t.store.import(&cli(), &twice, &|_| {}).await.unwrap_err().to_string();
    assert!(err.contains("cases[1199].status: case 1198 is already open for machine 1 and license 1"), "{err}");
    assert_eq!(t.store.attempts(&PageRequest::default(), &AttemptFilter::default()).await.unwrap().items.len(), 0);

    let report = t.store.import(&cli(), &good, &|_| {}).await.unwrap();
    assert_eq!((report.created.cases, report.created.attempts), (1200, 3600));
    // Read back as written: the call on an archived case, its questions, the
    // key sealed (masked when read, in clear in an export with secrets).
    let a = t.store.attempt(20, true).await.unwrap();
    assert_eq!((a.case_id, a.machine_id, a.started_at.as_str()), (7, 2, "2026-01-01T10:00:00+09:00"));
    assert_eq!(a.questions[0].answer.as_deref(), Some("Pro"));
    let keyed = t.store.attempt(7, false).await.unwrap();
    assert_ne!(keyed.questions[0].answer.as_deref(), Some("GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"));
    let doc = serde_json::to_value(t.store.export(&cli(), true).await.unwrap()).unwrap();
    assert_eq!(doc["attempts"][6]["questions"][0]["answer"], "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9");
    assert_eq!(doc["cases"].as_array().unwrap().len(), 1200);
    // The retries summary sees every case's calls (its facts kept as rows came in).
    let r = t.store.retries(&activation_journal::summary::SummaryFilter::default(), &PageRequest::default()).await;
    assert_eq!(r.unwrap().cases_retried, 1199, "every case but the archived one");
}

/// An export document holding `rows` (an object of entity arrays), every
/// other array empty.
fn document(rows: serde_json::Value) -> serde_json::Value {
    let mut doc = json!({"format_version": 1, "exported_at": "2026-11-25T10:00:00Z", "includes_secrets": false,
        "machines": [], "hardware_changes": [], "licenses": [], "cases": [], "attempts": [], "follow_ups": []});
    for (k, v) in rows.as_object().into_iter().flatten() {
        doc[k] = v.clone();
    }
    doc
}

/// Machine 1, license 1 and their case 1, as raw SQL for a database an
/// earlier migration left.
const ONE_CASE: &str = "INSERT INTO machines (id, name, created_at, updated_at) VALUES (1, 'PC 1', 'x', 'x');
     INSERT INTO licenses (id, product, channel, created_at, updated_at) VALUES (1, 'Windows 8.1', 'oem', 'x', 'x');
     INSERT INTO cases (id, machine_id, license_id, opened_at, created_at, updated_at) VALUES (1, 1, 1, 'x', 'x', 'x');";

/// A database as the migrations before `version` left it.
async fn store_before_migration(version: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::connect(&dir.path().join("old.db"), &dir.path().join("old.db.key")).await.unwrap();
    let earlier = dir.path().join("earlier");
    std::fs::create_dir(&earlier).unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < version {
            std::fs::copy(&path, earlier.join(&name)).unwrap();
        }
    }
    sqlx::migrate::Migrator::new(earlier.as_path()).await.unwrap().run(s.pool()).await.unwrap();
    (dir, s)
}

#[tokio::test]
async fn the_case_facts_dates_migration_dates_earlier_cases_for_dated_retries() {
    let (_dir, s) = store_before_migration("20261201000025").await;
    sqlx::raw_sql(&format!(
        "{ONE_CASE}
         INSERT INTO attempts (id, case_id, machine_id, license_id, started_at, started_utc, utc_offset, local_date,
                               local_hour, local_weekday, created_at, updated_at, archived_at)
         VALUES (1, 1, 1, 1, '2014-05-10T10:00:00+09:00', 1399683600000, 32400, '2014-05-10', 10, 5, 'x', 'x', NULL),
                (2, 1, 1, 1, '2014-05-11T10:00:00+09:00', 1399770000000, 32400, '2014-05-11', 10, 6, 'x', 'x', NULL),
                (3, 1, 1, 1, '2014-05-12T10:00:00+09:00', 1399856400000, 32400, '2014-05-12', 10, 0, 'x', 'x', NULL),
                (4, 1, 1, 1, '2014-05-20T10:00:00+09:00', 1400547600000, 32400, '2014-05-20', 10, 1, 'x', 'x', 'x');"
    ))
    .execute(s.pool())
    .await
    .unwrap();
    s.migrate().await.unwrap();
    let dates: (String, String) = sqlx::query_as("SELECT min_date, max_date FROM case_facts WHERE case_id = 1")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(dates, ("2014-05-10".into(), "2014-05-12".into()), "archived calls do not count");
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2014, 5, d);
    for (from, to, attempts) in [(day(10), day(12), Some(3)), (day(11), None, Some(2)), (None, day(10), None)] {
        let f = activation_journal::summary::SummaryFilter { from, to, ..Default::default() };
        let r = s.retries(&f, &PageRequest::default()).await.unwrap();
        assert_eq!(r.cases.first().map(|c| c.attempts), attempts, "{from:?}..{to:?}");
    }
}

#[tokio::test]
async fn the_case_times_migration_gives_cases_the_offset_of_their_call_or_the_household() {
    let (_dir, s) = store_before_migration("20261208000036").await;
    // Case 1 opened and closed by calls (in Tokyo, then from Berlin); case 2
    // by hand, as UTC system times; the journal keeps Europe/Berlin.
    sqlx::raw_sql(
        "INSERT INTO household_settings (name, value, updated_at) VALUES ('time_zone', 'Europe/Berlin', 'x');
         INSERT INTO machines (id, name, created_at, updated_at) VALUES (1, 'PC 1', 'x', 'x');
         INSERT INTO licenses (id, product, channel, created_at, updated_at)
             VALUES (1, 'Windows 8.1', 'oem', 'x', 'x'), (2, 'Windows 7', 'oem', 'x', 'x');
         INSERT INTO cases (id, machine_id, license_id, status, opened_at, closed_at, created_at, updated_at)
             VALUES (1, 1, 1, 'activated', '2014-05-09T09:02:00.000000Z', '2014-05-10T01:20:30.000000Z', 'x', 'x'),
                    (2, 1, 2, 'abandoned', '2014-05-10T10:00:00.123456Z', '2014-07-10T10:00:00.000000Z', 'x', 'x');
         INSERT INTO attempts (id, case_id, machine_id, license_id, started_at, started_utc, utc_offset, local_date,
                               local_hour, local_weekday, ended_at, ended_utc, result, created_at, updated_at)
         VALUES (1, 1, 1, 1, '2014-05-09T18:02:00+09:00', 1399626120000, 32400, '2014-05-09', 18, 4, NULL, NULL,
                 NULL, 'x', 'x'),
                (2, 1, 1, 1, '2014-05-10T03:05:00+02:00', 1399683900000, 7200, '2014-05-10', 3, 5,
                 '2014-05-10T03:20:30+02:00', 1399684830000, 'activated', 'x', 'x');",
    )
    .execute(s.pool())
    .await
    .unwrap();
    s.migrate().await.unwrap();
    let times: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT id, opened_at, closed_at, opened_utc FROM cases ORDER BY id")
            .fetch_all(s.pool())
            .await
            .unwrap();
    assert_eq!(
        times,
        vec![
            (1, "2014-05-09T18:02:00+09:00".into(), "2014-05-10T03:20:30+02:00".into(), 1399626120000),
            (2, "2014-05-10T12:00:00.123456+02:00".into(), "2014-07-10T12:00:00+02:00".into(), 1399716000123),
        ]
    );
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM cases_unzoned").fetch_one(s.pool()).await.unwrap();
    assert_eq!(left, 0, "the cases to zone are done with");
}

#[tokio::test]
async fn the_question_filters_migration_fills_the_copies_of_earlier_questions() {
    let (_dir, s) = store_before_migration("20261125000012").await;
    sqlx::raw_sql(&format!(
        "{ONE_CASE}
         INSERT INTO attempts (id, case_id, machine_id, license_id, started_at, started_utc, utc_offset, local_date,
                               local_hour, local_weekday, created_at, updated_at, archived_at)
         VALUES (1, 1, 1, 1, '2014-05-10T10:00:00+09:00', 0, 32400, '2014-05-10', 10, 5, 'x', 'x', NULL),
                (2, 1, 1, 1, '2014-05-11T10:00:00+09:00', 0, 32400, '2014-05-11', 10, 6, 'x', 'x', 'x');
         INSERT INTO attempt_questions (attempt_id, position, topic) VALUES (1, 0, 'edition'), (2, 0, 'edition');"
    ))
    .execute(s.pool())
    .await
    .unwrap();
    s.migrate().await.unwrap();
    let rows: Vec<(i64, i64, i64, String, i64)> = sqlx::query_as(
        "SELECT attempt_id, license_id, machine_id, local_date, attempt_archived FROM attempt_questions ORDER BY attempt_id",
    )
    .fetch_all(s.pool())
    .await
    .unwrap();
    assert_eq!(rows, vec![(1, 1, 1, "2014-05-10".into(), 0), (2, 1, 1, "2014-05-11".into(), 1)]);
    let q = s.questions(&activation_journal::summary::SummaryFilter::default()).await.unwrap();
    assert_eq!(q.topics.len(), 1);
    assert_eq!(q.topics[0].asked, 1, "the archived attempt's question is left out");
}

#[tokio::test]
async fn the_case_lines_migration_renders_the_cases_already_recorded() {
    let (_dir, s) = store_before_migration("20261125000013").await;
    // Case 1: unavailable at 18:00, an archived call, activated the next
    // morning. Case 2: one call only, so not a retry.
    sqlx::raw_sql(
        "INSERT INTO machines (id, name, created_at, updated_at) VALUES (1, 'PC 1', 'x', 'x');
         INSERT INTO licenses (id, product, channel, created_at, updated_at) VALUES (1, 'Windows 8.1', 'oem', 'x', 'x');
         INSERT INTO cases (id, machine_id, license_id, status, opened_at, closed_at, created_at, updated_at)
         VALUES (1, 1, 1, 'activated', 'x', 'x', 'x', 'x'), (2, 1, 1, 'open', 'x', NULL, 'x', 'x');
         INSERT INTO attempts (id, case_id, machine_id, license_id, started_at, started_utc, utc_offset, local_date,
                               local_hour, local_weekday, result, failure_reason, created_at, updated_at, archived_at)
         VALUES (1, 1, 1, 1, '2014-05-10T18:00:00+09:00', 1399712400, 32400, '2014-05-10', 18, 5,
                 'not_activated', 'operator_unavailable', 'x', 'x', NULL),
                (2, 1, 1, 1, '2014-05-10T17:00:00+09:00', 1399708800, 32400, '2014-05-10', 17, 5,
                 'not_activated', 'line_closed', 'x', 'x', 'x'),
                (3, 1, 1, 1, '2014-05-11T10:00:00+09:00', 1399770000, 32400, '2014-05-11', 10, 6,
                 'activated', NULL, 'x', 'x', NULL),
                (4, 2, 1, 1, '2014-05-12T10:00:00+09:00', 1399856400, 32400, '2014-05-12', 10, 0,
                 NULL, NULL, 'x', 'x', NULL);",
    )
    .execute(s.pool())
    .await
    .unwrap();
    s.migrate().await.unwrap();
    let all = activation_journal::summary::SummaryFilter::default();
    let r = serde_json::to_value(s.retries(&all, &PageRequest::default()).await.unwrap()).unwrap();
    assert_eq!(
        r,
        json!({"cases_retried": 1, "next_day_retries": 1, "cases": [{
            "case_id": 1, "machine_id": 1, "license_id": 1, "machine_name": "PC 1", "license_name": "Windows 8.1",
            "attempts": 2,
            "first_attempt_at": "2014-05-10T18:00:00+09:00", "first_failure_reason": "operator_unavailable",
            "activated_at": "2014-05-11T10:00:00+09:00", "next_day": true, "days_to_success": 1}], "next_cursor": null})
    );
    let ranged =
        activation_journal::summary::SummaryFilter { from: chrono::NaiveDate::from_ymd_opt(2000, 1, 1), ..all };
    assert_eq!(
        serde_json::to_value(s.retries(&ranged, &PageRequest::default()).await.unwrap()).unwrap(),
        r,
        "rendered from the attempts"
    );
    // A second call in case 2 makes it a retry, through the trigger.
    let a = attempt(&s, call_in(2, "2014-05-12T11:00:00+09:00")).await.unwrap();
    assert_eq!(a.case_id, 2);
    assert_eq!(s.retries(&all, &PageRequest::default()).await.unwrap().cases_retried, 2);
}

#[tokio::test]
async fn every_entity_is_read_listed_and_hidden_once_archived_with_an_audit_row_per_write() {
    let t = store().await;
    let s = &t.store;
    let a = cli();
    let ctx = WriteCtx::new(&a);
    let live = PageRequest::default();
    let all = PageRequest::parse(None, None, true).unwrap();
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::RetailBox).await;
    let h = new(s.create_hardware_change(&ctx, m.id, &change("2014-05-09", &[], &[])).await.unwrap());
    let c = new(s.create_case(&ctx, &NewCase { hardware_change_id: Some(h.id), ..case_of(m.id, l.id) }).await.unwrap());
    let at = attempt(s, call_in(c.id, "2014-05-09T18:00:00+09:00")).await.unwrap();
    let f = new(s.create_follow_up(&ctx, &follow_up(Some(m.id), None, "drivers")).await.unwrap());

    // Read back as written, and listed; the case opened with its first attempt.
    assert_eq!(s.license(l.id, false).await.unwrap(), l);
    assert_eq!(s.hardware_change(h.id, false).await.unwrap(), h);
    let c = Case { opened_at: "2014-05-09T18:00:00+09:00".into(), ..c };
    assert_eq!(s.case(c.id, false).await.unwrap(), c);
    assert_eq!(s.attempt(at.id, false).await.unwrap(), at);
    assert_eq!(s.follow_up(f.id, false).await.unwrap(), f);
    assert_eq!(s.licenses(&live).await.unwrap().items, std::slice::from_ref(&l));
    assert_eq!(s.hardware_changes(m.id, &live).await.unwrap().items, std::slice::from_ref(&h));
    assert_eq!(
        s.cases(&live, Some(m.id), Some(l.id), Some(CaseStatus::Open)).await.unwrap().items,
        std::slice::from_ref(&c)
    );
    assert_eq!(s.attempts(&live, &AttemptFilter::default()).await.unwrap().items, std::slice::from_ref(&at));
    assert_eq!(s.follow_ups(&live, Some(m.id), None, Some(false)).await.unwrap().items, std::slice::from_ref(&f));

    // Updated, one field at a time.
    let shop = LicensePatch { purchased_from: Some(Some("Yodobashi".into())), ..Default::default() };
    let l2 = s.update_license(&ctx, l.id, &shop).await.unwrap();
    assert_eq!((l2.purchased_from.as_deref(), l2.edition.as_deref()), (Some("Yodobashi"), Some("Pro")));
    let notes = CasePatch { notes: Some(Some("two PCs".into())), ..Default::default() };
    let c2 = s.update_case(&ctx, c.id, &notes).await.unwrap();
    assert_eq!((c2.notes.as_deref(), c2.hardware_change_id), (Some("two PCs"), Some(h.id)));
    let waited = AttemptPatch { wait_seconds: Some(Some(180)), ..Default::default() };
    let at2 = s.update_attempt(&ctx, at.id, &waited).await.unwrap();
    assert_eq!((at2.wait_seconds, at2.started_at.as_str()), (Some(180), "2014-05-09T18:00:00+09:00"));

    // Archived: gone from gets and lists, there again with include_archived.
    s.archive_attempt(&ctx, at.id).await.unwrap();
    s.archive_case(&ctx, c.id).await.unwrap();
    s.archive_license(&ctx, l.id).await.unwrap();
    s.archive_hardware_change(&ctx, h.id).await.unwrap();
    s.archive_follow_up(&ctx, f.id).await.unwrap();
    assert!(matches!(s.license(l.id, false).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(s.hardware_change(h.id, false).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(s.case(c.id, false).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(s.attempt(at.id, false).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(s.follow_up(f.id, false).await, Err(StoreError::NotFound { .. })));
    assert!(s.licenses(&live).await.unwrap().items.is_empty());
    assert!(s.hardware_changes(m.id, &live).await.unwrap().items.is_empty());
    assert!(s.cases(&live, None, None, None).await.unwrap().items.is_empty());
    assert!(s.attempts(&live, &AttemptFilter::default()).await.unwrap().items.is_empty());
    assert!(s.follow_ups(&live, None, None, None).await.unwrap().items.is_empty());
    assert!(s.license(l.id, true).await.unwrap().archived_at.is_some());
    assert!(s.case(c.id, true).await.unwrap().archived_at.is_some());
    assert_eq!(s.licenses(&all).await.unwrap().items.len(), 1);
    assert_eq!(s.hardware_changes(m.id, &all).await.unwrap().items.len(), 1);
    assert_eq!(s.cases(&all, None, None, None).await.unwrap().items.len(), 1);
    assert_eq!(s.attempts(&all, &AttemptFilter::default()).await.unwrap().items.len(), 1);
    assert_eq!(s.follow_ups(&all, None, None, None).await.unwrap().items.len(), 1);

    // Every write left its audit row, in its own transaction.
    for (action, entity, n) in [
        ("create", "license", 1),
        ("update", "license", 1),
        ("archive", "license", 1),
        ("create", "hardware_change", 1),
        ("archive", "hardware_change", 1),
        ("create", "case", 1),
        ("update", "case", 1),
        ("archive", "case", 1),
        ("create", "attempt", 1),
        ("update", "attempt", 1),
        ("archive", "attempt", 1),
        ("create", "follow_up", 1),
        ("archive", "follow_up", 1),
    ] {
        assert_eq!(audit_count(s, action, entity).await, n, "{action} {entity}");
    }
}

#[tokio::test]
async fn a_write_never_seals_with_a_key_other_than_the_journals() {
    let t = store().await;
    let l = license(&t.store, Channel::RetailBox).await;
    let (db, key) = (t.dir.path().join("journal.db"), t.dir.path().join("journal.db.key"));
    let first = std::fs::read(&key).unwrap();
    let a = cli();
    for replaced in [false, true] {
        // The key file gone (say after a restore), or another in its place.
        let _ = std::fs::remove_file(&key);
        if replaced {
            std::fs::write(&key, format!("{}\n", "cd".repeat(32))).unwrap();
        }
        let reopened = Store::open(&db, &key).await.unwrap();
        let err = reopened.create_license(&WriteCtx::new(&a), &windows(Channel::Oem)).await.unwrap_err();
        assert!(matches!(err, StoreError::Secret(_)), "{err:?}");
        assert!(reopened.check_key_file().await.is_err());
        assert_eq!(reopened.licenses(&PageRequest::default()).await.unwrap().items.len(), 1, "nothing written");
        assert_eq!(std::fs::read(&key).is_ok(), replaced, "no key file is made in the missing one's place");
        reopened.close().await;
    }
    std::fs::write(&key, &first).unwrap();
    let reopened = Store::open(&db, &key).await.unwrap();
    reopened.check_key_file().await.unwrap();
    assert_eq!(reopened.reveal_product_key(&WriteCtx::new(&a), l.id).await.unwrap().as_deref(), Some(KEY));
}

#[tokio::test]
async fn names_written_before_name_keys_are_keyed_when_the_journal_opens() {
    let t = store().await;
    sqlx::query("INSERT INTO machines (name, created_at, updated_at) VALUES ('PC1', 'x', 'x')")
        .execute(t.store.pool())
        .await
        .unwrap();
    let reopened = Store::open(&t.dir.path().join("journal.db"), &t.dir.path().join("journal.db.key")).await.unwrap();
    let a = cli();
    let err = reopened.create_machine(&WriteCtx::new(&a), &named("ｐｃ１")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_, ref m) if m.contains("\"PC1\"")), "{err:?}");
}

mod round_trip {
    //! Every row the API can write can be exported and imported back: a
    //! property test over generated journals, through the same parsers
    //! (wire) the API uses, at any plausible time and offset.
    use super::*;
    use activation_journal::wire::{AttemptCreate, CaseCreate, FollowUpCreate, HardwareChangeCreate, LicenseCreate};
    use proptest::prelude::*;

    /// A plausible caller time: 1985 to today, any offset from -12:00 to +14:00 in quarter hours.
    fn time() -> impl Strategy<Value = String> {
        let now = chrono::Utc::now().timestamp();
        (473_385_600i64..now, -48i32..=56).prop_map(|(secs, quarters)| {
            let offset = chrono::FixedOffset::east_opt(quarters * 900).unwrap();
            chrono::DateTime::from_timestamp(secs, 0).unwrap().with_timezone(&offset).to_rfc3339()
        })
    }

    fn pick<T: Clone + std::fmt::Debug + 'static>(xs: &'static [T]) -> impl Strategy<Value = T> {
        proptest::sample::select(xs)
    }

    #[derive(Debug, Clone)]
    struct Call {
        started_at: String,
        minutes: Option<u32>,
        outcome: OperatorOutcome,
        result: Option<AttemptResult>,
        topic: Topic,
        answer: &'static str,
    }

    fn call() -> impl Strategy<Value = Call> {
        (
            time(),
            proptest::option::of(0u32..90),
            pick(OperatorOutcome::ALL),
            proptest::option::of(pick(AttemptResult::ALL)),
            pick(Topic::ALL),
            pick(&["Pro", "didn't have it", "read out GCRJD-8NW9H-F2CDX-CCM8D-9D6T9", "青い箱"]),
        )
            .prop_map(|(started_at, minutes, outcome, result, topic, answer)| Call {
                started_at,
                minutes,
                outcome,
                result,
                topic,
                answer,
            })
    }

    fn parse<W: serde::de::DeserializeOwned, D: for<'a> TryFrom<&'a W, Error = FieldErrors>>(
        v: serde_json::Value,
    ) -> D {
        let w: W = serde_json::from_value(v).unwrap();
        D::try_from(&w).unwrap()
    }

    async fn journal(s: &Store, calls: &[Call], changed_on: &str, channel: Channel) {
        let a = cli();
        let ctx = WriteCtx::new(&a);
        let m = new(s.create_machine(&ctx, &named("ＰＣ　１")).await.unwrap());
        let change: NewHardwareChange = parse::<HardwareChangeCreate, _>(
            json!({"changed_on": changed_on, "parts_replaced": ["motherboard", "gpu"], "parts_kept": ["storage", "optical"]}),
        );
        s.create_hardware_change(&ctx, m.id, &change).await.unwrap();
        let l: NewLicense = parse::<LicenseCreate, _>(
            json!({"product": "Windows 8.1", "channel": channel.as_str(), "purchased_on": changed_on, "product_key": KEY}),
        );
        let l = new(s.create_license(&ctx, &l).await.unwrap());
        let c: NewCase = parse::<CaseCreate, _>(json!({"machine_id": m.id, "license_id": l.id, "status": "abandoned"}));
        new(s.create_case(&ctx, &c).await.unwrap());
        for call in calls {
            let start = chrono::DateTime::parse_from_rfc3339(&call.started_at).unwrap();
            let ended = call.minutes.map(|n| (start + chrono::Duration::minutes(i64::from(n))).to_rfc3339());
            let mut v = json!({"machine_id": m.id, "license_id": l.id, "started_at": call.started_at, "ended_at": ended,
                "operator_outcome": call.outcome.as_str(), "result": call.result.map(|r| r.as_str()),
                "questions": [{"topic": call.topic.as_str(), "answer": call.answer}]});
            if call.result == Some(AttemptResult::NotActivated) {
                v["failure_reason"] = json!("operator_unavailable");
            }
            let a: NewAttempt = parse::<AttemptCreate, _>(v);
            attempt(s, a).await.unwrap();
        }
        let f: NewFollowUp =
            parse::<FollowUpCreate, _>(json!({"machine_id": m.id, "text": "drivers", "due_on": changed_on}));
        s.create_follow_up(&ctx, &f).await.unwrap();
    }

    /// An export as JSON, without the time it was made.
    async fn exported(s: &Store, secrets: bool) -> serde_json::Value {
        let mut doc = serde_json::to_value(s.export(&cli(), secrets).await.unwrap()).unwrap();
        doc["exported_at"] = json!(null);
        doc
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
        #[test]
        fn every_row_the_api_writes_exports_and_imports_back(
            calls in proptest::collection::vec(call(), 1..6),
            changed in time(),
            channel in pick(Channel::ALL),
            secrets in any::<bool>(),
        ) {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let (a, b) = (store().await, store().await);
                journal(&a.store, &calls, &changed[..10], channel).await;
                let doc = a.store.export(&cli(), secrets).await.unwrap();
                let bytes = serde_json::to_vec(&doc).unwrap();
                let parsed = activation_journal::portable::decode(&bytes, None).unwrap();
                b.store.import(&cli(), &parsed, &|_| {}).await.unwrap();
                assert_eq!(exported(&b.store, secrets).await, exported(&a.store, secrets).await);
                // And a second import of the same file adds nothing.
                let report = b.store.import(&cli(), &parsed, &|_| {}).await.unwrap();
                assert_eq!(report.created.total(), 0);
            });
        }
    }
}

#[tokio::test]
async fn a_timeline_of_forty_thousand_calls_is_read_a_page_at_a_time_in_order() {
    let t = store().await;
    let s = &t.store;
    let m = machine(s, "PC 1").await;
    let l = license(s, Channel::Oem).await;
    // 40,000 calls in 10,000 cases, written straight to the file (quickly):
    // four calls a case, an hour apart, the cases a day apart.
    let mut tx = s.pool().begin().await.unwrap();
    let base = chrono::DateTime::parse_from_rfc3339("1990-01-01T09:00:00+09:00").unwrap();
    for c in 1..=10_000i64 {
        let opened = base + chrono::Duration::days(c);
        let opened_at = activation_journal::domain::time::format_system(opened.with_timezone(&chrono::Utc));
        sqlx::query(
            "INSERT INTO cases (id, machine_id, license_id, status, opened_at, closed_at, created_at, updated_at)
             VALUES (?, ?, ?, 'abandoned', ?4, ?4, 'x', 'x')",
        )
        .bind(c)
        .bind(m.id)
        .bind(l.id)
        .bind(&opened_at)
        .execute(&mut *tx)
        .await
        .unwrap();
        for k in 0..4i64 {
            let at = opened + chrono::Duration::hours(k);
            sqlx::query(
                "INSERT INTO attempts (case_id, machine_id, license_id, started_at, started_utc, utc_offset, local_date,
                                       local_hour, local_weekday, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, 32400, ?, ?, 0, 'x', 'x')",
            )
            .bind(c).bind(m.id).bind(l.id).bind(at.to_rfc3339()).bind(at.timestamp_millis())
            .bind(at.date_naive().to_string()).bind(i64::from(chrono::Timelike::hour(&at)))
            .execute(&mut *tx).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    let mut page = TimePageRequest::parse(Some(500), None, false).unwrap();
    let (mut seen, mut last, mut pages) = (0usize, String::new(), 0);
    loop {
        let tl = s.timeline(m.id, &page).await.unwrap();
        pages += 1;
        assert!(tl.events.len() <= 500);
        for e in &tl.events {
            let at = serde_json::to_value(e).unwrap()["at"].as_str().unwrap().to_string();
            assert!(at >= last, "{at} after {last}");
            last = at;
        }
        seen += tl.events.len();
        match tl.next_cursor {
            Some(c) => page = TimePageRequest::parse(Some(500), Some(&c), false).unwrap(),
            None => break,
        }
    }
    assert_eq!(seen, 50_000, "every case and every call, once");
    assert_eq!(pages, 100);
}

mod search {
    use super::*;

    fn found(page: &Page<activation_journal::store::SearchHit>) -> Vec<(String, i64)> {
        page.items.iter().map(|h| (h.entity.to_string(), h.id)).collect()
    }

    async fn look(s: &Store, q: &str) -> Vec<(String, i64)> {
        let q = activation_journal::domain::search::SearchQuery::parse(Some(q)).unwrap();
        found(&s.search(&q, &PageRequest::default()).await.unwrap())
    }

    #[tokio::test]
    async fn rows_from_before_the_index_are_indexed_when_the_journal_opens_and_imports_are_indexed() {
        let t = store().await;
        // Rows written straight into the tables, as before migration 22.
        let now = activation_journal::domain::time::now_system();
        sqlx::query("INSERT INTO machines (name, name_key, notes, created_at, updated_at) VALUES ('PC 1', 'pc 1', 'マザーボード交換', ?, ?)")
            .bind(&now)
            .bind(&now)
            .execute(t.store.pool())
            .await
            .unwrap();
        assert_eq!(look(&t.store, "マザーボード").await, []);
        t.store.migrate().await.unwrap();
        assert_eq!(look(&t.store, "マザーボード").await, [("machine".to_string(), 1)]);
        // Opening again indexes nothing twice.
        t.store.migrate().await.unwrap();
        assert_eq!(look(&t.store, "マザー").await.len(), 1);

        // An import into a fresh journal is searchable at once.
        let doc = t.store.export(&cli(), false).await.unwrap();
        let bytes = activation_journal::portable::encode(&doc, activation_journal::portable::Format::Json).unwrap();
        let parsed = activation_journal::portable::decode(&bytes, None).unwrap();
        let other = store().await;
        other.store.import(&cli(), &parsed, &|_| {}).await.unwrap();
        assert_eq!(look(&other.store, "交換").await, [("machine".to_string(), 1)]);
    }

    #[tokio::test]
    async fn short_terms_page_through_windows_of_documents_and_reach_every_hit() {
        let t = store().await;
        let m = machine(&t.store, "PC 1").await.id;
        // More follow-ups than one scan window, a hit at each end.
        let total = activation_journal::store::SCAN_WINDOW + 500;
        let mut tx = t.store.pool().begin().await.unwrap();
        let now = activation_journal::domain::time::now_system();
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
             INSERT INTO follow_ups (machine_id, text, created_at, updated_at)
             SELECT ?, CASE WHEN i IN (1, ?) THEN '鍵を探す' ELSE 'ほかのこと' END, ?, ? FROM n",
        )
        .bind(total)
        .bind(m)
        .bind(total)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(t.store.index_for_search().await.unwrap() >= total as u64);
        let q = activation_journal::domain::search::SearchQuery::parse(Some("鍵")).unwrap();
        let mut page = PageRequest::default();
        let (mut hits, mut pages) = (Vec::new(), 0);
        loop {
            let answer = t.store.search(&q, &page).await.unwrap();
            pages += 1;
            hits.extend(found(&answer));
            match answer.next_cursor {
                Some(c) => page.after = Cursor::decode(&c).unwrap(),
                None => break,
            }
        }
        assert_eq!(hits, [("follow_up".to_string(), total), ("follow_up".to_string(), 1)]);
        assert_eq!(pages, 2, "one window a page");
    }
}

mod group_commit {
    use super::*;

    /// Hold SQLite's write lock from another connection while `queue`
    /// queues writes: the writer begins its batch with the first (waiting
    /// on the lock), then takes every write queued meanwhile into it.
    async fn in_one_batch<F, Fut, T>(s: &Store, queue: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let lock = s.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
        let before = s.writer_stats();
        let queued = queue();
        let release = async {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            lock.rollback().await.unwrap();
        };
        let (answers, ()) = tokio::join!(queued, release);
        let after = s.writer_stats();
        assert_eq!(after.batches - before.batches, 1, "every write in one batch");
        answers
    }

    #[tokio::test]
    async fn a_refused_write_rolls_back_alone_and_the_batch_stands() {
        let t = store().await;
        let s = &t.store;
        machine(s, "PC 1").await;
        let actor = cli();
        let ctx = WriteCtx::new(&actor);
        let machines: Vec<NewMachine> = ["PC 2", "PC 3", "pc 1", "PC 4", "PC 5"].map(named).to_vec();
        let answers =
            in_one_batch(s, || futures_util::future::join_all(machines.iter().map(|m| s.create_machine(&ctx, m))))
                .await;
        let refused: Vec<usize> = answers.iter().enumerate().filter(|(_, a)| a.is_err()).map(|(i, _)| i).collect();
        assert_eq!(refused, [2], "only the clashing name: {answers:?}");
        assert!(matches!(answers[2], Err(StoreError::Conflict(..))));
        let stored: Vec<String> =
            s.machines(&PageRequest::default()).await.unwrap().items.into_iter().map(|m| m.name).collect();
        assert_eq!(stored, ["PC 1", "PC 2", "PC 3", "PC 4", "PC 5"]);
        // Each stored write has its audit row; the refused one none.
        assert_eq!(audit_count(s, "create", "machine").await, 5);
        assert!(s.writer_stats().writes >= 6);
    }

    #[tokio::test]
    async fn one_idempotency_key_twice_in_a_batch_creates_one_row() {
        let t = store().await;
        let s = &t.store;
        let token = s.create_token(&cli(), "phone", Scope::Write).await.unwrap();
        let actor = s.authenticate(&token.token).await.unwrap().unwrap();
        let ctx = WriteCtx {
            actor: &actor,
            idempotency: Some(Idempotency { key: "k-1".into(), request_hash: vec![1, 2, 3] }),
            if_match: None,
        };
        let pc = named("PC 1");
        let (a, b) =
            in_one_batch(s, || async { tokio::join!(s.create_machine(&ctx, &pc), s.create_machine(&ctx, &pc)) }).await;
        assert!(matches!(a, Ok(Created::New(_))), "{a:?}");
        assert!(matches!(b, Ok(Created::Replay { status: 201, .. })), "{b:?}");
        assert_eq!(s.machines(&PageRequest::default()).await.unwrap().items.len(), 1);
    }

    #[tokio::test]
    async fn two_calls_for_a_new_pair_in_one_batch_open_one_case() {
        let t = store().await;
        let s = &t.store;
        let (m, l) = (machine(s, "PC 1").await.id, license(s, Channel::RetailBox).await.id);
        let actor = cli();
        let ctx = WriteCtx::new(&actor);
        let (first, second) = (call(m, l, "2014-05-09T18:00:00+09:00"), call(m, l, "2014-05-10T10:00:00+09:00"));
        let (a, b) =
            in_one_batch(s, || async { tokio::join!(s.create_attempt(&ctx, &first), s.create_attempt(&ctx, &second)) })
                .await;
        let (a, b) = (new(a.unwrap()), new(b.unwrap()));
        assert_eq!(a.case_id, b.case_id);
        assert_eq!(s.cases(&PageRequest::default(), None, None, None).await.unwrap().items.len(), 1);
    }

    #[tokio::test]
    async fn many_concurrent_writes_are_committed_in_fewer_batches_and_all_answered_after_commit() {
        let t = store().await;
        let s = &t.store;
        let actor = cli();
        let ctx = WriteCtx::new(&actor);
        let machines: Vec<NewMachine> = (0..300).map(|i| named(&format!("PC {i}"))).collect();
        let before = s.writer_stats();
        let answers = futures_util::future::join_all(machines.iter().map(|m| s.create_machine(&ctx, m))).await;
        assert!(answers.iter().all(Result::is_ok));
        let after = s.writer_stats();
        assert_eq!(after.writes - before.writes, 300);
        assert!(after.batches - before.batches < 300, "some writes shared a commit: {after:?}");
        // Every answered write is in the file, seen from another connection.
        let other = Store::open(&t.dir.path().join("journal.db"), &t.dir.path().join("journal.db.key")).await.unwrap();
        let page = PageRequest { limit: 500, ..PageRequest::default() };
        assert_eq!(other.machines(&page).await.unwrap().items.len(), 300);
        other.close().await;
    }
}

mod sessions {
    use super::*;
    use activation_journal::store::SESSION_IDLE;

    #[tokio::test]
    async fn a_session_lives_while_used_and_ends_unused_signed_out_or_revoked() {
        let t = store().await;
        let s = &t.store;
        let token = s.create_token(&cli(), "phone", Scope::Write).await.unwrap().token;
        assert!(s.open_session("aj_not_a_token").await.unwrap().is_none());
        let a = s.open_session(&token).await.unwrap().unwrap();
        let b = s.open_session(&token).await.unwrap().unwrap();
        assert_ne!(a.id, b.id);
        assert_ne!(a.session.csrf, b.session.csrf);
        let found = s.session(&a.id).await.unwrap().unwrap();
        assert_eq!(found.actor.name, "phone");
        assert_eq!(found.csrf, a.session.csrf);
        assert!(s.session("not-a-session").await.unwrap().is_none());

        // Unused for longer than SESSION_IDLE: gone.
        let old = chrono::Utc::now().timestamp() - SESSION_IDLE - 1;
        sqlx::query("UPDATE web_sessions SET last_seen = ?").bind(old).execute(s.pool()).await.unwrap();
        assert!(s.session(&a.id).await.unwrap().is_none());
        // Used within it: alive, and its last use moved on.
        let recent = chrono::Utc::now().timestamp() - SESSION_IDLE + 7200;
        sqlx::query("UPDATE web_sessions SET last_seen = ?").bind(recent).execute(s.pool()).await.unwrap();
        assert!(s.session(&a.id).await.unwrap().is_some());
        let seen: i64 =
            sqlx::query_scalar("SELECT min(last_seen) FROM web_sessions").fetch_one(s.pool()).await.unwrap();
        assert!(seen <= recent);
        let a_seen: i64 =
            sqlx::query_scalar("SELECT max(last_seen) FROM web_sessions").fetch_one(s.pool()).await.unwrap();
        assert!(a_seen > recent, "a use an hour after the last moves last_seen on");

        s.close_session(&a.id).await.unwrap();
        assert!(s.session(&a.id).await.unwrap().is_none());
        assert!(s.session(&b.id).await.unwrap().is_some());
        s.revoke_token(&cli(), "phone").await.unwrap();
        assert!(s.session(&b.id).await.unwrap().is_none());
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM web_sessions").fetch_one(s.pool()).await.unwrap();
        assert_eq!(left, 0, "a revoked token's sessions are deleted");
    }
}

#[tokio::test]
async fn topics_are_offered_in_the_order_operators_asked_them_lately_for_the_channel() {
    let t = store().await;
    let s = &t.store;
    let boxed = license(s, Channel::RetailBox).await;
    let download = license(s, Channel::RetailDownload).await;
    let m = machine(s, "PC 1").await;
    let ask = |topic| NewQuestion { topic, question: None, answer: None };
    let mut old = call(m.id, download.id, "2014-05-09T18:00:00+09:00");
    old.questions = Some(vec![ask(Topic::Edition), ask(Topic::Edition), ask(Topic::BoxColour)]);
    attempt(s, old).await.unwrap();
    let mut newer = call(m.id, download.id, "2014-05-10T10:00:00+09:00");
    newer.questions = Some(vec![ask(Topic::PurchaseSite), ask(Topic::ProductKey), ask(Topic::PurchaseSite)]);
    attempt(s, newer).await.unwrap();
    let mut other = call(m.id, boxed.id, "2014-05-10T11:00:00+09:00");
    other.questions = Some(vec![ask(Topic::BoxColour)]);
    attempt(s, other).await.unwrap();

    // Everything: edition and purchase site tie for a download.
    let all = s.questions_lately(1000).await.unwrap();
    let ranked = all.ranked_for(Channel::RetailDownload);
    assert_eq!(
        ranked[..3],
        [(Topic::Edition, 2), (Topic::PurchaseSite, 2), (Topic::BoxColour, 1)],
        "ties in declared order"
    );
    assert_eq!(ranked.len(), Topic::ALL.len(), "every topic is offered");
    assert_eq!(all.ranked_for(Channel::RetailBox)[0], (Topic::BoxColour, 1));
    // Only the newest four questions: the download's latest call and the box's.
    let lately = s.questions_lately(4).await.unwrap();
    let ranked = lately.ranked_for(Channel::RetailDownload);
    assert_eq!(ranked[..2], [(Topic::PurchaseSite, 2), (Topic::ProductKey, 1)]);
    assert_eq!(ranked.iter().find(|(t, _)| *t == Topic::Edition), Some(&(Topic::Edition, 0)));
    // The same as the questions summary when every question is read.
    assert_eq!(all, s.questions(&SummaryFilter::default()).await.unwrap());
}

mod archive;
mod at_hand;
mod checkpoints;

/// An import is one write of the writer held open across its chunks: a row
/// refused in a later chunk, or a file that stops before its end, leaves
/// nothing of the chunks before; a write queued meanwhile waits for the
/// import and then stands on its own.
#[tokio::test]
async fn an_import_in_chunks_is_all_or_nothing_and_writes_queued_meanwhile_wait() {
    use activation_journal::portable::{Incoming, Parsed};
    let (a, b) = (store().await, store().await);
    activation_journal::demo::load(&a.store).await.unwrap();
    let doc = a.store.export(&cli(), true).await.unwrap();
    let parsed = activation_journal::portable::parse(&serde_json::to_value(&doc).unwrap()).unwrap();
    let first = Parsed {
        includes_secrets: true,
        machines: parsed.machines.clone(),
        hardware_changes: parsed.hardware_changes.clone(),
        licenses: parsed.licenses.clone(),
        ..Parsed::default()
    };
    let mut second = Parsed {
        includes_secrets: true,
        cases: parsed.cases.clone(),
        attempts: parsed.attempts.clone(),
        ..Parsed::default()
    };
    let bad = second.attempts.len() - 1;
    second.attempts[bad].value.case_id = 999_999;
    let machines = |s: &Store| {
        let s = s.clone();
        async move { s.overview(&Default::default()).await.unwrap().machines }
    };

    // Refused in the second chunk: the first chunk's machines are gone too.
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    tx.send(Incoming::Head { includes_secrets: true }).await.unwrap();
    tx.send(Incoming::Rows { starts: [0; 7], rows: first.clone() }).await.unwrap();
    tx.send(Incoming::Rows { starts: [0; 7], rows: second }).await.unwrap();
    tx.send(Incoming::End).await.unwrap();
    let e = b.store.import_stream(&cli(), &mut rx, &|_| {}).await.unwrap_err();
    assert!(e.to_string().contains(&format!("attempts[{bad}].case_id")), "{e}");
    assert_eq!(machines(&b.store).await, 0, "nothing of the first chunk stays");

    // A file that stops after its first chunk: nothing written.
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    tx.send(Incoming::Head { includes_secrets: true }).await.unwrap();
    tx.send(Incoming::Rows { starts: [0; 7], rows: first.clone() }).await.unwrap();
    drop(tx);
    assert!(b.store.import_stream(&cli(), &mut rx, &|_| {}).await.is_err());
    assert_eq!(machines(&b.store).await, 0, "nothing of a file that stopped");

    // A write queued while the import holds the writer waits for it, and stands.
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    tx.send(Incoming::Head { includes_secrets: true }).await.unwrap();
    tx.send(Incoming::Rows { starts: [0; 7], rows: first }).await.unwrap();
    let actor = cli();
    let importing = b.store.import_stream(&actor, &mut rx, &|_| {});
    let meanwhile = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let queued = {
            let s = b.store.clone();
            tokio::spawn(async move { s.create_machine(&WriteCtx::new(&cli()), &named("Queued PC")).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!queued.is_finished(), "the write waits for the import");
        tx.send(Incoming::End).await.unwrap();
        queued.await.unwrap()
    };
    let (report, queued) = tokio::join!(importing, meanwhile);
    let report = report.unwrap();
    new(queued.unwrap());
    assert_eq!(machines(&b.store).await, report.created.machines as i64 + 1);
}
