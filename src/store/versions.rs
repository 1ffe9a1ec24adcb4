//! Versions of a row, for optimistic concurrency: the `ETag` a resource is
//! answered with and the `If-Match` a write may carry.
//!
//! A version is a strong entity-tag computed from the row *as the API
//! answers it* (a SHA-256 of its JSON, cut to 128 bits), so it changes
//! whenever anything a reader sees changes (`updated_at` included) and
//! needs no column of its own. The routes send it; the pages carry it in
//! their edit forms; the writes compare it with the row as it is inside
//! their own transaction (`WriteCtx::if_match`), and a mismatch is
//! [`StoreError::Precondition`] holding the row as it now is. This file
//! knows no HTTP: parsing the header's text is here so that the pages and
//! the API read it alike.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{StoreError, Table, WriteCtx};
use crate::domain::{Attachment, Attempt, Case, FollowUp, HardwareChange, License, Machine};

/// The strong entity-tag of a value as the API answers it, quotes included
/// (`"3f1c…"`). Rows serialize without maps, so the JSON — and the tag — is
/// the same every time for the same row.
pub fn etag<T: Serialize>(value: &T) -> String {
    match serde_json::to_vec(value) {
        Ok(json) => etag_of_json(&json),
        // A domain row always serializes; should one not, no tag matches it.
        Err(_) => "\"\"".to_string(),
    }
}

/// The entity-tag of an answer already serialized (a replayed first answer).
pub fn etag_of_json(json: &[u8]) -> String {
    let digest = Sha256::digest(json);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// What an `If-Match` asks for: any current row (`*`), or one of these tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: the row exists (as the write needs it: live to change or
    /// archive, archived to bring back).
    Any,
    /// A list of entity-tags, quotes included; a weak one (`W/"…"`) is kept
    /// but never matches, as RFC 9110 compares `If-Match` strongly.
    Tags(Vec<String>),
}

impl IfMatch {
    /// Parse an `If-Match` value: `*`, or entity-tags separated by commas
    /// (a tag may hold a comma: it is read quote to quote). An error names
    /// what is wrong with it. A value with no tag at all (empty, or commas
    /// only) is `None`: the header is as good as absent (RFC 9110 lets a
    /// list hold empty elements).
    pub fn parse(value: &str) -> Result<Option<Self>, String> {
        let value = value.trim_matches([' ', '\t']);
        if value == "*" {
            return Ok(Some(IfMatch::Any));
        }
        let mut tags = Vec::new();
        let mut rest = value;
        loop {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.is_empty() {
                break;
            }
            let opaque = rest.strip_prefix("W/").unwrap_or(rest);
            let weak = rest.len() - opaque.len();
            let end = opaque
                .strip_prefix('"')
                .and_then(|inner| inner.find('"'))
                .filter(|&n| opaque[1..=n].bytes().all(|b| b == 0x21 || (0x23..=0x7e).contains(&b)));
            let Some(n) = end else {
                let part = rest.split(',').next().unwrap_or(rest).trim();
                return Err(format!(
                    "{part:?} is not an entity-tag: write \"*\" or tags in double quotes, as ETag sends them"
                ));
            };
            let len = weak + n + 2;
            tags.push(rest[..len].to_string());
            rest = rest[len..].trim_start_matches([' ', '\t']);
            if !(rest.is_empty() || rest.starts_with(',')) {
                let part = rest.split(',').next().unwrap_or(rest).trim();
                return Err(format!(
                    "{part:?} is not an entity-tag: write \"*\" or tags in double quotes, as ETag sends them"
                ));
            }
        }
        Ok((!tags.is_empty()).then_some(IfMatch::Tags(tags)))
    }

    /// Whether a row whose tag is `etag` satisfies this precondition.
    pub fn matches(&self, etag: &str) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => tags.iter().any(|t| !t.starts_with("W/") && t == etag),
        }
    }
}

/// A row as it now is, answered when a write's `If-Match` did not match it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Current {
    Machine(Machine),
    HardwareChange(HardwareChange),
    License(License),
    Case(Case),
    Attempt(Attempt),
    FollowUp(FollowUp),
    Attachment(Attachment),
}

impl Current {
    /// Its entity-tag (the one a GET of it answers).
    pub fn etag(&self) -> String {
        etag(self)
    }

    /// The table it is a row of.
    pub fn table(&self) -> Table {
        match self {
            Current::Machine(_) => Table::Machines,
            Current::HardwareChange(_) => Table::HardwareChanges,
            Current::License(_) => Table::Licenses,
            Current::Case(_) => Table::Cases,
            Current::Attempt(_) => Table::Attempts,
            Current::FollowUp(_) => Table::FollowUps,
            Current::Attachment(_) => Table::Attachments,
        }
    }

