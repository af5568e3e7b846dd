//! Load mode: many round trips over many connections, every echoed byte checked, timed.
//!
//! One thread drives every connection through epoll (mio), so the load costs one thread however
//! many connections it opens, and a slow server shows up as a slow server, not as a client busy
//! switching between threads. Each connection keeps one round trip in flight: it writes `size`
//! bytes, reads until all of them are back (comparing as they come), then starts the next.
//! Writing and reading overlap, so a round trip may be far larger than the socket buffers.
//!
//! This file holds the plan and the loop that waits on every connection at once; driver.rs moves
//! each connection's round trip along, and report.rs holds what happened and prints it.

use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use common::ticker::Ticker;
use log::debug;
use mio::{Events, Poll, Token, Waker};

use crate::messages::say;

mod driver;
mod report;

use driver::{connect_blocking, connect_nonblocking, Conn, Driver};
pub use report::Report;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Round trips in all; `None` runs until the duration ends.
    pub count: Option<u64>,
    pub connections: usize,
    pub size: usize,
    pub duration: Option<Duration>,
    /// Open a new connection for every round trip, and close it after.
    pub reconnect: bool,
    /// How long a round trip or a connect may take before it counts as failed.
    pub timeout: Duration,
}

/// Large reads keep the load's own cost per byte low, so a fast server can show it is fast.
const READ_BUF: usize = 256 * 1024;
/// The ticker's token; connections use their index.
const TICK: Token = Token(usize::MAX);

/// Drives the plan's round trips against `server`, every connection on this one thread, and
/// reports what happened.
pub fn drive(server: SocketAddr, plan: &Plan) -> Result<Report> {
    let payload = driver::payload(plan.size);
    let mut poll = Poll::new().context(say().creating_epoll())?;
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; READ_BUF];

    // Connections open one after another, each handshake complete before the next starts, so
    // even a server with a small backlog never drops a SYN (which would cost a second each).
    let setup_start = Instant::now();
    let wanted = match plan.count {
        Some(count) => plan
            .connections
            .min(usize::try_from(count).unwrap_or(usize::MAX)),
        None => plan.connections,
    };
    let mut conns: Vec<Option<Conn>> = Vec::with_capacity(wanted);
    for i in 0..wanted {
        let mut conn = if plan.reconnect {
            connect_nonblocking(server)?
        } else {
            connect_blocking(server, plan.timeout)?
        };
        conn.register(&poll, i)?;
        conns.push(Some(conn));
    }
    let setup = setup_start.elapsed();

    // Once a second: the live line, and a look for round trips past the timeout. A ticker
    // thread wakes the loop for it, because a wait with a timeout arms a kernel timer on every
    // call, a cost each round trip would pay.
    let waker = Waker::new(poll.registry(), TICK).context(say().creating_waker())?;
    let ticker = Ticker::start("load-ticker", Duration::from_secs(1), move || {
        let _ = waker.wake();
    })
    .context(common::messages::say().starting_thread())?;

    let mut driver = Driver::new(plan, server, &payload, setup);
    for (i, slot) in conns.iter_mut().enumerate() {
        if let Some(conn) = slot {
            if !driver.begin(conn, i, Instant::now()) {
                *slot = None;
            }
        }
    }

    let live = io::stderr().is_terminal();
    let mut next_tick = driver.start + Duration::from_secs(1);
    let mut last_done = 0;
    while driver.in_flight() > 0 {
        if let Err(e) = poll.poll(&mut events, None) {
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e).context(say().waiting_for_events());
            }
        }
        for event in events.iter() {
            if event.token() == TICK {
                continue;
            }
            let i = event.token().0;
            let Some(conn) = conns[i].as_mut() else {
                continue;
            };
            match driver.advance(conn, i, &mut buf, &poll, event.is_read_closed()) {
                Ok(true) => {}
                Ok(false) => conns[i] = None,
                Err(e) => {
                    debug!("connection {i}: {e:#}");
                    driver.fail(&e);
                    conns[i] = None;
                }
            }
        }
        let now = Instant::now();
        if now >= next_tick {
            next_tick = now + Duration::from_secs(1);
            if live {
                eprint!("\r{:>10} round trips/s ", driver.done - last_done);
                last_done = driver.done;
            }
            // A round trip that takes longer than the timeout has failed.
            for slot in conns.iter_mut() {
                if slot
                    .as_ref()
                    .is_some_and(|c| c.busy && now.duration_since(c.started) > plan.timeout)
                {
                    driver.fail(&anyhow::anyhow!(say().no_reply(server, plan.timeout)));
                    *slot = None;
                }
            }
        }
    }
    drop(ticker);
    if live && driver.start.elapsed() > Duration::from_secs(1) {
        eprintln!();
    }
    driver.report.elapsed = driver.start.elapsed();
    Ok(driver.report)
}
