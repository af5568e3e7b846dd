//! A thread that calls a function at a steady period until it is dropped.
//!
//! tcp-server's look for idle connections is woken this way rather than by a timeout on its
//! event loop's wait: a wait with a timeout arms a kernel timer on every call, a cost each round
//! trip would pay. (tcp-client's load mode has a timer of its own: measure/src/load/timer.rs.)

use std::io;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Calls its function every period from a thread of its own; dropping it stops and joins the
/// thread.
#[derive(Debug)]
pub struct Ticker {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    /// Starts a thread named `name` that calls `tick` every `every`.
    pub fn start(
        name: &str,
        every: Duration,
        mut tick: impl FnMut() + Send + 'static,
    ) -> io::Result<Ticker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::Builder::new().name(name.into()).spawn(move || {
            // The channel never carries a message: it ends when the Ticker drops its sender.
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                tick();
            }
        })?;
        Ok(Ticker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn ticks_until_dropped_and_drop_stops_it_at_once() {
        let ticks = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&ticks);
        let ticker = Ticker::start("test-ticker", Duration::from_millis(5), move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while ticks.load(Ordering::SeqCst) < 3 {
            assert!(Instant::now() < deadline, "fewer than 3 ticks in 10 s");
            thread::sleep(Duration::from_millis(1));
        }
        let dropped = Instant::now();
        drop(ticker);
        // Dropping joins the thread: no tick can come after it.
        let after = ticks.load(Ordering::SeqCst);
        thread::sleep(Duration::from_millis(20));
        assert_eq!(ticks.load(Ordering::SeqCst), after);
        assert!(dropped.elapsed() < Duration::from_secs(1));
    }
}
