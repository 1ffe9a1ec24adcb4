//! SQL of attempts and their questions: the open case an attempt joins or
//! opens, the case an activated attempt closes, filtered lists, and the
//! Installation ID → Confirmation ID look-up.

mod import;
mod questions;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use utoipa::ToSchema;

use super::rows::{row, Statement};
use super::{
    cases, refused, statements, stored, stored_opt, visible, Created, NewRow, Refs, Store, StoreError, Table, WriteCtx,
};
use crate::domain::fields::Check;
use crate::domain::time::{canonical_text, now_system, system_from_millis, CallerTime, TimeBound};
use crate::domain::{
    Attempt, AttemptPatch, AttemptResult, AttemptTarget, ConfirmationId, InstallationId, NewAttempt, OperatorOutcome,
    Page, PageRequest, Question, TimeCursor, TimePageRequest, Trigger,
};
use questions::with_questions;

/// The filters of the attempts list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptFilter {
    pub machine_id: Option<i64>,
    pub license_id: Option<i64>,
    pub case_id: Option<i64>,
    pub result: Option<AttemptResult>,
    pub operator_outcome: Option<OperatorOutcome>,
    pub from: Option<TimeBound>,
    pub to: Option<TimeBound>,
}

impl AttemptFilter {
    /// The filters as given (by the API's query, or the CLI's flags): ids
    /// must be ids, dates or RFC 3339 times in order; every failing one named.
    pub fn parse(
        ids: [Option<i64>; 3],
        result: Option<AttemptResult>,
        operator_outcome: Option<OperatorOutcome>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self, crate::domain::FieldErrors> {
        use crate::domain::fields::{id_filter, Check};
        let mut c = Check::default();
        let (from, to) = crate::domain::fields::range(&mut c, from, to, TimeBound::parse);
        let [machine_id, license_id, case_id] = ids;
        let machine_id = id_filter(&mut c, "machine_id", machine_id);
        let license_id = id_filter(&mut c, "license_id", license_id);
        let case_id = id_filter(&mut c, "case_id", case_id);
        c.finish()?;
        Ok(Self { machine_id, license_id, case_id, result, operator_outcome, from, to })
    }
}

/// An earlier activation with the same Installation ID.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConfirmationMatch {
    pub attempt_id: i64,
    pub case_id: i64,
    pub machine_id: i64,
    pub license_id: i64,
    pub started_at: String,
    pub installation_id: String,
    pub confirmation_id: String,
}

row! {
    /// A stored attempt's columns as every read of attempts gives them,
    /// packed by name ([`select`]).
    #[derive(serde::Deserialize)]
    struct Row in "attempts" {
        id: i64,
        case_id: i64,
        machine_id: i64,
        license_id: i64,
        started_at: String,
        ended_at: Option<String>,
        phone_number: Option<String>,
        method: String,
        number_kind: Option<String>,
        called_from: Option<String>,
        country: Option<String>,
        ivr_product: Option<String>,
        installation_id: Option<String>,
        ivr_result: Option<String>,
        groups_reentered: String,
        operator_outcome: Option<String>,
        wait_seconds: Option<i64>,
        operator_rating: Option<i64>,
        confirmation_id: Option<String>,
        result: Option<String>,
        failure_reason: Option<String>,
        notes: Option<String>,
        warnings: String,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

fn grouped_iid(digits: String) -> String {
    digits.parse::<InstallationId>().map(|i| i.to_string()).unwrap_or(digits)
}

fn grouped_cid(digits: String) -> String {
    ConfirmationId::parse_checked(&digits).map(|c| c.id.to_string()).unwrap_or(digits)
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("a stored list: {e}")))
}

