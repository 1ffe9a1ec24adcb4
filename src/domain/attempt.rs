//! Attempts: one try at activating, usually one call — what the menu said,
//! how long the queue was, what the operator asked, what happened.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::{
    AttemptResult, CalledFrom, FailureReason, IvrProduct, IvrResult, Method, NumberKind, OperatorOutcome, Topic,
    Trigger,
};
use super::fields::{got, Check, FieldErrors, Msg};
use super::ids::{CheckedConfirmationId, ConfirmationId, InstallationId};
use super::shape::Kind;
use super::time::CallerTime;
use super::warning::Warning;

/// One question an operator asked, as shown. An answer that held a product
/// key is shown masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Question {
    pub topic: Topic,
    pub question: Option<String>,
    pub answer: Option<String>,
}

/// An attempt as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Attempt {
    pub id: i64,
    pub case_id: i64,
    pub machine_id: i64,
    pub license_id: i64,
    /// Exactly as given, with the caller's offset.
    #[schema(example = "2014-05-10T10:05:00+09:00")]
    pub started_at: String,
    pub ended_at: Option<String>,
    /// The number dialled, as typed (full-width forms normalised).
    #[schema(example = "0120-801-734")]
    pub phone_number: Option<String>,
    pub method: Method,
    pub number_kind: Option<NumberKind>,
    pub called_from: Option<CalledFrom>,
    /// ISO 3166 alpha-2.
    #[schema(example = "JP")]
    pub country: Option<String>,
    pub ivr_product: Option<IvrProduct>,
    /// Grouped with hyphens.
    pub installation_id: Option<String>,
    pub ivr_result: Option<IvrResult>,
    pub groups_reentered: Vec<u8>,
    pub operator_outcome: Option<OperatorOutcome>,
    pub wait_seconds: Option<i64>,
    pub operator_rating: Option<u8>,
    pub questions: Vec<Question>,
    /// Grouped with hyphens.
    pub confirmation_id: Option<String>,
    pub result: Option<AttemptResult>,
    pub failure_reason: Option<FailureReason>,
    pub notes: Option<String>,
    /// Read-only remarks, e.g. a 48-digit Confirmation ID group that does not check.
    pub warnings: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

/// Which case an attempt belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptTarget {
    /// This case.
    Case(i64),
    /// The open case of this pair, or a new one with this trigger.
    Pair { machine_id: i64, license_id: i64, trigger: Trigger },
}

/// A parsed question. The store decides how to keep the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuestion {
    pub topic: Topic,
    pub question: Option<String>,
    pub answer: Option<String>,
}

/// A parsed, valid attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttempt {
    pub target: AttemptTarget,
    pub started_at: CallerTime,
    pub ended_at: Option<CallerTime>,
    pub phone_number: Option<String>,
    pub method: Method,
    pub number_kind: Option<NumberKind>,
    pub called_from: Option<CalledFrom>,
    pub country: Option<String>,
    pub ivr_product: Option<IvrProduct>,
    pub installation_id: Option<InstallationId>,
    pub ivr_result: Option<IvrResult>,
    pub groups_reentered: Vec<u8>,
    pub operator_outcome: Option<OperatorOutcome>,
    pub wait_seconds: Option<i64>,
    pub operator_rating: Option<u8>,
    /// `None`: keep the stored questions (a PATCH that does not name them).
    pub questions: Option<Vec<NewQuestion>>,
    pub confirmation_id: Option<ConfirmationId>,
    pub result: Option<AttemptResult>,
    pub failure_reason: Option<FailureReason>,
    pub notes: Option<String>,
    pub warnings: Vec<String>,
}

impl NewAttempt {
    /// A phone call to `target` started at `started_at`, with nothing else
    /// known yet: the start of a value built in code (the demo, the CLI,
    /// tests), whose other fields are then set one by one.
    pub fn new(target: AttemptTarget, started_at: CallerTime) -> Self {
        Self {
            target,
            started_at,
            ended_at: None,
            phone_number: None,
            method: Method::Phone,
            number_kind: None,
            called_from: None,
            country: None,
            ivr_product: None,
            installation_id: None,
            ivr_result: None,
            groups_reentered: Vec::new(),
            operator_outcome: None,
            wait_seconds: None,
            operator_rating: None,
            questions: Some(Vec::new()),
            confirmation_id: None,
            result: None,
            failure_reason: None,
            notes: None,
            warnings: Vec::new(),
        }
    }
}

