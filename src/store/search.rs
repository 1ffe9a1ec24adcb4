//! The search index: one FTS5 document per machine, license, case, attempt
//! and follow-up (migration 22), written in the write's own transaction.
//!
//! What a document holds is said once, in [`BODIES`]: names, owners,
//! notes, questions and answers that are not keys (a sealed answer's
//! column holds only its mask, and is left out), follow-up texts. Product
//! keys are never in it. Archived rows stay indexed (unarchiving brings
//! them back as they were) and are left out when a search reads.

use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use utoipa::ToSchema;

use super::{stored, Store, StoreError, Table};
use crate::domain::search::{normalise, SearchQuery};
use crate::domain::{Page, PageRequest, SearchEntity};

/// For each indexed table: its entity name and the text of a row's
/// document, an expression over the row `t`.
const BODIES: [(Table, &str, &str); 6] = [
    (Table::Machines, "machine", "concat_ws(char(10), t.name, t.owner, t.notes)"),
    (Table::Licenses, "license", "concat_ws(char(10), t.product, t.edition, t.purchased_from, t.box_colour, t.notes)"),
    (Table::Cases, "case", "t.notes"),
    (
        Table::Attempts,
        "attempt",
        "concat_ws(char(10), t.phone_number, t.notes, (SELECT group_concat(concat_ws(char(10), q.question,
                CASE WHEN q.answer_sealed IS NULL THEN q.answer END), char(10))
            FROM attempt_questions q WHERE q.attempt_id = t.id))",
    ),
    (Table::FollowUps, "follow_up", "t.text"),
    (Table::Attachments, "attachment", "t.caption"),
];

/// The statement that gives `(id, document text)` of a table's rows `t`,
/// the id read from `id` (`t.id`, or a joined document's), the rows read
/// from `from` (which names the table `t`); `WHERE` is appended.
/// The tables that are searched.
pub(super) const SEARCHED: [Table; BODIES.len()] = {
    let mut out = [Table::Machines; BODIES.len()];
    let mut i = 0;
    while i < BODIES.len() {
        out[i] = BODIES[i].0;
        i += 1;
    }
    out
};

fn bodies_sql(id: &str, from: &str, body: &str) -> String {
    format!("SELECT {id} AS doc, {body} AS body FROM {from}")
}

/// A document's id and its text, read by name.
#[derive(sqlx::FromRow)]
struct Doc {
    doc: i64,
    body: Option<String>,
}

/// A search hit as read, by name.
#[derive(sqlx::FromRow)]
struct Hit {
    doc: i64,
    entity: String,
    entity_id: i64,
    snippet: Option<String>,
}

/// A searched table's entity name and document text ([`BODIES`]).
pub(super) fn body_of(table: Table) -> Option<(&'static str, &'static str)> {
    BODIES.iter().find(|(t, _, _)| *t == table).map(|(_, e, body)| (*e, *body))
}

/// When [`catch_up`] looks for rows without a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    /// Only when a table's highest id has no document: cheap (two index
    /// look-ups per table), and enough when opening the journal, since
    /// rows are indexed in id order within one transaction.
    IfBehind,
    /// Always (after an import, whose ids may fall anywhere).
    Always,
}

/// The documents [`catch_up`] reads a chunk of at a time.
const CATCH_UP_CHUNK: i64 = 2_000;

/// [`catch_up`]'s statement that gives every row of `table` without a
/// document one (bound: the entity, twice), numbered in id order.
fn new_docs_sql(table: Table) -> String {
    format!(
        "INSERT INTO search_docs (entity, entity_id)
         SELECT ?, t.id FROM {} t
         WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.entity = ? AND d.entity_id = t.id) ORDER BY t.id",
        table.name()
    )
}

/// [`catch_up`]'s statement over the new documents of a chunk, after the
/// document bound: the documents drive, read in id order from the last
/// one done (CROSS JOIN and the `+` keep SQLite from walking every
/// document of the entity through the (entity, entity_id) index and
/// sorting them, once a chunk: quadratic, most of an import's time at a
/// million rows).
fn docs_after_sql(table: Table, entity: &str, body: &str) -> String {
    format!(
        "{} WHERE d.id > ? AND +d.entity = '{entity}' ORDER BY d.id LIMIT {CATCH_UP_CHUNK}",
        bodies_sql("d.id", &format!("search_docs d CROSS JOIN {} t ON t.id = d.entity_id", table.name()), body)
    )
}

