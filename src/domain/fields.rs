//! Field-level parsing shared by every entity: the `{field, message}` error
//! list, the collecting [`Check`], and the text, number and date rules every
//! request field goes through. The fields come as `Option<Option<R>>`: absent
//! (`None`), `null` (`Some(None)`) or given — the shape of a request field
//! (`crate::wire::Field`), without knowing serde.

use serde::Serialize;

pub use crate::i18n::Msg;

/// A raw field as sent: absent, `null`, or a value.
type Raw<R> = Option<Option<R>>;

/// One failing field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name, e.g. `installation_id` or `questions[2].topic`.
    pub field: String,
    /// What is wrong with it: a catalogue message, sent in English (lower
    /// case, naming the offending input) and shown in the reader's language.
    #[schema(value_type = String)]
    pub message: Msg,
}

/// Every failing field of one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct FieldErrors(pub Vec<FieldError>);

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        f.write_str(&parts.join("; "))
    }
}

impl FieldErrors {
    /// One error.
    pub fn one(field: impl Into<String>, message: Msg) -> Self {
        Self(vec![FieldError { field: field.into(), message }])
    }

    /// The same errors with `prefix` before every field name (`attempts[3].`).
    pub fn prefixed(self, prefix: &str) -> Self {
        Self(
            self.0
                .into_iter()
                .map(|e| FieldError { field: format!("{prefix}{}", e.field), message: e.message })
                .collect(),
        )
    }
}

/// Collects the errors of one input while its fields are parsed.
#[derive(Debug, Default)]
pub struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    /// Record an error.
    pub fn push(&mut self, field: impl Into<String>, message: Msg) {
        self.errors.push(FieldError { field: field.into(), message });
    }

    /// Record the errors of a nested input under `prefix`.
    pub fn extend(&mut self, errors: FieldErrors, prefix: &str) {
        self.errors.extend(errors.prefixed(prefix).0);
    }

    /// A field that must be present and not null.
    pub fn required<R, T>(
        &mut self,
        field: &str,
        value: &Raw<R>,
        parse: impl FnOnce(&R) -> Result<T, Msg>,
    ) -> Option<T> {
        match value {
            Some(Some(raw)) => self.record(field, parse(raw)),
            _ => {
                self.push(field, Msg::new("msg.required"));
                None
            }
        }
    }

    /// A field that may be absent or null. `None` means it failed.
    pub fn optional<R, T>(
        &mut self,
        field: &str,
        value: &Raw<R>,
        parse: impl FnOnce(&R) -> Result<Option<T>, Msg>,
    ) -> Option<Option<T>> {
        match value {
            Some(Some(raw)) => self.record(field, parse(raw)),
            _ => Some(None),
        }
    }

    /// A PATCH field that cannot be cleared: `Some(None)` when absent (kept
    /// as it is), `Some(Some(v))` when given, `None` when it failed (`null`
    /// is "is required", as a POST without it would be).
    pub fn patch_required<R, T>(
        &mut self,
        field: &str,
        value: &Raw<R>,
        parse: impl FnOnce(&R) -> Result<T, Msg>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            given => self.required(field, given, parse).map(Some),
        }
    }

    /// A PATCH field that may be cleared: `Some(None)` when absent (kept),
    /// `Some(Some(None))` when `null` (cleared), `Some(Some(v))` when given,
    /// `None` when it failed.
    pub fn patch_optional<R, T>(
        &mut self,
        field: &str,
        value: &Raw<R>,
        parse: impl FnOnce(&R) -> Result<Option<T>, Msg>,
    ) -> Option<Option<Option<T>>> {
        match value {
            None => Some(None),
            given => self.optional(field, given, parse).map(Some),
        }
    }

    /// Record the outcome of parsing one value.
    pub fn record<T>(&mut self, field: &str, result: Result<T, Msg>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    /// `Ok` when nothing failed.
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(FieldErrors(self.errors))
        }
    }
}

/// After [`Check::finish`] succeeded every field parsed; this turns the
/// `Option` of a parsed field into its value without a panic path.
pub fn got<T>(value: Option<T>) -> Result<T, FieldErrors> {
    value.ok_or_else(|| FieldErrors::one("request", Msg::new("msg.unreadable")))
}