    /// Its id.
    pub fn id(&self) -> i64 {
        match self {
            Current::Machine(r) => r.id,
            Current::HardwareChange(r) => r.id,
            Current::License(r) => r.id,
            Current::Case(r) => r.id,
            Current::Attempt(r) => r.id,
            Current::FollowUp(r) => r.id,
            Current::Attachment(r) => r.id,
        }
    }

    /// How messages name it: `machine 3`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.table().noun(), self.id())
    }
}

macro_rules! current_from {
    ($($t:ident),+) => { $(impl From<$t> for Current { fn from(row: $t) -> Self { Current::$t(row) } })+ };
}
current_from!(Machine, HardwareChange, License, Case, Attempt, FollowUp, Attachment);

impl WriteCtx<'_> {
    /// Check the write's `If-Match`, if any, against `current` (the row as
    /// read inside the write's transaction): a mismatch is
    /// [`StoreError::Precondition`] with the row as it is.
    pub(super) fn check_version<T: Serialize + Clone + Into<Current>>(&self, current: &T) -> Result<(), StoreError> {
        match &self.if_match {
            Some(wanted) if !wanted.matches(&etag(current)) => {
                Err(StoreError::Precondition(Box::new(current.clone().into())))
            }
            _ => Ok(()),
        }
    }

    /// [`WriteCtx::check_version`] for a row known by table and id (an
    /// archive or unarchive, which otherwise read only its state), on the
    /// writer's rusqlite connection. Reads the row only when the write
    /// carries an `If-Match`.
    pub(super) fn check_version_on(
        &self,
        conn: &rusqlite::Connection,
        table: Table,
        id: i64,
    ) -> Result<(), StoreError> {
        if self.if_match.is_none() {
            return Ok(());
        }
        let row: Option<Current> = match table {
            Table::Machines => super::machines::fetch_on(conn, id)?.map(Into::into),
            Table::HardwareChanges => super::hardware_changes::fetch_on(conn, id)?.map(Into::into),
            Table::Licenses => super::licenses::fetch_on(conn, id)?.map(Into::into),
            Table::Cases => super::cases::fetch_on(conn, id)?.map(Into::into),
            Table::Attempts => super::attempts::fetch_on(conn, id)?.map(Into::into),
            Table::FollowUps => super::follow_ups::fetch_on(conn, id)?.map(Into::into),
            Table::Attachments => super::attachments::fetch_on(conn, id)?.map(Into::into),
        };
        match row {
            Some(row) => self.check_version(&row),
            None => Err(table.not_found(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_quoted_hex_and_changes_with_the_value() {
        let a = etag(&serde_json::json!({"id": 1, "name": "PC 1"}));
        let b = etag(&serde_json::json!({"id": 1, "name": "PC 2"}));
        assert_eq!(a.len(), 34);
        assert!(a.starts_with('"') && a.ends_with('"'));
        assert_ne!(a, b);
        assert_eq!(a, etag(&serde_json::json!({"id": 1, "name": "PC 1"})));
    }

    #[test]
    fn if_match_reads_star_and_lists_of_tags() {
        assert_eq!(IfMatch::parse(" * "), Ok(Some(IfMatch::Any)));
        assert_eq!(IfMatch::parse("\"a\", W/\"b\""), Ok(Some(IfMatch::Tags(vec!["\"a\"".into(), "W/\"b\"".into()]))));
        assert_eq!(IfMatch::parse("\",t+\" ,\"\""), Ok(Some(IfMatch::Tags(vec!["\",t+\"".into(), "\"\"".into()]))));
        assert!(IfMatch::parse("\"a\"").is_ok_and(|m| m.is_some_and(|m| m.matches("\"a\"") && !m.matches("\"b\""))));
        assert_eq!(IfMatch::parse(""), Ok(None));
        assert_eq!(IfMatch::parse(" , "), Ok(None));
    }

    #[test]
    fn a_weak_tag_never_matches() {
        assert!(
            IfMatch::parse("W/\"a\"").is_ok_and(|m| m.is_some_and(|m| !m.matches("\"a\"") && !m.matches("W/\"a\"")))
        );
    }

    #[test]
    fn what_is_not_an_entity_tag_is_refused_by_name() {
        for bad in ["abc", "\"a", "a\"", "\"a b\"", "\"a\"b\"", "*, \"a\""] {
            let e = IfMatch::parse(bad).expect_err(bad);
            assert!(e.contains("entity-tag"), "{bad:?}: {e}");
        }
    }
}
