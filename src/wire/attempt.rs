//! Attempt bodies. POST gives `case_id`, or `machine_id` and `license_id`
//! (and optionally `trigger`): the open case of that pair is used, or a new
//! one opened. PATCH cannot move an attempt to another case.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{bodies, named_something, nullable, Field};
use crate::domain::attempt::{
    check_rules, confirmation_id, country, groups, installation_id, phone_number, rating, wait_seconds,
    CONFIRMATION_ID, COUNTRY, GROUPS, INSTALLATION_ID, PHONE_NUMBER, QUESTIONS_MAX, RATING, WAIT_SECONDS,
};
use crate::domain::fields::{caller_time, got, id, member, Check, FieldErrors, Msg};
use crate::domain::shape::{FieldDecl, Kind, LINE, NOTES};
use crate::domain::time::CallerTime;
use crate::domain::{
    AttemptPatch, AttemptResult, AttemptTarget, CalledFrom, FailureReason, IvrProduct, IvrResult, Method, NewAttempt,
    NewQuestion, NumberKind, OperatorOutcome, Topic, Trigger,
};

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

/// The declarations of a question's fields (see [`crate::domain::shape`]).
#[allow(non_upper_case_globals)]
pub mod question_fields {
    use super::*;
    pub const topic: FieldDecl =
        FieldDecl { name: "topic", kind: Kind::OneOf(Topic::SET), required: true, label: "field.topic" };
    /// What the operator asked, on one line.
    pub const question: FieldDecl =
        FieldDecl { name: "question", kind: LINE, required: false, label: "field.question" };
    pub const answer: FieldDecl = FieldDecl { name: "answer", kind: NOTES, required: false, label: "field.answer" };
    pub const ALL: &[FieldDecl] = &[topic, question, answer];
}

