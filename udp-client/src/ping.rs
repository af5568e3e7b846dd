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
//! The wait is one poll(2) on the socket and on an eventfd that Ctrl-C writes to, so Ctrl-C and
//! the deadline end it at once, not at the next reply.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use common::stats::{millis, Latencies};
use common::text::uppercase;
use rustix::event::{eventfd, poll, EventfdFlags, PollFd, PollFlags, Timespec};
use rustix::net::RecvFlags;

use crate::messages::say;

/// Digits of the sequence number at the start of each datagram.
pub const SEQ_DIGITS: usize = 10;
/// How many recent datagrams a late reply can still be matched to. At 20,000 a second that is
/// three seconds, three times the default timeout.
const WINDOW: usize = 1 << 16;
/// The most interval records `--json` keeps: an hour of one-second records. A longer run
/// doubles their width, so a day's run has 2,700 records of 32 seconds.
const MAX_RECORDS: usize = 3600;

/// `--interval` as typed: the duration, and the text, to warn about `-i 200` (seconds now).
#[derive(Debug, Clone)]
pub struct Interval {
    pub every: Duration,
    text: String,
}

impl Interval {
    /// True for a bare number of 50 or more: seconds, as ping reads it, but more likely
    /// milliseconds typed from habit, as udp-client once read it.
    pub fn maybe_milliseconds(&self) -> bool {
        self.text.parse::<f64>().is_ok_and(|n| n >= 50.0)
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// clap value parser for `--interval`: seconds (`0.2`) or with a unit (`200ms`), 0 allowed.
pub fn parse_interval(text: &str) -> Result<Interval, String> {
    let every = common::cli::parse_duration_or_zero(text)?;
    Ok(Interval {
        every,
        text: text.trim().to_owned(),
    })
}

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

/// Ends a run's wait: Ctrl-C (or SIGTERM) writes to an eventfd that the wait polls.
#[derive(Debug, Clone)]
pub struct Stop {
    event: Arc<OwnedFd>,
}

impl Stop {
    pub fn new() -> Result<Stop> {
        let event = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)
            .map_err(io::Error::from)
            .context(say().setting_up_stop())?;
        Ok(Stop {
            event: Arc::new(event),
        })
    }

    /// A stop that the first Ctrl-C or SIGTERM triggers (a second one exits at once).
    pub fn on_signal() -> Result<Stop> {
        let stop = Stop::new()?;
        let trigger = stop.clone();
        common::cli::on_stop_signal(move || trigger.trigger()).context(say().setting_up_stop())?;
        Ok(stop)
    }

    pub fn trigger(&self) {
        // The counter only has to become non-zero: an error (it is full) changes nothing.
        let _ = rustix::io::write(&*self.event, &1u64.to_ne_bytes());
    }
}

/// The datagram for `seq`: its number, then lowercase letters up to `size` bytes.
fn datagram(seq: u64, size: usize) -> Vec<u8> {
    let mut d = format!("{seq:0width$}", width = SEQ_DIGITS).into_bytes();
    d.extend((0..size.saturating_sub(SEQ_DIGITS)).map(|i| b'a' + (i % 26) as u8));
    d
}

/// The sequence number a reply answers, if it is a well-formed answer (uppercase or echo).
fn answered(reply: &[u8], size: usize) -> Option<u64> {
    if reply.len() != size {
        return None;
    }
    let seq: u64 = std::str::from_utf8(&reply[..SEQ_DIGITS])
        .ok()?
        .parse()
        .ok()?;
    let sent = datagram(seq, size);
    (reply == sent || reply == uppercase(&sent)).then_some(seq)
}

/// Where a datagram stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Sent, no reply yet, its timeout not yet over.
    Waiting,
    /// An error was reported for it (port unreachable, a failed send): shown and counted at
    /// once; its timeout still runs, so `-i 0` does not flood a server that is gone.
    Errored,
    Answered,
    /// Its timeout is over without a reply: lost, unless a late reply still comes.
    GivenUp,
}

#[derive(Debug, Clone, Copy)]
struct Sent {
    seq: u64,
    at: Instant,
    state: State,
}

/// One interval of the run, by the time its datagrams were sent: mergeable exactly, so that
/// the records can be widened to stay at most [`MAX_RECORDS`].
#[derive(Debug, Clone, Copy, Default)]
struct Record {
    sent: u64,
    received: u64,
    errors: u64,
    rtt_sum_ns: u128,
    rtt_min_ns: Option<u64>,
    rtt_max_ns: u64,
}

