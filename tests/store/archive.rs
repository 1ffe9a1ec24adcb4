//! Archiving and unarchiving a big license, a machine, a case and a call
//! keep what the database copies from their archived state (each question's
//! `attempt_archived`, each case's kept facts) as a recomputation from the
//! rows would make it, and unarchiving leaves the rows as they were.

#[path = "../../benches/support/synthetic.rs"]
mod synthetic;

use activation_journal::store::{Actor, Store, Table, WriteCtx};

/// A kept facts row: case, machine, license, calls, line, first and last date.
type Facts = (i64, i64, i64, i64, String, Option<String>, Option<String>);

/// Every row the kept copies hold, and every row's archived stamp (not
/// `updated_at`, which a restamp moves on), in one comparable value.
#[derive(Debug, PartialEq)]
struct Kept {
    facts: Vec<Facts>,
    questions: Vec<(i64, i64, i64, String, i64)>,
    stamps: Vec<(String, i64, Option<String>)>,
}

async fn kept(s: &Store) -> Kept {
    let facts = sqlx::query_as(
        "SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts ORDER BY case_id",
    )
    .fetch_all(s.pool())
    .await
    .unwrap();
    let questions = sqlx::query_as(
        "SELECT id, license_id, machine_id, local_date, attempt_archived FROM attempt_questions ORDER BY id",
    )
    .fetch_all(s.pool())
    .await
    .unwrap();
    let stamps = sqlx::query_as(
        "SELECT 'attempt', id, archived_at FROM attempts UNION ALL SELECT 'case', id, archived_at FROM cases
         UNION ALL SELECT 'license', id, archived_at FROM licenses UNION ALL SELECT 'machine', id, archived_at
         FROM machines UNION ALL SELECT 'follow_up', id, archived_at FROM follow_ups ORDER BY 1, 2",
    )
    .fetch_all(s.pool())
    .await
    .unwrap();
    Kept { facts, questions, stamps }
}

/// The copies are what recomputing them from the rows gives: the kept facts
/// are the view's, and each question says whether its call is archived.
async fn assert_in_step(s: &Store, after: &str) {
    let stale_facts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (
           SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts
           EXCEPT SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
           UNION ALL
           SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
           EXCEPT SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts)",
    )
    .fetch_one(s.pool())
    .await
    .unwrap();
    assert_eq!(stale_facts, 0, "kept facts out of step after {after}");
    let stale_questions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM attempt_questions q JOIN attempts a ON a.id = q.attempt_id
         WHERE q.attempt_archived <> (a.archived_at IS NOT NULL) OR q.license_id IS NOT a.license_id
            OR q.machine_id IS NOT a.machine_id OR q.local_date IS NOT a.local_date",
    )
    .fetch_one(s.pool())
    .await
    .unwrap();
    assert_eq!(stale_questions, 0, "questions out of step after {after}");
}

async fn count(s: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(s.pool()).await.unwrap()
}

#[tokio::test]
async fn archiving_and_unarchiving_keep_the_copies_in_step_and_bring_back_the_rows_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("journal.db"), &dir.path().join("journal.db.key")).await.unwrap();
    // 6,000 calls over ten machines and five licenses, with questions.
    synthetic::fill(&s, 6_000, 7).await.unwrap();
    let actor = Actor::cli();
    let ctx = WriteCtx::new(&actor);
    // Rows archived on their own before stay archived through an unarchive of their owner.
    let (lone_call, lone_case): (i64, i64) =
        sqlx::query_as("SELECT min(id), max(case_id) FROM attempts WHERE license_id = 1")
            .fetch_one(s.pool())
            .await
            .unwrap();
    s.archive(&ctx, Table::Attempts, lone_call).await.unwrap();
    assert_in_step(&s, "archiving a call").await;
    s.archive(&ctx, Table::Cases, lone_case).await.unwrap();
    assert_in_step(&s, "archiving a case").await;
    let before = kept(&s).await;
    assert!(count(&s, "SELECT count(*) FROM attempts WHERE license_id = 1").await > 1_000);
    assert!(count(&s, "SELECT count(*) FROM attempt_questions WHERE license_id = 1").await > 100);

    s.archive(&ctx, Table::Licenses, 1).await.unwrap();
    assert_in_step(&s, "archiving license 1").await;
    assert_eq!(count(&s, "SELECT count(*) FROM attempts WHERE license_id = 1 AND archived_at IS NULL").await, 0);
    assert_eq!(count(&s, "SELECT count(*) FROM case_facts WHERE license_id = 1").await, 0);
    assert_eq!(
        count(&s, "SELECT count(*) FROM attempt_questions WHERE license_id = 1 AND attempt_archived = 0").await,
        0
    );
    s.unarchive(&ctx, Table::Licenses, 1).await.unwrap();
    assert_in_step(&s, "unarchiving license 1").await;
    assert_eq!(kept(&s).await, before, "unarchiving brings back the rows as they were");

    for (table, id) in [(Table::Machines, 3), (Table::Cases, 10), (Table::Attempts, 100)] {
        s.archive(&ctx, table, id).await.unwrap();
        assert_in_step(&s, &format!("archiving {table:?} {id}")).await;
        s.unarchive(&ctx, table, id).await.unwrap();
        assert_in_step(&s, &format!("unarchiving {table:?} {id}")).await;
        assert_eq!(kept(&s).await, before, "unarchiving {table:?} {id} brings back the rows as they were");
    }
    // The earlier lone rows, brought back on their own.
    s.unarchive(&ctx, Table::Cases, lone_case).await.unwrap();
    s.unarchive(&ctx, Table::Attempts, lone_call).await.unwrap();
    assert_in_step(&s, "unarchiving the lone case and call").await;
    s.close().await;
}