/// A country as ISO 3166 alpha-2, upper case; blank is none.
#[allow(clippy::ptr_arg)]
pub fn country(raw: &String) -> Result<Option<String>, Msg> {
    code(COUNTRY, raw, |r| {
        let t: String = r.trim().chars().map(|c| c.to_ascii_uppercase()).collect();
        if t.len() == 2 && t.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(t)
        } else {
            Err(Msg::new("msg.not_a_country").arg("text", format!("{raw:?}")))
        }
    })
}

/// White space as Rust's `char::is_whitespace` (and so `trim`) reads it,
/// as a regular expression's class contents.
macro_rules! space {
    () => {
        r"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
    };
}

/// What may stand between a phone number's digits: `+ - ( )`, their
/// full-width forms, the dashes a Japanese keyboard types, white space.
macro_rules! phone_separators {
    () => {
        concat!(r"+＋\-－‐‑‒–—―−ー()（）", space!())
    };
}

/// A country as sent: two letters, or blank (none); spaces around are trimmed.
pub const COUNTRY: Kind =
    Kind::Code { pattern: concat!("^[", space!(), "]*([A-Za-z]{2})?[", space!(), "]*$"), max: 40 };
/// An Installation ID as typed: digits with spaces or hyphens between groups.
pub const INSTALLATION_ID: Kind = Kind::Code { pattern: concat!(r"^[0-9０-９\-－", space!(), "]*$"), max: 200 };
/// A Confirmation ID as typed.
pub const CONFIRMATION_ID: Kind = INSTALLATION_ID;
/// A phone number as typed: blank (white space only), or 4–20 digits among
/// `+ - ( )`, their full-width forms, the dashes a Japanese keyboard types
/// (`ー`, `－`) and white space.
pub const PHONE_NUMBER: Kind = Kind::Code {
    pattern: concat!(
        "^([",
        space!(),
        "]*|[",
        phone_separators!(),
        "]*([0-9０-９][",
        phone_separators!(),
        "]*){4,20})$"
    ),
    max: 40,
};
/// How many digits a phone number holds.
pub const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 4..=20;

/// The number dialled, as typed: blank is none; full-width digits, signs
/// and spaces become their ASCII forms, dashes become `-`, runs of spaces
/// one space; it must hold 4 to 20 digits and nothing but `+ - ( )` and
/// spaces besides.
#[allow(clippy::ptr_arg)]
pub fn phone_number(raw: &String) -> Result<Option<String>, Msg> {
    use unicode_normalization::UnicodeNormalization as _;
    let Some(max) = PHONE_NUMBER.max_chars() else { return Ok(None) };
    let n = raw.chars().count();
    if n > max {
        return Err(Msg::new("msg.too_long").arg("n", n).arg("max", max));
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.nfkc() {
        let c = match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if !(c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | ' ')) {
            return Err(Msg::new("msg.phone_char").arg("c", format!("{c:?}")));
        }
        if !(c == ' ' && (out.is_empty() || out.ends_with(' '))) {
            out.push(c);
        }
    }
    let out = out.trim_end().to_string();
    if out.is_empty() {
        return Ok(None);
    }
    // NFKC can lengthen what was typed (`⑴` is `(1)`): the stored form keeps the limit too.
    let n = out.chars().count();
    if n > max {
        return Err(Msg::new("msg.too_long_normalised").arg("n", n).arg("max", max));
    }
    let digits = out.chars().filter(char::is_ascii_digit).count();
    if !PHONE_DIGITS.contains(&digits) {
        let (lo, hi) = (PHONE_DIGITS.start(), PHONE_DIGITS.end());
        return Err(Msg::new("msg.phone_digits").arg("n", digits).arg("lo", lo).arg("hi", hi));
    }
    Ok(Some(out))
}

/// Group numbers the menu made the caller type again.
pub const GROUPS: Kind = Kind::Ints { min: 1, max: 9, items: 50 };
/// Seconds in the operator queue: up to a day.
pub const WAIT_SECONDS: Kind = Kind::Int { min: 0, max: 86_400 };
/// An operator's rating.
pub const RATING: Kind = Kind::Int { min: 1, max: 5 };

