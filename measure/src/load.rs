//! Load mode: many round trips over many connections, every echoed byte checked, timed.
//!
//! One thread drives every connection through epoll (mio), so the load costs one thread however
//! many connections it opens, and a slow server shows up as a slow server, not as a client busy
//! switching between threads. Each connection keeps one round trip in flight: it writes `size`
//! bytes, reads until all of them are back (comparing as they come), then starts the next.
//! Writing and reading overlap, so a round trip may be far larger than the socket buffers.
//!
//! Two ways to pace it:
//!
//! - closed loop (the default): each connection starts its next round trip as soon as the last
//!   one is back. It measures how fast the server can go, but a stall of the server also stops
//!   the sending, so the stall is in a handful of samples only (coordinated omission);
//! - open loop (`--rate N`): round trips are due on a schedule, N a second in all, and each
//!   latency counts from when its round trip was due, not from when it could be sent, as wrk2
//!   does. A connection still has one round trip in flight; one that falls behind sends its
//!   overdue round trips at once, and their wait is in their latency, so a stall shows in the
//!   tail as users would meet it.
//!
//! `--warmup` runs first and is checked but not counted; `-i` cuts the run into intervals; the
//! first Ctrl-C (or SIGTERM) ends the load where it is, and the report says so.
//!
//! This file holds the plan, [`run`] (what tcp-client calls) and the loop that waits on every
//! connection at once; flags.rs holds its flags as tcp-client shows them; driver.rs moves each
//! connection's round trip along (driver/bytes.rs: which bytes, and their check;
//! driver/schedule.rs: `--rate`'s schedule), conn.rs opens the connections and descriptors.rs
//! raises the open-file limit they need, intervals.rs cuts the run into `-i` intervals and
//! tally.rs counts each, report.rs holds what happened and prints it, json.rs the same for
//! `--json`, timer.rs is the one timer the loop waits on with the connections, stop.rs the
//! Ctrl-C that ends it, and idle.rs opens, holds and checks `--idle`'s connections.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use common::cli;
use log::debug;
use mio::{Events, Poll, Token, Waker};

use crate::messages::t;

mod conn;
mod descriptors;
mod driver;
mod flags;
mod idle;
mod intervals;
mod json;
mod report;
mod stop;
mod tally;
mod timer;

use conn::{connect_blocking, connect_nonblocking, Conn};
use driver::{Driver, Next};
pub use flags::Flags;
use intervals::Intervals;
pub use report::{Interval, KeptIntervals, Report};
use stop::Stop;
use timer::Timer;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Round trips in all (after the warmup); `None` runs until the duration ends.
    pub count: Option<u64>,
    pub connections: usize,
    pub size: usize,
    /// How long to count round trips, after the warmup.
    pub duration: Option<Duration>,
    /// Open a new connection for every round trip, and close it after.
    pub reconnect: bool,
    /// How long a round trip or a connect may take before it counts as failed.
    pub timeout: Duration,
    /// Open loop: round trips a second in all, on a schedule, each connection's share spread
    /// evenly; `None` is a closed loop (each connection's next round trip at once).
    pub rate: Option<f64>,
    /// A first period whose round trips are checked but not counted; zero for none.
    pub warmup: Duration,
    /// The `-i` interval lines' period.
    pub interval: Option<Duration>,
    /// `--idle`: connections opened first and held idle through the load; 0 for none.
    pub idle: usize,
}

/// Large reads keep the load's own cost per byte low, so a fast server can show it is fast.
const READ_BUF: usize = 256 * 1024;
/// The timer's and the stop signal's tokens; connections use their index.
const TIMER: Token = Token(usize::MAX);
const STOP: Token = Token(usize::MAX - 1);
/// How often round trips are looked at for the timeout, and the terminal's live line written.
const CHECK: Duration = Duration::from_secs(1);

/// Load mode, whole: runs the plan against `server` and prints the result on stdout: `-i`
/// lines as it goes, then the report's lines, or with `json` the one JSON document. An error
/// when any round trip failed (the exit code says so).
pub fn run(server: SocketAddr, plan: &Plan, json: bool) -> Result<()> {
    // More connections than this machine allows fail now, not half-way. Each holds a
    // descriptor: as many as the hard limit allows.
    let limit = descriptors::preflight(plan.idle, plan.connections)?;
    debug!("open-file limit: {limit:?}");
    // --idle: the same load first without the idle connections, then with them open.
    let idle = match plan.idle {
        0 => None,
        n => {
            let alone = drive(server, plan, limit, &mut |_| Ok(()))?;
            failed(&alone)?;
            Some((idle::Idle::open(server, n, plan.timeout)?, alone.latencies))
        }
    };
    // Lines are printed as they come and kept nowhere; the document keeps a bounded number.
    let mut kept = KeptIntervals::default();
    let mut on_interval = |interval: &Interval| -> Result<()> {
        if json {
            kept.keep(interval);
        } else {
            let mut out = cli::stdout();
            writeln!(out, "{}", interval.line(plan.interval))?;
            out.flush()?;
        }
        Ok(())
    };
    let mut report = drive(server, plan, limit, &mut on_interval)?;
    report.intervals = kept;
    let beside = idle.map(|(open, without)| open.check(without));
    let mut out = cli::stdout();
    if json {
        let document = json::Document::new(&report, plan, server).with_idle(beside.as_ref());
        writeln!(out, "{}", serde_json::to_string(&document)?)?;
    } else {
        report.print(&mut out, plan)?;
        if let Some(beside) = &beside {
            beside.print(&mut out)?;
        }
    }
    out.flush()?;
    failed(&report)?;
    beside.map_or(Ok(()), |beside| beside.verdict())
}

