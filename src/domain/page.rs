//! Pagination: `limit` and an opaque `cursor`, answered with
//! `{"items": [...], "next_cursor": ...}`. Lists are ordered by id, so a
//! cursor is the last id seen, wrapped so that clients do not build one.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;

use crate::i18n::Msg;
use utoipa::ToSchema;

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size.
pub const MAX_LIMIT: i64 = 500;

/// Where a page starts: after this id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor(pub i64);

impl Cursor {
    /// The opaque text form.
    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(format!("aj1:{}", self.0))
    }

    /// Read a cursor given back by a client.
    pub fn decode(text: &str) -> Result<Self, Msg> {
        let bad = || bad_cursor(text);
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad())?;
        let s = String::from_utf8(bytes).map_err(|_| bad())?;
        let id: i64 = s.strip_prefix("aj1:").and_then(|n| n.parse().ok()).ok_or_else(bad)?;
        if id < 0 {
            return Err(bad());
        }
        Ok(Cursor(id))
    }
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Cursor,
    pub limit: i64,
    pub include_archived: bool,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { after: Cursor(0), limit: DEFAULT_LIMIT, include_archived: false }
    }
}

impl PageRequest {
    /// Parse `limit` and `cursor` as given.
    pub fn parse(
        limit: Option<i64>,
        cursor: Option<&str>,
        include_archived: bool,
    ) -> Result<Self, crate::domain::FieldErrors> {
        let mut c = super::fields::Check::default();
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n @ 1..=MAX_LIMIT) => n,
            Some(n) => {
                c.push("limit", Msg::new("msg.not_a_page_size").arg("n", n).arg("max", MAX_LIMIT));
                DEFAULT_LIMIT
            }
        };
        let after = match cursor {
            None => Cursor(0),
            Some(text) => c.record("cursor", Cursor::decode(text)).unwrap_or_default(),
        };
        c.finish()?;
        Ok(Self { after, limit, include_archived })
    }
}

/// Where a page in time order starts after: an event's time (a system
/// time), the rank of its kind among events at the same time, and its id.
/// Opaque to clients, like [`Cursor`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeCursor {
    pub at: String,
    pub rank: i64,
    pub id: i64,
}

impl TimeCursor {
    /// The opaque text form.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("aj1t:{}|{}|{}", self.at, self.rank, self.id))
    }

    /// Read a cursor given back by a client.
    pub fn decode(text: &str) -> Result<Self, Msg> {
        let bad = || bad_cursor(text);
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad())?;
        let s = String::from_utf8(bytes).map_err(|_| bad())?;
        let mut parts = s.strip_prefix("aj1t:").ok_or_else(bad)?.split('|');
        let (Some(at), Some(rank), Some(id), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let at_ok = super::time::CallerTime::parse(at).is_ok();
        match (at_ok, rank.parse::<i64>(), id.parse::<i64>()) {
            (true, Ok(rank @ 0..=9), Ok(id)) if id >= 0 => Ok(Self { at: at.to_string(), rank, id }),
            _ => Err(bad()),
        }
    }
}

/// The message for a cursor that is not one of this API's. Said back
/// short: a cursor of any length is never echoed whole.
fn bad_cursor(text: &str) -> Msg {
    let shown: String = text.chars().take(24).collect();
    let shown = if shown.len() < text.len() { format!("{shown:?}…") } else { format!("{shown:?}") };
    Msg::new("msg.bad_cursor").arg("text", shown)
}

/// A validated request for a page in time order (the timeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimePageRequest {
    /// `None`: from the start.
    pub after: Option<TimeCursor>,
    pub limit: i64,
    pub include_archived: bool,
}

impl TimePageRequest {
    /// Parse `limit` and `cursor` as given.
    pub fn parse(
        limit: Option<i64>,
        cursor: Option<&str>,
        include_archived: bool,
    ) -> Result<Self, crate::domain::FieldErrors> {
        let plain = PageRequest::parse(limit, None, include_archived);
        let mut c = super::fields::Check::default();
        if let Err(e) = &plain {
            c.extend(e.clone(), "");
        }
        let after = cursor.and_then(|text| c.record("cursor", TimeCursor::decode(text)));
        c.finish()?;
        let limit = plain.map(|p| p.limit).unwrap_or(DEFAULT_LIMIT);
        Ok(Self { after, limit, include_archived })
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Build a page from up to `limit + 1` rows: the extra row only says
    /// that there is more.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        let next_cursor = if more { rows.last().map(|r| Cursor(id_of(r)).encode()) } else { None };
        Self { items: rows, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        assert_eq!(Cursor::decode(&Cursor(42).encode()), Ok(Cursor(42)));
        assert!(Cursor::decode("42").unwrap_err().contains("not a cursor"));
        assert!(PageRequest::parse(Some(501), None, false).unwrap_err().to_string().contains("limit: 501"));
        assert!(PageRequest::parse(Some(0), None, false).is_err());
    }

    #[test]
    fn time_cursors_round_trip_and_junk_or_a_list_cursor_is_refused() {
        let c = TimeCursor { at: "2014-05-09T09:02:00.000000Z".into(), rank: 2, id: 7 };
        assert_eq!(TimeCursor::decode(&c.encode()), Ok(c));
        assert!(TimeCursor::decode(&Cursor(42).encode()).unwrap_err().contains("not a cursor"));
        let junk = URL_SAFE_NO_PAD.encode("aj1t:yesterday|2|7");
        assert!(TimeCursor::decode(&junk).is_err());
        let r = TimePageRequest::parse(Some(0), Some("nope"), false).unwrap_err().to_string();
        assert!(r.contains("limit: 0") && r.contains("cursor: \"nope\""), "{r}");
    }

    #[test]
    fn pages_know_when_there_is_more() {
        let p = Page::from_rows(vec![1, 2, 3], 2, |x| *x);
        assert_eq!(p.items, vec![1, 2]);
        assert_eq!(p.next_cursor, Some(Cursor(2).encode()));
        assert_eq!(Page::from_rows(vec![1, 2], 2, |x| *x).next_cursor, None);
    }
}