/// The statements of [`catch_up_on`], for the writer's test.
pub(super) fn statements() -> Vec<String> {
    BODIES
        .iter()
        .flat_map(|(table, entity, body)| [new_docs_sql(*table), docs_after_sql(*table, entity, body)])
        .collect()
}

/// [`catch_up`] (always looking) on the writer's rusqlite connection:
/// what an import runs before it commits.
pub(super) fn catch_up_on(conn: &rusqlite::Connection) -> Result<u64, StoreError> {
    let mut written = 0;
    for (table, entity, body) in BODIES {
        let first: i64 = conn.prepare_cached(LAST_DOC)?.query_row([], |r| r.get(0))?;
        conn.prepare_cached(&new_docs_sql(table))?.execute([entity, entity])?;
        let mut read = conn.prepare_cached(&docs_after_sql(table, entity, body))?;
        let mut write = conn.prepare_cached(super::statements::SEARCH_TEXT_NEW)?;
        let mut after = first;
        loop {
            let docs = read
                .query_map([after], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let Some((last, _)) = docs.last() else { break };
            after = *last;
            for (doc, text) in &docs {
                write.execute(rusqlite::params![doc, normalise(text.as_deref().unwrap_or(""))])?;
            }
            written += docs.len() as u64;
        }
    }
    Ok(written)
}

/// The last document's id (0: none yet).
const LAST_DOC: &str = "SELECT coalesce(max(id), 0) FROM search_docs";

/// Index every row that has no document yet: rows from before migration
/// 22, and imported ones. Set-based: the documents are numbered in one
/// statement (in id order, so the oldest rows are the oldest documents),
/// then their texts are read, normalised and written a chunk at a time.
pub(super) async fn catch_up(conn: &mut SqliteConnection, look: Look) -> Result<u64, StoreError> {
    let mut written = 0;
    for (table, entity, body) in BODIES {
        if look == Look::IfBehind {
            let behind: bool = sqlx::query_scalar(&format!(
                "SELECT coalesce((SELECT max(id) FROM {}), 0)
                      > coalesce((SELECT max(entity_id) FROM search_docs WHERE entity = ?), 0)",
                table.name()
            ))
            .bind(entity)
            .fetch_one(&mut *conn)
            .await?;
            if !behind {
                continue;
            }
        }
        let first: i64 = sqlx::query_scalar(LAST_DOC).fetch_one(&mut *conn).await?;
        sqlx::query(&new_docs_sql(table)).bind(entity).bind(entity).execute(&mut *conn).await?;
        let chunk = docs_after_sql(table, entity, body);
        let mut after = first;
        loop {
            let rows: Vec<Doc> = sqlx::query_as(&chunk).bind(after).fetch_all(&mut *conn).await?;
            let Some(last) = rows.last() else { break };
            after = last.doc;
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO search_text (rowid, body) ");
            insert.push_values(&rows, |mut b, d| {
                b.push_bind(d.doc).push_bind(normalise(d.body.as_deref().unwrap_or("")));
            });
            insert.build().execute(&mut *conn).await?;
            written += rows.len() as u64;
        }
    }
    Ok(written)
}

/// Some characters either side of the first `term` in `body`, the term
/// between `[` and `]` (ASCII case folded, as LIKE compares).
fn around(body: &str, term: &str) -> String {
    const SIDE: usize = 24;
    let Some(at) = body.to_ascii_lowercase().find(&term.to_ascii_lowercase()) else { return body.to_string() };
    let end = at + term.len();
    let before: Vec<char> = body[..at].chars().collect();
    let after: Vec<char> = body[end..].chars().collect();
    let head: String = before[before.len().saturating_sub(SIDE)..].iter().collect();
    let tail: String = after[..after.len().min(SIDE)].iter().collect();
    let lead = if before.len() > SIDE { "…" } else { "" };
    let trail = if after.len() > SIDE { "…" } else { "" };
    format!("{lead}{head}[{}]{tail}{trail}", &body[at..end])
}

/// How many documents a page of a search by short terms alone reads at
/// most (about 20 ms on this project's 2-core test machine).
pub const SCAN_WINDOW: i64 = 100_000;

/// One search hit: what it is, its id, and the matching text with the
/// match between `[` and `]`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchHit {
    pub entity: SearchEntity,
    pub id: i64,
    /// Some text around the match (the document's lines joined by ` / `),
    /// the match between `[` and `]`.
    pub snippet: String,
}

