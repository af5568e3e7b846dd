//! Ping mode: numbered datagrams, one every `--interval`, a line per reply, then loss and
//! round-trip times, as `ping` does it.
//!
//! Each datagram starts with its sequence number in ten digits, which uppercase leaves alone,
//! so every reply says which request it answers: a late or reordered reply is counted for its
//! own request, never taken for another.
//!
//! The schedule is ping's: a datagram goes out every interval whether or not the last one was
//! answered, and each is waited for `--timeout` (ping's `-W`) after it went. With `-i 0` the next
//! goes as soon as the last is answered or given up. An ICMP port unreachable (the server gone)
//! or another error ends nobody's run: it is counted and shown, the datagram counts as lost, and
//! the run goes on, as ping's does. It ends after `--count` datagrams, at the `--deadline`, or
//! on Ctrl-C, and then prints its summary (or the `--json` document) all the same.
//!
//! The wait is one mio poll on the socket and on a waker that Ctrl-C wakes, so Ctrl-C and the
//! deadline end it at once, not at the next reply.
//!
//! This file holds the plan, [`run`] (what udp-client calls), the totals and the loop that keeps
//! the schedule; flags.rs holds its flags as udp-client shows them and reads `--interval`;
//! pinger.rs is the run's state: it numbers what goes, matches each reply, error or timeout to
//! its datagram and says when the next one goes; wait.rs is the one wait on the socket and on
//! Ctrl-C; report.rs keeps the interval records and makes the `--json` document; text.rs prints
//! ping's header and summary.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use common::{error, shell};
use mio::net::UdpSocket;

use crate::messages::t;

mod flags;
mod pinger;
mod report;
mod text;
mod wait;

pub use flags::Flags;
pub use pinger::SEQ_DIGITS;

use pinger::Pinger;
use report::Document;
use text::{header, summary};
use wait::Wait;
use wait::Woke;

#[derive(Debug, Clone)]
pub struct Plan {
    /// `--host` as given, for the JSON document.
    pub host: String,
    /// Stop after this many datagrams; with a deadline, after this many replies (ping's -c).
    pub count: Option<u64>,
    pub size: usize,
    pub interval: Duration,
    pub timeout: Duration,
    /// Stop after this long, whatever the count (ping's -w).
    pub deadline: Option<Duration>,
    pub quiet: bool,
    pub json: bool,
}

/// Why the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoppedBy {
    Count,
    Deadline,
    Signal,
}

impl StoppedBy {
    fn name(self) -> &'static str {
        match self {
            StoppedBy::Count => "count",
            StoppedBy::Deadline => "deadline",
            StoppedBy::Signal => "signal",
        }
    }
}

/// What the run counted, for the summary and the exit code.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    /// Datagrams given a sequence number: sent, or whose send failed (an error).
    pub sent: u64,
    /// Datagrams answered, late ones too; a duplicate reply is not counted again.
    pub received: u64,
    /// Replies to a datagram already answered (ping's DUP!).
    pub duplicates: u64,
    /// Replies that came after their datagram's timeout, and still count as received.
    pub late: u64,
    /// Datagrams that came but answer none of ours: neither an echo nor the uppercase of one
    /// still in the window.
    pub strays: u64,
    /// ICMP port unreachable: nothing listened on the server's port.
    pub unreachable: u64,
    /// Any other error on a send or receive (a host or network unreachable, say).
    pub other_errors: u64,
}

impl Totals {
    pub fn errors(&self) -> u64 {
        self.unreachable + self.other_errors
    }

    pub fn lost(&self) -> u64 {
        self.sent.saturating_sub(self.received)
    }

    fn loss_percent(&self) -> f64 {
        if self.sent == 0 {
            0.0
        } else {
            100.0 * self.lost() as f64 / self.sent as f64
        }
    }
}

/// Ping mode, whole: pings `server` over `socket` (connected to it) as `plan` says, a line per
/// reply on `out`, then the summary or the `--json` document; the first Ctrl-C ends the run with
/// its summary, as ping's does. The result is ping's exit code: an error when no reply came, or,
/// with --count and --deadline, fewer than the count.
pub fn run(
    socket: std::net::UdpSocket,
    server: SocketAddr,
    plan: &Plan,
    out: &mut impl Write,
) -> Result<()> {
    socket
        .set_nonblocking(true)
        .with_context(|| t!("making-nonblocking"))?;
    let mut socket = UdpSocket::from_std(socket);
    let wait = Wait::on(&mut socket, server)?;
    let totals = ping(&socket, server, plan, wait, out)?;
    verdict(plan, server, &totals)
}

/// ping's exit code: an error when no reply came, or, with --count and --deadline, fewer than
/// the count; else none, Ctrl-C or not.
fn verdict(plan: &Plan, server: SocketAddr, t: &Totals) -> Result<()> {
    if t.received == 0 {
        let none = anyhow!(t!("no-ping-answer", sent = t.sent));
        // Replies came, but none ping mode could count, or the server is not there: say so,
        // or it reads as silence.
        return Err(if t.unreachable > 0 {
            error::hint(
                none,
                t!(
                    "hint-ping-unreachable",
                    unreachable = t.unreachable,
                    start = shell::how_to_start_on("udp-server", server.port())
                ),
            )
        } else if t.strays > 0 {
            error::hint(none, t!("hint-ping-strays", strays = t.strays))
        } else {
            none
        });
    }
    if let (Some(count), Some(deadline)) = (plan.count, plan.deadline) {
        if t.received < count {
            return Err(anyhow!(t!(
                "ping-short-of-count",
                received = t.received,
                count = count,
                deadline = format!("{deadline:?}")
            )));
        }
    }
    Ok(())
}

/// The run itself, until the count, the deadline or Ctrl-C: what it counted.
fn ping(
    socket: &UdpSocket,
    server: SocketAddr,
    plan: &Plan,
    mut wait: Wait,
    out: &mut impl Write,
) -> Result<Totals> {
    if !plan.json {
        header(out, plan, server)?;
    }
    let start = Instant::now();
    let mut pinger = Pinger::new(socket, server, plan, out, start);
    let end = plan.deadline.map(|d| start + d);
    let stopped_by = loop {
        let now = Instant::now();
        if end.is_some_and(|end| now >= end) {
            break StoppedBy::Deadline;
        }
        pinger.expire(now)?;
        if pinger.done() {
            break StoppedBy::Count;
        }
        let next_send = pinger.next_send(now);
        if next_send.is_some_and(|t| t <= now) {
            pinger.send()?;
            continue;
        }
        let until = [next_send, pinger.first_expiry(), end]
            .into_iter()
            .flatten()
            .min();
        match wait.wait(until)? {
            Woke::Stop => break StoppedBy::Signal,
            Woke::Readable => pinger.receive()?,
            Woke::Timeout => {}
        }
    };
    let elapsed = start.elapsed();
    let totals = pinger.totals;
    if plan.json {
        let document = Document::new(
            plan,
            server,
            &totals,
            &pinger.latencies,
            &pinger.records,
            stopped_by,
            elapsed,
        );
        let text = serde_json::to_string_pretty(&document).map_err(io::Error::from)?;
        writeln!(pinger.out, "{text}")?;
    } else {
        summary(pinger.out, &plan.host, &totals, &pinger.latencies, elapsed)?;
    }
    pinger.out.flush()?;
    Ok(totals)
}
