//! `audit` and `summary`: their flags parsed as the API parses its query,
//! and their answers printed as JSON (exactly as the API answers) or as a
//! table.

use super::{flags_named, print_out, table};
use crate::domain::fields::{id_filter, range, Check};
use crate::domain::time::TimeBound;
use crate::domain::{AuditEntity, Page, PageRequest};
use crate::store::{AuditEntry, AuditFilter};
use crate::summary::render::Part;
use crate::summary::{Retries, Summary};

/// The page and filter of `audit`, every bad flag named.
pub(super) fn audit_query(
    entity: Option<AuditEntity>,
    entity_id: Option<i64>,
    token: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
) -> anyhow::Result<(PageRequest, AuditFilter)> {
    let mut c = Check::default();
    let (from, to) = range(&mut c, from.as_deref(), to.as_deref(), TimeBound::parse);
    let entity_id = id_filter(&mut c, "entity_id", entity_id);
    c.finish().map_err(|e| anyhow::Error::new(flags_named(e)))?;
    let page = PageRequest::parse(limit, cursor.as_deref(), false).map_err(|e| anyhow::Error::new(flags_named(e)))?;
    Ok((page, AuditFilter { entity, entity_id, token, from, to }))
}

/// A page of the audit log, as JSON or a table (and how to get the next).
pub(super) fn print_audit(x: &table::Words, rows: &Page<AuditEntry>, json: bool) -> anyhow::Result<()> {
    if json {
        print_out(format!("{}\n", serde_json::to_string(rows)?).as_bytes())?;
        return Ok(());
    }
    let mut t =
        x.table(&["cli.col.when_utc", "cli.col.who", "cli.col.what", "cli.col.entity", "cli.col.id", "cli.col.fields"]);
    for e in &rows.items {
        t.add_row(vec![
            e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
            e.actor.clone(),
            x.e(e.action),
            x.e(e.entity),
            e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
            e.fields.join(", "),
        ]);
    }
    x.print(&t)?;
    super::hint::more(&rows.next_cursor);
    Ok(())
}

/// A summary, as JSON or as text (and how to get the next page of retries).
pub(super) fn print_summary(x: &table::Words, summary: &Summary, json: bool) -> anyhow::Result<()> {
    if json {
        print_out(format!("{}\n", serde_json::to_string(summary)?).as_bytes())?;
        return Ok(());
    }
    print_parts(x, &crate::summary::render::parts(summary, x))?;
    if let Summary::Retries(Retries { next_cursor, .. }) = summary {
        super::hint::more_of(&super::lang::s("cli.hint.more_cases"), next_cursor);
    }
    Ok(())
}

/// A summary's headings, tables and notes, a blank line between tables.
fn print_parts(x: &table::Words, parts: &[Part]) -> std::io::Result<()> {
    let mut first = true;
    for part in parts {
        match part {
            Part::Heading(h) => {
                if !first {
                    x.say("")?;
                }
                x.say(h)?;
            }
            Part::Table(t) => {
                if !first && x.out.tsv {
                    print_out(b"\n")?;
                }
                x.print(t)?;
            }
            Part::Note(n) => x.say(n)?,
        }
        first = false;
    }
    Ok(())
}
