//! Attempts: one try at activating, usually one call — what the menu said,
//! how long the queue was, what the operator asked, what happened.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enums::{
    AttemptResult, CalledFrom, FailureReason, IvrProduct, IvrResult, Method, NumberKind, OperatorOutcome, Topic,
    Trigger,
};
use super::fields::{got, id, member, nullable, opt_text, Check, Field, FieldErrors, LONG_MAX, SHORT_MAX};
use super::ids::{ConfirmationId, InstallationId};
use super::time::CallerTime;

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

/// One question as sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionFields {
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Topic)]
    pub topic: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "Which edition?")]
    pub question: Field<String>,
    /// An answer holding a product key is stored encrypted and shown masked.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "Pro")]
    pub answer: Field<String>,
}

/// The writable fields of an attempt. Give `case_id`, or `machine_id` and
/// `license_id` (and optionally `trigger`): the open case of that pair is
/// used, or a new one opened.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttemptFields {
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub case_id: Field<i64>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub machine_id: Field<i64>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub license_id: Field<i64>,
    /// For a case opened by this attempt; defaults to `other`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Trigger>)]
    pub trigger: Field<String>,
    /// Required. RFC 3339 with the caller's offset; echoed back as given.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, format = DateTime, example = "2014-05-10T10:05:00+09:00")]
    pub started_at: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Field<String>,
    /// Defaults to `phone`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Method>)]
    pub method: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<NumberKind>)]
    pub number_kind: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<CalledFrom>)]
    pub called_from: Field<String>,
    /// ISO 3166 alpha-2, e.g. `JP`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "JP")]
    pub country: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<IvrProduct>)]
    pub ivr_product: Field<String>,
    /// 50, 54 or 63 digits; spaces, hyphens and full-width digits accepted.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub installation_id: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<IvrResult>)]
    pub ivr_result: Field<String>,
    /// Group numbers 1–9 the menu made the caller type again.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<u8>>)]
    pub groups_reentered: Field<Vec<i64>>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<OperatorOutcome>)]
    pub operator_outcome: Field<String>,
    /// Seconds in the operator queue, 0–86400.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 86400)]
    pub wait_seconds: Field<i64>,
    /// 1–5, only when an operator was reached.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 5)]
    pub operator_rating: Field<i64>,
    /// In the order asked; replaces all questions on PATCH.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<QuestionFields>>)]
    pub questions: Field<Vec<QuestionFields>>,
    /// 42 or 48 digits.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub confirmation_id: Field<String>,
    /// `activated` closes the case.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<AttemptResult>)]
    pub result: Field<String>,
    /// Required when `result` is `not_activated`, and only then.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<FailureReason>)]
    pub failure_reason: Field<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub notes: Field<String>,
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

fn country(raw: &String) -> Result<Option<String>, String> {
    let t: String = raw.trim().chars().map(|c| c.to_ascii_uppercase()).collect();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(Some(t))
    } else {
        Err(format!("{raw:?} is not an ISO 3166 alpha-2 country code like JP"))
    }
}

fn groups(raw: &Vec<i64>) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::with_capacity(raw.len());
    for g in raw {
        match u8::try_from(*g) {
            Ok(n @ 1..=9) => out.push(n),
            _ => return Err(format!("{g} is not a group number (1–9)")),
        }
    }
    if out.len() > 50 {
        return Err(format!("lists {} groups; at most 50 are kept", out.len()));
    }
    Ok(Some(out))
}

fn question(q: &QuestionFields) -> Result<NewQuestion, FieldErrors> {
    let mut c = Check::default();
    let topic = c.required("topic", &q.topic, member::<Topic>);
    let question = c.optional("question", &q.question, opt_text(SHORT_MAX));
    let answer = c.optional("answer", &q.answer, opt_text(LONG_MAX));
    c.finish()?;
    Ok(NewQuestion { topic: got(topic)?, question: got(question)?, answer: got(answer)? })
}

/// Most questions one attempt keeps.
pub const QUESTIONS_MAX: usize = 50;

impl TryFrom<&AttemptFields> for NewAttempt {
    type Error = FieldErrors;

