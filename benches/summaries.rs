//! Summaries at scale: a synthetic journal of `ATTEMPTS` attempts (default
//! 1,000,000, with questions) in a temp file; for each summary, the median
//! time of the library call over several runs, the median time of its main
//! aggregate SQL run raw on the same file, and the ratio. Prints figures;
//! asserts nothing about time (machines are shared and noisy).
//!
//!     cargo bench --bench summaries            # ATTEMPTS=200000 for a quick look

#[path = "support/synthetic.rs"]
mod synthetic;

use std::time::{Duration, Instant};

use activation_journal::domain::PageRequest;
use activation_journal::store::Store;
use activation_journal::summary::{SummaryFilter, SummaryName};

const RUNS: usize = 7;

/// Every statement each summary runs, as the store runs it, with no filter
/// bound (`?1`…`?4` are from, to, machine, license). The raw time is their
/// sum, run one after the other on the same pool, rows fetched but not
/// decoded.
const RAW: &[(SummaryName, &[&str])] = &[
    (
        SummaryName::Overview,
        &[
            "SELECT result, ivr_result, operator_outcome, count(*) FROM attempts
        WHERE archived_at IS NULL AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
        GROUP BY result, ivr_result, operator_outcome",
            "SELECT count(*) FROM machines WHERE archived_at IS NULL AND (?3 IS NULL OR id = ?3)",
            "SELECT count(*) FROM licenses WHERE archived_at IS NULL AND (?4 IS NULL OR id = ?4)",
            "SELECT status, count(*) FROM cases
        WHERE archived_at IS NULL AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
        GROUP BY status",
        ],
    ),
    (SummaryName::Retries, &[RETRIES_KEPT]),
    (
        SummaryName::WaitTimes,
        &["SELECT local_hour, local_weekday, group_concat(wait_seconds || ' ' || n, ',')
        FROM (SELECT local_hour, local_weekday, wait_seconds, count(*) AS n FROM attempts
              WHERE archived_at IS NULL AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
              AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
              AND operator_outcome = 'reached' AND wait_seconds IS NOT NULL
              GROUP BY local_hour, local_weekday, wait_seconds)
        GROUP BY local_hour, local_weekday"],
    ),
    (
        SummaryName::Hours,
        &["SELECT local_hour, operator_outcome, result, count(*) FROM attempts INDEXED BY attempts_hours
        WHERE archived_at IS NULL AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
        AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
        GROUP BY local_hour, operator_outcome, result"],
    ),
    (
        SummaryName::Questions,
        &[
            "SELECT topic, license_id, count(*) FROM attempt_questions INDEXED BY attempt_questions_summary
        WHERE attempt_archived = 0 AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
        AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4) GROUP BY topic, license_id",
            "SELECT id, channel FROM licenses",
        ],
    ),
    (
        SummaryName::Licenses,
        &["SELECT l.id, coalesce(x.n, 0), x.machines,
        (SELECT a.started_at FROM attempts a WHERE a.license_id = l.id AND a.result = 'activated'
         AND a.archived_at IS NULL AND a.started_utc = x.last_utc ORDER BY a.id DESC LIMIT 1)
        FROM licenses l LEFT JOIN (SELECT license_id, count(*) AS n, group_concat(DISTINCT machine_id) AS machines,
          max(started_utc) AS last_utc FROM attempts WHERE result = 'activated' AND archived_at IS NULL
          AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2) AND (?3 IS NULL OR machine_id = ?3)
          GROUP BY license_id) x ON x.license_id = l.id
        WHERE l.archived_at IS NULL AND (?4 IS NULL OR l.id = ?4) ORDER BY l.id"],
    ),
    (
        SummaryName::Open,
        &[
            "SELECT c.id, count(a.id), max(a.started_utc), a.started_at, a.failure_reason, a.utc_offset
        FROM cases c INDEXED BY cases_one_open_per_pair
        LEFT JOIN attempts a ON a.case_id = c.id AND a.archived_at IS NULL
        WHERE c.status = 'open' AND c.archived_at IS NULL AND (?3 IS NULL OR c.machine_id = ?3)
        AND (?4 IS NULL OR c.license_id = ?4)
        GROUP BY c.id ORDER BY c.id",
            "SELECT DISTINCT local_hour FROM attempts INDEXED BY attempts_summary
        WHERE archived_at IS NULL AND operator_outcome = 'reached'
        AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
        AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4) ORDER BY 1",
            "SELECT id, machine_id, case_id, text, due_on, done, created_at, updated_at, archived_at
        FROM follow_ups WHERE done = 0 AND archived_at IS NULL AND (?3 IS NULL OR machine_id = ?3)
        ORDER BY due_on IS NULL, due_on, id",
        ],
    ),
];