impl Row {
    fn into_attempt(self, questions: Vec<Question>) -> Result<Attempt, StoreError> {
        Ok(Attempt {
            id: self.id,
            case_id: self.case_id,
            machine_id: self.machine_id,
            license_id: self.license_id,
            started_at: canonical_text(self.started_at),
            ended_at: self.ended_at.map(canonical_text),
            phone_number: self.phone_number,
            method: stored(&self.method)?,
            number_kind: stored_opt(self.number_kind.as_deref())?,
            called_from: stored_opt(self.called_from.as_deref())?,
            country: self.country,
            ivr_product: stored_opt(self.ivr_product.as_deref())?,
            installation_id: self.installation_id.map(grouped_iid),
            ivr_result: stored_opt(self.ivr_result.as_deref())?,
            groups_reentered: json_list(&self.groups_reentered)?,
            operator_outcome: stored_opt(self.operator_outcome.as_deref())?,
            wait_seconds: self.wait_seconds,
            operator_rating: self.operator_rating.and_then(|r| u8::try_from(r).ok()),
            questions,
            confirmation_id: self.confirmation_id.map(grouped_cid),
            result: stored_opt(self.result.as_deref())?,
            failure_reason: stored_opt(self.failure_reason.as_deref())?,
            notes: self.notes,
            warnings: json_list(&self.warnings)?,
            created_at: self.created_at,
            updated_at: self.updated_at,
            archived_at: self.archived_at,
        })
    }
}

/// The filters of an attempts list, after its `WHERE` (bound values only;
/// the column names come from the fixed list here).
fn filtered(q: &mut QueryBuilder<'static, Sqlite>, include_archived: bool, f: &AttemptFilter) {
    if !include_archived {
        q.push(" AND archived_at IS NULL AND ").push(super::archive::LIVE_OWNERS);
    }
    for (column, value) in [("machine_id", f.machine_id), ("license_id", f.license_id), ("case_id", f.case_id)] {
        if let Some(v) = value {
            q.push(format_args!(" AND {column} = ")).push_bind(v);
        }
    }
    // `+` keeps SQLite from reading these two-to-four-valued columns through
    // an index (and then sorting every match, ~280,000 of a million rows for
    // `activated`): a page walks the order's own index and stops after it.
    if let Some(r) = f.result {
        q.push(" AND +result = ").push_bind(r.as_str());
    }
    if let Some(o) = f.operator_outcome {
        q.push(" AND +operator_outcome = ").push_bind(o.as_str());
    }
    for (bound, op) in [(f.from, ">="), (f.to, "<=")] {
        match bound {
            Some(TimeBound::Date(d)) => {
                q.push(format_args!(" AND local_date {op} ")).push_bind(d.to_string());
            }
            Some(TimeBound::Instant(ms)) => {
                q.push(format_args!(" AND started_utc {op} ")).push_bind(ms);
            }
            None => {}
        }
    }
}

/// `SELECT` of attempt rows, for the caller to add its `WHERE` to; read
/// them with [`rows`]. A row's `archived_at` is its own, or else its
/// license's or machine's (as every read answers; [`select_stored`] reads
/// its own, for export).
///
/// Each row comes packed by SQLite into one JSON object of its columns by
/// name: sqlx copies every value of every row it hands over (an allocation
/// or two each), and for a page of 50 attempts of 25 columns those copies
/// were the top of the list read's profile. One text a row is one copy.
fn select() -> QueryBuilder<'static, Sqlite> {
    QueryBuilder::new(SELECT.as_str())
}

/// The text of [`select`].
static SELECT: Statement = Statement::new(|| {
    format!("SELECT {} FROM attempts", Row::COLUMNS.object_with(&[("archived_at", super::archive::OWN_OR_OWNERS)]))
});

/// [`select`] of one attempt, on the writer's rusqlite connection ([`fetch_on`]).
static FETCH: Statement = Statement::new(|| format!("{} WHERE id = ?", SELECT.as_str()));

/// [`select`] of the rows as stored, each with its own `archived_at` (an
/// export's, so that an import stores the same).
fn select_stored() -> QueryBuilder<'static, Sqlite> {
    static SELECT: Statement = Statement::new(|| format!("SELECT {} FROM attempts", Row::COLUMNS.object()));
    QueryBuilder::new(SELECT.as_str())
}