    fn try_from(f: &AttemptFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let target = target(&mut c, f);
        let started_at = c.required("started_at", &f.started_at, |s| CallerTime::parse(s));
        let ended_at = c.optional("ended_at", &f.ended_at, |s| CallerTime::parse(s).map(Some));
        let method = c.optional("method", &f.method, |s| member::<Method>(s).map(Some));
        let number_kind = c.optional("number_kind", &f.number_kind, |s| member::<NumberKind>(s).map(Some));
        let called_from = c.optional("called_from", &f.called_from, |s| member::<CalledFrom>(s).map(Some));
        let country = c.optional("country", &f.country, country);
        let ivr_product = c.optional("ivr_product", &f.ivr_product, |s| member::<IvrProduct>(s).map(Some));
        let installation_id = c.optional("installation_id", &f.installation_id, |s| {
            if s.trim().is_empty() {
                return Ok(None);
            }
            s.parse::<InstallationId>().map(Some).map_err(|e| e.0)
        });
        let ivr_result = c.optional("ivr_result", &f.ivr_result, |s| member::<IvrResult>(s).map(Some));
        let groups_reentered = c.optional("groups_reentered", &f.groups_reentered, groups);
        let operator_outcome =
            c.optional("operator_outcome", &f.operator_outcome, |s| member::<OperatorOutcome>(s).map(Some));
        let wait_seconds = c.optional("wait_seconds", &f.wait_seconds, |w| match *w {
            0..=86_400 => Ok(Some(*w)),
            _ => Err(format!("{w} is not a number of seconds from 0 to 86400")),
        });
        let operator_rating = c.optional("operator_rating", &f.operator_rating, |r| match u8::try_from(*r) {
            Ok(n @ 1..=5) => Ok(Some(n)),
            _ => Err(format!("{r} is not a rating from 1 to 5")),
        });
        let questions = match &f.questions {
            None => Some(None),
            Some(None) => Some(Some(Vec::new())),
            Some(Some(qs)) if qs.len() > QUESTIONS_MAX => {
                c.push("questions", format!("lists {} questions; at most {QUESTIONS_MAX} are kept", qs.len()));
                None
            }
            Some(Some(qs)) => {
                let mut parsed = Vec::with_capacity(qs.len());
                for (i, q) in qs.iter().enumerate() {
                    match question(q) {
                        Ok(q) => parsed.push(q),
                        Err(e) => c.extend(e, &format!("questions[{i}].")),
                    }
                }
                Some(Some(parsed))
            }
        };
        let mut warnings = Vec::new();
        let confirmation_id = c.optional("confirmation_id", &f.confirmation_id, |s| {
            if s.trim().is_empty() {
                return Ok(None);
            }
            let checked = ConfirmationId::parse_checked(s).map_err(|e| e.0)?;
            warnings.extend(checked.warnings);
            Ok(Some(checked.id))
        });
        let result = c.optional("result", &f.result, |s| member::<AttemptResult>(s).map(Some));
        let failure_reason = c.optional("failure_reason", &f.failure_reason, |s| member::<FailureReason>(s).map(Some));
        let notes = c.optional("notes", &f.notes, opt_text(LONG_MAX));

        // Rules across fields, checked once every field parsed.
        if let (Some(start), Some(Some(end))) = (&started_at, &ended_at) {
            if end.utc_millis() < start.utc_millis() {
                c.push("ended_at", "is before started_at");
            }
        }
        match (result, failure_reason) {
            (Some(Some(AttemptResult::NotActivated)), Some(None)) => {
                c.push("failure_reason", "is required when result is not_activated")
            }
            (Some(r), Some(Some(_))) if r != Some(AttemptResult::NotActivated) => {
                c.push("failure_reason", "is only kept when result is not_activated")
            }
            _ => {}
        }
        if let (Some(Some(_)), Some(outcome)) = (operator_rating, operator_outcome) {
            if outcome != Some(OperatorOutcome::Reached) {
                c.push("operator_rating", "is only kept when operator_outcome is reached");
            }
        }
        c.finish()?;
        Ok(Self {
            target: got(target)?,
            started_at: got(started_at)?,
            ended_at: got(ended_at)?,
            method: got(method)?.unwrap_or(Method::Phone),
            number_kind: got(number_kind)?,
            called_from: got(called_from)?,
            country: got(country)?,
            ivr_product: got(ivr_product)?,
            installation_id: got(installation_id)?,
            ivr_result: got(ivr_result)?,
            groups_reentered: got(groups_reentered)?.unwrap_or_default(),
            operator_outcome: got(operator_outcome)?,
            wait_seconds: got(wait_seconds)?,
            operator_rating: got(operator_rating)?,
            questions: got(questions)?,
            confirmation_id: got(confirmation_id)?,
            result: got(result)?,
            failure_reason: got(failure_reason)?,
            notes: got(notes)?,
            warnings,
        })
    }
}

