//! The aggregate SQL of summaries: counting and grouping in SQLite, the
//! rest handed to the pure functions of [`crate::summary`].
//!
//! Every query filters attempts the same way: not archived, local date
//! within `from`/`to` (each attempt's own local date), and the machine and
//! license if given.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt as _;

use super::{stored, stored_opt, stored_u32, Store, StoreError};
use crate::domain::time::{canonical_text, CallerTime};
use crate::domain::PageRequest;
use crate::summary::{
    best_hours, day_number, hour_rows, license_name, next_call_at, retried_case, wait_times, CaseCounts, CaseFacts,
    Hours, LicenseRow, Licenses, Named, Names, Open, OpenCase, OpenFollowUp, OutcomeCounts, Overview, Questions,
    Retries, RetriesPage, Summary, SummaryFilter, SummaryName, TopicRow, WaitRow, WaitTimes,
};

/// The filter's values as bound parameters (`?1` … `?4`).
struct Bind {
    from: Option<String>,
    to: Option<String>,
    machine_id: Option<i64>,
    license_id: Option<i64>,
}

impl From<&SummaryFilter> for Bind {
    fn from(f: &SummaryFilter) -> Self {
        Bind {
            from: f.from.map(|d| d.to_string()),
            to: f.to.map(|d| d.to_string()),
            machine_id: f.machine_id,
            license_id: f.license_id,
        }
    }
}

/// Attempts counted by (result, menu result, operator outcome), as stored.
type OutcomeGroup = (Option<String>, Option<String>, Option<String>, i64);

/// Why `open` suggests no time to call.
const NO_GOOD_HOUR: &str = "no call has reached an operator yet, so no hour is known to be a good one";

