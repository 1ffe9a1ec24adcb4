//! `attach`, `attachments`, `attachment get|archive|unarchive`: photos and
//! PDFs of a license, machine, case or attempt from the command line.

use super::show::{here, or_dash, table};
use crate::domain::Attachment;

/// Attachments as people read them.
pub(super) fn attachments_table(rows: &[Attachment]) -> comfy_table::Table {
    let mut t = table(&["id", "of", "caption", "type", "size", "added"]);
    for a in rows {
        t.add_row(vec![
            a.id.to_string(),
            format!("{} {}", a.entity, a.entity_id),
            or_dash(&a.caption),
            a.media_type.to_string(),
            size(a.size),
            here(&a.created_at),
        ]);
    }
    t
}

/// A size in bytes as a person reads it: `512 B`, `34 KiB`, `2.5 MiB`.
pub fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KiB", b / 1024),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}