/// `overview` with a date range (`?1`, `?2`): the attempts and cases in it
/// found by local date.
const DATED_OVERVIEW: &[&str] = &[
    "SELECT result, ivr_result, operator_outcome, count(*) FROM attempts INDEXED BY attempts_local
    WHERE local_date >= coalesce(?1, '') AND local_date <= coalesce(?2, '9999-12-31')
    AND archived_at IS NULL AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
    GROUP BY result, ivr_result, operator_outcome",
    "SELECT count(*) FROM machines WHERE archived_at IS NULL AND (?3 IS NULL OR id = ?3)",
    "SELECT count(*) FROM licenses WHERE archived_at IS NULL AND (?4 IS NULL OR id = ?4)",
    "SELECT status, count(*) FROM cases
    WHERE id IN (SELECT case_id FROM attempts INDEXED BY attempts_local
                 WHERE local_date >= coalesce(?1, '') AND local_date <= coalesce(?2, '9999-12-31')
                   AND archived_at IS NULL)
    AND archived_at IS NULL AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
    GROUP BY status",
];

/// `retries`: the kept lines (with a date range, of cases wholly inside it).
const RETRIES_KEPT: &str = "WITH RECURSIVE chunks (lo) AS (
            SELECT min(case_id) FROM case_facts
            UNION ALL
            SELECT (SELECT case_id FROM case_facts WHERE case_id >= lo + 4096 ORDER BY case_id LIMIT 1)
            FROM chunks WHERE lo IS NOT NULL)
        SELECT (SELECT group_concat(line, char(10)) FROM case_facts
                WHERE case_id >= lo AND case_id < lo + 4096 AND attempts > 1
                AND (?1 IS NULL OR min_date >= ?1) AND (?2 IS NULL OR max_date <= ?2)
                AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4))
        FROM chunks WHERE lo IS NOT NULL";

/// `retries` with a date range (`?1`, `?2`): besides the kept lines, the
/// cases that straddle either end, grouped.
const STRADDLING_RETRIES: &str = "SELECT group_concat(line, char(10)) FROM (
    SELECT s.case_id || '|' || s.machine_id || '|' || s.license_id || '|' || s.attempts || '|'
        || f.started_at || '|' || coalesce(f.failure_reason, '') || '|' || f.local_date || '|' || s.last_date || '|'
        || coalesce(v.started_at, '') || '|' || coalesce(v.local_date, '') AS line
    FROM (SELECT a.case_id, min(a.machine_id) AS machine_id, min(a.license_id) AS license_id, count(*) AS attempts,
                 max(a.local_date) AS last_date
          FROM (SELECT case_id FROM case_facts WHERE attempts > 1 AND max_date >= ?1 AND min_date < ?1
                UNION
                SELECT case_id FROM case_facts WHERE attempts > 1 AND min_date <= ?2 AND max_date > ?2) x
          CROSS JOIN attempts a ON a.case_id = x.case_id
          WHERE a.archived_at IS NULL AND (?1 IS NULL OR a.local_date >= ?1) AND (?2 IS NULL OR a.local_date <= ?2)
            AND (?3 IS NULL OR a.machine_id = ?3) AND (?4 IS NULL OR a.license_id = ?4)
          GROUP BY a.case_id HAVING count(*) > 1) s
    JOIN attempts f ON f.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
        AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2) ORDER BY started_utc, id LIMIT 1)
    LEFT JOIN attempts v ON v.id = (SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
        AND result = 'activated' AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
        ORDER BY started_utc, id LIMIT 1))";