/// Group numbers the menu made the caller type again: 1–9, at most 50.
#[allow(clippy::ptr_arg)]
pub fn groups(raw: &Vec<i64>) -> Result<Option<Vec<u8>>, Msg> {
    let Kind::Ints { min, max, items } = GROUPS else { return Ok(None) };
    let mut out = Vec::with_capacity(raw.len());
    for g in raw {
        match u8::try_from(*g) {
            Ok(n) if (min..=max).contains(&i64::from(n)) => out.push(n),
            _ => return Err(Msg::new("msg.not_a_group").arg("n", g).arg("min", min).arg("max", max)),
        }
    }
    if out.len() > items {
        return Err(Msg::new("msg.too_many_groups").arg("n", out.len()).arg("max", items));
    }
    Ok(Some(out))
}

/// A code as typed (an ID, a country): longer than its kind allows is
/// refused, blank or not; blank is none; the rest is `parse`'s.
fn code<T>(kind: Kind, raw: &str, parse: impl FnOnce(&str) -> Result<T, Msg>) -> Result<Option<T>, Msg> {
    // The length first, blank or not: the document's `maxLength` counts what was sent.
    if let Some(max) = kind.max_chars() {
        let n = raw.chars().count();
        if n > max {
            return Err(Msg::new("msg.too_long").arg("n", n).arg("max", max));
        }
    }
    if raw.trim().is_empty() {
        return Ok(None);
    }
    parse(raw).map(Some)
}

/// An Installation ID as sent; blank is none.
#[allow(clippy::ptr_arg)]
pub fn installation_id(raw: &String) -> Result<Option<InstallationId>, Msg> {
    code(INSTALLATION_ID, raw, |r| r.parse::<InstallationId>().map_err(|e| e.0))
}

/// A Confirmation ID as sent, with its warnings; blank is none.
#[allow(clippy::ptr_arg)]
pub fn confirmation_id(raw: &String) -> Result<Option<CheckedConfirmationId>, Msg> {
    code(CONFIRMATION_ID, raw, |r| ConfirmationId::parse_checked(r).map_err(|e| e.0))
}

/// Seconds in the operator queue, 0–86400.
pub fn wait_seconds(w: &i64) -> Result<Option<i64>, Msg> {
    let Kind::Int { min, max } = WAIT_SECONDS else { return Ok(None) };
    if (min..=max).contains(w) {
        Ok(Some(*w))
    } else {
        Err(Msg::new("msg.not_seconds").arg("n", w).arg("min", min).arg("max", max))
    }
}

impl NewAttempt {
    /// The attempt with its times in the household's `zone`: a time typed
    /// without an offset takes the household's offset at that moment; a
    /// time with another offset than the household's then is kept and
    /// warned of (its local hour counts at its own offset). Warnings of an
    /// earlier placing are replaced, the others kept.
    pub fn in_zone(mut self, zone: &super::time::Zone) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        self.warnings.retain(|w| !is_offset_warning(w));
        let mut place = |c: &mut Check, name: &str, t: &CallerTime| {
            let (t, warning) = c.record(name, t.in_zone(zone))?;
            self.warnings.extend(warning.map(|w| Warning::on(name, w).text()));
            Some(t)
        };
        let started_at = place(&mut c, "started_at", &self.started_at);
        let ended_at = match &self.ended_at {
            Some(t) => place(&mut c, "ended_at", t).map(Some),
            None => Some(None),
        };
        if let (Some(start), Some(Some(end))) = (&started_at, &ended_at) {
            if end.utc_millis() < start.utc_millis() {
                c.push("ended_at", Msg::new("msg.ended_before_started"));
            }
        }
        c.finish()?;
        self.started_at = got(started_at)?;
        self.ended_at = got(ended_at)?;
        Ok(self)
    }
}

/// Whether a stored warning is one [`NewAttempt::in_zone`] gives.
fn is_offset_warning(w: &str) -> bool {
    Warning::read(w).is_offset()
}

