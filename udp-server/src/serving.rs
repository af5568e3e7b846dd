//! The machinery around steps 3 and 4: threads that each receive datagrams from the one
//! socket, a short spin before each sleep, Ctrl-C, and the summary when the server stops.
//!
//! Every thread waits on the same socket; the kernel hands each datagram to one waiting thread.
//! After a datagram a thread looks for the next one without sleeping for `--spin`
//! microseconds: a client with one request in flight sends its next within microseconds, and a
//! thread asleep would pay a wake-up for it.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use common::logging::Budget;
use common::text::count;
use common::{cli, error, step};
use log::{info, warn};
use rustix::net::RecvFlags;

use crate::answer::answer;
use crate::limit::Limiter;

/// How long, at most, the server takes to notice Ctrl-C while no datagram comes.
const STOP_CHECK: Duration = Duration::from_millis(200);
/// `received` lines a second each thread shows at info level; the rest are summed up.
const LOG_LINES_PER_SECOND: u32 = 20;
/// Large enough for the largest datagram there is (65,527 bytes, over IPv6): none is cut short.
const BUF_SIZE: usize = 64 * 1024;

/// How the server was asked to serve.
#[derive(Debug)]
pub struct Settings {
    pub threads: usize,
    pub spin: Duration,
    pub limiter: Limiter,
}

/// What the threads share.
struct Shared {
    socket: UdpSocket,
    spin: Duration,
    /// Taken only when a limit is on (`limited`): one lock per datagram then.
    limiter: Mutex<Limiter>,
    limited: bool,
    stopping: AtomicBool,
    answered: AtomicU64,
    dropped: AtomicU64,
    rate_limited: AtomicU64,
}

/// Receives and answers on `settings.threads` threads (this one included) until Ctrl-C, then
/// logs the summary.
pub fn run(socket: UdpSocket, settings: Settings) -> Result<()> {
    // Ctrl-C ends each thread's loop at its next turn; the receive timeout bounds how long that
    // takes when no datagram comes.
    socket
        .set_read_timeout(Some(STOP_CHECK))
        .context("setting the receive timeout")?;
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
            .spawn(move || serve(&shared))
            .context("starting a worker thread")?;
        handles.push(handle);
    }
    serve(&shared);
    for handle in handles {
        handle
            .join()
            .map_err(|_| anyhow!("a worker thread panicked"))?;
    }
    let limited = if shared.limited {
        format!(
            ", rate-limited {}",
            shared.rate_limited.load(Ordering::SeqCst)
        )
    } else {
        String::new()
    };
    info!(
        "stopped: answered {}, dropped {}{limited}",
        count(
            shared.answered.load(Ordering::SeqCst),
            "datagram",
            "datagrams"
        ),
        shared.dropped.load(Ordering::SeqCst)
    );
    Ok(())
}

/// One thread: step 3, receive a datagram, then hand it to `answer` (steps 3 and 4), until
/// the server stops.
fn serve(shared: &Shared) {
    let mut buf = vec![0u8; BUF_SIZE];
    // A person sees every datagram in the log; a flood gets one summary line a second.
    let mut shown = Budget::new(
        module_path!(),
        "datagrams",
        LOG_LINES_PER_SECOND,
        Instant::now(),
    );
    let mut spin_until = Instant::now();
    while !shared.stopping.load(Ordering::Relaxed) {
        let received = if Instant::now() < spin_until {
            receive_now(&shared.socket, &mut buf)
        } else {
            shared.socket.recv_from(&mut buf)
        };
        let (n, from) = match received {
            Ok(received) => received,
            Err(e) if error::is_timeout(&e) => {
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
        spin_until = Instant::now() + shared.spin;
        step!("3 receive", "received a {n}-byte datagram from {from}");
        if shared.limited && !allowed(shared, from) {
            // Over its rate: no reply, and no log line for each such datagram either.
            step!("4 send", "sent nothing: {from} is over its rate limit");
            shared.rate_limited.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let counter = match answer(&shared.socket, &buf[..n], from, &mut shown) {
            Ok(true) => &shared.answered,
            Ok(false) => &shared.dropped,
            Err(e) => {
                warn!("{e:#}");
                &shared.dropped
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A datagram if one is waiting, without sleeping for one: "would block" otherwise. The
/// socket stays blocking for the other threads; only this call does not wait.
fn receive_now(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    let (n, _, from) = rustix::net::recvfrom(socket, buf, RecvFlags::DONTWAIT)?;
    let from = from
        .and_then(|a| SocketAddr::try_from(a).ok())
        .ok_or_else(|| io::Error::other("a datagram with no IP source address"))?;
    Ok((n, from))
}

fn allowed(shared: &Shared, from: SocketAddr) -> bool {
    shared
        .limiter
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .allows(from.ip())
}
