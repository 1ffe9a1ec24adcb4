//! Archiving and unarchiving a big license, a machine, a case and a call
//! keep what the database copies from their archived state (each question's
//! `attempt_archived`, each case's kept facts) as a recomputation from the
//! rows would make it, and unarchiving leaves the rows as they were. A
//! license's or machine's cases and calls, archived through it, read
//! everywhere (lists, summaries, search, timelines) as they did when each
//! was stamped with it.

#[path = "../../benches/support/synthetic.rs"]
mod synthetic;

use activation_journal::domain::search::SearchQuery;
use activation_journal::domain::{Cursor, PageRequest, SummaryFilter, SummaryName, TimePageRequest};
use activation_journal::store::{Actor, AttemptFilter, Store, Table, WriteCtx};
use serde_json::{json, Value};

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

/// What the reads show: every summary (whole, and of one license and
/// machine), the calls, cases and search hits (live, and with archived
/// ones) and a machine's timeline, each as its JSON.
async fn seen(s: &Store) -> Value {
    // One "now" for every comparison: a suggested call time is made from
    // it, and two reads a minute apart would differ for that alone.
    static NOW: std::sync::OnceLock<chrono::DateTime<chrono::Utc>> = std::sync::OnceLock::new();
    let now = *NOW.get_or_init(chrono::Utc::now);
    let mut out = Vec::new();
    let one = SummaryFilter { license_id: Some(2), machine_id: Some(3), ..Default::default() };
    for f in [SummaryFilter::default(), one] {
        for name in SummaryName::ALL {
            let summary = s.summary(*name, &f, &PageRequest::default(), now).await.unwrap();
            out.push(json!([name.as_str(), summary]));
        }
    }
    for include_archived in [false, true] {
        let mut after = 0;
        loop {
            let page = PageRequest { after: Cursor(after), limit: 500, include_archived };
            let calls = s.attempts(&page, &AttemptFilter::default()).await.unwrap();
            let cases = s.cases(&page, None, None, None).await.unwrap();
            out.push(json!([calls.items, cases.items]));
            if calls.items.is_empty() && cases.items.is_empty() {
                break;
            }
            after += 500;
        }
        let page = PageRequest { limit: 500, include_archived, ..Default::default() };
        let hits = s.search(&SearchQuery::parse(Some("rejected")).unwrap(), &page).await.unwrap();
        let page = TimePageRequest { after: None, limit: 500, include_archived };
        out.push(json!([hits.items, s.timeline(1, &page).await.ok()]));
    }
    Value::Array(out)
}

/// Stamp (or unstamp) the cases and calls of license or machine `id` with
/// its own stamp, and bring the kept copies in step: what archiving did
/// before migration 35.
async fn stamp_followers(s: &Store, owner: Table, id: i64, stamp: bool) {
    let (table, column) =
        if owner == Table::Licenses { ("licenses", "license_id") } else { ("machines", "machine_id") };
    let (set, from) = if stamp { ("o.archived_at", "IS NULL") } else { ("NULL", "= o.archived_at") };
    for rows in ["cases", "attempts"] {
        let sql = format!(
            "UPDATE {rows} SET archived_at = {set} FROM {table} o WHERE o.id = ?1 AND {rows}.{column} = ?1
               AND {rows}.archived_at {from}"
        );
        sqlx::query(&sql).bind(id).execute(s.pool()).await.unwrap();
    }
    sqlx::raw_sql(
        "UPDATE attempt_questions SET attempt_archived = a.archived_at IS NOT NULL FROM attempts a
         WHERE a.id = attempt_questions.attempt_id;
         DELETE FROM case_facts;
         INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
         SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live;",
    )
    .execute(s.pool())
    .await
    .unwrap();
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

    for (owner, id) in [(Table::Licenses, 1), (Table::Machines, 3)] {
        s.archive(&ctx, owner, id).await.unwrap();
        assert_in_step(&s, &format!("archiving {owner:?} {id}")).await;
        let through_owner = seen(&s).await;
        let of_owner = match owner {
            Table::Licenses => AttemptFilter { license_id: Some(id), ..Default::default() },
            _ => AttemptFilter { machine_id: Some(id), ..Default::default() },
        };
        assert!(s.attempts(&PageRequest::default(), &of_owner).await.unwrap().items.is_empty());
        // The same journal as archiving left it before migration 35, each
        // case and call of the owner stamped with it: every read the same.
        stamp_followers(&s, owner, id, true).await;
        assert_in_step(&s, &format!("stamping {owner:?} {id}'s rows")).await;
        assert_eq!(seen(&s).await, through_owner, "{owner:?} {id}: archived through it as when stamped with it");
        stamp_followers(&s, owner, id, false).await;
        s.unarchive(&ctx, owner, id).await.unwrap();
        assert_in_step(&s, &format!("unarchiving {owner:?} {id}")).await;
        assert_eq!(kept(&s).await, before, "unarchiving {owner:?} {id} brings back the rows as they were");
    }
    // A case or a call of an archived license comes back with it, not alone.
    s.archive(&ctx, Table::Licenses, 1).await.unwrap();
    let case: i64 = count(&s, "SELECT min(id) FROM cases WHERE license_id = 1 AND archived_at IS NULL").await;
    let call: i64 = count(&s, "SELECT min(id) FROM attempts WHERE license_id = 1 AND archived_at IS NULL").await;
    for (table, id) in [(Table::Cases, case), (Table::Attempts, call), (Table::Cases, lone_case)] {
        let refused = s.unarchive(&ctx, table, id).await.unwrap_err().to_string();
        assert!(refused.contains("belongs to license 1, which is archived"), "{table:?} {id}: {refused}");
        assert!(s.archive(&ctx, table, id).await.unwrap_err().to_string().contains("is already archived"));
    }
    s.unarchive(&ctx, Table::Licenses, 1).await.unwrap();
    assert_eq!(kept(&s).await, before);

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
