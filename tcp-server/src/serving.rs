//! The machinery around the document's steps: the worker threads that each run the event loop
//! of `worker.rs`, the ticker that wakes them for their sweeps, Ctrl-C, and the summary when
//! the server stops.
//!
//! Every worker holds its own copy of the listening socket; the kernel hands each new connection
//! to whichever worker accepts it first. The main thread is a worker too.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use common::spin::Spin;
use common::text::count;
use common::ticker::Ticker;
use common::{cli, step};
use log::{debug, info};
use mio::Waker;

use crate::messages::t;
use crate::room::Seat;
use crate::shared::{Shared, GRACE};
use crate::worker::Worker;

/// How the server was asked to serve.
#[derive(Debug)]
pub struct Settings {
    pub threads: usize,
    pub max_connections: usize,
    pub max_per_address: usize,
    pub per_address_on_loopback: bool,
    /// `None`: idle connections are never closed.
    pub idle_timeout: Option<Duration>,
    /// How a worker keeps looking for events after the last one before it sleeps.
    pub spin: Spin,
}

/// The server, every thread started: [`Serving::run`] serves until Ctrl-C.
pub struct Serving {
    shared: Arc<Shared>,
    main_worker: Worker,
    handles: Vec<JoinHandle<Result<()>>>,
    _sweeps: Ticker,
}

/// Sets up `settings.threads` workers on `listener`, each with its own epoll set, starts all but
/// one on threads of their own, and installs the Ctrl-C handler. Everything that can fail at
/// start-up fails here, before the `listening on` line.
pub fn start(listener: std::net::TcpListener, settings: Settings) -> Result<Serving> {
    let threads = settings.threads;
    let shared = Arc::new(Shared {
        open: AtomicUsize::new(0),
        max: settings.max_connections,
        max_per_address: settings.max_per_address,
        per_address_on_loopback: settings.per_address_on_loopback,
        per_address: Mutex::default(),
        idle_timeout: settings.idle_timeout,
        spin: settings.spin,
        stopping: AtomicBool::new(false),
        accept_failing: AtomicBool::new(false),
        served: AtomicU64::new(0),
        echoed: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        evicted: AtomicU64::new(0),
        seats: (0..threads).map(|_| Seat::default()).collect(),
        epoch: Instant::now(),
    });
    debug!(
        "serving with {threads} thread(s), at most {} connections",
        shared.max
    );
    let mut workers = Vec::new();
    for index in 1..threads {
        let clone = listener.try_clone().context(t!("sharing-listener"))?;
        workers.push(Worker::new(index, clone, &shared)?);
    }
    let main_worker = Worker::new(0, listener, &shared)?;
    let wakers: Vec<Arc<Waker>> = workers
        .iter()
        .chain([&main_worker])
        .map(Worker::waker)
        .collect();

    // Sweeps (idle connections, and what room.rs needs to know) are started by a ticker thread
    // rather than by a timeout on each worker's wait: a wait with a timeout arms a kernel timer
    // every time, and that costs every round trip a few hundred nanoseconds (bench/compare.sh,
    // one connection).
    let sweeps = {
        let wakers = wakers.clone();
        let tick = move || wake_all(&wakers);
        Ticker::start("sweep-ticker", shared.sweep_every(), tick)
            .context(common::messages::starting_thread())?
    };

    // Ctrl-C stops accepting and gives open connections a moment to finish; a second one
    // ends the server at once.
    let stop = Arc::clone(&shared);
    cli::on_stop_signal(move || {
        step!(6, Step::Close, t!("stopping", grace = GRACE.as_secs()));
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
            .context(common::messages::starting_thread())?;
        handles.push(handle);
    }
    Ok(Serving {
        shared,
        main_worker,
        handles,
        _sweeps: sweeps,
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
                .map_err(|_| anyhow!(t!("worker-panicked")))??;
        }
        result?;
        let shared = &self.shared;
        // Every thread has ended: these are the final counts, read once for both sayings.
        let [served, echoed, refused, evicted] = [
            &shared.served,
            &shared.echoed,
            &shared.refused,
            &shared.evicted,
        ]
        .map(|n| n.load(Ordering::SeqCst));
        let was_full = refused + evicted > 0;
        let full = if was_full {
            format!(
                "; while full, refused {refused} and closed {evicted} idle to make room \
                 (--max-connections {})",
                shared.max
            )
        } else {
            String::new()
        };
        step!(
            6,
            Step::Close,
            t!(
                "stopped",
                served = served,
                echoed = echoed,
                full = if was_full { "yes" } else { "no" },
                refused = refused,
                evicted = evicted,
                max = shared.max
            )
        );
        info!(
            "stopped: served {}, echoed {}{full}",
            count(served, "connection", "connections"),
            count(echoed, "byte", "bytes")
        );
        Ok(())
    }
}

fn wake_all(wakers: &[Arc<Waker>]) {
    for waker in wakers {
        let _ = waker.wake();
    }
}