/// An operator's rating, 1–5.
pub fn rating(r: &i64) -> Result<Option<u8>, Msg> {
    let Kind::Int { min, max } = RATING else { return Ok(None) };
    match u8::try_from(*r) {
        Ok(n) if (min..=max).contains(r) => Ok(Some(n)),
        _ => Err(Msg::new("msg.not_a_rating").arg("n", r).arg("min", min).arg("max", max)),
    }
}

/// Most questions one attempt keeps.
pub const QUESTIONS_MAX: usize = 50;

/// The rules across an attempt's fields, given what parsed of them (`None`:
/// the field failed and is reported already): it does not end before it
/// starts; a failure reason comes with `not_activated` and only then; a
/// rating only when an operator was reached.
pub fn check_rules(
    c: &mut Check,
    started_at: Option<&CallerTime>,
    ended_at: Option<Option<&CallerTime>>,
    result: Option<Option<AttemptResult>>,
    failure_reason: Option<Option<FailureReason>>,
    operator_outcome: Option<Option<OperatorOutcome>>,
    operator_rating: Option<Option<u8>>,
) {
    if let (Some(start), Some(Some(end))) = (started_at, ended_at) {
        if end.utc_millis() < start.utc_millis() {
            c.push("ended_at", Msg::new("msg.ended_before_started"));
        }
    }
    match (result, failure_reason) {
        (Some(Some(AttemptResult::NotActivated)), Some(None)) => {
            c.push("failure_reason", Msg::new("msg.reason_required"))
        }
        (Some(r), Some(Some(_))) if r != Some(AttemptResult::NotActivated) => {
            c.push("failure_reason", Msg::new("msg.reason_only_when_not_activated"))
        }
        _ => {}
    }
    if let (Some(Some(_)), Some(outcome)) = (operator_rating, operator_outcome) {
        if outcome != Some(OperatorOutcome::Reached) {
            c.push("operator_rating", Msg::new("msg.rating_only_when_reached"));
        }
    }
}

patch! {
    /// A parsed change to an attempt. A new `confirmation_id` comes with
    /// its `warnings`; `questions` replaces every question.
    pub struct AttemptPatch for NewAttempt {
        started_at: CallerTime,
        ended_at: Option<CallerTime>,
        phone_number: Option<String>,
        method: Method,
        number_kind: Option<NumberKind>,
        called_from: Option<CalledFrom>,
        country: Option<String>,
        ivr_product: Option<IvrProduct>,
        installation_id: Option<InstallationId>,
        ivr_result: Option<IvrResult>,
        groups_reentered: Vec<u8>,
        operator_outcome: Option<OperatorOutcome>,
        wait_seconds: Option<i64>,
        operator_rating: Option<u8>,
        questions: Option<Vec<NewQuestion>>,
        confirmation_id: Option<ConfirmationId>,
        warnings: Vec<String>,
        result: Option<AttemptResult>,
        failure_reason: Option<FailureReason>,
        notes: Option<String>,
    }
    checked {
        /// Only to be refused when it differs from the attempt's.
        case_id: Option<i64>,
        /// Only to be refused when it differs from the attempt's.
        machine_id: Option<i64>,
        /// Only to be refused when it differs from the attempt's.
        license_id: Option<i64>,
    }
}

impl NewAttempt {
    /// This attempt (as stored in case `case_id` of `machine_id` and
    /// `license_id`) with `patch` laid over it, its rules checked again.
    /// An attempt cannot move to another case, machine or license.
    pub fn patched(
        &self,
        (case_id, machine_id, license_id): (i64, i64, i64),
        patch: &AttemptPatch,
    ) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        for (name, now, new) in [
            ("case_id", case_id, patch.case_id),
            ("machine_id", machine_id, patch.machine_id),
            ("license_id", license_id, patch.license_id),
        ] {
            if new.is_some_and(|n| n != Some(now)) {
                c.push(name, Msg::new("msg.attempt_target_fixed"));
            }
        }
        c.finish()?;
        let mut a = self.clone();
        patch.apply_to(&mut a);
        let mut c = Check::default();
        check_rules(
            &mut c,
            Some(&a.started_at),
            Some(a.ended_at.as_ref()),
            Some(a.result),
            Some(a.failure_reason),
            Some(a.operator_outcome),
            Some(a.operator_rating),
        );
        c.finish()?;
        Ok(a)
    }
}

