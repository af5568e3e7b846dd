//! The machinery around the document's steps: the worker threads that each run the event loop
//! of `worker.rs`, the ticker that wakes them to look for idle connections, Ctrl-C, and the
//! summary when the server stops.
//!
//! Every worker holds its own copy of the listening socket; the kernel hands each new connection
//! to whichever worker accepts it first. The main thread is a worker too.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use common::cli;
use common::text::count;
use common::ticker::Ticker;
use log::{debug, info};
use mio::Waker;

use crate::worker::{sweep_every, Worker};

/// After Ctrl-C, how long open connections may go on before they are closed.
pub const GRACE: Duration = Duration::from_secs(3);

/// How the server was asked to serve.
#[derive(Debug)]
pub struct Settings {
    pub threads: usize,
    pub max_connections: usize,
    /// `None`: idle connections are never closed.
    pub idle_timeout: Option<Duration>,
}

/// What all worker threads share.
#[derive(Debug)]
pub struct Shared {
    /// Connections open right now, across all threads.
    pub open: AtomicUsize,
    pub max: usize,
    pub idle_timeout: Option<Duration>,
    /// Set by Ctrl-C: accept no more, finish what is open.
    pub stopping: AtomicBool,
    /// Connections admitted, and bytes echoed on closed ones, for the summary at the end.
    pub served: AtomicU64,
    pub echoed: AtomicU64,
}

/// The server, every thread started: [`Serving::run`] serves until Ctrl-C.
pub struct Serving {
    shared: Arc<Shared>,
    main_worker: Worker,
    handles: Vec<JoinHandle<Result<()>>>,
    _idle_ticker: Option<Ticker>,
}

/// Sets up `settings.threads` workers on `listener`, each with its own epoll set, starts all but
/// one on threads of their own, and installs the Ctrl-C handler. Everything that can fail at
/// start-up fails here, before the `listening on` line.
pub fn start(listener: std::net::TcpListener, settings: Settings) -> Result<Serving> {
    let threads = settings.threads;
    let shared = Arc::new(Shared {
        open: AtomicUsize::new(0),
        max: settings.max_connections,
        idle_timeout: settings.idle_timeout,
        stopping: AtomicBool::new(false),
        served: AtomicU64::new(0),
        echoed: AtomicU64::new(0),
    });
    debug!(
        "serving with {threads} thread(s), at most {} connections",
        shared.max
    );
    let mut workers = Vec::new();
    for _ in 1..threads {
        let clone = listener.try_clone().context("sharing the listener")?;
        workers.push(Worker::new(clone, &shared)?);
    }
    let main_worker = Worker::new(listener, &shared)?;
    let wakers: Vec<Arc<Waker>> = workers
        .iter()
        .chain([&main_worker])
        .map(Worker::waker)
        .collect();

    // The look for idle connections is started by a ticker thread rather than by a timeout on
    // each worker's wait: a wait with a timeout arms a kernel timer every time, and that costs
    // every round trip a few hundred nanoseconds (bench/compare.sh, one connection).
    let idle_ticker = match shared.idle_timeout {
        Some(idle) => {
            let wakers = wakers.clone();
            let tick = move || wake_all(&wakers);
            Some(
                Ticker::start("idle-ticker", sweep_every(idle), tick)
                    .context("starting the idle ticker")?,
            )
        }
        None => None,
    };

    // Ctrl-C stops accepting and gives open connections a moment to finish; a second one
    // ends the server at once.
    let stop = Arc::clone(&shared);
    cli::on_stop_signal(move || {
        info!(
            "stopping: no new connections; open ones get {} s to finish (Ctrl-C again to quit now)",
            GRACE.as_secs()
        );
        stop.stopping.store(true, Ordering::SeqCst);
        wake_all(&wakers);
    })?;

    let mut handles = Vec::new();
    for (n, worker) in workers.into_iter().enumerate() {
        let handle = std::thread::Builder::new()
            .name(format!("worker-{}", n + 1))
            .spawn(move || worker.event_loop())
            .context("starting a worker thread")?;
        handles.push(handle);
    }
    Ok(Serving {
        shared,
        main_worker,
        handles,
        _idle_ticker: idle_ticker,
    })
}

impl Serving {
    /// Serves on this thread too until Ctrl-C, waits for the other workers, then logs the
    /// summary. Any worker failing ends the server with its error.
    pub fn run(self) -> Result<()> {
        let result = self.main_worker.event_loop();
        for handle in self.handles {
            handle
                .join()
                .map_err(|_| anyhow!("a worker thread panicked"))??;
        }
        result?;
        info!(
            "stopped: served {}, echoed {}",
            count(
                self.shared.served.load(Ordering::SeqCst),
                "connection",
                "connections"
            ),
            count(self.shared.echoed.load(Ordering::SeqCst), "byte", "bytes")
        );
        Ok(())
    }
}

fn wake_all(wakers: &[Arc<Waker>]) {
    for waker in wakers {
        let _ = waker.wake();
    }
}
