//! The one writer: the API's writes queue here instead of racing for
//! SQLite's lock, and are committed together (group commit).
//!
//! One OS thread owns the writer's connection: a rusqlite connection
//! (the same `libsqlite3-sys` build as sqlx's pool, opened with the same
//! PRAGMAs). It takes the first write waiting, begins `IMMEDIATE`, then
//! takes every write that is waiting (up to [`BATCH_MAX`]) and runs each in
//! its own `SAVEPOINT`: a write that fails (a refused input, a clash, a
//! panic) rolls back its own savepoint only, and the others stand. Then one
//! `COMMIT` — one fsync for the batch — and only then is every write of the
//! batch answered: nobody hears "stored" before it is durable. Reads use
//! the pool's connections and never wait for the writer (WAL).
//!
//! A write is a closure over the writer's connection (see [`Store::write`]),
//! run on the writer's thread from its first statement to its last, each
//! statement prepared once and kept (`prepare_cached`): no statement is a
//! hand-off to another thread. It sees the writes before it in the batch
//! (two attempts for one new machine and license pair open one case; an
//! idempotency key used twice in one batch creates one row).
//!
//! Every write of the journal runs here: sqlx serves the reads, the
//! migrations and the compile-checked read queries, never a write.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::{Store, StoreError};

/// The most writes one transaction commits.
pub const BATCH_MAX: usize = 256;

/// How many writes may wait before callers wait to queue.
const QUEUE: usize = 4096;

/// What a write answers once its batch's fate is known: the commit's
/// error (as text, since every write of the batch gets it) or `None`.
type Reply = Box<dyn FnOnce(Option<String>) + Send>;

/// Run a write on the writer's rusqlite connection: whether it succeeded
/// (its savepoint stays) and how to answer it.
type Run = Box<dyn FnOnce(&rusqlite::Connection) -> (bool, Reply) + Send>;

/// A write as the writer runs it, and, when it cannot run at all, how to
/// tell its caller why.
struct Job<W> {
    run: W,
    abort: Box<dyn FnOnce(String) + Send>,
}

enum Msg {
    Write(Job<Run>),
    /// Finish what is queued, close the connections, then say so.
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
    /// Start the writer's thread on `conn` (none for a journal opened
    /// read-only, whose writes are refused before they queue).
    pub(super) fn start(conn: Option<rusqlite::Connection>) -> Result<Self, StoreError> {
        let (queue, rx) = mpsc::channel(QUEUE);
        let stats = Arc::new(Stats::default());
        let thread_stats = Arc::clone(&stats);
        std::thread::Builder::new()
            .name("journal-writer".into())
            .spawn(move || run(conn, rx, &thread_stats))
            .map_err(|e| StoreError::Unavailable(format!("could not start the journal's writer: {e}")))?;
        Ok(Self { queue, stats })
    }

    /// Let the writer finish what is queued and close its connections.
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

/// Where a write's answer goes: once, after the commit or when the write could not begin.
type Slot<T> = Arc<Mutex<Option<oneshot::Sender<Result<T, StoreError>>>>>;

fn answer<T>(slot: &Slot<T>, a: Result<T, StoreError>) {
    if let Some(tx) = slot.lock().ok().and_then(|mut s| s.take()) {
        let _ = tx.send(a);
    }
}

/// A write's answer to its caller once the batch's commit is known.
fn reply<T: Send + 'static>(slot: Slot<T>, result: Result<T, StoreError>) -> (bool, Reply) {
    let ok = result.is_ok();
    let reply: Reply = Box::new(move |commit: Option<String>| {
        let a = match commit {
            Some(e) if ok => Err(StoreError::Unavailable(format!("could not commit: {e}"))),
            _ => result,
        };
        answer(&slot, a);
    });
    (ok, reply)
}

fn panicked() -> StoreError {
    StoreError::Unavailable("a write failed unexpectedly; nothing of it was stored".into())
}

impl Store {
    /// How many batches the writer committed, and how many writes they held.
    pub fn writer_stats(&self) -> WriterStats {
        WriterStats {
            batches: self.writer.stats.batches.load(Ordering::Relaxed),
            writes: self.writer.stats.writes.load(Ordering::Relaxed),
        }
    }

