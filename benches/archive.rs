//! Archiving and unarchiving a big license: a synthetic journal of
//! `ATTEMPTS` attempts (default 1,000,000 over five licenses, so license 1
//! holds about 200,000 calls and 80,000 cases); the library's
//! `Store::archive` and `Store::unarchive` of license 1, each one
//! transaction (since migration 35 the license's cases and calls are
//! archived through it: one row is stamped), beside baselines run raw on
//! copies of the same file:
//!
//! - **set-based restamp**: what the library did from migration 33 to 35:
//!   each case and call of the license restamped, then the questions' copy
//!   and the kept case facts brought in step, a statement a set;
//! - **old triggers**: the three per-row triggers that kept the questions'
//!   copy and the kept case facts before migration 33, put back, and the
//!   same restamping statements (`OLD_TRIGGERS=0` leaves it out: minutes a run);
//! - **bare updates**: the restamping statements with none of those
//!   triggers and no bringing in step at all (a floor, not a correct write).
//!
//! Prints figures; asserts nothing about time (machines are shared and noisy).
//!
//!     cargo bench --bench archive              # ATTEMPTS=200000 for a quick look; BENCH_DB keeps the file

#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::Path;
use std::time::{Duration, Instant};

use activation_journal::store::{Actor, Store, Table, WriteCtx};
use sqlx::{Connection, SqliteConnection};

type Error = Box<dyn std::error::Error>;

const RUNS: usize = 3;
const LICENSE: i64 = 1;

/// The triggers as migrations 12 and 25 left them: each restamped call
/// copies its state to its questions and recomputes its case's kept facts,
/// and each restamped case recomputes its own.
const OLD_TRIGGERS: &str = "
DROP TRIGGER IF EXISTS cases_case_facts_archive;
DROP TRIGGER attempts_copy_to_questions;
DROP TRIGGER attempts_case_facts_update;
CREATE TRIGGER attempts_copy_to_questions AFTER UPDATE OF license_id, machine_id, local_date, archived_at ON attempts
BEGIN
    UPDATE attempt_questions
    SET license_id = NEW.license_id, machine_id = NEW.machine_id, local_date = NEW.local_date,
        attempt_archived = NEW.archived_at IS NOT NULL
    WHERE attempt_id = NEW.id;
END;
CREATE TRIGGER attempts_case_facts_update
AFTER UPDATE OF case_id, machine_id, license_id, started_at, started_utc, local_date, result, failure_reason,
                archived_at ON attempts
BEGIN
    DELETE FROM case_facts WHERE case_id IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
    SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
    WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER cases_case_facts_archive AFTER UPDATE OF archived_at ON cases
BEGIN
    DELETE FROM case_facts WHERE case_id = NEW.id;
    INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
    SELECT case_id, machine_id, license_id, attempts, line, min_date, max_date FROM case_facts_live
    WHERE case_id = NEW.id;
END;";

/// None of the triggers that watch a restamp (the floor).
const NO_TRIGGERS: &str = "
DROP TRIGGER IF EXISTS cases_case_facts_archive;
DROP TRIGGER attempts_copy_to_questions;
DROP TRIGGER attempts_case_facts_update;";

/// The restamping statements of a license archive (`?1` the new stamp, `?2`
/// now, `?3` the license, `?4` the stamp rows have now), as the store runs them.
const RESTAMP: [&str; 3] = [
    "UPDATE licenses SET archived_at = ?1, updated_at = ?2 WHERE id = ?3 AND archived_at IS ?4",
    "UPDATE cases SET archived_at = ?1, updated_at = ?2 WHERE license_id = ?3 AND archived_at IS ?4",
    "UPDATE attempts SET archived_at = ?1, updated_at = ?2 WHERE license_id = ?3 AND archived_at IS ?4",
];

/// What the library ran after restamping a license's cases and calls,
/// from migration 33 to 35 (`?1` the license): the questions' copy of their
/// calls' archived state, and the kept facts of the license's cases.
const SET_BASED: [&str; 3] = [
    "UPDATE attempt_questions SET attempt_archived = a.archived_at IS NOT NULL FROM attempts a
     WHERE a.license_id = ?1 AND attempt_questions.attempt_id = a.id
       AND attempt_questions.attempt_archived <> (a.archived_at IS NOT NULL)",
    "DELETE FROM case_facts WHERE case_id IN (SELECT c.id FROM cases c WHERE c.license_id = ?1)",
    "INSERT INTO case_facts (case_id, machine_id, license_id, attempts, line, min_date, max_date)
     SELECT s.case_id, s.machine_id, s.license_id, s.attempts,
            s.case_id || '|' || s.machine_id || '|' || s.license_id || '|' || s.attempts || '|'
                || f.started_at || '|' || coalesce(f.failure_reason, '') || '|' || f.local_date || '|'
                || s.last_date || '|' || coalesce(v.started_at, '') || '|' || coalesce(v.local_date, ''),
            s.first_date, s.last_date
     FROM (SELECT a.case_id, min(a.machine_id) AS machine_id, min(a.license_id) AS license_id,
                  count(*) AS attempts, min(a.local_date) AS first_date, max(a.local_date) AS last_date
           FROM cases c JOIN attempts a ON a.case_id = c.id AND a.archived_at IS NULL
           WHERE c.license_id = ?1 AND c.archived_at IS NULL
           GROUP BY a.case_id) s
     JOIN attempts f ON f.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                                ORDER BY started_utc, id LIMIT 1)
     LEFT JOIN attempts v ON v.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                                       AND result = 'activated' ORDER BY started_utc, id LIMIT 1)",
];