impl Store {
    /// A page of what matches `q`, newest written first; archived rows only
    /// when the page asks for them. The cursor is the last document seen.
    ///
    /// Terms of three or more characters are looked up in the index, so a
    /// page costs what its hits cost. Shorter terms alone cannot be: their
    /// documents are read newest first, at most [`SCAN_WINDOW`] of them a
    /// page, so a page may hold fewer hits than `limit` (even none) while
    /// `next_cursor` says where to go on; only a null `next_cursor` means
    /// the end. That keeps every answer quick on a journal of any size.
    pub async fn search(&self, q: &SearchQuery, page: &PageRequest) -> Result<Page<SearchHit>, StoreError> {
        let matched = q.match_expression();
        let window = match matched {
            Some(_) => None,
            None => {
                let newest: i64 = match page.after.0 {
                    0 => {
                        sqlx::query_scalar!(r#"SELECT coalesce(max(id), 0) AS "n!: i64" FROM search_docs"#)
                            .fetch_one(&self.pool)
                            .await?
                    }
                    after => after - 1,
                };
                Some(((newest - SCAN_WINDOW).max(0), newest))
            }
        };
        // FTS5 marks what MATCH found; what only LIKE found is marked here.
        let snippet = if matched.is_some() { "snippet(search_text, 0, '[', ']', '…', 12)" } else { "s.body" };
        let mut b = QueryBuilder::<Sqlite>::new(format!(
            "SELECT s.rowid AS doc, d.entity, d.entity_id, {snippet} AS snippet
             FROM search_text s JOIN search_docs d ON d.id = s.rowid WHERE 1 = 1"
        ));
        if let Some(m) = matched.clone() {
            b.push(" AND search_text MATCH ").push_bind(m);
        }
        for p in q.like_patterns() {
            b.push(" AND s.body LIKE ").push_bind(p).push(" ESCAPE '\\'");
        }
        if let Some((above, upto)) = window {
            b.push(" AND s.rowid > ").push_bind(above).push(" AND s.rowid <= ").push_bind(upto);
        } else if page.after.0 > 0 {
            b.push(" AND s.rowid < ").push_bind(page.after.0);
        }
        if !page.include_archived {
            b.push(" AND (CASE d.entity");
            for (table, entity, _) in BODIES {
                // A case's or call's stamp is its own or its license's or machine's.
                let archived_at = super::archive::stamp_of(table);
                b.push(format_args!(
                    " WHEN '{entity}' THEN (SELECT {archived_at} IS NULL FROM {} WHERE id = d.entity_id)",
                    table.name()
                ));
            }
            b.push(" END)");
        }
        b.push(" ORDER BY s.rowid DESC LIMIT ").push_bind(page.limit + 1);
        let rows: Vec<Hit> = b.build_query_as().fetch_all(&self.pool).await?;
        let mut hits = Vec::with_capacity(rows.len());
        let mut docs = Vec::with_capacity(rows.len());
        for Hit { doc, entity, entity_id: id, snippet } in rows {
            docs.push(doc);
            let text = snippet.unwrap_or_default();
            let text = match (&matched, q.short.first()) {
                (None, Some(term)) => around(&text, term),
                _ => text,
            };
            hits.push(SearchHit { entity: stored(&entity)?, id, snippet: text.replace('\n', " / ") });
        }
        let mut page_of = Page::from_rows(hits, page.limit, |_| 0);
        if page_of.next_cursor.is_some() {
            let last = docs.get(page_of.items.len().saturating_sub(1)).copied().unwrap_or(0);
            page_of.next_cursor = Some(crate::domain::Cursor(last).encode());
        } else if let Some((above, _)) = window.filter(|(above, _)| *above > 0) {
            // The window ended before the page filled: go on below it.
            page_of.next_cursor = Some(crate::domain::Cursor(above + 1).encode());
        }
        Ok(page_of)
    }

    /// Index every row without a search document (see [`catch_up`]); for
    /// tools that wrote rows straight into the database (the benchmarks).
    pub async fn index_for_search(&self) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = catch_up(&mut tx, Look::Always).await?;
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::around;

    #[test]
    fn around_marks_the_first_match_and_cuts_long_sides() {
        assert_eq!(around("オペレーターは親切だった", "親切"), "オペレーターは[親切]だった");
        assert_eq!(around("The Box", "bo"), "The [Bo]x");
        let long = format!("{}色{}", "あ".repeat(30), "い".repeat(30));
        assert_eq!(around(&long, "色"), format!("…{}[色]{}…", "あ".repeat(24), "い".repeat(24)));
        assert_eq!(around("none", "x"), "none");
    }
}