impl Record {
    /// A reply to one of this record's datagrams, `rtt` after it went.
    fn add_rtt(&mut self, rtt: Duration) {
        let ns = u64::try_from(rtt.as_nanos()).unwrap_or(u64::MAX);
        self.received += 1;
        self.rtt_sum_ns += u128::from(ns);
        self.rtt_min_ns = Some(self.rtt_min_ns.map_or(ns, |m| m.min(ns)));
        self.rtt_max_ns = self.rtt_max_ns.max(ns);
    }

    fn merge(&mut self, other: &Record) {
        self.sent += other.sent;
        self.received += other.received;
        self.errors += other.errors;
        self.rtt_sum_ns += other.rtt_sum_ns;
        self.rtt_min_ns = match (self.rtt_min_ns, other.rtt_min_ns) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.rtt_max_ns = self.rtt_max_ns.max(other.rtt_max_ns);
    }

    fn json(&self, start_s: f64) -> serde_json::Value {
        let mut v = serde_json::json!({
            "start_s": start_s,
            "sent": self.sent,
            "received": self.received,
            "lost": self.sent.saturating_sub(self.received),
            "errors": self.errors,
        });
        if let Some(min) = self.rtt_min_ns {
            let us = |ns: f64| ns / 1e3;
            v["min_us"] = serde_json::json!(us(min as f64));
            // Whole nanoseconds, as the other figures are.
            let avg_ns = self.rtt_sum_ns / u128::from(self.received.max(1));
            v["avg_us"] = serde_json::json!(us(avg_ns as f64));
            v["max_us"] = serde_json::json!(us(self.rtt_max_ns as f64));
        }
        v
    }
}

/// The interval records of a run: one a second, widened when there would be too many.
#[derive(Debug)]
struct Records {
    start: Instant,
    width: Duration,
    records: Vec<Record>,
}

impl Records {
    fn new(start: Instant) -> Self {
        Records {
            start,
            width: Duration::from_secs(1),
            records: Vec::new(),
        }
    }

    /// The record of what was sent at `at`.
    fn at(&mut self, at: Instant) -> &mut Record {
        let mut k = self.index(at);
        while k >= MAX_RECORDS {
            self.widen();
            k = self.index(at);
        }
        if k >= self.records.len() {
            self.records.resize(k + 1, Record::default());
        }
        &mut self.records[k]
    }

    fn index(&self, at: Instant) -> usize {
        let since = at.saturating_duration_since(self.start).as_nanos();
        usize::try_from(since / self.width.as_nanos()).unwrap_or(usize::MAX)
    }

    /// Twice as wide, half as many: each pair of records merged into one.
    fn widen(&mut self) {
        self.width *= 2;
        self.records = self
            .records
            .chunks(2)
            .map(|pair| {
                let mut one = pair[0];
                if let Some(second) = pair.get(1) {
                    one.merge(second);
                }
                one
            })
            .collect();
    }

    fn json(&self) -> serde_json::Value {
        let width = self.width.as_secs_f64();
        self.records
            .iter()
            .enumerate()
            .map(|(k, r)| r.json(k as f64 * width))
            .collect()
    }
}

/// What the socket's wait ended with.
enum Woke {
    Stop,
    Readable,
    Timeout,
}

/// The run: what was sent, what came back, and the figures.
struct Pinger<'a, W: Write> {
    socket: &'a UdpSocket,
    server: SocketAddr,
    plan: &'a Plan,
    out: &'a mut W,
    /// Each recent datagram by sequence number modulo the window: memory stays the same however
    /// many datagrams a run sends.
    window: Vec<Option<Sent>>,
    /// Sequence numbers still waiting (or errored) in the order they went, so the first is the
    /// first to time out. Answered ones leave it when they reach the front.
    pending: VecDeque<u64>,
    last_sent: Option<Instant>,
    totals: Totals,
    latencies: Latencies,
    records: Records,
    buf: Vec<u8>,
}