impl Store {
    /// The summary `name`, as of `now` (which only `open` reads). `page`
    /// pages the case list of `retries`; the other summaries are one answer.
    pub async fn summary(
        &self,
        name: SummaryName,
        f: &SummaryFilter,
        page: &PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Summary, StoreError> {
        Ok(match name {
            SummaryName::Overview => Summary::Overview(self.overview(f).await?),
            SummaryName::Retries => Summary::Retries(self.retries(f, page).await?),
            SummaryName::WaitTimes => Summary::WaitTimes(self.wait_times(f).await?),
            SummaryName::Hours => Summary::Hours(self.hours(f).await?),
            SummaryName::Questions => Summary::Questions(self.questions(f).await?),
            SummaryName::Licenses => Summary::Licenses(self.license_activations(f).await?),
            SummaryName::Open => Summary::Open(self.open_work(f, now).await?),
        })
    }

    /// `overview`.
    pub async fn overview(&self, f: &SummaryFilter) -> Result<Overview, StoreError> {
        let b = Bind::from(f);
        // Counted by outcome in the order of the attempts_outcomes index (no
        // sort), then added up here: far cheaper than six sums over every row.
        // With a date range, the few attempts in it are found by their
        // local date (attempts_local) instead of scanning the outcomes index
        // of all of them: a month of a million attempts, 2.5 s -> ~0.15 s.
        let dated = b.from.is_some() || b.to.is_some();
        let groups = self.outcome_groups(&b, dated).await?;
        let mut a = OutcomeCounts::default();
        for (result, ivr, outcome, n) in groups {
            a.add(stored_opt(result.as_deref())?, stored_opt(ivr.as_deref())?, stored_opt(outcome.as_deref())?, n);
        }
        let machines = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM machines WHERE archived_at IS NULL AND (?1 IS NULL OR id = ?1)"#,
            b.machine_id
        )
        .fetch_one(&self.pool)
        .await?;
        let licenses = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM licenses WHERE archived_at IS NULL AND (?1 IS NULL OR id = ?1)"#,
            b.license_id
        )
        .fetch_one(&self.pool)
        .await?;
        let cases = self.case_counts(&b, dated).await?;
        Ok(a.overview(machines, licenses, cases))
    }

    /// The live attempts counted by result, menu result and operator
    /// outcome (by their local date when `dated`).
    async fn outcome_groups(&self, b: &Bind, dated: bool) -> Result<Vec<OutcomeGroup>, StoreError> {
        Ok(if dated {
            sqlx::query!(
                r#"SELECT result AS "result?: String", ivr_result AS "ivr?: String",
                          operator_outcome AS "outcome?: String", count(*) AS "n!: i64"
                   FROM attempts INDEXED BY attempts_local
                   WHERE local_date >= coalesce(?1, '') AND local_date <= coalesce(?2, '9999-12-31')
                     AND archived_at IS NULL AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
                     AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                   GROUP BY result, ivr_result, operator_outcome"#,
                b.from,
                b.to,
                b.machine_id,
                b.license_id
            )
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|g| (g.result, g.ivr, g.outcome, g.n))
            .collect()
        } else {
            sqlx::query!(
                r#"SELECT result AS "result?: String", ivr_result AS "ivr?: String",
                          operator_outcome AS "outcome?: String", count(*) AS "n!: i64"
                   FROM attempts
                   WHERE archived_at IS NULL AND (?1 IS NULL OR machine_id = ?1) AND (?2 IS NULL OR license_id = ?2)
                     AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                   GROUP BY result, ivr_result, operator_outcome"#,
                b.machine_id,
                b.license_id
            )
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|g| (g.result, g.ivr, g.outcome, g.n))
            .collect()
        })
    }

    /// The live cases counted by status; when `dated`, those that had an
    /// attempt in the range.
    async fn case_counts(&self, b: &Bind, dated: bool) -> Result<CaseCounts, StoreError> {
        // With a date range, the cases that had an attempt in it: found
        // from those attempts (by local date), not by asking every case.
        let statuses: Vec<(String, i64)> = if dated {
            sqlx::query!(
                r#"SELECT status AS "status!", count(*) AS "n!: i64" FROM cases
                   WHERE id IN (SELECT case_id FROM attempts INDEXED BY attempts_local
                                WHERE local_date >= coalesce(?1, '') AND local_date <= coalesce(?2, '9999-12-31')
                                  AND archived_at IS NULL)
                     AND archived_at IS NULL AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
                     AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                   GROUP BY status"#,
                b.from,
                b.to,
                b.machine_id,
                b.license_id
            )
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|s| (s.status, s.n))
            .collect()
        } else {
            sqlx::query!(
                r#"SELECT status AS "status!", count(*) AS "n!: i64" FROM cases
                   WHERE archived_at IS NULL AND (?1 IS NULL OR machine_id = ?1) AND (?2 IS NULL OR license_id = ?2)
                     AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                   GROUP BY status"#,
                b.machine_id,
                b.license_id
            )
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|s| (s.status, s.n))
            .collect()
        };
        let mut cases = CaseCounts::default();
        for (status, n) in statuses {
            match status.as_str() {
                "open" => cases.open = n,
                "activated" => cases.activated = n,
                "abandoned" => cases.abandoned = n,
                other => return Err(StoreError::Corrupt(format!("case status {other:?}"))),
            }
        }
        Ok(cases)
    }

    /// `retries`: cases with more than one attempt, one line of raw facts
    /// each, turned into the summary's rows by the one retries rule,
    /// [`retried_case`]. An archived case is left out, as are archived attempts.
    ///
    /// The lines come from `case_facts`, which the triggers of migrations
    /// 15 and 25 keep rendered for every case, with the earliest and latest
    /// local date of its calls. A date range counts only the calls within
    /// it: a case whose calls all lie inside has its kept line; only cases
    /// that straddle `from` or `to` have theirs rendered here from their
    /// calls inside the range, in the same format (the tests
    /// `two_thousand_random_attempts_agree_with_a_plain_computation` hold
    /// both equal to a plain computation).
    ///
    /// SQLite hands over texts of joined lines, not a row per case: at
    /// 300,000 retried cases sqlx's row hand-over cost more than the query.
    /// From `case_facts` they come as one text per 4,096 case ids, streamed,
    /// so SQLite joins the next text while this thread decodes the last one.
    /// Every case is counted; only the page of the case list asked for is
    /// kept ([`RetriesPage`]), so the answer is bounded.
    pub async fn retries(&self, f: &SummaryFilter, page: &PageRequest) -> Result<Retries, StoreError> {
        let b = Bind::from(f);
        let mut cases = RetriesPage::new(page.after.0, page.limit);
        // Each chunk starts at the first case id at or after the end of
        // the one before, so sparse ids cost no empty chunks. With a date
        // range, only cases whose calls all lie in it (their kept line is
        // the dated one).
        let mut chunks = sqlx::query_scalar!(
            r#"WITH RECURSIVE chunks (lo) AS (
                   SELECT min(case_id) FROM case_facts
                   UNION ALL
                   SELECT (SELECT case_id FROM case_facts WHERE case_id >= lo + 4096 ORDER BY case_id LIMIT 1)
                   FROM chunks WHERE lo IS NOT NULL)
               SELECT (SELECT group_concat(line, char(10)) FROM case_facts
                       WHERE case_id >= lo AND case_id < lo + 4096 AND attempts > 1
                         AND (?1 IS NULL OR min_date >= ?1) AND (?2 IS NULL OR max_date <= ?2)
                         AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
                         AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines) AS "lines?: String"
               FROM chunks WHERE lo IS NOT NULL"#,
            b.from,
            b.to,
            b.machine_id,
            b.license_id
        )
        .fetch(&self.pool);
        while let Some(lines) = chunks.try_next().await? {
            push_case_lines(lines.as_deref(), &mut cases)?;
        }
        drop(chunks);
        if b.from.is_some() || b.to.is_some() {
            // Cases that straddle `from` or `to` (found by the date index
            // of case_facts, `case_facts_ends`): their calls inside the range, grouped
            // (the cases drive: CROSS JOIN keeps SQLite from walking every
            // attempt in case order instead).
            let lines = sqlx::query_scalar!(
                r#"SELECT group_concat(line, char(10)) AS "lines?: String" FROM (
                   SELECT s.case_id || '|' || s.machine_id || '|' || s.license_id || '|' || s.attempts || '|'
                              || f.started_at || '|' || coalesce(f.failure_reason, '') || '|' || f.local_date || '|'
                              || s.last_date || '|' || coalesce(v.started_at, '') || '|' || coalesce(v.local_date, '')
                              AS line
                   FROM (SELECT a.case_id, min(a.machine_id) AS machine_id, min(a.license_id) AS license_id,
                                count(*) AS attempts, max(a.local_date) AS last_date
                         FROM (SELECT case_id FROM case_facts WHERE attempts > 1 AND max_date >= ?1 AND min_date < ?1
                               UNION
                               SELECT case_id FROM case_facts WHERE attempts > 1 AND min_date <= ?2 AND max_date > ?2) x
                         CROSS JOIN attempts a ON a.case_id = x.case_id
                         WHERE a.archived_at IS NULL AND (?1 IS NULL OR a.local_date >= ?1)
                           AND (?2 IS NULL OR a.local_date <= ?2)
                           AND (?3 IS NULL OR a.machine_id = ?3) AND (?4 IS NULL OR a.license_id = ?4)
                           AND a.license_id NOT IN archived_licenses AND a.machine_id NOT IN archived_machines
                         GROUP BY a.case_id HAVING count(*) > 1) s
                   JOIN attempts f ON f.id = (
                        SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL
                          AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
                        ORDER BY started_utc, id LIMIT 1)
                   LEFT JOIN attempts v ON v.id = (
                        SELECT id FROM attempts WHERE case_id = s.case_id AND archived_at IS NULL AND result = 'activated'
                          AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
                        ORDER BY started_utc, id LIMIT 1))"#,
                b.from,
                b.to,
                b.machine_id,
                b.license_id
            )
            .fetch_one(&self.pool)
            .await?;
            push_case_lines(lines.as_deref(), &mut cases)?;
        }
        self.named(cases.finish()).await
    }

    /// `wait-times`: waits of attempts that reached an operator. SQLite
    /// counts each (hour, weekday, wait) and hands back one text histogram
    /// per (hour, weekday) — `"wait n,wait n,…"` — rather than one row per
    /// wait: at a million attempts that is 168 rows instead of 127,000, and
    /// handing rows over through sqlx cost more than the scan itself.
    pub async fn wait_times(&self, f: &SummaryFilter) -> Result<WaitTimes, StoreError> {
        let b = Bind::from(f);
        let groups = sqlx::query!(
            r#"SELECT local_hour AS "hour!: i64", local_weekday AS "weekday!: i64",
                      group_concat(wait_seconds || ' ' || n, ',') AS "histogram!: String"
               FROM (SELECT local_hour, local_weekday, wait_seconds, count(*) AS n
                     FROM attempts
                     WHERE archived_at IS NULL AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
                       AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
                       AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                       AND operator_outcome = 'reached' AND wait_seconds IS NOT NULL
                     GROUP BY local_hour, local_weekday, wait_seconds)
               GROUP BY local_hour, local_weekday"#,
            b.from,
            b.to,
            b.machine_id,
            b.license_id
        )
        .fetch_all(&self.pool)
        .await?;
        let mut rows: Vec<WaitRow> = Vec::new();
        for g in groups {
            let (hour, weekday) = (stored_u32("local hour", g.hour)?, stored_u32("local weekday", g.weekday)?);
            for pair in g.histogram.split(',') {
                let parsed = pair.split_once(' ').and_then(|(w, n)| Some((w.parse().ok()?, n.parse().ok()?)));
                let (wait, n) =
                    parsed.ok_or_else(|| StoreError::Corrupt(format!("a wait histogram entry {pair:?}")))?;
                rows.push(WaitRow { hour, weekday, wait, n });
            }
        }
        Ok(wait_times(&rows))
    }

    /// `hours`: attempts and outcomes per local hour, and the best hours.
    pub async fn hours(&self, f: &SummaryFilter) -> Result<Hours, StoreError> {
        let b = Bind::from(f);
        // Counted by (hour, outcome, result) in the order of attempts_hours
        // (no sort), then added up per hour: cheaper than three sums a row.
        let groups = sqlx::query!(
            r#"SELECT local_hour AS "hour!: i64", operator_outcome AS "outcome?: String",
                      result AS "result?: String", count(*) AS "n!: i64"
               FROM attempts INDEXED BY attempts_hours
               WHERE archived_at IS NULL AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
                 AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
                 AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
               GROUP BY local_hour, operator_outcome, result"#,
            b.from,
            b.to,
            b.machine_id,
            b.license_id
        )
        .fetch_all(&self.pool)
        .await?;
        let mut counted = Vec::with_capacity(groups.len());
        for g in groups {
            counted.push((
                stored_u32("local hour", g.hour)?,
                stored_opt(g.outcome.as_deref())?,
                stored_opt(g.result.as_deref())?,
                g.n,
            ));
        }
        let hours = hour_rows(&counted);
        Ok(Hours { best_hours: best_hours(&hours), hours })
    }

    /// `questions`: what operators ask, per license channel. Each question
    /// carries a copy of its attempt's filter columns (kept by triggers, see
    /// the migration `question_filters`), so this is one scan of one index.
    pub async fn questions(&self, f: &SummaryFilter) -> Result<Questions, StoreError> {
        let b = Bind::from(f);
        let rows = sqlx::query!(
            r#"SELECT topic AS "topic!", license_id AS "license_id!: i64", count(*) AS "n!: i64"
               FROM attempt_questions INDEXED BY attempt_questions_summary
               WHERE attempt_archived = 0 AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
                 AND (?3 IS NULL OR machine_id = ?3) AND (?4 IS NULL OR license_id = ?4)
                 AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
               GROUP BY topic, license_id"#,
            b.from,
            b.to,
            b.machine_id,
            b.license_id
        )
        .fetch_all(&self.pool)
        .await?;
        self.tally_questions(rows.into_iter().map(|r| (r.topic, r.license_id, r.n))).await
    }

    /// What operators asked lately: `questions` over the newest `n`
    /// questions of attempts not archived. Orders the topics offered while
    /// a call is logged (the page and `call`): it costs the same on any
    /// journal, and follows what operators ask now.
    pub async fn questions_lately(&self, n: i64) -> Result<Questions, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT topic AS "topic!", license_id AS "license_id!: i64", count(*) AS "n!: i64"
               FROM (SELECT topic, license_id FROM attempt_questions
                     WHERE attempt_archived = 0 AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                     ORDER BY id DESC LIMIT ?)
               GROUP BY topic, license_id"#,
            n
        )
        .fetch_all(&self.pool)
        .await?;
        self.tally_questions(rows.into_iter().map(|r| (r.topic, r.license_id, r.n))).await
    }

    /// `(topic, license, count)` rows summed per topic and license channel.
    async fn tally_questions(&self, rows: impl Iterator<Item = (String, i64, i64)>) -> Result<Questions, StoreError> {
        // Every license's channel (archived ones too: their attempts still count).
        let channels: BTreeMap<i64, String> = sqlx::query!(r#"SELECT id AS "id!: i64", channel FROM licenses"#)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| (r.id, r.channel))
            .collect();
        let mut topics: BTreeMap<crate::domain::Topic, TopicRow> = BTreeMap::new();
        for (topic, license_id, n) in rows {
            let topic = stored(&topic)?;
            let row = topics.entry(topic).or_insert_with(|| TopicRow { topic, asked: 0, by_channel: BTreeMap::new() });
            row.asked += n;
            let channel =
                channels.get(&license_id).ok_or_else(|| StoreError::Corrupt(format!("license {license_id}")))?;
            *row.by_channel.entry(stored(channel)?).or_default() += n;
        }
        let mut topics: Vec<TopicRow> = topics.into_values().collect();
        topics.sort_by(|a, b| b.asked.cmp(&a.asked).then(a.topic.cmp(&b.topic)));
        Ok(Questions { topics })
    }

    /// `licenses`: activations of each license, and on which machines.
    pub async fn license_activations(&self, f: &SummaryFilter) -> Result<Licenses, StoreError> {
        let b = Bind::from(f);
        // Activated attempts grouped by license over the (result, license_id, …)
        // index, then the start text of each license's latest activation.
        let rows = sqlx::query!(
            r#"SELECT l.id AS "id!: i64", l.product AS "product!", l.edition, l.channel AS "channel!",
                      coalesce(x.n, 0) AS "activations!: i64", x.machines AS "machines?: String",
                      (SELECT a.started_at FROM attempts a
                       WHERE a.license_id = l.id AND a.result = 'activated' AND a.archived_at IS NULL
                         AND a.machine_id NOT IN archived_machines
                         AND a.started_utc = x.last_utc
                       ORDER BY a.id DESC LIMIT 1) AS "last_at?: String"
               FROM licenses l
               LEFT JOIN (
                 SELECT license_id, count(*) AS n, group_concat(DISTINCT machine_id) AS machines,
                        max(started_utc) AS last_utc
                 FROM attempts
                 WHERE result = 'activated' AND archived_at IS NULL
                   AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                   AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
                   AND (?3 IS NULL OR machine_id = ?3)
                 GROUP BY license_id
               ) x ON x.license_id = l.id
               WHERE l.archived_at IS NULL AND (?4 IS NULL OR l.id = ?4)
               ORDER BY l.id"#,
            b.from,
            b.to,
            b.machine_id,
            b.license_id
        )
        .fetch_all(&self.pool)
        .await?;
        let mut licenses = Vec::with_capacity(rows.len());
        for r in rows {
            let mut machines: Vec<i64> =
                r.machines.as_deref().unwrap_or("").split(',').filter_map(|m| m.trim().parse().ok()).collect();
            machines.sort_unstable();
            licenses.push(LicenseRow {
                license_id: r.id,
                license_name: license_name(&r.product, r.edition.as_deref()),
                product: r.product,
                channel: stored(&r.channel)?,
                activations: r.activations,
                machines,
                machine_names: Vec::new(),
                last_activated_at: r.last_at.map(canonical_text),
            });
        }
        self.named(Licenses { licenses }).await
    }

    /// The next time after `now` to call, in the household's zone (its
    /// daylight saving too): the next local hour in which calls of the
    /// household reached an operator (local dates `from`..=`to` when
    /// given; see [`next_call_at`]); `None` when none ever did. The open
    /// work summary and the calendar feed both ask this.
    pub(super) async fn suggested_call(
        &self,
        now: DateTime<Utc>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Option<DateTime<chrono_tz::Tz>>, StoreError> {
        // The hours operators answer are not a property of one PC: every
        // call of the household that reached one counts, in the range.
        let good_hours: Vec<u32> = sqlx::query_scalar!(
            r#"SELECT DISTINCT local_hour AS "hour!: i64" FROM attempts INDEXED BY attempts_summary
               WHERE archived_at IS NULL AND operator_outcome = 'reached'
                 AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
                 AND (?1 IS NULL OR local_date >= ?1) AND (?2 IS NULL OR local_date <= ?2)
               ORDER BY 1"#,
            from,
            to
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|h| stored_u32("local hour", h))
        .collect::<Result<_, _>>()?;
        Ok(next_call_at(self.zone().now_in(now), &good_hours))
    }

    /// `open`: open cases with a suggested time to call, and follow-ups not done.
    /// (The open cases are read through the partial index that holds only
    /// them; left to itself the planner scanned every case.)
    pub async fn open_work(&self, f: &SummaryFilter, now: DateTime<Utc>) -> Result<Open, StoreError> {
        let b = Bind::from(f);
        let rows = sqlx::query!(
            r#"SELECT c.id AS "id!: i64", c.machine_id AS "machine_id!: i64", c.license_id AS "license_id!: i64",
                      count(a.id) AS "attempts!: i64", max(a.started_utc) AS "last_utc?: i64",
                      a.started_at AS "last_at?: String", a.failure_reason AS "last_reason?: String"
               FROM cases c INDEXED BY cases_one_open_per_pair
               LEFT JOIN attempts a ON a.case_id = c.id AND a.archived_at IS NULL
               WHERE c.status = 'open' AND c.archived_at IS NULL
                 AND c.license_id NOT IN archived_licenses AND c.machine_id NOT IN archived_machines
                 AND (?1 IS NULL OR c.machine_id = ?1) AND (?2 IS NULL OR c.license_id = ?2)
               GROUP BY c.id ORDER BY c.id"#,
            b.machine_id,
            b.license_id
        )
        .fetch_all(&self.pool)
        .await?;
        let suggested = self
            .suggested_call(now, b.from.as_deref(), b.to.as_deref())
            .await?
            .map(|t| CallerTime::from_instant(t.fixed_offset()));
        let mut cases = Vec::with_capacity(rows.len());
        for r in rows {
            let suggested = suggested.as_ref().map(|t| t.text().to_string());
            let reason = suggested.is_none().then(|| NO_GOOD_HOUR.to_string());
            cases.push(OpenCase {
                case_id: r.id,
                machine_id: r.machine_id,
                machine_name: String::new(),
                license_id: r.license_id,
                license_name: String::new(),
                attempts: r.attempts,
                last_attempt_at: r.last_utc.and(r.last_at).map(canonical_text),
                last_failure_reason: stored_opt(r.last_reason.as_deref())?,
                suggested_call_at: suggested,
                suggested_call_reason: reason,
            });
        }
        let mut conn = self.pool.acquire().await?;
        let follow_ups = super::follow_ups::pending(&mut conn, f.machine_id).await?;
        drop(conn);
        let follow_ups =
            follow_ups.into_iter().map(|f| OpenFollowUp { follow_up: f, machine_name: String::new() }).collect();
        self.named(Open { cases, follow_ups }).await
    }

    /// A summary with the names of the machines and licenses its rows
    /// hold by id filled in beside them (read a few hundred ids at a time;
    /// archived ones too).
    async fn named<T: Named>(&self, mut summary: T) -> Result<T, StoreError> {
        let (mut machines, mut licenses) = summary.ids();
        let mut names = Names::default();
        for (table, ids, into) in
            [("machines", &mut machines, &mut names.machines), ("licenses", &mut licenses, &mut names.licenses)]
        {
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(500) {
                // The one name column of each table: a machine's name, a license's product and edition.
                let columns =
                    if table == "machines" { "id, name, NULL AS edition" } else { "id, product AS name, edition" };
                let mut q =
                    sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("SELECT {columns} FROM {table} WHERE id IN ("));
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                q.push(")");
                #[derive(sqlx::FromRow)]
                struct NameRow {
                    id: i64,
                    name: String,
                    edition: Option<String>,
                }
                let rows: Vec<NameRow> = q.build_query_as().fetch_all(&self.pool).await?;
                into.extend(rows.into_iter().map(|r| (r.id, license_name(&r.name, r.edition.as_deref()))));
            }
        }
        summary.name(&names);
        Ok(summary)
    }
}

