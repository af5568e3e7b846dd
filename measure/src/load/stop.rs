//! The first Ctrl-C (or SIGTERM) of a load run: it ends the load in progress where it is, and
//! the report says so. Installed once per process (the signal handler can be set only once),
//! it wakes whichever load is waiting: with `--idle`, the load runs twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Result;
use common::cli;
use mio::Waker;

/// Whether the stop came, and the waker of the load waiting now.
#[derive(Debug, Default)]
pub(super) struct Stop {
    stopped: AtomicBool,
    waker: Mutex<Option<Arc<Waker>>>,
}

static STOP: OnceLock<Arc<Stop>> = OnceLock::new();

impl Stop {
    /// The process's stop, its signal handler installed at the first call.
    pub(super) fn get() -> Result<&'static Stop> {
        if let Some(stop) = STOP.get() {
            return Ok(stop);
        }
        let stop = Arc::new(Stop::default());
        let signalled = Arc::clone(&stop);
        cli::on_stop_signal(move || {
            signalled.stopped.store(true, Ordering::SeqCst);
            let waker = signalled.waker.lock().ok().and_then(|w| w.clone());
            if let Some(waker) = waker {
                let _ = waker.wake();
            }
        })?;
        Ok(STOP.get_or_init(|| stop))
    }

    /// From now on the stop wakes `waker` (the poll of the load starting).
    pub(super) fn wake(&self, waker: Arc<Waker>) {
        if let Ok(mut slot) = self.waker.lock() {
            *slot = Some(waker);
        }
    }

    pub(super) fn is_set(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
}
