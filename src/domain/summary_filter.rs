//! The filters every summary takes, parsed from what a user gives (API
//! query parameters or CLI flags).

use chrono::NaiveDate;

use super::fields::range;
use super::fields::{id_filter, Check, FieldErrors, Msg};
use super::time::parse_date;

/// The page of a summary: only `retries`, whose case list can be long, is
/// paged; a `limit` or `cursor` given to another is refused, naming it,
/// rather than ignored.
pub fn summary_page(
    name: super::SummaryName,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<super::PageRequest, FieldErrors> {
    if name != super::SummaryName::Retries {
        let mut c = Check::default();
        for (field, given) in [("limit", limit.is_some()), ("cursor", cursor.is_some())] {
            if given {
                c.push(field, Msg::new("msg.only_retries_paged").arg("name", name));
            }
        }
        c.finish()?;
    }
    super::PageRequest::parse(limit, cursor, false)
}

/// The filters every summary takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SummaryFilter {
    /// First local date, inclusive.
    pub from: Option<NaiveDate>,
    /// Last local date, inclusive.
    pub to: Option<NaiveDate>,
    pub machine_id: Option<i64>,
    pub license_id: Option<i64>,
}

impl SummaryFilter {
    /// Parse the filters as a user gives them, naming every bad one.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        machine_id: Option<i64>,
        license_id: Option<i64>,
    ) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let (from, to) = range(&mut c, from, to, parse_date);
        let machine_id = id_filter(&mut c, "machine_id", machine_id);
        let license_id = id_filter(&mut c, "license_id", license_id);
        c.finish()?;
        Ok(Self { from, to, machine_id, license_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_every_bad_one_is_named() {
        let f = SummaryFilter::parse(Some("2014-05-09"), Some("2014-05-10"), Some(1), None).unwrap();
        assert_eq!((f.from, f.to), (NaiveDate::from_ymd_opt(2014, 5, 9), NaiveDate::from_ymd_opt(2014, 5, 10)));
        let err = SummaryFilter::parse(Some("may"), Some("2014-13-01"), None, None).unwrap_err().to_string();
        assert!(err.contains("from:") && err.contains("to:"), "{err}");
        let err = SummaryFilter::parse(Some("2014-05-10"), Some("2014-05-09"), None, None).unwrap_err().to_string();
        assert!(err.contains("to: 2014-05-09 is before from (2014-05-10)"), "{err}");
        let err = SummaryFilter::parse(None, None, Some(0), Some(-2)).unwrap_err().to_string();
        assert!(err.contains("machine_id: 0 is not an id") && err.contains("license_id: -2 is not an id"), "{err}");
    }
}