/// The one decoder of the retries lines, as migration 15 renders them into
/// `case_facts` and [`Store::retries`] renders them for a date range, one a
/// case: `case_id|machine_id|license_id|attempts|first_attempt_at|
/// first_failure_reason|first_local_date|last_local_date|activated_at|
/// activated_local_date`, empty for null. No field holds a `|` or a newline:
/// the times are RFC 3339, the dates YYYY-MM-DD, and the rest are numbers
/// and closed-set names. Each line's facts go through [`retried_case`].
fn push_case_lines(lines: Option<&str>, cases: &mut RetriesPage) -> Result<(), StoreError> {
    for line in lines.into_iter().flat_map(|l| l.split('\n')) {
        let corrupt = || StoreError::Corrupt(format!("a retries line {line:?}"));
        // Fields one by one (a byte search beats `split` on fields this short).
        let mut rest = Some(line);
        let mut next = || {
            let r = rest.ok_or_else(corrupt)?;
            Ok::<_, StoreError>(match r.bytes().position(|b| b == b'|') {
                Some(i) => {
                    rest = Some(&r[i + 1..]);
                    &r[..i]
                }
                None => {
                    rest = None;
                    r
                }
            })
        };
        let int = |v: &str| v.parse::<i64>().map_err(|_| corrupt());
        let day = |v: &str| day_number(v).ok_or_else(corrupt);
        let (case_id, machine_id, license_id, attempts) = (int(next()?)?, int(next()?)?, int(next()?)?, int(next()?)?);
        let (first_attempt_at, reason, first, last) = (next()?, next()?, next()?, next()?);
        let (activated_at, activated) = (next()?, next()?);
        if rest.is_some() {
            return Err(corrupt());
        }
        cases.take(retried_case(CaseFacts {
            case_id,
            machine_id,
            license_id,
            attempts,
            first_attempt_at,
            first_failure_reason: stored_opt(non_empty(reason))?,
            first_day: day(first)?,
            last_day: day(last)?,
            activated_at: non_empty(activated_at),
            activated_day: non_empty(activated).map(day).transpose()?,
        }));
    }
    Ok(())
}

