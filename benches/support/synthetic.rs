//! A synthetic journal for benchmarks: many attempts (with questions) over
//! a few machines, licenses and offsets, written in batches in one
//! transaction straight through the store's pool (the program never writes
//! this way, which is why this lives beside the benchmarks and not in the
//! library). The rows are what the migrations' triggers and indexes expect.

use rand::{rngs::StdRng, Rng, SeedableRng};
use sqlx::{QueryBuilder, Sqlite};

use activation_journal::domain::time::{format_system, now_system};
use activation_journal::store::Store;

type Error = Box<dyn std::error::Error>;

const OUTCOMES: [Option<&str>; 5] = [None, Some("not_needed"), Some("unavailable"), Some("reached"), Some("abandoned")];
const IVR: [Option<&str>; 4] = [None, Some("confirmed"), Some("not_confirmed"), Some("input_error")];
const TOPICS: [&str; 7] =
    ["installation_id_group", "edition", "purchase_type", "box_colour", "purchase_site", "product_key", "other"];
/// What operators ask, and what households answer (by topic index above).
const ASKED: [(&str, &[&str]); 7] = [
    ("インストール ID の第 7 グループをもう一度お願いします", &["4 4 1 8 3 5 2"]),
    ("Which edition is it?", &["Pro", "Core", "プロ"]),
    ("ダウンロード版ですか、パッケージ版ですか", &["パッケージ", "ダウンロード"]),
    ("箱の色は何色ですか", &["青", "緑", "オレンジ"]),
    ("どこで購入しましたか", &["ヨドバシカメラ", "ビックカメラ", "Amazon", "ソフマップ"]),
    ("プロダクトキーを読み上げてください", &["箱の裏のシールにあります"]),
    ("Anything else?", &["no"]),
];
/// Notes on some attempts.
const NOTES: [&str; 5] = [
    "オペレーターは親切だった",
    "待ち時間が長かった、夕方は避ける",
    "IVR rejected group 7 twice",
    "called back the next morning",
    "マザーボード交換のあとで電話",
];
const CHANNELS: [&str; 5] = ["retail_box", "retail_download", "oem", "volume_mak", "digital"];
const OFFSETS: [i32; 4] = [9 * 3600, -5 * 3600, 0, 3600];

struct Row {
    case_id: i64,
    machine_id: i64,
    license_id: i64,
    started_at: String,
    started_utc: i64,
    offset: i32,
    local_date: String,
    hour: u32,
    weekday: u32,
    outcome: Option<&'static str>,
    wait: Option<i64>,
    ivr: Option<&'static str>,
    result: Option<&'static str>,
    reason: Option<&'static str>,
    notes: Option<String>,
}