/// An error when any round trip of `report` failed (the exit code says so).
fn failed(report: &Report) -> Result<()> {
    if report.errors > 0 || report.mismatches > 0 {
        let all = report.errors + report.round_trips + report.warmup_round_trips;
        bail!(t!("round-trips-failed", failed = report.errors, all = all));
    }
    Ok(())
}

/// Drives the plan's round trips against `server`, every connection on this one thread, and
/// reports what happened. Each `-i` interval goes to `on_interval` as it ends (the report keeps
/// none: `on_interval` keeps what it wants, in [`Report::intervals`]). The first Ctrl-C
/// (or SIGTERM) ends the load early, and the report says so. `limit`, the open-file limit
/// raised at start, goes into the error when connects run out of descriptors all the same.
pub fn drive(
    server: SocketAddr,
    plan: &Plan,
    limit: Option<u64>,
    on_interval: &mut dyn FnMut(&Interval) -> Result<()>,
) -> Result<Report> {
    let payload = driver::payload(plan.size);
    let mut poll = Poll::new().with_context(|| t!("creating-epoll"))?;
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; READ_BUF];

    // Ctrl-C: the loop stops where it is and reports what it has. The waker stays open here
    // too: a waker closed before the poll has taken its event takes the event with it.
    let stop = Stop::get()?;
    let waker = Arc::new(Waker::new(poll.registry(), STOP).with_context(|| t!("creating-waker"))?);
    stop.wake(Arc::clone(&waker));
    let stopped = || stop.is_set();

    // Connections open one after another, each handshake complete before the next starts, so
    // even a server with a small backlog never drops a SYN (which would cost a second each).
    let setup_start = Instant::now();
    let wanted = wanted_connections(plan);
    let mut conns: Vec<Option<Conn>> = Vec::with_capacity(wanted);
    for i in 0..wanted {
        if stopped() {
            break;
        }
        let conn = if plan.reconnect {
            connect_nonblocking(server)
        } else {
            connect_blocking(server, plan.timeout)
        };
        let mut conn = conn.map_err(|e| descriptors::explain(e, server, limit, i, wanted))?;
        conn.register(&poll, i)?;
        conns.push(Some(conn));
    }
    let setup = setup_start.elapsed();
    let mut timer = Timer::new(&poll, TIMER)?;

    let mut driver = Driver::new(plan, server, &payload, setup, conns.len());
    // Under --rate, idle connections wait here for their next slot, soonest first.
    let mut waiting: BinaryHeap<Reverse<(Instant, usize)>> = BinaryHeap::new();
    for (i, slot) in conns.iter_mut().enumerate() {
        let Some(conn) = slot else { continue };
        let next = if plan.rate.is_some() {
            driver.first(conn, i)
        } else if driver.begin(conn, i, Instant::now()) {
            // Sent when epoll says the socket is writable, which it says at once.
            Next::Going
        } else {
            Next::Done
        };
        match next {
            Next::Going => {}
            Next::WaitUntil(due) => waiting.push(Reverse((due, i))),
            Next::Done => *slot = None,
        }
    }

    // A live line a second on a terminal, unless -i prints its own lines.
    let live = plan.interval.is_none() && io::stderr().is_terminal();
    let mut next_check = driver.start + CHECK;
    let mut intervals = Intervals::new(plan, &driver);
    driver.tallies = plan
        .interval
        .map(|_| tally::Tallies::new(driver.start, intervals.next_end, driver.measure_start));
    let mut last_done = 0;
    while !stopped() && (driver.in_flight() > 0 || !waiting.is_empty()) {
        let now = Instant::now();
        // Scheduled round trips that are due.
        while let Some(&Reverse((due, i))) = waiting.peek() {
            if due > now {
                break;
            }
            waiting.pop();
            let Some(conn) = conns[i].as_mut() else {
                continue;
            };
            let result = driver.launch(conn, i, &mut buf, &poll, true);
            settle(&mut driver, &mut conns, &mut waiting, i, result);
        }
        if now >= next_check {
            while next_check <= now {
                next_check += CHECK;
            }
            if live {
                eprint!("\r{:>10} round trips/s ", driver.done - last_done);
                last_done = driver.done;
            }
            // A round trip that takes longer than the timeout has failed.
            for slot in conns.iter_mut() {
                if slot
                    .as_ref()
                    .is_some_and(|c| c.busy && now.duration_since(c.sent_at) > plan.timeout)
                {
                    driver.fail(&anyhow::anyhow!(t!(
                        "no-reply",
                        server = server,
                        timeout = format!("{:?}", plan.timeout)
                    )));
                    *slot = None;
                }
            }
        }
        intervals.close_due(&mut driver, now, on_interval)?;
        if driver.in_flight() == 0 && waiting.is_empty() {
            break;
        }

        let mut wake = next_check;
        if let Some(at) = intervals.close_at() {
            wake = wake.min(at);
        }
        if let Some(&Reverse((due, _))) = waiting.peek() {
            wake = wake.min(due);
        }
        timer.arm(wake, Instant::now())?;
        if let Err(e) = poll.poll(&mut events, timer.wait_timeout(Instant::now())) {
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e).context(t!("waiting-for-events"));
            }
        }
        for event in events.iter() {
            match event.token() {
                TIMER => timer.fired(),
                STOP => {}
                Token(i) => {
                    let Some(conn) = conns.get_mut(i).and_then(Option::as_mut) else {
                        continue;
                    };
                    let result = driver.advance(conn, i, &mut buf, &poll, event.is_read_closed());
                    settle(&mut driver, &mut conns, &mut waiting, i, result);
                }
            }
        }
    }
    let end = Instant::now();
    if stopped() {
        driver.report.stopped = true;
        driver.report.in_flight_at_stop = driver.in_flight();
    }
    if live && driver.start.elapsed() > CHECK {
        eprintln!();
    }
    intervals.finish(&mut driver, end, on_interval)?;
    driver.report.elapsed = end.saturating_duration_since(driver.measure_start);
    if let Some(rate) = plan.rate {
        let schedule = schedule_window(plan, rate, &driver.report);
        driver.report.schedule = Some(schedule);
        let took = driver.sends_took();
        driver.report.sending = Some(sending_window(plan, schedule, took, &driver.report));
    }
    Ok(driver.report)
}

