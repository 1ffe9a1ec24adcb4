//! `activation-journal demo`: the story of DESIGN.md, loaded into an empty
//! journal through the same store calls the API makes, so that `serve` and
//! `summary` have something to show.

use serde_json::json;

use crate::store::{Actor, Created, Store, StoreError, WriteCtx};
use crate::summary::SummaryFilter;

fn id<T>(created: Created<T>, id_of: impl Fn(&T) -> i64) -> i64 {
    match created {
        Created::New(v) => id_of(&v),
        Created::Replay { entity_id, .. } => entity_id,
    }
}

fn fields<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, StoreError> {
    serde_json::from_value(v).map_err(|e| StoreError::Corrupt(format!("demo data: {e}")))
}

/// Load the story; refuses a journal that already holds data.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    let o = store.overview(&SummaryFilter::default()).await?;
    if o.machines + o.licenses + o.attempts > 0 {
        anyhow::bail!("this journal already holds data; the demo loads only into an empty one (try --db demo.db)");
    }
    let actor = Actor::cli();
    let ctx = WriteCtx::new(&actor);
    let pc1 = id(store.create_machine(&ctx, &fields(json!({"name": "PC 1", "owner": "Ken"}))?).await?, |m| m.id);
    let pc2 = id(store.create_machine(&ctx, &fields(json!({"name": "PC 2", "owner": "Yumi"}))?).await?, |m| m.id);
    for m in [pc1, pc2] {
        let change = json!({"changed_on": "2014-05-09", "parts_replaced": ["motherboard", "cpu", "memory"], "parts_kept": ["storage"]});
        store.create_hardware_change(&ctx, m, &fields(change)?).await?;
    }
    let boxed = json!({"product": "Windows 8.1", "edition": "Pro", "channel": "retail_box", "box_colour": "blue",
        "purchased_from": "an electronics shop", "product_key": "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"});
    let boxed = id(store.create_license(&ctx, &fields(boxed)?).await?, |l| l.id);
    let download = json!({"product": "Windows 8.1", "edition": "Pro", "channel": "retail_download",
        "product_key": "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"});
    let download = id(store.create_license(&ctx, &fields(download)?).await?, |l| l.id);
    let day1 = |m: i64, l: i64, at: &str| {
        json!({"machine_id": m, "license_id": l, "trigger": "hardware_change", "started_at": at, "method": "phone",
            "number_kind": "toll_free", "called_from": "mobile", "country": "JP", "ivr_product": "windows",
            "ivr_result": "not_confirmed", "operator_outcome": "unavailable", "result": "not_activated",
            "failure_reason": "operator_unavailable", "notes": "no operator can take your call at this time"})
    };
    store.create_attempt(&ctx, &fields(day1(pc1, boxed, "2014-05-09T18:02:00+09:00"))?).await?;
    store.create_attempt(&ctx, &fields(day1(pc2, download, "2014-05-09T18:15:00+09:00"))?).await?;
    let pc1_day2 = json!({"machine_id": pc1, "license_id": boxed, "started_at": "2014-05-10T10:05:00+09:00",
        "ended_at": "2014-05-10T10:14:00+09:00", "method": "phone", "number_kind": "toll_free", "called_from": "mobile",
        "country": "JP", "ivr_product": "windows", "installation_id": "508760583450367066786558223034732344271525457574499727444472481",
        "ivr_result": "not_confirmed", "operator_outcome": "reached", "wait_seconds": 0, "operator_rating": 5,
        "questions": [{"topic": "installation_id_group", "answer": "5087605"}, {"topic": "edition", "answer": "Pro"},
                      {"topic": "purchase_type", "answer": "box"}, {"topic": "box_colour", "answer": "blue"}],
        "confirmation_id": "312941-600685-221664-309501-357641-160630-108735-549905", "result": "activated"});
    store.create_attempt(&ctx, &fields(pc1_day2)?).await?;
    let pc2_day2 = json!({"machine_id": pc2, "license_id": download, "started_at": "2014-05-10T10:30:00+09:00",
        "ended_at": "2014-05-10T10:45:00+09:00", "method": "phone", "number_kind": "toll_free", "called_from": "mobile",
        "country": "JP", "ivr_product": "windows", "ivr_result": "not_confirmed", "operator_outcome": "reached",
        "wait_seconds": 180, "operator_rating": 1,
        "questions": [{"topic": "purchase_site", "answer": "did not know"},
                      {"topic": "product_key", "answer": "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"}],
        "confirmation_id": "786851-346463-892904-802131-404836-272132-964533-335584", "result": "activated",
        "notes": "rude operator"});
    store.create_attempt(&ctx, &fields(pc2_day2)?).await?;
    let follow = json!({"machine_id": pc1, "text": "uninstall the old motherboard's chipset and LAN drivers"});
    store.create_follow_up(&ctx, &fields(follow)?).await?;
    Ok(())
}