impl TryFrom<&Attempt> for NewAttempt {
    type Error = String;

    /// A stored attempt, in its own case, its questions kept as they are.
    fn try_from(a: &Attempt) -> Result<Self, String> {
        let time = |t: &str| CallerTime::parse_stored(t).map_err(|e| format!("attempt {}: {e}", a.id));
        let id = |e: super::ids::IdError| format!("attempt {}: {}", a.id, e.0);
        Ok(Self {
            target: AttemptTarget::Case(a.case_id),
            started_at: time(&a.started_at)?,
            ended_at: a.ended_at.as_deref().map(time).transpose()?,
            phone_number: a.phone_number.clone(),
            method: a.method,
            number_kind: a.number_kind,
            called_from: a.called_from,
            country: a.country.clone(),
            ivr_product: a.ivr_product,
            installation_id: a.installation_id.as_deref().map(str::parse).transpose().map_err(id)?,
            ivr_result: a.ivr_result,
            groups_reentered: a.groups_reentered.clone(),
            operator_outcome: a.operator_outcome,
            wait_seconds: a.wait_seconds,
            operator_rating: a.operator_rating,
            questions: None,
            confirmation_id: a
                .confirmation_id
                .as_deref()
                .map(ConfirmationId::parse_checked)
                .transpose()
                .map_err(id)?
                .map(|c| c.id),
            result: a.result,
            failure_reason: a.failure_reason,
            notes: a.notes.clone(),
            // Those of the household's offset are placed again when it is stored (`in_zone`).
            warnings: a.warnings.iter().filter(|w| !is_offset_warning(w)).cloned().collect(),
        })
    }
}

/// What to show of an answer that must be sealed: the answer with every
/// product key in it masked, or `None` when the answer may be kept in clear.
/// An answer is sealed when it holds something shaped like a key (typos
/// included), whatever the question; one that holds none stays readable.
pub fn masked_answer(answer: &str) -> Option<String> {
    let found = super::ids::find_key_like(answer);
    if found.is_empty() {
        // Nothing shaped like a key: readable, whatever the question was
        // ("didn't have it" to a product_key question stays so), and an
        // answer masked already (from an export without secrets) too.
        return None;
    }
    let mut out = String::with_capacity(answer.len());
    let mut at = 0;
    for (range, last5) in found {
        out.push_str(&answer[at..range.start]);
        out.push_str(&super::ids::mask_last_five(&last5));
        at = range.end;
    }
    out.push_str(&answer[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_kept_as_typed_with_full_width_forms_normalised() {
        let p = |s: &str| phone_number(&s.to_string());
        assert_eq!(p("0120-801-734"), Ok(Some("0120-801-734".into())));
        assert_eq!(p("０１２０ー８０１ー７３４"), Ok(Some("0120-801-734".into())));
        assert_eq!(p(" +81 (3)  1234－5678 "), Ok(Some("+81 (3) 1234-5678".into())));
        assert_eq!(p("   "), Ok(None));
        assert!(p("123").unwrap_err().contains("holds 3 digits"));
        assert!(p(&"1".repeat(21)).unwrap_err().contains("holds 21 digits"));
        assert!(p("0120-801-73x").unwrap_err().contains("holds 'x'"));
        assert!(p(&"1 ".repeat(30)).unwrap_err().contains("at most 40"));
        // NFKC lengthens ⑴ to (1): the stored form is held to the limit too.
        assert!(p(&"⑴".repeat(14)).unwrap_err().contains("42 characters long once normalised"));
    }

    #[test]
    fn answers_holding_keys_are_masked() {
        assert_eq!(masked_answer("Pro"), None);
        // Answers holding no key stay readable, even to a product_key question.
        assert_eq!(masked_answer("I did not know"), None);
        let masked = "*****-*****-*****-*****-9D6T9";
        assert_eq!(masked_answer(masked), None, "an export's mask stays as it is");
        assert_eq!(
            masked_answer("read GCRJD-8NW9H-F2CDX-CCM8D-9D6T9 out").as_deref(),
            Some("read *****-*****-*****-*****-9D6T9 out")
        );
    }
}