impl<W: Write> Pinger<'_, W> {
    fn slot(&mut self, seq: u64) -> &mut Option<Sent> {
        let len = self.window.len() as u64;
        &mut self.window[(seq % len) as usize]
    }

    /// The datagram `seq`, if it is still in the window.
    fn sent(&mut self, seq: u64) -> Option<&mut Sent> {
        self.slot(seq).as_mut().filter(|s| s.seq == seq)
    }

    fn show(&self) -> bool {
        !self.plan.quiet && !self.plan.json
    }

    /// True while the plan wants more datagrams sent.
    fn more_to_send(&self) -> bool {
        match (self.plan.count, self.plan.deadline) {
            (None, _) => true,
            // ping's -c with -w: go on until that many replies, or the deadline.
            (Some(count), Some(_)) => self.totals.received < count,
            (Some(count), None) => self.totals.sent < count,
        }
    }

    /// True when the count is done: with a deadline, that many replies came; without, that
    /// many datagrams went and each has its reply or its timeout is over.
    fn done(&self) -> bool {
        match (self.plan.count, self.plan.deadline) {
            (None, _) => false,
            (Some(count), Some(_)) => self.totals.received >= count,
            (Some(count), None) => self.totals.sent >= count && self.pending.is_empty(),
        }
    }

    /// When the next datagram goes: an interval after the last, or with `-i 0` as soon as
    /// none is pending.
    fn next_send(&self, now: Instant) -> Option<Instant> {
        if !self.more_to_send() {
            return None;
        }
        match self.last_sent {
            None => Some(now),
            Some(last) if !self.plan.interval.is_zero() => Some(last + self.plan.interval),
            Some(_) => self.pending.is_empty().then_some(now),
        }
    }

    fn first_expiry(&self) -> Option<Instant> {
        let seq = *self.pending.front()?;
        let len = self.window.len() as u64;
        self.window[(seq % len) as usize]
            .filter(|s| s.seq == seq)
            .map(|s| s.at + self.plan.timeout)
    }

    fn send(&mut self) -> Result<()> {
        let seq = self.totals.sent + 1;
        let payload = datagram(seq, self.plan.size);
        let mut result = self.socket.send(&payload);
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::ConnectionRefused) {
            // The refusal is an earlier datagram's ICMP port unreachable, which the system
            // reports (and forgets) on this send, and this datagram did not go: send it again.
            self.error(None, io::ErrorKind::ConnectionRefused.into(), "send")?;
            result = self.socket.send(&payload);
        }
        let at = Instant::now();
        self.totals.sent = seq;
        self.last_sent = Some(at);
        *self.slot(seq) = Some(Sent {
            seq,
            at,
            state: State::Waiting,
        });
        self.pending.push_back(seq);
        self.records.at(at).sent += 1;
        if let Err(e) = result {
            self.error(Some(seq), e, "send")?;
        }
        Ok(())
    }

    /// Counts and shows an error: for `seq`, or for the oldest datagram still waiting (an ICMP
    /// error comes back for some earlier datagram, most likely the oldest unanswered one).
    fn error(&mut self, seq: Option<u64>, e: io::Error, op: &str) -> Result<()> {
        let refused = e.kind() == io::ErrorKind::ConnectionRefused;
        if refused {
            self.totals.unreachable += 1;
        } else {
            self.totals.other_errors += 1;
        }
        let waiting = self.pending.iter().copied().find(|&s| {
            let len = self.window.len() as u64;
            self.window[(s % len) as usize].is_some_and(|d| d.seq == s && d.state == State::Waiting)
        });
        let Some(seq) = seq.or(waiting).or(self.last_sent.map(|_| self.totals.sent)) else {
            return Ok(());
        };
        if let Some(sent) = self.sent(seq) {
            let at = sent.at;
            if sent.state == State::Waiting {
                sent.state = State::Errored;
            }
            self.records.at(at).errors += 1;
        }
        if self.show() {
            let server = self.server;
            if refused {
                writeln!(
                    self.out,
                    "port unreachable from {server} for seq={seq}: nothing listens there (ICMP)"
                )?;
            } else {
                writeln!(self.out, "error on {op} for seq={seq}: {}", english(&e))?;
            }
        }
        Ok(())
    }

    /// Gives up on the datagrams whose timeout is over.
    fn expire(&mut self, now: Instant) -> Result<()> {
        while let Some(&seq) = self.pending.front() {
            let timeout = self.plan.timeout;
            let Some(sent) = self.sent(seq) else {
                self.pending.pop_front();
                continue;
            };
            match sent.state {
                State::Answered | State::GivenUp => {}
                State::Waiting | State::Errored if now >= sent.at + timeout => {
                    let silent = sent.state == State::Waiting;
                    sent.state = State::GivenUp;
                    if silent && self.show() {
                        writeln!(
                            self.out,
                            "no reply from {} for seq={seq} within {timeout:?}",
                            self.server
                        )?;
                    }
                }
                State::Waiting | State::Errored => break,
            }
            self.pending.pop_front();
        }
        Ok(())
    }

    /// Takes every datagram and error waiting on the socket, without blocking.
    fn receive(&mut self) -> Result<()> {
        loop {
            match rustix::net::recv(self.socket, &mut self.buf[..], RecvFlags::DONTWAIT) {
                Ok((n, _)) => {
                    let now = Instant::now();
                    self.reply(n, now)?;
                }
                Err(rustix::io::Errno::INTR) => {}
                Err(e) if e == rustix::io::Errno::AGAIN || e == rustix::io::Errno::WOULDBLOCK => {
                    return Ok(())
                }
                // One error at a time: the next poll says whether more is waiting.
                Err(e) => return self.error(None, e.into(), "receive"),
            }
        }
    }

    fn reply(&mut self, n: usize, now: Instant) -> Result<()> {
        let size = self.plan.size;
        let Some(seq) = answered(&self.buf[..n], size) else {
            log::debug!("a {n}-byte datagram that answers none of ours");
            self.totals.strays += 1;
            return Ok(());
        };
        let Some(sent) = self.sent(seq) else {
            log::debug!("a reply for seq={seq}, which is not in the window");
            self.totals.strays += 1;
            return Ok(());
        };
        let state = sent.state;
        let at = sent.at;
        if state != State::Answered {
            sent.state = State::Answered;
        }
        let rtt = now.duration_since(at);
        let mark = match state {
            State::Answered => {
                self.totals.duplicates += 1;
                " (DUP!)"
            }
            State::GivenUp => {
                self.totals.late += 1;
                " (late)"
            }
            State::Waiting | State::Errored => "",
        };
        if state != State::Answered {
            self.totals.received += 1;
            self.latencies.record(rtt);
            self.records.at(at).add_rtt(rtt);
        }
        if self.show() {
            writeln!(
                self.out,
                "{n} bytes from {}: seq={seq} time={} ms{mark}",
                self.server,
                millis(rtt)
            )?;
        }
        Ok(())
    }

    /// Waits until the socket has something, `stop` is triggered, or `until` comes.
    fn wait(&self, stop: &Stop, until: Option<Instant>) -> Result<Woke> {
        let timeout = until.map(|t| {
            let left = t.saturating_duration_since(Instant::now());
            Timespec {
                tv_sec: left.as_secs().try_into().unwrap_or(i64::MAX),
                tv_nsec: left.subsec_nanos().into(),
            }
        });
        let mut fds = [
            PollFd::new(self.socket, PollFlags::IN),
            PollFd::new(&*stop.event, PollFlags::IN),
        ];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(Woke::Timeout),
            Err(e) => {
                return Err(io::Error::from(e)).context(say().waiting_for_replies(self.server))
            }
        }
        if !fds[1].revents().is_empty() {
            Ok(Woke::Stop)
        } else if !fds[0].revents().is_empty() {
            Ok(Woke::Readable)
        } else {
            Ok(Woke::Timeout)
        }
    }
}