    /// Run `f` on the writer's thread and connection, inside a savepoint
    /// of the next batch; its answer once the batch is committed (or the
    /// commit's error). A journal opened read-only refuses before the
    /// write is queued ([`Store::slot`]).
    pub(super) async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (slot, abort, rx) = self.slot()?;
        let run: Run = Box::new(move |conn| {
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(conn))).unwrap_or_else(|_| Err(panicked()));
            reply(slot, result)
        });
        self.writer.queue.send(Msg::Write(Job { run, abort })).await.map_err(|_| stopped())?;
        self.answered(rx).await
    }

    /// Where a write's answer goes, what its caller hears when its batch
    /// cannot begin, and where the caller waits; a journal opened
    /// read-only refuses here, before the write is queued.
    #[allow(clippy::type_complexity)]
    fn slot<T: Send + 'static>(
        &self,
    ) -> Result<(Slot<T>, Box<dyn FnOnce(String) + Send>, oneshot::Receiver<Result<T, StoreError>>), StoreError> {
        if self.read_only {
            return Err(self.read_only_here());
        }
        let (tx, rx) = oneshot::channel::<Result<T, StoreError>>();
        let slot: Slot<T> = Arc::new(Mutex::new(Some(tx)));
        let abort_slot = Arc::clone(&slot);
        let abort = Box::new(move |e: String| {
            answer(&abort_slot, Err(StoreError::Unavailable(format!("the journal could not begin a write: {e}"))))
        });
        Ok((slot, abort, rx))
    }

    async fn answered<T>(&self, rx: oneshot::Receiver<Result<T, StoreError>>) -> Result<T, StoreError> {
        rx.await.map_err(|_| stopped())?.map_err(|e| match e {
            // SQLite does not say which file: the store does.
            StoreError::ReadOnly(None) => self.read_only_here(),
            e => e,
        })
    }
}