bodies! {
    /// A new attempt. Give `case_id`, or `machine_id` and `license_id` (and
    /// optionally `trigger`): the open case of that pair is used, or a new one
    /// opened.
    pub struct AttemptCreate;
    /// A change to an attempt: the fields sent replace the stored ones;
    /// `questions` replaces every question.
    pub struct AttemptFields;
    pub mod attempt_fields;
    {
        /// The attempt's case; a PATCH cannot change it (the same value is accepted).
        case_id: i64 as Kind::Id => [value_type = Option<i64>] [value_type = Option<i64>],
        /// With `license_id`, when `case_id` is not given; a PATCH cannot change it.
        machine_id: i64 as Kind::Id => [value_type = Option<i64>] [value_type = Option<i64>],
        /// With `machine_id`, when `case_id` is not given; a PATCH cannot change it.
        license_id: i64 as Kind::Id => [value_type = Option<i64>] [value_type = Option<i64>],
        /// For a case opened by this attempt (POST); defaults to `other`. A
        /// PATCH refuses it: a case's trigger is changed on the case.
        trigger: String as Kind::OneOf(Trigger::SET) => [value_type = Option<Trigger>] [value_type = Option<Trigger>],
        /// RFC 3339 with the caller's offset; echoed back as given. Required on POST.
        started_at: String as Kind::Time, required => [value_type = String, example = "2014-05-10T10:05:00+09:00"] [value_type = String, example = "2014-05-10T10:05:00+09:00"],
        ended_at: String as Kind::Time => [value_type = Option<String>] [value_type = Option<String>],
        /// The number dialled, as typed: 4–20 digits, with spaces, `+ - ( )`;
        /// full-width forms are normalised.
        phone_number: String as PHONE_NUMBER => [value_type = Option<String>, example = "0120-801-734"] [value_type = Option<String>, example = "0120-801-734"],
        /// Defaults to `phone`.
        method: String as Kind::OneOf(Method::SET) => [value_type = Option<Method>] [value_type = Option<Method>],
        number_kind: String as Kind::OneOf(NumberKind::SET) => [value_type = Option<NumberKind>] [value_type = Option<NumberKind>],
        called_from: String as Kind::OneOf(CalledFrom::SET) => [value_type = Option<CalledFrom>] [value_type = Option<CalledFrom>],
        /// ISO 3166 alpha-2, e.g. `JP`.
        country: String as COUNTRY => [value_type = Option<String>, example = "JP"] [value_type = Option<String>, example = "JP"],
        ivr_product: String as Kind::OneOf(IvrProduct::SET) => [value_type = Option<IvrProduct>] [value_type = Option<IvrProduct>],
        /// 50, 54 or 63 digits; spaces, hyphens and full-width digits accepted.
        installation_id: String as INSTALLATION_ID => [value_type = Option<String>] [value_type = Option<String>],
        ivr_result: String as Kind::OneOf(IvrResult::SET) => [value_type = Option<IvrResult>] [value_type = Option<IvrResult>],
        /// Group numbers 1–9 the menu made the caller type again.
        groups_reentered: Vec<i64> as GROUPS => [value_type = Option<Vec<u8>>] [value_type = Option<Vec<u8>>],
        operator_outcome: String as Kind::OneOf(OperatorOutcome::SET) => [value_type = Option<OperatorOutcome>] [value_type = Option<OperatorOutcome>],
        /// Seconds in the operator queue, 0–86400.
        wait_seconds: i64 as WAIT_SECONDS => [value_type = Option<i64>] [value_type = Option<i64>],
        /// 1–5, only when an operator was reached.
        operator_rating: i64 as RATING => [value_type = Option<u8>] [value_type = Option<u8>],
        /// In the order asked; replaces all questions on PATCH.
        questions: Vec<QuestionFields> as Kind::Objects { items: QUESTIONS_MAX } => [value_type = Option<Vec<QuestionFields>>] [value_type = Option<Vec<QuestionFields>>],
        /// 42 or 48 digits.
        confirmation_id: String as CONFIRMATION_ID => [value_type = Option<String>] [value_type = Option<String>],
        /// `activated` closes the case.
        result: String as Kind::OneOf(AttemptResult::SET) => [value_type = Option<AttemptResult>] [value_type = Option<AttemptResult>],
        /// Required when `result` is `not_activated`, and only then.
        failure_reason: String as Kind::OneOf(FailureReason::SET) => [value_type = Option<FailureReason>] [value_type = Option<FailureReason>],
        notes: String as NOTES => [value_type = Option<String>] [value_type = Option<String>],
    }
}

fn question(q: &QuestionFields) -> Result<NewQuestion, FieldErrors> {
    let mut c = Check::default();
    let topic = c.required("topic", &q.topic, member::<Topic>);
    let question = c.optional("question", &q.question, question_fields::question.opt_text());
    let answer = c.optional("answer", &q.answer, question_fields::answer.opt_text());
    c.finish()?;
    Ok(NewQuestion { topic: got(topic)?, question: got(question)?, answer: got(answer)? })
}

/// The questions as sent: `None` when they failed (each failing one named
/// as `questions[2].topic`), `null` is none.
fn questions(c: &mut Check, raw: &Option<Vec<QuestionFields>>) -> Option<Vec<NewQuestion>> {
    let qs = raw.as_deref().unwrap_or_default();
    if qs.len() > QUESTIONS_MAX {
        c.push("questions", Msg::new("msg.too_many_questions").arg("n", qs.len()).arg("max", QUESTIONS_MAX));
        return None;
    }
    let mut parsed = Vec::with_capacity(qs.len());
    let mut ok = true;
    for (i, q) in qs.iter().enumerate() {
        match question(q) {
            Ok(q) => parsed.push(q),
            Err(e) => {
                c.extend(e, &format!("questions[{i}]."));
                ok = false;
            }
        }
    }
    ok.then_some(parsed)
}

#[allow(clippy::ptr_arg)]
fn some<T: std::str::FromStr<Err = Msg>>(s: &String) -> Result<Option<T>, Msg> {
    member::<T>(s).map(Some)
}

#[allow(clippy::ptr_arg)]
fn time(s: &String) -> Result<Option<CallerTime>, Msg> {
    caller_time(s).map(Some)
}