/// Time the library call and the raw statements `RUNS` times each and print
/// the medians, their ratio and whether the targets are met.
async fn measure(
    store: &Store,
    label: &str,
    name: SummaryName,
    filter: &SummaryFilter,
    statements: &[&str],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut lib = Vec::new();
    let mut raw = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let s = store.summary(name, filter, &PageRequest::default(), now).await?;
        lib.push(t.elapsed());
        std::hint::black_box(s);
        let t = Instant::now();
        for sql in statements {
            let rows = sqlx::query(sql)
                .bind(filter.from.map(|d| d.to_string()))
                .bind(filter.to.map(|d| d.to_string()))
                .bind(filter.machine_id)
                .bind(filter.license_id)
                .fetch_all(store.pool())
                .await?;
            std::hint::black_box(rows.len());
        }
        raw.push(t.elapsed());
    }
    let (l, r) = (median(lib), median(raw));
    let ratio = ms(l) / ms(r).max(0.001);
    let met = if ms(l) <= 250.0 && ratio <= 1.5 { "met" } else { "missed" };
    println!("{:<14} {:>12.1} {:>12.1} {:>8.2} {:>8}", label, ms(l), ms(r), ratio, met);
    Ok(())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let attempts: usize = std::env::var("ATTEMPTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    // BENCH_DB keeps the generated file (and reuses it when it exists).
    let dir = tempfile::tempdir()?;
    let path = std::env::var("BENCH_DB").map(std::path::PathBuf::from).unwrap_or_else(|_| dir.path().join("bench.db"));
    let fresh = !path.exists();
    let store = Store::open(&path, &dir.path().join("bench.db.key")).await?;
    if fresh {
        let start = Instant::now();
        synthetic::fill(&store, attempts, 42).await?;
        println!("generated {attempts} attempts in {:.1} s", start.elapsed().as_secs_f64());
        let start = Instant::now();
        let docs = store.index_for_search().await?;
        println!("indexed {docs} rows for search in {:.1} s", start.elapsed().as_secs_f64());
    }
    println!("{} ({} MiB)", path.display(), std::fs::metadata(&path)?.len() / (1 << 20));
    println!();
    println!("targets: library <= 250 ms and <= 1.5 x raw SQL");
    println!("{:<14} {:>12} {:>12} {:>8} {:>8}", "summary", "library ms", "raw SQL ms", "ratio", "targets");
    let now = chrono::Utc::now();
    for (name, statements) in RAW {
        measure(&store, name.as_str(), *name, &SummaryFilter::default(), statements, now).await?;
    }
    // A date range that holds every attempt: `retries` reads the kept line
    // of each case wholly inside it, and groups no attempts.
    let dated = SummaryFilter { from: chrono::NaiveDate::from_ymd_opt(1, 1, 1), ..SummaryFilter::default() };
    measure(&store, "retries dated", SummaryName::Retries, &dated, &[RETRIES_KEPT, STRADDLING_RETRIES], now).await?;
    println!("(retries dated: from=0001-01-01, which holds every attempt)");
    // One month, as a household asks ("how did June go?"), within the targets.
    let month = SummaryFilter {
        from: chrono::NaiveDate::from_ymd_opt(2019, 6, 1),
        to: chrono::NaiveDate::from_ymd_opt(2019, 6, 30),
        ..SummaryFilter::default()
    };
    println!();
    println!("one month: from=2019-06-01 to=2019-06-30");
    for (name, statements) in RAW {
        let statements: &[&str] = match name {
            SummaryName::Retries => &[RETRIES_KEPT, STRADDLING_RETRIES],
            SummaryName::Overview => DATED_OVERVIEW,
            _ => statements,
        };
        measure(&store, &format!("{name} month"), *name, &month, statements, now).await?;
    }
    search(&store).await?;
    store.close().await;
    Ok(())
}

/// Search, first page (50 hits), against the bare full-text statement.
async fn search(store: &Store) -> Result<(), Box<dyn std::error::Error>> {
    use activation_journal::domain::search::SearchQuery;
    println!();
    println!("search, first page of 50; target: library <= 50 ms");
    println!("(raw: the bare MATCH, or for short terms the unbounded LIKE scan a page would cost without the window)");
    println!("{:<28} {:>12} {:>12} {:>8} {:>8}", "q", "library ms", "raw ms", "hits", "target");
    for (label, q) in [
        ("common, 3+ chars", "オペレーター"),
        ("common, two words", "箱の色 青"),
        ("rare, 3+ chars", "領収書"),
        ("absent, 3+ chars", "ヤマダ電機"),
        ("common, 1 char", "青"),
        ("rare, 2 chars", "写真"),
        ("absent, 1 char", "鍵"),
    ] {
        let query = SearchQuery::parse(Some(q)).map_err(|e| e.to_string())?;
        let raw_sql = match query.match_expression() {
            Some(_) => "SELECT rowid FROM search_text WHERE search_text MATCH ? ORDER BY rowid DESC LIMIT 51",
            None => "SELECT rowid FROM search_text WHERE body LIKE ? ORDER BY rowid DESC LIMIT 51",
        };
        let bind = query.match_expression().unwrap_or_else(|| query.like_patterns().concat());
        let (mut lib, mut raw, mut hits) = (Vec::new(), Vec::new(), 0);
        for _ in 0..RUNS {
            let t = Instant::now();
            let page = store.search(&query, &PageRequest::default()).await?;
            lib.push(t.elapsed());
            hits = page.items.len();
            let t = Instant::now();
            let rows = sqlx::query(raw_sql).bind(&bind).fetch_all(store.pool()).await?;
            raw.push(t.elapsed());
            std::hint::black_box(rows.len());
        }
        let (l, r) = (median(lib), median(raw));
        let met = if ms(l) <= 50.0 { "met" } else { "missed" };
        println!("{:<28} {:>12.1} {:>12.1} {:>8} {:>8}", format!("{label} ({q})"), ms(l), ms(r), hits, met);
    }
    // Short terms alone read a window of documents a page: every page of
    // a rare one, to the end.
    let query = SearchQuery::parse(Some("写真")).map_err(|e| e.to_string())?;
    let (start, mut pages, mut hits, mut slowest) = (Instant::now(), 0, 0, Duration::ZERO);
    let mut page = PageRequest::default();
    loop {
        let t = Instant::now();
        let answer = store.search(&query, &page).await?;
        slowest = slowest.max(t.elapsed());
        pages += 1;
        hits += answer.items.len();
        match answer.next_cursor {
            Some(c) => page.after = activation_journal::domain::Cursor::decode(&c)?,
            None => break,
        }
    }
    println!(
        "every page of 写真: {pages} pages, {hits} hits, {:.1} ms in all, slowest page {:.1} ms",
        ms(start.elapsed()),
        ms(slowest)
    );
    Ok(())
}