/// The rows of a [`select`] query.
async fn rows(q: &mut QueryBuilder<'static, Sqlite>, conn: &mut SqliteConnection) -> Result<Vec<Row>, StoreError> {
    let packed: Vec<(String,)> = q.build_query_as().fetch_all(conn).await?;
    packed.iter().map(|(text,)| unpack(text)).collect()
}

/// One row packed as [`select`] packs it.
fn unpack(text: &str) -> Result<Row, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("an attempt row: {e}")))
}

pub(super) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Option<Attempt>, StoreError> {
    let mut q = select();
    q.push(" WHERE id = ").push_bind(id);
    let rows = rows(&mut q, &mut *conn).await?;
    Ok(with_questions(conn, rows).await?.pop())
}

/// [`fetch`] on the writer's rusqlite connection.
pub(super) fn fetch_on(conn: &Connection, id: i64) -> Result<Option<Attempt>, StoreError> {
    let packed: Option<String> = conn.prepare_cached(&FETCH)?.query_row([id], |r| r.get(0)).optional()?;
    let Some(row) = packed.as_deref().map(unpack).transpose()? else { return Ok(None) };
    let questions = questions::of_attempt_on(conn, id)?;
    row.into_attempt(questions).map(Some)
}

/// The attempts of a machine, archived ones too if asked (for the timeline).
pub(super) async fn of_machine(
    conn: &mut SqliteConnection,
    machine_id: i64,
    include_archived: bool,
    after: &super::chunk::After,
) -> Result<Vec<Attempt>, StoreError> {
    // Rank 2 among the timeline's kinds; its time is its start, whose UTC
    // milliseconds are indexed with the machine.
    let mut q = select();
    q.push(" WHERE machine_id = ").push_bind(machine_id);
    if !include_archived {
        q.push(" AND archived_at IS NULL AND ").push(super::archive::LIVE_OWNERS);
    }
    q.push(" AND started_utc >= ").push_bind(after.at_millis);
    q.push(" AND (started_utc > ").push_bind(after.at_millis);
    q.push(" OR 2 > ").push_bind(after.rank);
    q.push(" OR (2 = ").push_bind(after.rank).push(" AND id > ").push_bind(after.id).push("))");
    q.push(" ORDER BY started_utc, id LIMIT ").push_bind(after.limit);
    let rows = rows(&mut q, &mut *conn).await?;
    with_questions(conn, rows).await
}

/// The case of an attempt, archived or not (on the writer's rusqlite connection).
pub(super) fn case_of_on(conn: &Connection, id: i64) -> Result<i64, StoreError> {
    conn.prepare_cached(CASE_OF)?
        .query_row([id], |r| r.get("case_id"))
        .optional()?
        .ok_or(StoreError::NotFound { entity: "attempt", id })
}

/// What [`CASE_STATE`] reads of a case and its live attempts.
struct CaseState {
    /// The end (or start) of the earliest activating call, as it gave it.
    activated_at: Option<String>,
    /// The start of the first call, as it gave it, and its instant.
    first_start: Option<String>,
    first_start_utc: Option<i64>,
    opened_utc: Option<i64>,
    status: String,
    closed_at: Option<String>,
}

/// What [`sync_case_on`] changes of a case's status.
enum CaseChange<'a> {
    /// Activated (again), closed at this time.
    Activated(&'a str),
    /// Open again: no call activates it any more.
    Reopened,
    None,
}

impl CaseState {
    /// The start of its first call when that came before the case was
    /// opened (a case is open from its first call on). The read's
    /// milliseconds only rule the update out with a millisecond to spare;
    /// the update compares the instants exactly.
    fn opened_earlier(&self) -> Option<&str> {
        let first = self.first_start_utc?;
        self.opened_utc.is_none_or(|opened| first <= opened + 1).then_some(self.first_start.as_deref()).flatten()
    }