/// Longest name (machines, tokens).
pub const NAME_MAX: usize = 100;
/// Longest short text (owner, product, shop, question…).
pub const SHORT_MAX: usize = 200;
/// Longest long text (notes, answers, follow-ups).
pub const LONG_MAX: usize = 4000;

/// Characters that show nothing: format and bidi controls, zero-width
/// marks, the soft hyphen (besides white space).
pub fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}')
}

/// The form in which names are compared for uniqueness: Unicode NFKC
/// (full-width `ＰＣ１` is `PC1`), then lower case, invisible characters
/// left out — so `pc1`, `ＰＣ１` and `PC1` are one name.
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    name.nfkc().filter(|c| !invisible(*c) || *c == ' ').collect::<String>().to_lowercase()
}

/// A positive row id.
pub fn id(raw: &i64) -> Result<i64, Msg> {
    if *raw >= 1 {
        Ok(*raw)
    } else {
        Err(Msg::new("msg.not_an_id").arg("n", raw))
    }
}

/// An optional id filter (a query parameter or a CLI flag): kept when it is
/// an id, recorded as a failing `field` when it is not.
pub fn id_filter(c: &mut Check, field: &str, raw: Option<i64>) -> Option<i64> {
    raw.and_then(|n| c.record(field, id(&n)))
}

/// A member of a closed set. (`&String`, not `&str`: parsers are passed
/// where a `Fn(&String)` is expected, for `Field<String>` values.)
#[allow(clippy::ptr_arg)]
pub fn member<T: std::str::FromStr<Err = Msg>>(raw: &String) -> Result<T, Msg> {
    raw.trim().parse()
}

/// A calendar date.
#[allow(clippy::ptr_arg)]
pub fn date(raw: &String) -> Result<chrono::NaiveDate, Msg> {
    super::time::parse_date(raw)
}

/// A date that has happened (a change, a purchase): from 1985 to tomorrow.
#[allow(clippy::ptr_arg)]
pub fn past_date(raw: &String) -> Result<chrono::NaiveDate, Msg> {
    let d = date(raw)?;
    super::time::plausible_date(d, chrono::Utc::now(), super::time::DAY_AHEAD)?;
    Ok(d)
}

/// A date something is due: from 1985 to ten years ahead.
#[allow(clippy::ptr_arg)]
pub fn due_date(raw: &String) -> Result<chrono::NaiveDate, Msg> {
    let d = date(raw)?;
    super::time::plausible_date(d, chrono::Utc::now(), super::time::DUE_AHEAD)?;
    Ok(d)
}

/// A caller's time (RFC 3339 with an offset, or a local date and time that
/// will take the household's: [`super::time::CallerTime::entered`]) that
/// has happened: from 1985 to a day after now.
#[allow(clippy::ptr_arg)]
pub fn caller_time(raw: &String) -> Result<super::time::CallerTime, Msg> {
    let t = super::time::CallerTime::entered(raw)?;
    super::time::plausible_time(&t, chrono::Utc::now())?;
    Ok(t)
}

/// A `from`/`to` range as a user gives it: each bound parsed by `parse`,
/// and `to` refused when it comes before `from`. Every failure is recorded
/// in `c` under its parameter's name.
pub fn range<T: PartialOrd>(
    c: &mut Check,
    from: Option<&str>,
    to: Option<&str>,
    parse: impl Fn(&str) -> Result<T, Msg>,
) -> (Option<T>, Option<T>) {
    let bound = |c: &mut Check, name: &str, raw: Option<&str>| raw.and_then(|s| c.record(name, parse(s)));
    let (first, last) = (bound(c, "from", from), bound(c, "to", to));
    if let (Some(f), Some(t), Some(from), Some(to)) = (&first, &last, from, to) {
        if t < f {
            c.push("to", Msg::new("msg.to_before_from").arg("to", to.trim()).arg("from", from.trim()));
        }
    }
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_collect_and_prefix() {
        let mut c = Check::default();
        assert_eq!(c.required::<String, String>("name", &None, |s| Ok(s.clone())), None);
        assert_eq!(c.optional::<String, String>("owner", &Some(None), |s| Ok(Some(s.clone()))), Some(None));
        let errs = c.finish().unwrap_err().prefixed("machines[0].");
        assert_eq!(errs.to_string(), "machines[0].name: is required");
    }
}
