//! The machinery around steps 3 and 4: threads that each receive datagrams from the one
//! socket, a short spin before each sleep, Ctrl-C, and the summary when the server stops.
//!
//! Every thread waits on the same socket; the kernel hands each datagram to one waiting thread,
//! which on Linux takes the others already waiting with it (batch.rs). After a batch a thread
//! looks for the next one without sleeping for a few microseconds: a client with one request in
//! flight sends its next within microseconds, and a thread asleep would pay a wake-up for it.
//! Whether it spins, and how long, is common::spin's to decide.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use common::logging::Budget;
use common::spin::{Spin, Spinner};
use common::text::count;
use common::{cli, error, step};
use log::{info, warn};

use crate::answer;
use crate::batch::{self, Batch};
use crate::limit::Limiter;
use crate::messages::t;

/// How long, at most, the server takes to notice Ctrl-C while no datagram comes.
const STOP_CHECK: Duration = Duration::from_millis(200);
/// `received` lines a second each thread shows at info level; the rest are summed up.
const LOG_LINES_PER_SECOND: u32 = 20;

/// How the server was asked to serve.
#[derive(Debug)]
pub struct Settings {
    pub threads: usize,
    pub spin: Spin,
    pub limiter: Limiter,
}

/// What the threads share.
struct Shared {
    socket: UdpSocket,
    spin: Spin,
    /// Taken only when a limit is on (`limited`): one lock per datagram then.
    limiter: Mutex<Limiter>,
    limited: bool,
    stopping: AtomicBool,
    answered: AtomicU64,
    dropped: AtomicU64,
    rate_limited: AtomicU64,
}

/// The server, every thread started: [`Serving::run`] serves until Ctrl-C.
pub struct Serving {
    shared: Arc<Shared>,
    handles: Vec<JoinHandle<()>>,
}

/// Sets the socket up for `settings.threads` threads, installs the Ctrl-C handler and starts
/// all threads but this one, which [`Serving::run`] makes the last. Everything that can fail
/// at start-up fails here, before the `listening on` line.
pub fn start(socket: UdpSocket, settings: Settings) -> Result<Serving> {
    // Ctrl-C ends each thread's loop at its next turn; the receive timeout bounds how long that
    // takes when no datagram comes.
    socket
        .set_read_timeout(Some(STOP_CHECK))
        .with_context(|| t!("setting-receive-timeout"))?;
    let shared = Arc::new(Shared {
        socket,
        spin: settings.spin,
        limited: settings.limiter.rate().is_some(),
        limiter: Mutex::new(settings.limiter),
        stopping: AtomicBool::new(false),
        answered: AtomicU64::new(0),
        dropped: AtomicU64::new(0),
        rate_limited: AtomicU64::new(0),
    });
    let stop = Arc::clone(&shared);
    cli::on_stop_signal(move || stop.stopping.store(true, Ordering::SeqCst))?;

    let mut handles = Vec::new();
    for n in 1..settings.threads {
        let shared = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name(format!("worker-{n}"))
            .spawn(move || serve(&shared, n))
            .with_context(|| t!("starting-worker"))?;
        handles.push(handle);
    }
    Ok(Serving { shared, handles })
}

impl Serving {
    /// Receives and answers on this thread too until Ctrl-C, waits for the others, then logs
    /// the summary.
    pub fn run(self) -> Result<()> {
        let shared = self.shared;
        serve(&shared, 0);
        for handle in self.handles {
            handle.join().map_err(|_| anyhow!(t!("worker-panicked")))?;
        }
        // Every thread has ended: these are the final counts, read once for both sayings.
        let [answered, dropped, rate_limited] =
            [&shared.answered, &shared.dropped, &shared.rate_limited]
                .map(|n| n.load(Ordering::SeqCst));
        let limited = if shared.limited {
            format!(", rate-limited {rate_limited}")
        } else {
            String::new()
        };
        step!(
            5,
            Step::Close,
            t!(
                "stopped",
                answered = answered,
                dropped = dropped,
                limited = if shared.limited { "yes" } else { "no" },
                rate_limited = rate_limited
            )
        );
        info!(
            "stopped: answered {}, dropped {}{limited}",
            count(answered, "datagram", "datagrams"),
            dropped
        );
        Ok(())
    }
}

/// One thread: step 3, receive datagrams (on Linux every one already waiting, in one call), make
/// their replies, then step 4, send them all back (in one call too), until the server stops.
fn serve(shared: &Shared, index: usize) {
    let mut batch = Batch::new();
    let mut replies: Vec<(Vec<u8>, SocketAddr)> = Vec::with_capacity(batch::SLOTS);
    // A person sees every datagram in the log; a flood gets one summary line a second.
    let mut shown = Budget::new(
        module_path!(),
        "datagrams",
        LOG_LINES_PER_SECOND,
        Instant::now(),
    );
    let mut spinner = Spinner::new(shared.spin, index);
    while !shared.stopping.load(Ordering::Relaxed) {
        let spinning = spinner.looking(Instant::now());
        let received = batch.receive(&shared.socket, spinning);
        let n = match received {
            Ok(n) => n,
            Err(e) if error::is_timeout(&e) => {
                if spinning {
                    // Nothing yet: a program waiting for this CPU (a client on the same one)
                    // runs now rather than after the spin.
                    spinner.nothing_yet();
                }
                shown.roll(Instant::now());
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Some systems report an earlier reply's "port unreachable" here; it concerns a
            // client that has gone, not this datagram or the server.
            Err(e) => {
                warn!("receiving a datagram: {}", error::io_text(&e));
                continue;
            }
        };
        spinner.caught(Instant::now());
        replies.clear();
        for i in 0..n {
            let (data, from) = batch.datagram(i);
            let Some(from) = from else {
                shared.dropped.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            step!(
                3,
                Step::Receive,
                t!("received", len = data.len(), from = from)
            );
            if shared.limited && !allowed(shared, from) {
                // Over its rate: no reply, and no log line for each such datagram either.
                step!(4, Step::Send, t!("over-rate-limit", from = from));
                shared.rate_limited.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            match answer::reply(data, from, &mut shown) {
                Ok(Some(reply)) => replies.push((reply, from)),
                Ok(None) => {
                    shared.dropped.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    warn!("{e:#}");
                    shared.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        send_all(shared, &mut batch, &replies);
    }
}

/// Step 4 for a batch: all its replies (on Linux in one call); those a failure stopped, one by
/// one.
fn send_all(shared: &Shared, batch: &mut Batch, replies: &[(Vec<u8>, SocketAddr)]) {
    let sent = batch.send(&shared.socket, replies).unwrap_or(0);
    for (reply, to) in &replies[..sent] {
        answer::sent(reply.len(), *to);
    }
    shared.answered.fetch_add(sent as u64, Ordering::Relaxed);
    for (reply, to) in &replies[sent..] {
        let counter = match answer::send(&shared.socket, reply, *to) {
            Ok(()) => &shared.answered,
            Err(e) => {
                warn!("{e:#}");
                &shared.dropped
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

fn allowed(shared: &Shared, from: SocketAddr) -> bool {
    shared
        .limiter
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .allows(from.ip())
}