/// The writer's thread: a batch at a time until closed (or every handle dropped).
fn run(conn: Option<rusqlite::Connection>, mut rx: mpsc::Receiver<Msg>, stats: &Stats) {
    let mut closing: Option<oneshot::Sender<()>> = None;
    while closing.is_none() {
        let mut jobs = Vec::new();
        match rx.blocking_recv() {
            Some(Msg::Write(job)) => jobs.push(job),
            Some(Msg::Close(done)) => {
                closing = Some(done);
                break;
            }
            None => break,
        }
        // Begin first: writes that arrive while SQLite's lock is awaited
        // (another process may hold it) join this batch.
        let begun = match &conn {
            Some(conn) => conn.execute_batch("BEGIN IMMEDIATE").map(|()| conn).map_err(|e| e.to_string()),
            None => Err("the journal is read-only here".to_string()),
        };
        let conn = match begun {
            Ok(conn) => conn,
            Err(e) => {
                for job in jobs {
                    (job.abort)(e.clone());
                }
                continue;
            }
        };
        while jobs.len() < BATCH_MAX {
            match rx.try_recv() {
                Ok(Msg::Write(job)) => jobs.push(job),
                Ok(Msg::Close(done)) => {
                    closing = Some(done);
                    break;
                }
                Err(_) => break,
            }
        }
        batch(conn, jobs, stats);
    }
    if let Some(conn) = conn {
        let _ = conn.close();
    }
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// Answer every write of a batch once its commit's fate is known.
fn answer_all(replies: Vec<Reply>, error: Option<String>) {
    for reply in replies {
        reply(error.clone());
    }
}

/// Run a batch's writes in the transaction begun for it, each in its own
/// savepoint (kept when it succeeded, rolled back alone when it failed),
/// and commit; then answer them.
fn batch(conn: &rusqlite::Connection, jobs: Vec<Job<Run>>, stats: &Stats) {
    let mut jobs = jobs.into_iter();
    let mut replies: Vec<Reply> = Vec::with_capacity(jobs.len());
    let mut step = conn.execute_batch("SAVEPOINT write").err();
    stats.batches.fetch_add(1, Ordering::Relaxed);
    while let Some(job) = jobs.next() {
        if let Some(e) = &step {
            let e = e.to_string();
            (job.abort)(e.clone());
            for rest in jobs {
                (rest.abort)(e.clone());
            }
            let _ = conn.execute_batch("ROLLBACK");
            return answer_all(replies, Some(e));
        }
        stats.writes.fetch_add(1, Ordering::Relaxed);
        let (ok, reply) = (job.run)(conn);
        replies.push(reply);
        let end = match (ok, jobs.len() == 0) {
            (true, false) => "RELEASE write; SAVEPOINT write",
            (false, false) => "ROLLBACK TO write; RELEASE write; SAVEPOINT write",
            (true, true) => "RELEASE write; COMMIT",
            (false, true) => "ROLLBACK TO write; RELEASE write; COMMIT",
        };
        step = conn.execute_batch(end).err();
    }
    if step.is_some() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    answer_all(replies, step.map(|e| e.to_string()));
}
/// A step of a held write ([`Store::write_held`]), run on the writer's
/// thread with the write's state.
type Step<S> = Box<dyn FnOnce(&rusqlite::Connection, &mut S) -> Result<(), StoreError> + Send>;

/// Its last step, whose answer is the write's.
type Last<S, T> = Box<dyn FnOnce(&rusqlite::Connection, S) -> Result<T, StoreError> + Send>;

enum Held<S, T> {
    /// A step, and where to say it succeeded.
    Step(Step<S>, oneshot::Sender<()>),
    Finish(Last<S, T>),
}

/// A write too big to hand over in one closure (an import, whose rows
/// arrive a chunk at a time while a file is read): one write of the
/// writer, run in one savepoint of one batch as any write is, that takes
/// its steps one by one while it runs. Every step or none is committed:
/// a failed step, or steps that stop before [`HeldWrite::finish`] (the
/// holder dropped it, its reader failed), roll the whole write back.
/// While it runs the writer runs nothing else; writes queued meanwhile
/// wait for it, as they would wait for SQLite's lock.
pub(super) struct HeldWrite<S, T> {
    steps: mpsc::Sender<Held<S, T>>,
    done: tokio::task::JoinHandle<Result<T, StoreError>>,
}

impl Store {
    /// Begin a held write with its `state`; answered once the writer has
    /// begun it (its transaction holds SQLite's write lock from then on,
    /// so what the pool reads meanwhile is what the write sees but its own rows).
    pub(super) async fn write_held<S, T>(&self, state: S) -> Result<HeldWrite<S, T>, StoreError>
    where
        S: Send + 'static,
        T: Send + 'static,
    {
        let (steps, mut rx) = mpsc::channel::<Held<S, T>>(1);
        let (begun, on_begun) = oneshot::channel::<()>();
        let store = self.clone();
        let done = tokio::spawn(async move {
            store
                .write(move |conn| {
                    let _ = begun.send(());
                    let mut state = state;
                    loop {
                        match rx.blocking_recv() {
                            Some(Held::Step(step, ok)) => {
                                step(conn, &mut state)?;
                                let _ = ok.send(());
                            }
                            Some(Held::Finish(last)) => return last(conn, state),
                            None => {
                                return Err(StoreError::Unavailable(
                                    "the write stopped before its end; nothing of it was stored".into(),
                                ))
                            }
                        }
                    }
                })
                .await
        });
        let mut held = HeldWrite { steps, done };
        if on_begun.await.is_err() {
            return Err(held.failed().await);
        }
        Ok(held)
    }
}

impl<S: Send + 'static, T: Send + 'static> HeldWrite<S, T> {
    /// Run `step` on the writer's thread; its error is the write's (rolled back).
    pub(super) async fn step<F>(&mut self, step: F) -> Result<(), StoreError>
    where
        F: FnOnce(&rusqlite::Connection, &mut S) -> Result<(), StoreError> + Send + 'static,
    {
        let (ok, on_ok) = oneshot::channel();
        if self.steps.send(Held::Step(Box::new(step), ok)).await.is_err() || on_ok.await.is_err() {
            return Err(self.failed().await);
        }
        Ok(())
    }

    /// Run the last step and commit; its answer once committed.
    pub(super) async fn finish<F>(mut self, last: F) -> Result<T, StoreError>
    where
        F: FnOnce(&rusqlite::Connection, S) -> Result<T, StoreError> + Send + 'static,
    {
        if self.steps.send(Held::Finish(Box::new(last))).await.is_err() {
            return Err(self.failed().await);
        }
        (&mut self.done).await.unwrap_or_else(|_| Err(panicked()))
    }

    /// Why the write ended before its steps did.
    async fn failed(&mut self) -> StoreError {
        match (&mut self.done).await {
            Ok(Err(e)) => e,
            Ok(Ok(_)) => StoreError::Corrupt("a held write ended before its last step".into()),
            Err(_) => panicked(),
        }
    }
}