/// An OS error in plain English words, as stdout says it in every language.
fn english(e: &io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or_default();
    text.to_lowercase()
}

pub fn run(
    socket: &UdpSocket,
    server: SocketAddr,
    plan: &Plan,
    stop: &Stop,
    out: &mut impl Write,
) -> Result<Totals> {
    let start = Instant::now();
    let window = match plan.count {
        Some(count) if plan.deadline.is_none() => {
            usize::try_from(count).map_or(WINDOW, |c| c.min(WINDOW))
        }
        _ => WINDOW,
    };
    let mut pinger = Pinger {
        socket,
        server,
        plan,
        out,
        window: vec![None; window],
        pending: VecDeque::new(),
        last_sent: None,
        totals: Totals::default(),
        latencies: Latencies::new(),
        records: Records::new(start),
        buf: vec![0u8; 64 * 1024],
    };
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
        match pinger.wait(stop, until)? {
            Woke::Stop => break StoppedBy::Signal,
            Woke::Readable => pinger.receive()?,
            Woke::Timeout => {}
        }
    };
    let elapsed = start.elapsed();
    let totals = pinger.totals;
    if plan.json {
        let document = json(plan, server, &pinger, stopped_by, elapsed);
        let text = serde_json::to_string_pretty(&document).map_err(io::Error::from)?;
        writeln!(pinger.out, "{text}")?;
    } else {
        summary(pinger.out, server, &totals, &pinger.latencies, elapsed)?;
    }
    pinger.out.flush()?;
    Ok(totals)
}