fn target(c: &mut Check, f: &AttemptFields) -> Option<AttemptTarget> {
    let case_id = c.optional("case_id", &f.case_id, |v| id(v).map(Some))?;
    let machine_id = c.optional("machine_id", &f.machine_id, |v| id(v).map(Some))?;
    let license_id = c.optional("license_id", &f.license_id, |v| id(v).map(Some))?;
    let trigger = c.optional("trigger", &f.trigger, |s| member::<Trigger>(s).map(Some))?;
    match (case_id, machine_id, license_id) {
        (Some(case_id), _, _) => Some(AttemptTarget::Case(case_id)),
        (None, Some(machine_id), Some(license_id)) => {
            Some(AttemptTarget::Pair { machine_id, license_id, trigger: trigger.unwrap_or(Trigger::Other) })
        }
        (None, None, Some(_)) => {
            c.push("machine_id", "is required with license_id when case_id is not given");
            None
        }
        (None, Some(_), None) => {
            c.push("license_id", "is required with machine_id when case_id is not given");
            None
        }
        (None, None, None) => {
            c.push("case_id", "is required, or machine_id and license_id");
            None
        }
    }
}

impl AttemptFields {
    /// The fields of a stored attempt, to lay a PATCH over. Questions are
    /// left out (kept unless the patch names them), and so are answers in
    /// clear, which the stored attempt only has masked.
    pub fn of(a: &Attempt) -> Self {
        let s = |v: Option<&str>| Some(v.map(str::to_string));
        Self {
            case_id: Some(Some(a.case_id)),
            machine_id: Some(Some(a.machine_id)),
            license_id: Some(Some(a.license_id)),
            trigger: None,
            started_at: Some(Some(a.started_at.clone())),
            ended_at: Some(a.ended_at.clone()),
            method: Some(Some(a.method.as_str().to_string())),
            number_kind: s(a.number_kind.map(|v| v.as_str())),
            called_from: s(a.called_from.map(|v| v.as_str())),
            country: Some(a.country.clone()),
            ivr_product: s(a.ivr_product.map(|v| v.as_str())),
            installation_id: Some(a.installation_id.clone()),
            ivr_result: s(a.ivr_result.map(|v| v.as_str())),
            groups_reentered: Some(Some(a.groups_reentered.iter().map(|g| i64::from(*g)).collect())),
            operator_outcome: s(a.operator_outcome.map(|v| v.as_str())),
            wait_seconds: Some(a.wait_seconds),
            operator_rating: Some(a.operator_rating.map(i64::from)),
            questions: None,
            confirmation_id: Some(a.confirmation_id.clone()),
            result: s(a.result.map(|v| v.as_str())),
            failure_reason: s(a.failure_reason.map(|v| v.as_str())),
            notes: Some(a.notes.clone()),
        }
    }

    /// Lay `patch` over these fields; the case, machine and license cannot change.
    pub fn overlay(mut self, patch: &AttemptFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        for (name, now, new) in [
            ("case_id", &self.case_id, &patch.case_id),
            ("machine_id", &self.machine_id, &patch.machine_id),
            ("license_id", &self.license_id, &patch.license_id),
        ] {
            if new.is_some() && new != now {
                c.push(name, "cannot be changed; archive this attempt and record it again");
            }
        }
        if patch.trigger.is_some() {
            c.push("trigger", "is only read when an attempt opens a case; patch the case instead");
        }
        c.finish()?;
        overlay!(self, patch; started_at, ended_at, method, number_kind, called_from, country, ivr_product,
            installation_id, ivr_result, groups_reentered, operator_outcome, wait_seconds, operator_rating,
            questions, confirmation_id, result, failure_reason, notes);
        Ok(self)
    }