/// An empty field of a rendered line is a null.
fn non_empty(field: &str) -> Option<&str> {
    Some(field).filter(|f| !f.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FailureReason;

    #[test]
    fn rendered_lines_parse_with_their_nulls() {
        let mut page = RetriesPage::new(0, 10);
        let lines = "1|6|4|4|2014-01-13T05:53:00+09:00|operator_unavailable|2014-01-13|2014-01-14||\n\
                     2|5|4|3|2017-11-24T22:21:00+01:00||2017-11-24|2017-11-26|2017-11-26T04:48:00+01:00|2017-11-26";
        push_case_lines(Some(lines), &mut page).unwrap();
        push_case_lines(None, &mut page).unwrap();
        let cases = page.finish().cases;
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].first_failure_reason, Some(FailureReason::OperatorUnavailable));
        assert_eq!((cases[0].next_day, cases[0].days_to_success, cases[0].activated_at.as_deref()), (true, None, None));
        assert_eq!((cases[1].case_id, cases[1].machine_id, cases[1].license_id, cases[1].attempts), (2, 5, 4, 3));
        assert_eq!(cases[1].first_failure_reason, None);
        assert_eq!(cases[1].days_to_success, Some(2));
        assert_eq!(cases[1].activated_at.as_deref(), Some("2017-11-26T04:48:00+01:00"));
    }

    #[test]
    fn a_damaged_line_is_a_corrupt_error_not_a_panic() {
        let t = "2014-01-13T05:53:00+09:00";
        for line in [
            "".to_string(),
            "1|6|4|4".to_string(),
            format!("1|6|4|4|{t}|operator_unavailable|2014-01-13|2014-01-13|"),
            format!("1|6|4|4|{t}|operator_unavailable|2014-01-13|2014-01-13|||extra"),
            format!("x|6|4|4|{t}||2014-01-13|2014-01-13||"),
            format!("1|6|4|4|{t}|on_hold|2014-01-13|2014-01-13||"),
            format!("1|6|4|4|{t}||yesterday|2014-01-13||"),
            format!("1|6|4|4|{t}||2014-01-13||{t}|"),
            format!("1|6|4|4|{t}||2014-01-13|2014-01-13|{t}|one"),
            "99999999999999999999|6|4|4|t||2014-01-13|2014-01-13||".to_string(),
        ] {
            let err = push_case_lines(Some(&line), &mut RetriesPage::new(0, 10)).unwrap_err();
            assert!(matches!(err, StoreError::Corrupt(_)), "{line:?}: {err}");
        }
    }
}