    /// Activated when a live call activated it (closed at the earliest
    /// such call's end, or start, with its offset), open again when no call
    /// does any more. Abandoned cases stay so.
    fn change(&self) -> CaseChange<'_> {
        match self.activated_at.as_deref() {
            Some(closed) if self.status != "activated" || self.closed_at.as_deref() != Some(closed) => {
                CaseChange::Activated(closed)
            }
            Some(_) => CaseChange::None,
            None if self.status == "activated" => CaseChange::Reopened,
            None => CaseChange::None,
        }
    }
}

row! {
    /// An attempt's row as written, by column name: what a parsed attempt
    /// is stored as (time decided once here: its text, UTC milliseconds and
    /// local date, hour and weekday). One list for a recorded call, an
    /// update and an import's chunks.
    #[derive(serde::Serialize)]
    struct Written in "attempts" {
        id: Option<i64>,
        case_id: i64,
        machine_id: i64,
        license_id: i64,
        started_at: String,
        started_utc: i64,
        utc_offset: i32,
        local_date: String,
        local_hour: u32,
        local_weekday: u32,
        ended_at: Option<String>,
        ended_utc: Option<i64>,
        phone_number: Option<String>,
        method: &'static str,
        number_kind: Option<&'static str>,
        called_from: Option<&'static str>,
        country: Option<String>,
        ivr_product: Option<&'static str>,
        installation_id: Option<String>,
        ivr_result: Option<&'static str>,
        groups_reentered: String,
        operator_outcome: Option<&'static str>,
        wait_seconds: Option<i64>,
        operator_rating: Option<i64>,
        confirmation_id: Option<String>,
        result: Option<&'static str>,
        failure_reason: Option<&'static str>,
        notes: Option<String>,
        warnings: String,
        created_at: String,
        updated_at: String,
        archived_at: Option<String>,
    }
}

impl Written {
    fn of(a: &NewAttempt, row: &NewRow, (case_id, machine_id, license_id): (i64, i64, i64)) -> Self {
        let s = &a.started_at;
        Self {
            id: row.id,
            case_id,
            machine_id,
            license_id,
            started_at: s.text().to_string(),
            started_utc: s.utc_millis(),
            utc_offset: s.offset_seconds(),
            local_date: s.local_date().to_string(),
            local_hour: s.local_hour(),
            local_weekday: s.local_weekday(),
            ended_at: a.ended_at.as_ref().map(|e| e.text().to_string()),
            ended_utc: a.ended_at.as_ref().map(|e| e.utc_millis()),
            phone_number: a.phone_number.clone(),
            method: a.method.as_str(),
            number_kind: a.number_kind.map(|v| v.as_str()),
            called_from: a.called_from.map(|v| v.as_str()),
            country: a.country.clone(),
            ivr_product: a.ivr_product.map(|v| v.as_str()),
            installation_id: a.installation_id.as_ref().map(|i| i.digits().to_string()),
            ivr_result: a.ivr_result.map(|v| v.as_str()),
            groups_reentered: serde_json::to_string(&a.groups_reentered).unwrap_or_else(|_| "[]".into()),
            operator_outcome: a.operator_outcome.map(|v| v.as_str()),
            wait_seconds: a.wait_seconds,
            operator_rating: a.operator_rating.map(i64::from),
            confirmation_id: a.confirmation_id.as_ref().map(|c| c.digits().to_string()),
            result: a.result.map(|v| v.as_str()),
            failure_reason: a.failure_reason.map(|v| v.as_str()),
            notes: a.notes.clone(),
            warnings: serde_json::to_string(&a.warnings).unwrap_or_else(|_| "[]".into()),
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
            archived_at: row.archived_at.clone(),
        }
    }
}

/// What an update of an attempt never changes.
const KEPT_BY_UPDATE: &[&str] = &["id", "case_id", "machine_id", "license_id", "created_at", "archived_at"];