/// Archive then unarchive license 1 through the library, `RUNS` times.
async fn library(store: &Store) -> Result<(Timed, Timed), Error> {
    let actor = Actor::cli();
    let ctx = WriteCtx::new(&actor);
    let (mut archive, mut unarchive) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (t, c) = (Instant::now(), cpu());
        store.archive(&ctx, Table::Licenses, LICENSE).await?;
        archive.push((t.elapsed(), cpu() - c));
        let (t, c) = (Instant::now(), cpu());
        store.unarchive(&ctx, Table::Licenses, LICENSE).await?;
        unarchive.push((t.elapsed(), cpu() - c));
    }
    Ok((archive, unarchive))
}

/// Archive then unarchive license 1 with the restamping statements (then
/// `then`, binding the license) on a copy whose triggers `setup` changed,
/// one transaction each, `runs` times.
async fn raw(copy: &Path, setup: &str, then: &[&str], runs: usize) -> Result<(Timed, Timed), Error> {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", copy.display())).await?;
    sqlx::raw_sql(setup).execute(&mut conn).await?;
    let (mut archive, mut unarchive) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let stamp = format!("2026-01-01T00:00:0{run}.000000Z");
        for (from, to, times) in
            [(None, Some(stamp.as_str()), &mut archive), (Some(stamp.as_str()), None, &mut unarchive)]
        {
            let (t, c) = (Instant::now(), cpu());
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            for sql in RESTAMP {
                sqlx::query(sql).bind(to).bind(&stamp).bind(LICENSE).bind(from).execute(&mut *tx).await?;
            }
            for sql in then {
                sqlx::query(sql).bind(LICENSE).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            times.push((t.elapsed(), cpu() - c));
        }
    }
    conn.close().await?;
    Ok((archive, unarchive))
}

/// The CPU time this process has used (every thread: the writer's and
/// SQLite's too), from `/proc/self/stat` in clock ticks of 1/100 s; zero
/// where there is no such file. On a shared machine the wall time waits for
/// the others; the CPU time is the work.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis((ticks(14) + ticks(15)) * 10)
}

/// Each run's wall time and CPU time.
type Timed = Vec<(Duration, Duration)>;

/// The median run (by wall time), as "wall ms (CPU ms)".
fn median(mut times: Timed) -> String {
    times.sort();
    let (wall, cpu) = times[times.len() / 2];
    format!("{:.0} ({:.0})", wall.as_secs_f64() * 1000.0, cpu.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let attempts: usize = std::env::var("ATTEMPTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let path = std::env::var("BENCH_DB").map(std::path::PathBuf::from).unwrap_or_else(|_| dir.path().join("bench.db"));
    let fresh = !path.exists();
    let store = Store::open(&path, &path.with_extension("db.key")).await?;
    if fresh {
        let start = Instant::now();
        synthetic::fill(&store, attempts, 42).await?;
        println!("generated {attempts} attempts in {:.1} s", start.elapsed().as_secs_f64());
    }
    let calls: i64 = sqlx::query_scalar("SELECT count(*) FROM attempts WHERE license_id = ?")
        .bind(LICENSE)
        .fetch_one(store.pool())
        .await?;
    let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases WHERE license_id = ?")
        .bind(LICENSE)
        .fetch_one(store.pool())
        .await?;
    println!("{} ({} MiB): license {LICENSE} has {calls} calls in {cases} cases", path.display(), {
        std::fs::metadata(&path)?.len() / (1 << 20)
    });
    let actor = Actor::cli();
    if store.archived(Table::Licenses, &Default::default()).await?.items.contains(&LICENSE) {
        // Left archived by a run that was stopped half-way.
        store.unarchive(&WriteCtx::new(&actor), Table::Licenses, LICENSE).await?;
    }
    println!("median of {RUNS} runs (old triggers: one), each one transaction; target: <= 1000 ms");
    println!("wall ms (CPU ms of the process: on a shared machine the wall time also waits for the others)");
    println!("{:<28} {:>18} {:>18}", "", "archive", "unarchive");
    let (a, u) = library(&store).await?;
    println!("{:<28} {:>18} {:>18}", "library (through the owner)", median(a), median(u));
    // The old triggers take minutes a run: once is enough to compare.
    let old = std::env::var("OLD_TRIGGERS").map_or(true, |v| v != "0");
    let baselines: [(&str, &str, &[&str], usize); 3] = [
        ("raw, set-based restamp (33)", NO_TRIGGERS, &SET_BASED, RUNS),
        ("raw, old per-row triggers", OLD_TRIGGERS, &[], 1),
        ("raw, bare updates (floor)", NO_TRIGGERS, &[], RUNS),
    ];
    for (label, setup, then, runs) in baselines {
        if setup == OLD_TRIGGERS && !old {
            continue;
        }
        let copy = dir.path().join("copy.db");
        let _ = std::fs::remove_file(&copy);
        sqlx::query("VACUUM INTO ?").bind(copy.display().to_string()).execute(store.pool()).await?;
        let (a, u) = raw(&copy, setup, then, runs).await?;
        println!("{label:<28} {:>18} {:>18}", median(a), median(u));
        std::fs::remove_file(&copy)?;
    }
    store.close().await;
    Ok(())
}