fn target(c: &mut Check, f: &AttemptCreate) -> Option<AttemptTarget> {
    let case_id = c.optional("case_id", &f.case_id, |v| id(v).map(Some))?;
    let machine_id = c.optional("machine_id", &f.machine_id, |v| id(v).map(Some))?;
    let license_id = c.optional("license_id", &f.license_id, |v| id(v).map(Some))?;
    let trigger = c.optional("trigger", &f.trigger, some::<Trigger>)?;
    match (case_id, machine_id, license_id) {
        (Some(case_id), _, _) => Some(AttemptTarget::Case(case_id)),
        (None, Some(machine_id), Some(license_id)) => {
            Some(AttemptTarget::Pair { machine_id, license_id, trigger: trigger.unwrap_or(Trigger::Other) })
        }
        (None, None, Some(_)) => {
            c.push("machine_id", Msg::new("msg.machine_with_license"));
            None
        }
        (None, Some(_), None) => {
            c.push("license_id", Msg::new("msg.license_with_machine"));
            None
        }
        (None, None, None) => {
            c.push("case_id", Msg::new("msg.case_or_pair"));
            None
        }
    }
}

impl TryFrom<&AttemptCreate> for NewAttempt {
    type Error = FieldErrors;

    fn try_from(f: &AttemptCreate) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let target = target(&mut c, f);
        let started_at = c.required("started_at", &f.started_at, caller_time);
        let ended_at = c.optional("ended_at", &f.ended_at, time);
        let phone_number = c.optional("phone_number", &f.phone_number, phone_number);
        let method = c.optional("method", &f.method, some::<Method>);
        let number_kind = c.optional("number_kind", &f.number_kind, some::<NumberKind>);
        let called_from = c.optional("called_from", &f.called_from, some::<CalledFrom>);
        let country = c.optional("country", &f.country, country);
        let ivr_product = c.optional("ivr_product", &f.ivr_product, some::<IvrProduct>);
        let installation_id = c.optional("installation_id", &f.installation_id, installation_id);
        let ivr_result = c.optional("ivr_result", &f.ivr_result, some::<IvrResult>);
        let groups_reentered = c.optional("groups_reentered", &f.groups_reentered, groups);
        let operator_outcome = c.optional("operator_outcome", &f.operator_outcome, some::<OperatorOutcome>);
        let wait_seconds = c.optional("wait_seconds", &f.wait_seconds, wait_seconds);
        let operator_rating = c.optional("operator_rating", &f.operator_rating, rating);
        let questions = questions(&mut c, &f.questions.clone().flatten());
        let confirmation_id = c.optional("confirmation_id", &f.confirmation_id, confirmation_id);
        let result = c.optional("result", &f.result, some::<AttemptResult>);
        let failure_reason = c.optional("failure_reason", &f.failure_reason, some::<FailureReason>);
        let notes = c.optional("notes", &f.notes, attempt_fields::notes.opt_text());
        check_rules(
            &mut c,
            started_at.as_ref(),
            ended_at.as_ref().map(Option::as_ref),
            result,
            failure_reason,
            operator_outcome,
            operator_rating,
        );
        c.finish()?;
        let checked = got(confirmation_id)?;
        Ok(Self {
            target: got(target)?,
            started_at: got(started_at)?,
            ended_at: got(ended_at)?,
            phone_number: got(phone_number)?,
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
            questions: Some(got(questions)?),
            warnings: checked.as_ref().map(|c| c.warnings.clone()).unwrap_or_default(),
            confirmation_id: checked.map(|c| c.id),
            result: got(result)?,
            failure_reason: got(failure_reason)?,
            notes: got(notes)?,
        })
    }
}

impl TryFrom<&AttemptFields> for AttemptPatch {
    type Error = FieldErrors;

