use crate::helpers::*;
use serde_json::json;

async fn post_with_key(
    app: &TestApp,
    token: &str,
    key: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value, String) {
    let res = app
        .client
        .post(format!("{}/api/v1/machines", app.base))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, res.json().await.unwrap(), location)
}

#[tokio::test]
async fn a_replayed_post_answers_the_first_time_and_creates_nothing() {
    let app = spawn_app().await;
    let first = post_with_key(&app, &app.write, "call-1", json!({"name": "PC 1"})).await;
    let again = post_with_key(&app, &app.write, "call-1", json!({"name": "PC 1"})).await;
    assert_eq!(first.0, 201);
    assert_eq!(first, again);
    assert_eq!(app.get("/api/v1/machines").await.body["items"].as_array().unwrap().len(), 1);
    // Another body with the same key is refused.
    let other = post_with_key(&app, &app.write, "call-1", json!({"name": "PC 2"})).await;
    assert_eq!(other.0, 422);
    // Keys belong to a token: another token's key is its own.
    let second = app
        .store
        .create_token(&activation_journal::store::Actor::cli(), "w2", activation_journal::domain::Scope::Write)
        .await
        .unwrap();
    let theirs = post_with_key(&app, &second.token, "call-1", json!({"name": "PC 3"})).await;
    assert_eq!(theirs.0, 201);
    // A failed request stores nothing under its key.
    assert_eq!(post_with_key(&app, &app.write, "call-2", json!({"name": ""})).await.0, 422);
    assert_eq!(post_with_key(&app, &app.write, "call-2", json!({"name": "PC 4"})).await.0, 201);
    let bad = app
        .client
        .post(format!("{}/api/v1/machines", app.base))
        .bearer_auth(&app.write)
        .header("Idempotency-Key", "x".repeat(300))
        .json(&json!({"name": "PC 5"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let spaced = app
        .client
        .post(format!("{}/api/v1/machines", app.base))
        .bearer_auth(&app.write)
        .header("Idempotency-Key", "call 3")
        .json(&json!({"name": "PC 6"}))
        .send()
        .await
        .unwrap();
    assert_eq!(spaced.status(), 400);
}

/// Run `sql` on `app`'s journal beside the server (as an old journal would hold it).
async fn on_journal(app: &TestApp, sql: &str) -> u64 {
    use sqlx::Connection as _;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", app.db_path().display())).await.unwrap();
    let done = sqlx::query(sql).execute(&mut conn).await.unwrap().rows_affected();
    conn.close().await.unwrap();
    done
}

async fn records(app: &TestApp, table: &str) -> i64 {
    use sqlx::Connection as _;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", app.db_path().display())).await.unwrap();
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&mut conn).await.unwrap()
}

/// A time `days` ago in the journal's system format.
fn days_ago(days: i64) -> String {
    activation_journal::domain::time::format_system(chrono::Utc::now() - chrono::Duration::days(days))
}

#[tokio::test]
async fn records_older_than_thirty_days_are_pruned_in_batches_and_their_key_then_creates_anew() {
    use activation_journal::store::idempotency::{BATCH, KEEP_DAYS};
    let app = spawn_app().await;
    for (key, name) in [("old-1", "PC 1"), ("old-2", "PC 2"), ("new-1", "PC 3")] {
        assert_eq!(post_with_key(&app, &app.write, key, json!({"name": name})).await.0, 201);
    }
    let aged = days_ago(KEEP_DAYS + 1);
    let at_the_limit = days_ago(KEEP_DAYS - 1);
    on_journal(&app, &format!("UPDATE idempotency_keys SET created_at = '{aged}' WHERE key IN ('old-1', 'old-2')"))
        .await;
    on_journal(&app, &format!("UPDATE idempotency_keys SET created_at = '{at_the_limit}' WHERE key = 'new-1'")).await;
    // 1,100 of the command line's, old: pruned in writes of at most BATCH rows.
    on_journal(
        &app,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100)
             INSERT INTO cli_idempotency_keys (key, request_hash, status, entity_id, body, created_at)
             SELECT 'cli-' || i, x'00', 201, 1, '{{}}', '{aged}' FROM n"
        ),
    )
    .await;
    let before = app.store.writer_stats();
    assert_eq!(app.store.prune_idempotency(chrono::Utc::now()).await.unwrap(), 2 + 1100);
    // One write for the API's two, three (500 + 500 + 100) for the command line's.
    assert_eq!(app.store.writer_stats().writes - before.writes, 1 + 1100_u64.div_ceil(BATCH as u64));
    assert_eq!((records(&app, "idempotency_keys").await, records(&app, "cli_idempotency_keys").await), (1, 0));
    // A pruned key is a new request: another body is no longer refused as a reuse.
    assert_eq!(post_with_key(&app, &app.write, "old-1", json!({"name": "PC 4"})).await.0, 201);
    // A kept one still answers the first time.
    let again = post_with_key(&app, &app.write, "new-1", json!({"name": "PC 3"})).await;
    assert_eq!((again.0, again.1["name"].clone()), (201, json!("PC 3")));
    assert_eq!(app.get("/api/v1/machines").await.body["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_keyed_create_prunes_a_small_batch_of_expired_records_of_its_own_table() {
    use activation_journal::store::{Actor, WriteCtx};
    let app = spawn_app().await;
    post_with_key(&app, &app.write, "old", json!({"name": "PC 1"})).await;
    on_journal(&app, &format!("UPDATE idempotency_keys SET created_at = '{}'", days_ago(40))).await;
    on_journal(
        &app,
        &format!(
            "INSERT INTO cli_idempotency_keys (key, request_hash, status, entity_id, body, created_at)
             VALUES ('cli-old', x'00', 201, 1, '{{}}', '{}')",
            days_ago(40)
        ),
    )
    .await;
    post_with_key(&app, &app.write, "new", json!({"name": "PC 2"})).await;
    assert_eq!((records(&app, "idempotency_keys").await, records(&app, "cli_idempotency_keys").await), (1, 1));
    // The command line's write (no token) prunes the command line's.
    let cli = Actor::cli();
    let m = activation_journal::domain::NewMachine { name: "PC 3".into(), owner: None, notes: None };
    app.store.create_machine(&WriteCtx::new(&cli).once("cli-new".into(), vec![1]), &m).await.unwrap();
    assert_eq!(records(&app, "cli_idempotency_keys").await, 1);
}
