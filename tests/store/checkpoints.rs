//! Who checkpoints the WAL: the journal itself by default; Litestream when
//! told so, the journal then checkpointing only past its backstop.

use activation_journal::config::Checkpoints;
use activation_journal::store::Store;

/// A journal whose WAL has taken `mib` commits of one MiB each (about 257
/// pages of 4 KiB a commit), and how many pages its WAL then holds.
async fn wal_pages_after(checkpoints: Checkpoints, mib: usize) -> (i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.db");
    let store = Store::open_with(&db, &dir.path().join("journal.db.key"), checkpoints).await.unwrap();
    let pool = store.pool();
    let threshold: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint").fetch_one(pool).await.unwrap();
    sqlx::query("CREATE TABLE scratch (b BLOB)").execute(pool).await.unwrap();
    for _ in 0..mib {
        sqlx::query("INSERT INTO scratch VALUES (randomblob(1048576))").execute(pool).await.unwrap();
    }
    // A passive checkpoint answers (busy, pages in the WAL, pages checkpointed).
    let (_, wal_pages, _): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(pool).await.unwrap();
    store.close().await;
    (threshold, wal_pages)
}

#[tokio::test]
async fn the_journal_checkpoints_its_own_wal_by_default() {
    let (threshold, wal_pages) = wal_pages_after(Checkpoints::Journal, 6).await;
    assert_eq!(threshold, 1_000);
    // Checkpointed past 1,000 pages, then started again from its beginning.
    assert!(wal_pages < 1_000, "the WAL holds {wal_pages} pages");
}

#[tokio::test]
async fn left_to_litestream_the_journal_does_not_checkpoint_below_its_backstop() {
    let (threshold, wal_pages) = wal_pages_after(Checkpoints::Litestream, 6).await;
    assert_eq!(threshold, i64::from(Checkpoints::LITESTREAM_BACKSTOP_PAGES));
    // Six MiB written, none of it checkpointed by the journal: Litestream's to do.
    assert!(wal_pages > 1_500, "the WAL holds {wal_pages} pages");
}

#[tokio::test]
async fn left_to_litestream_that_is_not_running_the_wal_still_stays_bounded() {
    // 45 MiB: past the backstop (10,000 pages) after the 39th commit, which
    // checkpoints; the commits after it start the WAL again from its beginning.
    let (_, wal_pages) = wal_pages_after(Checkpoints::Litestream, 45).await;
    assert!(wal_pages < 10_000, "the WAL holds {wal_pages} pages");
}
