//! Building and running the HTTP server.
//!
//! [`Application::build`] binds the listener itself, so tests can ask for
//! port 0 and read back the port they got. `serve` migrates first, makes
//! the first write token if there is none (printing it once), refuses a
//! non-loopback address while no token exists, and shuts down gracefully
//! on SIGINT or SIGTERM: in-flight requests finish, then the pool closes.
//! A journal whose file or folder cannot be written is served for reading
//! (no lock, no key check, no pruning): a write answers what to do.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs as _};
use std::time::Instant;

use actix_web::dev::{Server, ServerHandle, Service as _};
use actix_web::{web, App, HttpServer};
use futures_util::FutureExt as _;
use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::config::Settings;
use crate::domain::Scope;
use crate::store::{Actor, Store};

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    addr: SocketAddr,
}

impl Application {
    /// Bind `bind` and build the server over `store`.
    pub fn build(store: Store, bind: &str) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(bind).map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        let addr = listener.local_addr()?;
        let data = web::Data::new(store);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .wrap_fn(|req, srv| {
                    // Method, path, status and latency; never headers or bodies.
                    let (method, path, start) = (req.method().clone(), req.path().to_string(), Instant::now());
                    srv.call(req).map(move |res| {
                        if let Ok(r) = &res {
                            tracing::info!(%method, %path, status = r.status().as_u16(),
                                latency_ms = start.elapsed().as_secs_f64() * 1000.0, "request");
                        }
                        res
                    })
                })
                .configure(crate::routes::configure)
                .configure(crate::web::configure)
                .default_service(web::to(crate::routes::not_found))
        })
        .listen(listener)?
        .shutdown_timeout(30)
        // actix stops at once on SIGINT (dropping requests in flight) and
        // gracefully only on SIGTERM; `serve` handles both the same way.
        .disable_signals()
        .run();
        Ok(Self { server, addr })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that stops the server: `stop(true)` lets requests in
    /// flight finish (up to 30 s) first.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serve until stopped through [`Application::handle`].
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// SIGINT and SIGTERM, listened to from before the server starts.
struct StopSignals {
    interrupt: Signal,
    terminate: Signal,
}

impl StopSignals {
    fn listen() -> std::io::Result<Self> {
        Ok(Self { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }

    /// Stop `server` gracefully on the first signal, at once on a second.
    async fn stop(mut self, server: ServerHandle) {
        let name = self.next().await;
        tracing::info!(signal = name, "stopping: requests in flight finish first (a second signal stops at once)");
        let graceful = server.stop(true);
        tokio::select! {
            _ = graceful => {}
            name = self.next() => {
                tracing::warn!(signal = name, "stopping at once");
                server.stop(false).await;
            }
        }
    }
}

/// Whether every address `bind` names is a loopback address.
fn is_loopback(bind: &str) -> bool {
    match bind.to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
        }
        Err(_) => false,
    }
}

/// Migrate, then serve until SIGINT or SIGTERM.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(?settings, "starting");
    // A journal whose file or folder cannot be written is served for
    // reading: pages and API reads work, a write answers what to do.
    let folder = settings.db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let read_only =
        settings.db.exists() && (crate::store::read_only_place(&settings.db) || crate::store::read_only_place(folder));
    // Held while serving: `restore` refuses while it is taken (a read-only
    // journal is not restored over, and its folder may not take the lock).
    let _lock = match read_only {
        true => None,
        false => match crate::store::backup::try_lock(&settings.db)? {
            Some(lock) => Some(lock),
            None => anyhow::bail!(
                "another activation-journal server is using {} (it holds {})",
                settings.db.display(),
                crate::store::backup::lock_path(&settings.db).display()
            ),
        },
    };
    let store = match read_only {
        true => Store::open_read_only(&settings.db, &settings.key_file).await,
        false => Store::open_with(&settings.db, &settings.key_file, settings.checkpoints).await,
    }
    .map_err(|e| anyhow::anyhow!("{}: {e}", settings.db.display()))?;
    store.fix_zone(settings.time_zone);
    if read_only {
        tracing::warn!(journal = %settings.db.display(), "the journal cannot be written here: serving it for reading");
    } else {
        // Product keys sealed with one key file and written with another could
        // never all be read again: refuse to start rather than let that happen.
        store.check_key_file().await.map_err(|e| anyhow::anyhow!("refusing to start: {e}"))?;
        // Idempotency records past their time, now and every hour.
        store.prune_idempotency_periodically();
    }
    let first_token = store.live_token_count().await? == 0;
    if first_token && !is_loopback(&settings.bind) {
        anyhow::bail!(
            "refusing to listen on {} while no API token exists; run `activation-journal token create --name NAME --scope write` first, or bind to 127.0.0.1",
            settings.bind
        );
    }
    let signals = StopSignals::listen().map_err(|e| anyhow::anyhow!("cannot listen for SIGINT and SIGTERM: {e}"))?;
    let app = Application::build(store.clone(), &settings.bind)?;
    if first_token {
        // Made only once the port is held, so that a start that fails
        // (the port taken) does not use up the one time it is shown.
        let token = store.create_token(&Actor::cli(), "first", Scope::Write).await?;
        // Printed once, on stdout, and never logged.
        println!("created a write token named \"first\"; keep it, it is not shown again:\n{}", token.token);
    }
    tokio::spawn(signals.stop(app.handle()));
    tracing::info!(addr = %app.addr(), "listening");
    let result = app.run_until_stopped().await;
    store.close().await;
    tracing::info!("stopped");
    Ok(result?)
}