    fn try_from(f: &AttemptFields) -> Result<Self, FieldErrors> {
        let mut c = Check::default();
        let case_id = c.patch_optional("case_id", &f.case_id, |v| id(v).map(Some));
        let machine_id = c.patch_optional("machine_id", &f.machine_id, |v| id(v).map(Some));
        let license_id = c.patch_optional("license_id", &f.license_id, |v| id(v).map(Some));
        if f.trigger.is_some() {
            c.push("trigger", Msg::new("msg.trigger_only_on_open"));
        }
        let started_at = c.patch_required("started_at", &f.started_at, caller_time);
        let ended_at = c.patch_optional("ended_at", &f.ended_at, time);
        let phone_number = c.patch_optional("phone_number", &f.phone_number, phone_number);
        let method = c.patch_optional("method", &f.method, some::<Method>);
        let number_kind = c.patch_optional("number_kind", &f.number_kind, some::<NumberKind>);
        let called_from = c.patch_optional("called_from", &f.called_from, some::<CalledFrom>);
        let country = c.patch_optional("country", &f.country, country);
        let ivr_product = c.patch_optional("ivr_product", &f.ivr_product, some::<IvrProduct>);
        let installation_id = c.patch_optional("installation_id", &f.installation_id, installation_id);
        let ivr_result = c.patch_optional("ivr_result", &f.ivr_result, some::<IvrResult>);
        let groups_reentered = c.patch_optional("groups_reentered", &f.groups_reentered, groups);
        let operator_outcome = c.patch_optional("operator_outcome", &f.operator_outcome, some::<OperatorOutcome>);
        let wait_seconds = c.patch_optional("wait_seconds", &f.wait_seconds, wait_seconds);
        let operator_rating = c.patch_optional("operator_rating", &f.operator_rating, rating);
        let questions = match &f.questions {
            None => Some(None),
            Some(qs) => questions(&mut c, qs).map(Some),
        };
        let confirmation_id = c.patch_optional("confirmation_id", &f.confirmation_id, confirmation_id);
        let result = c.patch_optional("result", &f.result, some::<AttemptResult>);
        let failure_reason = c.patch_optional("failure_reason", &f.failure_reason, some::<FailureReason>);
        let notes = c.patch_optional("notes", &f.notes, attempt_fields::notes.opt_text());
        c.finish()?;
        let checked = got(confirmation_id)?;
        let patch = Self {
            case_id: got(case_id)?,
            machine_id: got(machine_id)?,
            license_id: got(license_id)?,
            started_at: got(started_at)?,
            ended_at: got(ended_at)?,
            phone_number: got(phone_number)?,
            method: got(method)?.map(|m| m.unwrap_or(Method::Phone)),
            number_kind: got(number_kind)?,
            called_from: got(called_from)?,
            country: got(country)?,
            ivr_product: got(ivr_product)?,
            installation_id: got(installation_id)?,
            ivr_result: got(ivr_result)?,
            groups_reentered: got(groups_reentered)?.map(Option::unwrap_or_default),
            operator_outcome: got(operator_outcome)?,
            wait_seconds: got(wait_seconds)?,
            operator_rating: got(operator_rating)?,
            questions: got(questions)?.map(Some),
            warnings: checked.as_ref().map(|c| c.as_ref().map(|c| c.warnings.clone()).unwrap_or_default()),
            confirmation_id: checked.map(|c| c.map(|c| c.id)),
            result: got(result)?,
            failure_reason: got(failure_reason)?,
            notes: got(notes)?,
        };
        named_something(patch, AttemptPatch::fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day2() -> AttemptCreate {
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
        let err = NewAttempt::try_from(&AttemptCreate::default()).unwrap_err().to_string();
        assert_eq!(err, "case_id: is required, or machine_id and license_id; started_at: is required");
    }

    #[test]
    fn a_patch_cannot_move_an_attempt() {
        let stored = NewAttempt::try_from(&day2()).unwrap();
        let patch = AttemptPatch::try_from(&AttemptFields { case_id: Some(Some(2)), ..Default::default() }).unwrap();
        let err = stored.patched((1, 1, 1), &patch).unwrap_err();
        assert!(err.to_string().starts_with("case_id: cannot be changed"));
    }
}