/// Fill an empty database with `attempts` synthetic attempts.
pub async fn fill(store: &Store, attempts: usize, seed: u64) -> Result<(), Error> {
    use chrono::{Datelike, FixedOffset, Offset as _, TimeZone, Timelike, Utc};
    let mut rng = StdRng::seed_from_u64(seed);
    let now = now_system();
    let mut tx = store.pool().begin_with("BEGIN IMMEDIATE").await?;
    for m in 1..=10 {
        let name = format!("PC {m}");
        sqlx::query!("INSERT INTO machines (name, created_at, updated_at) VALUES (?, ?, ?)", name, now, now)
            .execute(&mut *tx)
            .await?;
    }
    for channel in CHANNELS {
        sqlx::query!(
            "INSERT INTO licenses (product, channel, created_at, updated_at) VALUES ('Windows 8.1', ?, ?, ?)",
            channel,
            now,
            now
        )
        .execute(&mut *tx)
        .await?;
    }
    let base = Utc.with_ymd_and_hms(2014, 1, 1, 0, 0, 0).single().unwrap_or_default();
    let mut made = 0usize;
    let mut case_id = 0i64;
    let mut batch: Vec<Row> = Vec::with_capacity(1000);
    while made < attempts {
        // One case: 1–4 calls about one machine and license.
        case_id += 1;
        let (machine_id, license_id) = (rng.gen_range(1..=10), rng.gen_range(1..=5));
        let offset = FixedOffset::east_opt(OFFSETS[rng.gen_range(0..OFFSETS.len())]).unwrap_or(Utc.fix());
        let calls = rng.gen_range(1..=4).min(attempts - made);
        let mut at = base + chrono::Duration::minutes(rng.gen_range(0..60 * 24 * 365 * 10));
        let activated_on = rng.gen_bool(0.7).then(|| calls - 1);
        let opened = format_system(at);
        for call in 0..calls {
            let local = at.with_timezone(&offset);
            let outcome = OUTCOMES[rng.gen_range(0..OUTCOMES.len())];
            let (result, reason) = if Some(call) == activated_on {
                (Some("activated"), None)
            } else {
                (Some("not_activated"), Some("operator_unavailable"))
            };
            batch.push(Row {
                case_id,
                machine_id,
                license_id,
                started_at: local.to_rfc3339(),
                started_utc: at.timestamp_millis(),
                offset: offset.local_minus_utc(),
                local_date: local.date_naive().to_string(),
                hour: local.hour(),
                weekday: local.weekday().num_days_from_monday(),
                outcome,
                wait: (outcome == Some("reached")).then(|| rng.gen_range(0..1200)),
                ivr: IVR[rng.gen_range(0..IVR.len())],
                result,
                reason,
                // One in ten has notes; one in 100,000 a rare word (search benchmarks look for it).
                notes: if (made + call + 1).is_multiple_of(100_000) {
                    Some("領収書の写真を撮っておく".to_string())
                } else {
                    rng.gen_bool(0.1).then(|| NOTES[rng.gen_range(0..NOTES.len())].to_string())
                },
            });
            at += chrono::Duration::minutes(rng.gen_range(30..60 * 30));
        }
        let status = if activated_on.is_some() { "activated" } else { "abandoned" };
        let closed = format_system(at);
        sqlx::query!(
            r#"INSERT INTO cases (id, machine_id, license_id, "trigger", status, opened_at, closed_at, created_at, updated_at)
               VALUES (?, ?, ?, 'hardware_change', ?, ?, ?, ?, ?)"#,
            case_id,
            machine_id,
            license_id,
            status,
            opened,
            closed,
            now,
            now
        )
        .execute(&mut *tx)
        .await?;
        made += calls;
        if batch.len() >= 900 || made >= attempts {
            let first_id = sqlx::query_scalar!(r#"SELECT coalesce(max(id), 0) + 1 AS "id!: i64" FROM attempts"#)
                .fetch_one(&mut *tx)
                .await?;
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO attempts (case_id, machine_id, license_id, started_at, started_utc, utc_offset, local_date, \
                 local_hour, local_weekday, operator_outcome, wait_seconds, ivr_result, result, failure_reason, \
                 notes, created_at, updated_at) ",
            );
            q.push_values(&batch, |mut b, r| {
                b.push_bind(r.case_id)
                    .push_bind(r.machine_id)
                    .push_bind(r.license_id)
                    .push_bind(&r.started_at)
                    .push_bind(r.started_utc)
                    .push_bind(r.offset)
                    .push_bind(&r.local_date)
                    .push_bind(r.hour)
                    .push_bind(r.weekday)
                    .push_bind(r.outcome)
                    .push_bind(r.wait)
                    .push_bind(r.ivr)
                    .push_bind(r.result)
                    .push_bind(r.reason)
                    .push_bind(&r.notes)
                    .push_bind(&now)
                    .push_bind(&now);
            });
            q.build().execute(&mut *tx).await?;
            // Questions for the calls that reached an operator.
            let mut questions: Vec<(i64, i64, &str, &str, &str)> = Vec::new();
            for (i, r) in batch.iter().enumerate() {
                if r.outcome == Some("reached") {
                    for position in 0..rng.gen_range(1..=3) {
                        let topic = rng.gen_range(0..TOPICS.len());
                        let (question, answers) = ASKED[topic];
                        let answer = answers[rng.gen_range(0..answers.len())];
                        questions.push((first_id + i as i64, position, TOPICS[topic], question, answer));
                    }
                }
            }
            if !questions.is_empty() {
                let mut q = QueryBuilder::<Sqlite>::new(
                    "INSERT INTO attempt_questions (attempt_id, position, topic, question, answer) ",
                );
                q.push_values(&questions, |mut b, (attempt, position, topic, question, answer)| {
                    b.push_bind(*attempt)
                        .push_bind(*position)
                        .push_bind(*topic)
                        .push_bind(*question)
                        .push_bind(*answer);
                });
                q.build().execute(&mut *tx).await?;
            }
            batch.clear();
        }
    }
    // The latest unfinished case of each machine and license is still open.
    sqlx::query!(
        "UPDATE cases SET status = 'open', closed_at = NULL
         WHERE id IN (SELECT max(id) FROM cases WHERE status = 'abandoned' GROUP BY machine_id, license_id)"
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // No ANALYZE: a household's journal is never analysed, so the figures
    // are those of the plans SQLite picks without statistics.
    Ok(())
}