/// Rows as one JSON array of objects, as the inserts read them.
fn json_rows<T: serde::Serialize>(rows: &[T]) -> Result<String, StoreError> {
    serde_json::to_string(rows).map_err(|e| StoreError::Corrupt(format!("a row could not be written as JSON: {e}")))
}

/// The one insert of attempts: rows given as one JSON array of [`Written`]
/// rows (an id of null is given one), of a call recorded and of an
/// import's hundreds alike; it gives back the rows stored, packed as
/// [`select`] packs them.
static INSERT: Statement =
    Statement::new(|| format!("{} RETURNING {}", Written::COLUMNS.insert(), Row::COLUMNS.object()));

/// The case a call names, as the call needs it: its pair and whether it is live.
/// (A case of an archived machine or license is archived through it: store::archive.)
pub(super) const CASE_OF_CALL: &str = "SELECT machine_id, license_id,
       archived_at IS NULL AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
FROM cases WHERE id = ?";

/// What a call about a pair needs to know, in one read (see [`resolve_case`]).
/// (`?3` is the call's start in UTC milliseconds: cases close at many offsets.)
const PAIR_OF_CALL: &str = "SELECT machine_live, license_live, open_case,
       CASE WHEN open_case IS NULL THEN
           (SELECT id FROM cases WHERE machine_id = ?1 AND license_id = ?2 AND archived_at IS NULL
                AND status <> 'open' AND closed_utc >= ?3 ORDER BY closed_utc, id LIMIT 1)
       END,
       CASE WHEN open_case IS NULL THEN
           (SELECT id FROM hardware_changes WHERE machine_id = ?1 AND archived_at IS NULL
                ORDER BY changed_on DESC, id DESC LIMIT 1)
       END
FROM (SELECT (SELECT archived_at IS NULL FROM machines WHERE id = ?1) AS machine_live,
             (SELECT archived_at IS NULL FROM licenses WHERE id = ?2) AS license_live,
             (SELECT id FROM cases WHERE machine_id = ?1 AND license_id = ?2 AND status = 'open'
                  AND archived_at IS NULL) AS open_case)";

/// What [`sync_case_on`] reads of a case and its attempts ([`CaseState`]).
/// `+result`: without statistics (a journal is never analysed) SQLite
/// would read every activated attempt through attempts_activations to
/// find this case's; the case's own index reads its few calls.
const CASE_STATE: &str = "SELECT
       (SELECT coalesce(ended_at, started_at) FROM attempts
            WHERE case_id = c.id AND +result = 'activated' AND archived_at IS NULL
            ORDER BY coalesce(ended_utc, started_utc), id LIMIT 1) AS activated_at,
       f.started_at AS first_start, f.started_utc AS first_start_utc,
       c.opened_utc, c.status, c.closed_at
FROM cases c
LEFT JOIN (SELECT started_at, started_utc FROM attempts WHERE case_id = ?1 AND archived_at IS NULL
           ORDER BY started_utc, id LIMIT 1) f
WHERE c.id = ?1";
const CASE_OPENED_EARLIER: &str =
    "UPDATE cases SET opened_at = ?1 WHERE id = ?2 AND julianday(opened_at) > julianday(?1)";
const CASE_ACTIVATED: &str = "UPDATE cases SET status = 'activated', closed_at = ?1, updated_at = ?2
     WHERE id = ?3 AND (status <> 'activated' OR closed_at IS NOT ?1)";
const CASE_REOPENED: &str = "UPDATE cases SET status = 'open', closed_at = NULL, updated_at = ?
     WHERE id = ? AND status = 'activated'
       AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.machine_id = cases.machine_id
                       AND o.license_id = cases.license_id AND o.status = 'open'
                       AND o.archived_at IS NULL AND o.id <> cases.id)";