/// ping's summary: the counts, then the round-trip times in ping's own line, then percentiles.
fn summary(
    out: &mut impl Write,
    server: SocketAddr,
    t: &Totals,
    latencies: &Latencies,
    elapsed: Duration,
) -> io::Result<()> {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut counts = format!("{} sent, {} received", t.sent, t.received);
    for (n, what) in [
        (t.duplicates, "duplicates"),
        (t.errors(), "errors"),
        (t.strays, "strays"),
    ] {
        if n > 0 {
            counts.push_str(&format!(", +{n} {what}"));
        }
    }
    writeln!(out, "--- {server} udp ping ---")?;
    writeln!(
        out,
        "{counts}, {:.1}% loss, {secs:.3} s, {:.0} requests/s",
        t.loss_percent(),
        t.received as f64 / secs
    )?;
    if let Some(s) = latencies.summary() {
        let ms = |ds: [Duration; 4]| ds.map(millis).join("/");
        writeln!(
            out,
            "rtt min/avg/max/mdev = {} ms",
            ms([s.min, s.avg, s.max, s.mdev])
        )?;
        writeln!(
            out,
            "rtt p50/p90/p99/p99.9 = {} ms",
            ms([s.p50, s.p90, s.p99, s.p99_9])
        )?;
    }
    Ok(())
}

/// The `--json` document. Its names are stable: see the README for each one's meaning.
fn json<W: Write>(
    plan: &Plan,
    server: SocketAddr,
    pinger: &Pinger<'_, W>,
    stopped_by: StoppedBy,
    elapsed: Duration,
) -> serde_json::Value {
    let t = &pinger.totals;
    serde_json::json!({
        "program": "udp-client",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": "ping",
        "parameters": {
            "host": plan.host,
            "port": server.port(),
            "server": server.to_string(),
            "count": plan.count,
            "size": plan.size,
            "interval_s": plan.interval.as_secs_f64(),
            "timeout_s": plan.timeout.as_secs_f64(),
            "deadline_s": plan.deadline.map(|d| d.as_secs_f64()),
        },
        "totals": {
            "sent": t.sent,
            "received": t.received,
            "lost": t.lost(),
            "loss_percent": t.loss_percent(),
            "duplicates": t.duplicates,
            "late": t.late,
            "strays": t.strays,
            "errors": {
                "total": t.errors(),
                "unreachable": t.unreachable,
                "other": t.other_errors,
            },
            "elapsed_s": elapsed.as_secs_f64(),
            "stopped_by": stopped_by.name(),
        },
        "latency": pinger.latencies.json(),
        "interval_width_s": pinger.records.width.as_secs_f64(),
        "intervals": pinger.records.json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_name_their_request() {
        let d = datagram(42, 20);
        assert_eq!(d, b"0000000042abcdefghij");
        assert_eq!(answered(&d, 20), Some(42));
        assert_eq!(answered(&uppercase(&d), 20), Some(42));
        assert_eq!(answered(b"0000000042ABCDEFGHIX", 20), None);
        assert_eq!(answered(&d[..19], 20), None);
        assert_eq!(answered(&datagram(7, 10), 10), Some(7));
    }

    #[test]
    fn intervals_take_seconds_or_units_and_a_bare_large_number_is_suspect() {
        let ms = Duration::from_millis;
        for (text, every, suspect) in [
            ("0.2", ms(200), false),
            ("200ms", ms(200), false),
            ("0", Duration::ZERO, false),
            ("5", ms(5000), false),
            ("200", ms(200_000), true),
            ("200s", ms(200_000), false),
        ] {
            let i = parse_interval(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (i.every, i.maybe_milliseconds()),
                (every, suspect),
                "{text}"
            );
        }
        assert!(parse_interval("-1").is_err());
    }

    #[test]
    fn records_stay_bounded_and_widening_keeps_every_count() {
        let start = Instant::now();
        let mut records = Records::new(start);
        let secs = |s: u64| start + Duration::from_secs(s);
        for (at, rtt) in [(0, 5), (1, 9)] {
            records.at(secs(at)).sent += 1;
            records.at(secs(at)).add_rtt(Duration::from_nanos(rtt));
        }
        // An hour and more: twice as wide, and nothing lost.
        records.at(secs(3 * 3600)).sent += 1;
        assert!(
            records.records.len() <= MAX_RECORDS,
            "{}",
            records.records.len()
        );
        assert_eq!(records.width, Duration::from_secs(4));
        let first = records.records[0];
        assert_eq!(
            (
                first.sent,
                first.received,
                first.rtt_min_ns,
                first.rtt_max_ns
            ),
            (2, 2, Some(5), 9)
        );
        assert_eq!(records.records.iter().map(|r| r.sent).sum::<u64>(), 3);
        let json = records.json();
        assert_eq!(json[0]["avg_us"], 0.007);
        assert_eq!(json[1]["start_s"], 4.0);
        assert!(json[1].get("min_us").is_none());
    }
}
