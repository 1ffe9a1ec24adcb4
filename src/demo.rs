//! `activation-journal demo`: the story told in the README, loaded into an empty
//! journal through the same store calls the API makes, so that `serve` and
//! `summary` have something to show. The rows are built as typed domain
//! values, parsed by the same domain parsers as anything a user sends.

use crate::domain::time::CallerTime;
use crate::domain::{
    AttemptResult, AttemptTarget, CalledFrom, Channel, ConfirmationId, FailureReason, IvrProduct, IvrResult, KeyChange,
    NewAttempt, NewFollowUp, NewHardwareChange, NewLicense, NewMachine, NewQuestion, NumberKind, OperatorOutcome, Part,
    Topic, Trigger,
};
use crate::store::{Actor, Created, Store, WriteCtx};
use crate::summary::SummaryFilter;

fn id<T>(created: Created<T>, id_of: impl Fn(&T) -> i64) -> i64 {
    match created {
        Created::New(v) => id_of(&v),
        Created::Replay { entity_id, .. } => entity_id,
    }
}

fn machine(name: &str, owner: &str) -> NewMachine {
    NewMachine { name: name.into(), owner: Some(owner.into()), notes: None }
}

fn license(channel: Channel, key: &str) -> anyhow::Result<NewLicense> {
    Ok(NewLicense {
        product: "Windows 8.1".into(),
        edition: Some("Pro".into()),
        channel,
        purchased_from: None,
        purchased_on: None,
        box_colour: None,
        product_key: KeyChange::Set(key.parse().map_err(|e: crate::domain::IdError| anyhow::anyhow!(e.0))?),
        notes: None,
    })
}

fn question(topic: Topic, answer: &str) -> NewQuestion {
    NewQuestion { topic, question: None, answer: Some(answer.into()) }
}

/// A call of the story: by mobile to the toll-free number in Japan, the
/// menu asked about Windows and could not confirm the Installation ID.
fn call(machine_id: i64, license_id: i64, started_at: &str) -> anyhow::Result<NewAttempt> {
    let target = AttemptTarget::Pair { machine_id, license_id, trigger: Trigger::HardwareChange };
    let mut a = NewAttempt::new(target, CallerTime::parse(started_at).map_err(anyhow::Error::msg)?);
    a.number_kind = Some(NumberKind::TollFree);
    a.called_from = Some(CalledFrom::Mobile);
    a.country = Some("JP".into());
    a.ivr_product = Some(IvrProduct::Windows);
    a.ivr_result = Some(IvrResult::NotConfirmed);
    Ok(a)
}

/// Day 1, about 18:00: no operator can take the call.
fn day1(machine_id: i64, license_id: i64, started_at: &str) -> anyhow::Result<NewAttempt> {
    let mut a = call(machine_id, license_id, started_at)?;
    a.operator_outcome = Some(OperatorOutcome::Unavailable);
    a.result = Some(AttemptResult::NotActivated);
    a.failure_reason = Some(FailureReason::OperatorUnavailable);
    a.notes = Some("no operator can take your call at this time".into());
    Ok(a)
}

/// Day 2: an operator asked her questions and read out the Confirmation ID.
fn day2(
    (machine_id, license_id): (i64, i64),
    (started_at, ended_at): (&str, &str),
    wait_seconds: i64,
    rating: u8,
    questions: Vec<NewQuestion>,
    cid: &str,
) -> anyhow::Result<NewAttempt> {
    let mut a = call(machine_id, license_id, started_at)?;
    a.ended_at = Some(CallerTime::parse(ended_at).map_err(anyhow::Error::msg)?);
    a.operator_outcome = Some(OperatorOutcome::Reached);
    a.wait_seconds = Some(wait_seconds);
    a.operator_rating = Some(rating);
    a.questions = Some(questions);
    a.confirmation_id = Some(ConfirmationId::parse_checked(cid).map_err(|e| anyhow::anyhow!(e.0))?.id);
    a.result = Some(AttemptResult::Activated);
    Ok(a)
}

/// Load the story; refuses a journal that already holds data.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    let o = store.overview(&SummaryFilter::default()).await?;
    if o.machines + o.licenses + o.attempts > 0 {
        anyhow::bail!(
            "this journal already holds data; the demo loads only into an empty one (name a new file with --db, \
             e.g. --db demo-story.db)"
        );
    }
    let actor = Actor::cli();
    let ctx = WriteCtx::new(&actor);
    let pc1 = id(store.create_machine(&ctx, &machine("PC 1", "Ken")).await?, |m| m.id);
    let pc2 = id(store.create_machine(&ctx, &machine("PC 2", "Yumi")).await?, |m| m.id);
    for m in [pc1, pc2] {
        let change = NewHardwareChange {
            changed_on: chrono::NaiveDate::from_ymd_opt(2014, 5, 9).unwrap_or_default(),
            // The story: motherboard, CPU, memory and graphics card
            // swapped; the hard disk and the DVD drive kept.
            parts_replaced: [Part::Motherboard, Part::Cpu, Part::Memory, Part::Gpu].into_iter().collect(),
            parts_kept: [Part::Storage, Part::Optical].into_iter().collect(),
            os_reinstalled: false,
            notes: None,
        };
        store.create_hardware_change(&ctx, m, &change).await?;
    }
    let mut boxed = license(Channel::RetailBox, "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9")?;
    boxed.box_colour = Some("blue".into());
    boxed.purchased_from = Some("an electronics shop".into());
    let boxed = id(store.create_license(&ctx, &boxed).await?, |l| l.id);
    let download = license(Channel::RetailDownload, "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7")?;
    let download = id(store.create_license(&ctx, &download).await?, |l| l.id);
    store.create_attempt(&ctx, &day1(pc1, boxed, "2014-05-09T18:02:00+09:00")?).await?;
    store.create_attempt(&ctx, &day1(pc2, download, "2014-05-09T18:15:00+09:00")?).await?;
    let mut pc1_day2 = day2(
        (pc1, boxed),
        ("2014-05-10T10:05:00+09:00", "2014-05-10T10:14:00+09:00"),
        0,
        5,
        vec![
            question(Topic::InstallationIdGroup, "5087605"),
            question(Topic::Edition, "Pro"),
            question(Topic::PurchaseType, "box"),
            question(Topic::BoxColour, "blue"),
        ],
        "312941-600685-221664-309501-357641-160630-108735-549905",
    )?;
    pc1_day2.installation_id = Some(
        "508760583450367066786558223034732344271525457574499727444472481"
            .parse()
            .map_err(|e: crate::domain::IdError| anyhow::anyhow!(e.0))?,
    );
    store.create_attempt(&ctx, &pc1_day2).await?;
    let mut pc2_day2 = day2(
        (pc2, download),
        ("2014-05-10T10:30:00+09:00", "2014-05-10T10:45:00+09:00"),
        180,
        1,
        vec![
            question(Topic::PurchaseSite, "did not know"),
            question(Topic::ProductKey, "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"),
        ],
        "786851-346463-892904-802131-404836-272132-964533-335584",
    )?;
    pc2_day2.notes = Some("rude operator".into());
    store.create_attempt(&ctx, &pc2_day2).await?;
    let follow = NewFollowUp {
        machine_id: Some(pc1),
        case_id: None,
        text: "uninstall the old motherboard's chipset and LAN drivers".into(),
        due_on: None,
        done: false,
    };
    store.create_follow_up(&ctx, &follow).await?;
    Ok(())
}