/// The one update of an attempt: every column but [`KEPT_BY_UPDATE`], from one [`Written`] row.
static UPDATE: Statement = Statement::new(|| Written::COLUMNS.update(KEPT_BY_UPDATE));

/// What [`case_of_on`] reads.
const CASE_OF: &str = "SELECT case_id FROM attempts WHERE id = ?";

/// The statements of attempts the writer's writes run on its rusqlite connection.
pub(super) fn statements() -> Vec<String> {
    let mut out = vec![INSERT.to_string(), questions::INSERT.to_string(), FETCH.to_string(), UPDATE.to_string()];
    out.extend(questions::statements());
    out.extend(
        [CASE_OF, CASE_OF_CALL, PAIR_OF_CALL, CASE_STATE, CASE_OPENED_EARLIER, CASE_ACTIVATED, CASE_REOPENED]
            .map(String::from),
    );
    out
}

/// Insert an attempt into its case (`(case_id, machine_id, license_id)`,
/// checked). Returns the stored row, read back by the insert itself (its
/// `RETURNING` packs [`Row`] as [`select`] does; the store's tests hold a
/// create's answer equal to the attempt read again); its questions are the
/// caller's to write.
fn insert_on(conn: &Connection, row: &NewRow, pair: (i64, i64, i64), a: &NewAttempt) -> Result<Row, StoreError> {
    let rows = json_rows(&[Written::of(a, row, pair)])?;
    let packed = conn.prepare_cached(&INSERT)?.query_map([rows], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    match packed.as_slice() {
        [packed] => unpack(packed),
        _ => Err(StoreError::Corrupt("an insert of one attempt did not give back one row".into())),
    }
}

/// The case an attempt goes to: the one named, or the open case of its
/// pair, or a new one. Returns `(case_id, machine_id, license_id)`.
fn resolve_case(conn: &Connection, a: &NewAttempt) -> Result<(i64, i64, i64), StoreError> {
    match a.target {
        AttemptTarget::Case(case_id) => {
            let found: Option<(i64, i64, bool)> = conn
                .prepare_cached(CASE_OF_CALL)?
                .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            match found {
                Some((machine_id, license_id, true)) => Ok((case_id, machine_id, license_id)),
                found => Err(super::refs::bad_reference(Table::Cases, "case_id", case_id, found.is_some())),
            }
        }
        AttemptTarget::Pair { machine_id, license_id, trigger } => {
            // One read answers what the pair's call needs: whether both are
            // there and live, its open case and, only when it has none, a
            // case closed after the call began (recorded after the fact:
            // the call belongs to it) and the machine's latest hardware
            // change. (CASE is evaluated lazily: a call joining its open
            // case reads neither.)
            let started = a.started_at.utc_millis();
            type Pair = (Option<bool>, Option<bool>, Option<i64>, Option<i64>, Option<i64>);
            let (machine_live, license_live, open_case, earlier_case, latest_change): Pair =
                conn.prepare_cached(PAIR_OF_CALL)?.query_row(params![machine_id, license_id, started], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?;
            let mut c = Check::default();
            for (table, field, id, live) in [
                (Table::Machines, "machine_id", machine_id, machine_live),
                (Table::Licenses, "license_id", license_id, license_live),
            ] {
                if let Some(message) = refused(Refs::Live, table, id, live) {
                    c.push(field, message);
                }
            }
            c.finish().map_err(StoreError::Invalid)?;
            if let Some(case_id) = open_case.or(earlier_case) {
                return Ok((case_id, machine_id, license_id));
            }
            let mut new = cases::for_attempt(machine_id, license_id, trigger, a.started_at.text().to_string());
            if trigger == Trigger::HardwareChange {
                // Tie the case to the machine's latest hardware change.
                new.hardware_change_id = latest_change;
            }
            let case_id = cases::insert_on(conn, &NewRow::now(), &new, None)?;
            Ok((case_id, machine_id, license_id))
        }
    }
}

/// Bring a case's status in line with its attempts: activated when a live
/// attempt activated it (closed at the earliest such attempt's end, or
/// start), open again when no attempt does any more. Abandoned cases stay so.
///
/// One read decides which of the two updates can change anything; most
/// writes (a call that did not activate, made after the case was opened)
/// need neither.
pub(super) fn sync_case_on(conn: &Connection, case_id: i64) -> Result<(), StoreError> {
    let state = conn
        .prepare_cached(CASE_STATE)?
        .query_row([case_id], |r| {
            Ok(CaseState {
                activated_at: r.get("activated_at")?,
                first_start: r.get("first_start")?,
                first_start_utc: r.get("first_start_utc")?,
                opened_utc: r.get("opened_utc")?,
                status: r.get("status")?,
                closed_at: r.get("closed_at")?,
            })
        })
        .optional()?;
    let Some(s) = state else { return Ok(()) };
    let now = now_system();
    if let Some(opened_at) = s.opened_earlier() {
        conn.prepare_cached(CASE_OPENED_EARLIER)?.execute(params![opened_at, case_id])?;
    }
    match s.change() {
        CaseChange::Activated(closed) => {
            conn.prepare_cached(CASE_ACTIVATED)?.execute(params![closed, now, case_id])?;
        }
        CaseChange::Reopened => {
            conn.prepare_cached(CASE_REOPENED)?.execute(params![now, case_id])?;
        }
        CaseChange::None => {}
    }
    Ok(())
}

impl Store {
    /// Record an attempt. Without `case_id` it joins the open case of its
    /// machine and license, or opens one; an activated attempt closes its case.
    /// A time typed without an offset takes the household's ([`Store::zone`]).
    pub async fn create_attempt(&self, ctx: &WriteCtx<'_>, a: &NewAttempt) -> Result<Created<Attempt>, StoreError> {
        let a = &a.clone().in_zone(&self.zone()).map_err(StoreError::Invalid)?;
        on_thread!(self, ctx, [a], |conn, this| {
            if let Some(r) = statements::replay(conn, ctx)? {
                return Ok(r);
            }
            let pair = resolve_case(conn, a)?;
            let row = insert_on(conn, &NewRow::now(), pair, a)?;
            let id = row.id;
            let questions = this.insert_questions_on(conn, id, a.questions.as_deref().unwrap_or_default())?;
            sync_case_on(conn, pair.0)?;
            statements::finish_create(conn, ctx, Table::Attempts, id, row.into_attempt(questions)?)
        })
    }

    /// One attempt, with its questions.
    pub async fn attempt(&self, id: i64, include_archived: bool) -> Result<Attempt, StoreError> {
        let mut conn = self.pool.acquire().await?;
        visible(fetch(&mut conn, id).await?, include_archived, Table::Attempts, id)
    }

    /// Attempts by id, filtered; questions come in one more query, not one per attempt.
    pub async fn attempts(&self, page: &PageRequest, f: &AttemptFilter) -> Result<Page<Attempt>, StoreError> {
        let mut q = select();
        q.push(" WHERE id > ").push_bind(page.after.0);
        filtered(&mut q, page.include_archived, f);
        q.push(" ORDER BY id LIMIT ").push_bind(page.limit + 1);
        let mut conn = self.pool.acquire().await?;
        let rows = rows(&mut q, &mut conn).await?;
        let items = with_questions(&mut conn, rows).await?;
        Ok(Page::from_rows(items, page.limit, |a| a.id))
    }

    /// Attempts newest first (by start, then id), filtered, paged by a
    /// cursor on (start, id): the journal as people read it.
    pub async fn attempts_newest_first(
        &self,
        page: &TimePageRequest,
        f: &AttemptFilter,
    ) -> Result<Page<Attempt>, StoreError> {
        let mut q = select();
        match &page.after {
            Some(c) => {
                let ms = CallerTime::parse(&c.at).map(|t| t.utc_millis()).map_err(super::corrupt)?;
                q.push(" WHERE (started_utc < ").push_bind(ms);
                q.push(" OR (started_utc = ").push_bind(ms).push(" AND id < ").push_bind(c.id).push("))");
            }
            None => {
                q.push(" WHERE 1 = 1");
            }
        }
        filtered(&mut q, page.include_archived, f);
        q.push(" ORDER BY started_utc DESC, id DESC LIMIT ").push_bind(page.limit + 1);
        let mut conn = self.pool.acquire().await?;
        let rows = rows(&mut q, &mut conn).await?;
        let mut items = with_questions(&mut conn, rows).await?;
        let more = items.len() as i64 > page.limit;
        items.truncate(usize::try_from(page.limit).unwrap_or(0));
        let next_cursor = match items.last().filter(|_| more) {
            Some(a) => {
                let ms = CallerTime::parse_stored(&a.started_at).map(|t| t.utc_millis()).map_err(super::corrupt)?;
                Some(TimeCursor { at: system_from_millis(ms), rank: 0, id: a.id }.encode())
            }
            None => None,
        };
        Ok(Page { items, next_cursor })
    }

    /// Change the fields a patch names; `questions` replaces all questions.
    pub async fn update_attempt(
        &self,
        ctx: &WriteCtx<'_>,
        id: i64,
        patch: &AttemptPatch,
    ) -> Result<Attempt, StoreError> {
        on_thread!(self, ctx, [patch], |conn, this| {
            let current = visible(fetch_on(conn, id)?, false, Table::Attempts, id)?;
            ctx.check_version(&current)?;
            let stored = NewAttempt::try_from(&current).map_err(StoreError::Corrupt)?;
            let pair = (current.case_id, current.machine_id, current.license_id);
            let a = stored.patched(pair, patch).and_then(|a| a.in_zone(&this.zone())).map_err(StoreError::Invalid)?;
            let row = NewRow {
                id: Some(id),
                created_at: current.created_at.clone(),
                updated_at: now_system(),
                archived_at: None,
            };
            let written = serde_json::to_string(&Written::of(&a, &row, pair))
                .map_err(|e| StoreError::Corrupt(format!("an attempt could not be written as JSON: {e}")))?;
            conn.prepare_cached(&UPDATE)?.execute(params![written, id])?;
            if let Some(qs) = &a.questions {
                this.write_questions_on(conn, id, qs)?;
            }
            sync_case_on(conn, current.case_id)?;
            statements::finish_update(fetch_on(conn, id)?, conn, ctx, Table::Attempts, id, &patch.fields())
        })
    }

    /// Archive an attempt; its case is reopened if it was the one that activated it.
    pub async fn archive_attempt(&self, ctx: &WriteCtx<'_>, id: i64) -> Result<(), StoreError> {
        self.archive(ctx, Table::Attempts, id).await
    }

    /// Earlier activated attempts with this Installation ID and the
    /// Confirmation ID that activated them, newest first.
    pub async fn confirmation_ids(&self, iid: &InstallationId) -> Result<Vec<ConfirmationMatch>, StoreError> {
        let digits = iid.digits();
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", case_id, machine_id, license_id, started_at, installation_id AS "installation_id!",
                      confirmation_id AS "confirmation_id!"
               FROM attempts
               WHERE installation_id = ? AND result = 'activated' AND confirmation_id IS NOT NULL
                 AND archived_at IS NULL AND license_id NOT IN archived_licenses AND machine_id NOT IN archived_machines
               ORDER BY started_utc DESC, id DESC"#,
            digits
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ConfirmationMatch {
                attempt_id: r.id,
                case_id: r.case_id,
                machine_id: r.machine_id,
                license_id: r.license_id,
                started_at: canonical_text(r.started_at),
                installation_id: grouped_iid(r.installation_id),
                confirmation_id: grouped_cid(r.confirmation_id),
            })
            .collect())
    }
}