/// Under `--rate`: how long the schedule ran after the warmup, the time its rate is reached
/// over: --duration, or --count's slots at the rate, or until the stop. A reply that comes
/// after it does not make the rate lower; a round trip the schedule could not send in it does.
fn schedule_window(plan: &Plan, rate: f64, report: &Report) -> Duration {
    let mut window = plan.duration.unwrap_or(Duration::MAX);
    if let Some(count) = plan.count {
        let slots = Duration::try_from_secs_f64(count as f64 / rate).unwrap_or(Duration::MAX);
        window = window.min(slots);
    }
    if report.stopped {
        window = window.min(report.elapsed);
    }
    window
}

/// Under `--rate`: the time the rate is over: the schedule's, or the time the counted sends
/// really took when they fell behind it (--count's round trips are all sent, however late; the
/// end of --duration and the stop still end the sending).
fn sending_window(
    plan: &Plan,
    schedule: Duration,
    took: Option<Duration>,
    report: &Report,
) -> Duration {
    let mut window = took.map_or(schedule, |took| took.max(schedule));
    if let Some(duration) = plan.duration {
        window = window.min(duration);
    }
    if report.stopped {
        window = window.min(report.elapsed);
    }
    window
}

/// The connections a plan opens: fewer than asked when it makes fewer round trips in all.
fn wanted_connections(plan: &Plan) -> usize {
    let round_trips = match (plan.count, plan.rate) {
        (None, _) => return plan.connections,
        (Some(count), None) => count,
        (Some(count), Some(rate)) => count.saturating_add(driver::warm_slots(plan.warmup, rate)),
    };
    plan.connections
        .min(usize::try_from(round_trips).unwrap_or(usize::MAX))
}

/// Puts connection `i` where its next step says: in flight, waiting for its slot, or gone.
fn settle(
    driver: &mut Driver,
    conns: &mut [Option<Conn>],
    waiting: &mut BinaryHeap<Reverse<(Instant, usize)>>,
    i: usize,
    result: Result<Next>,
) {
    match result {
        Ok(Next::Going) => {}
        Ok(Next::WaitUntil(due)) => waiting.push(Reverse((due, i))),
        Ok(Next::Done) => conns[i] = None,
        Err(e) => {
            debug!("connection {i}: {e:#}");
            driver.fail(&e);
            conns[i] = None;
        }
    }
}