    /// Names of the fields present.
    pub fn present(&self) -> Vec<&'static str> {
        present!(self; case_id, machine_id, license_id, trigger, started_at, ended_at, method, number_kind,
            called_from, country, ivr_product, installation_id, ivr_result, groups_reentered, operator_outcome,
            wait_seconds, operator_rating, questions, confirmation_id, result, failure_reason, notes)
    }
}

/// What to show of an answer that must be sealed: the answer with every
/// product key in it masked, or `None` when the answer may be kept in clear.
/// Answers to `product_key` questions are always sealed; any other answer is
/// sealed when it holds something shaped like a key (typos included).
pub fn masked_answer(topic: Topic, answer: &str) -> Option<String> {
    let found = super::ids::find_key_like(answer);
    if found.is_empty() {
        // An answer that is already masked (read from an export without
        // secrets) stays as it is, so that such an export round-trips.
        let masked = answer.contains("*****-*****-*****-*****-");
        return (topic == Topic::ProductKey).then(|| if masked { answer.to_string() } else { "*****".to_string() });
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

    fn day2() -> AttemptFields {
        serde_json::from_value(serde_json::json!({
            "machine_id": 1, "license_id": 1, "trigger": "hardware_change",
            "started_at": "2014-05-10T10:05:00+09:00", "ended_at": "2014-05-10T10:20:00+09:00",
            "installation_id": "508760583450367066786558223034732344271525457574499727444472481",
            "ivr_result": "not_confirmed", "operator_outcome": "reached", "wait_seconds": 0,
            "questions": [{"topic": "edition", "question": "Which edition?", "answer": "Pro"}],
            "confirmation_id": "109062-530373-462923-856922-378004-297663-022353",
            "result": "activated"
        }))
        .unwrap()
    }

    #[test]
    fn the_day_two_call_parses() {
        let a = NewAttempt::try_from(&day2()).unwrap();
        assert_eq!(a.target, AttemptTarget::Pair { machine_id: 1, license_id: 1, trigger: Trigger::HardwareChange });
        assert_eq!(a.started_at.local_hour(), 10);
        assert_eq!(a.questions.unwrap().len(), 1);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut f = day2();
        f.installation_id = Some(Some("508760583450367066786558223034732344271525457574599727444472481".into()));
        f.result = Some(Some("not_activated".into()));
        f.wait_seconds = Some(Some(-1));
        f.questions = Some(Some(vec![QuestionFields { topic: Some(Some("colour".into())), ..Default::default() }]));
        let err = NewAttempt::try_from(&f).unwrap_err().to_string();
        assert!(err.contains("installation_id: group 7 does not check"), "{err}");
        assert!(err.contains("wait_seconds: -1 is not"), "{err}");
        assert!(err.contains("questions[0].topic: \"colour\" is not one of"), "{err}");
        assert!(err.contains("failure_reason: is required when result is not_activated"), "{err}");
    }

    #[test]
    fn an_attempt_needs_a_case_or_a_pair_and_a_start() {
        let err = NewAttempt::try_from(&AttemptFields::default()).unwrap_err().to_string();
        assert_eq!(err, "case_id: is required, or machine_id and license_id; started_at: is required");
    }

    #[test]
    fn answers_holding_keys_are_masked() {
        assert_eq!(masked_answer(Topic::Edition, "Pro"), None);
        assert_eq!(masked_answer(Topic::ProductKey, "I did not know"), Some("*****".into()));
        let masked = "*****-*****-*****-*****-9D6T9";
        assert_eq!(masked_answer(Topic::ProductKey, masked).as_deref(), Some(masked), "an export's mask stays");
        assert_eq!(
            masked_answer(Topic::Other, "read GCRJD-8NW9H-F2CDX-CCM8D-9D6T9 out").as_deref(),
            Some("read *****-*****-*****-*****-9D6T9 out")
        );
    }

    #[test]
    fn a_patch_cannot_move_an_attempt() {
        let err = AttemptFields { case_id: Some(Some(1)), ..Default::default() }
            .overlay(&AttemptFields { case_id: Some(Some(2)), ..Default::default() })
            .unwrap_err();
        assert!(err.to_string().starts_with("case_id: cannot be changed"));
    }
}
