//! The one writer: the API's writes queue here instead of racing for
//! SQLite's lock, and are committed together (group commit).
//!
//! One task owns one connection. It takes the first write waiting, begins
//! `IMMEDIATE`, then takes every write that is waiting (up to
//! [`BATCH_MAX`]) and runs each in its own `SAVEPOINT`: a write that fails
//! (a refused input, a clash, a panic) rolls back its own savepoint only,
//! and the others stand. Then one `COMMIT` — one fsync for the batch — and
//! only then is every write of the batch answered: nobody hears "stored"
//! before it is durable. Reads use the pool's connections and never wait
//! for the writer (WAL).
//!
//! A write is a closure over the writer's connection (see [`Store::write`]);
//! it sees the writes before it in the batch (two attempts for one new
//! machine and license pair open one case; an idempotency key used twice
//! in one batch creates one row).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use sqlx::{Connection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::{Store, StoreError};

/// The most writes one transaction commits.
pub const BATCH_MAX: usize = 256;

/// How many writes may wait before callers wait to queue.
const QUEUE: usize = 4096;

/// What a write answers once its batch's fate is known: the commit's
/// error (as text, since every write of the batch gets it) or `None`.
type Reply = Box<dyn FnOnce(Option<String>) + Send>;

/// Run a write on the writer's connection.
type Run = Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, (bool, Reply)> + Send>;

/// A write as the writer runs it: whether it succeeded (its savepoint
/// stays) and how to answer it; or, when it cannot run at all, how to
/// tell its caller why.
struct Job {
    run: Run,
    abort: Box<dyn FnOnce(String) + Send>,
}

enum Msg {
    Job(Job),
    /// Finish what is queued, close the connection, then say so.
    Close(oneshot::Sender<()>),
}

/// The handle a store holds: where writes are queued.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    queue: mpsc::Sender<Msg>,
    stats: Arc<Stats>,
}

/// What the writer has done since the store opened.
#[derive(Debug, Default)]
struct Stats {
    batches: AtomicU64,
    writes: AtomicU64,
}

/// Batches committed and writes run in them, since the store opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterStats {
    pub batches: u64,
    pub writes: u64,
}

impl Writer {
    /// Start the writer task on `conn`.
    pub(super) fn start(conn: SqliteConnection) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        let stats = Arc::new(Stats::default());
        tokio::spawn(run(conn, rx, Arc::clone(&stats)));
        Self { queue, stats }
    }

    /// Let the writer finish what is queued and close its connection.
    pub(super) async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        if self.queue.send(Msg::Close(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the journal's writer has stopped".into())
}

impl Store {
    /// How many batches the writer committed, and how many writes they held.
    pub fn writer_stats(&self) -> WriterStats {
        WriterStats {
            batches: self.writer.stats.batches.load(Ordering::Relaxed),
            writes: self.writer.stats.writes.load(Ordering::Relaxed),
        }
    }

    /// Run `f` on the writer's connection, inside a savepoint of the next
    /// batch; its answer once the batch is committed (or the commit's error).
    pub(super) async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, StoreError>> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, StoreError>>();
        // The answer goes out once: after the commit, or when the write could not begin.
        let slot = Arc::new(Mutex::new(Some(tx)));
        let answer = move |slot: &Mutex<Option<oneshot::Sender<Result<T, StoreError>>>>, a: Result<T, StoreError>| {
            if let Some(tx) = slot.lock().ok().and_then(|mut s| s.take()) {
                let _ = tx.send(a);
            }
        };
        let abort_slot = Arc::clone(&slot);
        let abort = Box::new(move |e: String| {
            answer(&abort_slot, Err(StoreError::Unavailable(format!("the journal could not begin a write: {e}"))))
        });
        let run: Run = Box::new(move |conn| {
            Box::pin(async move {
                let result = match AssertUnwindSafe(f(conn)).catch_unwind().await {
                    Ok(r) => r,
                    Err(_) => {
                        Err(StoreError::Unavailable("a write failed unexpectedly; nothing of it was stored".into()))
                    }
                };
                let ok = result.is_ok();
                let reply: Reply = Box::new(move |commit: Option<String>| {
                    let a = match commit {
                        Some(e) if ok => Err(StoreError::Unavailable(format!("could not commit: {e}"))),
                        _ => result,
                    };
                    answer(&slot, a);
                });
                (ok, reply)
            })
        });
        self.writer.queue.send(Msg::Job(Job { run, abort })).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?.map_err(|e| match e {
            // SQLite does not say which file: the store does.
            StoreError::ReadOnly(None) => self.read_only_here(),
            e => e,
        })
    }
}

async fn run(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Msg>, stats: Arc<Stats>) {
    let mut closing: Option<oneshot::Sender<()>> = None;
    while closing.is_none() {
        let first = match rx.recv().await {
            Some(Msg::Job(job)) => job,
            Some(Msg::Close(done)) => {
                closing = Some(done);
                break;
            }
            None => break,
        };
        // Begin first: writes that arrive while SQLite's lock is awaited
        // (another process may hold it) join this batch.
        if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await {
            (first.abort)(e.to_string());
            continue;
        }
        let mut jobs = vec![first];
        while jobs.len() < BATCH_MAX {
            match rx.try_recv() {
                Ok(Msg::Job(job)) => jobs.push(job),
                Ok(Msg::Close(done)) => {
                    closing = Some(done);
                    break;
                }
                Err(_) => break,
            }
        }
        stats.batches.fetch_add(1, Ordering::Relaxed);
        stats.writes.fetch_add(jobs.len() as u64, Ordering::Relaxed);
        let outcome = batch(&mut conn, jobs).await;
        if outcome.is_err() {
            let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
        }
        let (replies, error) = match outcome {
            Ok(replies) => (replies, None),
            Err((replies, e)) => (replies, Some(e)),
        };
        for reply in replies {
            reply(error.clone());
        }
    }
    let _ = conn.close().await;
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// Run a begun batch's writes, each in its own savepoint (kept when it
/// succeeded, rolled back alone when it failed), and commit. Ending one
/// savepoint, beginning the next and the commit are sent together, one
/// hand-off to the connection's thread for each write. Returns how to
/// answer each write; on an error the transaction is left for the caller
/// to roll back, and every write (those not run yet told so) hears it.
async fn batch(conn: &mut SqliteConnection, jobs: Vec<Job>) -> Result<Vec<Reply>, (Vec<Reply>, String)> {
    let mut replies: Vec<Reply> = Vec::with_capacity(jobs.len());
    let last = jobs.len().saturating_sub(1);
    let mut jobs = jobs.into_iter().enumerate();
    let mut step = sqlx::query("SAVEPOINT write").execute(&mut *conn).await.err();
    while let Some((i, job)) = jobs.next() {
        if let Some(e) = step {
            let e = e.to_string();
            (job.abort)(e.clone());
            for (_, rest) in jobs {
                (rest.abort)(e.clone());
            }
            return Err((replies, e));
        }
        let (ok, reply) = (job.run)(conn).await;
        replies.push(reply);
        let end = match (ok, i == last) {
            (true, false) => "RELEASE write; SAVEPOINT write",
            (false, false) => "ROLLBACK TO write; RELEASE write; SAVEPOINT write",
            (true, true) => "RELEASE write; COMMIT",
            (false, true) => "ROLLBACK TO write; RELEASE write; COMMIT",
        };
        step = sqlx::query(end).execute(&mut *conn).await.err();
    }
    match step {
        None => Ok(replies),
        Some(e) => Err((replies, e.to_string())),
    }
}
