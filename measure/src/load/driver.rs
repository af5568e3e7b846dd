//! Load mode's round trips, one in flight on each connection: starting each, moving it along
//! (connect, write, read the echo back and check it), then starting the next round trip (on a
//! new connection, for connect cycles), and counting what happened into the report.
//!
//! driver/bytes.rs holds which bytes a round trip sends and the check of the echo against them;
//! driver/schedule.rs holds `--rate`'s schedule, when each round trip is due; driver/tests.rs
//! the tests that drive a round trip.

use std::io::{self, Read};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use common::error;
use log::warn;
use mio::Poll;

use super::conn::{connect_nonblocking, Conn};
use super::report::Report;
use super::tally::Tallies;
use super::Plan;
use crate::messages::t;

mod bytes;
mod schedule;

pub(super) use bytes::payload;
pub(super) use schedule::warm_slots;

use bytes::Bytes;
use schedule::Schedule;

/// What a connection does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// A round trip is in flight: epoll says when it moves.
    Going,
    /// Under `--rate`: idle until its next round trip's scheduled time.
    WaitUntil(Instant),
    /// The plan wants nothing more of it.
    Done,
}

/// The load's round trips: how many have begun and ended, the report so far, and how each
/// connection's round trip moves along.
pub(super) struct Driver<'a> {
    plan: &'a Plan,
    server: SocketAddr,
    bytes: Bytes<'a>,
    /// Round trips begun, and those ended (completed or failed).
    started: u64,
    pub(super) done: u64,
    /// Round trips begun after the warmup: what `--count` counts in a closed-loop load.
    counted: u64,
    pub(super) report: Report,
    /// When the load began (the connections open), and when its warmup ends.
    pub(super) start: Instant,
    pub(super) measure_start: Instant,
    pub(super) deadline: Option<Instant>,
    schedule: Option<Schedule>,
    /// Under `--rate`: when the last counted round trip was really sent.
    last_counted_send: Option<Instant>,
    /// The intervals' counts, when `-i` asked for interval lines.
    pub(super) tallies: Option<Tallies>,
}

impl<'a> Driver<'a> {
    /// A driver for `plan` against `server` over `connections` connections, its round trips
    /// taking their bytes from `payload`; `setup` is how long the connections took to open. The
    /// load's clock starts now.
    pub(super) fn new(
        plan: &'a Plan,
        server: SocketAddr,
        payload: &'a [u8],
        setup: Duration,
        connections: usize,
    ) -> Self {
        let start = Instant::now();
        let measure_start = start + plan.warmup;
        let deadline = plan.duration.map(|d| measure_start + d);
        Driver {
            plan,
            server,
            bytes: Bytes::new(payload, plan.size),
            started: 0,
            done: 0,
            counted: 0,
            report: Report::new(setup),
            start,
            measure_start,
            deadline,
            schedule: plan
                .rate
                .map(|rate| Schedule::new(plan, rate, connections, start, deadline)),
            last_counted_send: None,
            tallies: None,
        }
    }

    pub(super) fn in_flight(&self) -> u64 {
        self.started - self.done
    }

    /// Starts the next round trip on `conn` at `now`, if the plan wants one; false when it is
    /// finished. For a closed-loop load: under `--rate`, see [`Driver::first`].
    pub(super) fn begin(&mut self, conn: &mut Conn, i: usize, now: Instant) -> bool {
        if !self.wants_more(now) {
            return false;
        }
        let warm = now < self.measure_start;
        self.start_round(conn, i, now, now, warm);
        true
    }

    fn start_round(
        &mut self,
        conn: &mut Conn,
        i: usize,
        started: Instant,
        now: Instant,
        warm: bool,
    ) {
        self.started += 1;
        if !warm {
            self.counted += 1;
        }
        conn.offset = bytes::offset(i, conn.rounds);
        conn.sent = 0;
        conn.received = 0;
        conn.busy = true;
        conn.warm = warm;
        conn.started = started;
        conn.sent_at = now;
    }

    /// True while a closed-loop load wants another round trip begun at `now`.
    fn wants_more(&self, now: Instant) -> bool {
        if now < self.measure_start {
            return true;
        }
        self.plan.count.is_none_or(|c| self.counted < c) && self.deadline.is_none_or(|d| now < d)
    }

    pub(super) fn fail(&mut self, e: &anyhow::Error) {
        if self.report.errors == 0 {
            warn!("{}", error::chain_text(e));
        }
        self.report.errors += 1;
        if let Some(tallies) = &mut self.tallies {
            tallies.at(Instant::now()).errors += 1;
        }
        self.done += 1;
    }

    /// Moves `conn` along: connect, write, read and check.
    pub(super) fn advance(
        &mut self,
        conn: &mut Conn,
        i: usize,
        buf: &mut [u8],
        poll: &Poll,
        read_closed: bool,
    ) -> Result<Next> {
        // An idle connection, waiting for its slot: what came meanwhile, if anything, is read
        // when its next round trip starts.
        if !conn.busy {
            return Ok(Next::Going);
        }
        if !conn.connected {
            if let Some(e) = conn.stream.take_error().with_context(|| t!("connecting"))? {
                return Err(e).context(t!("connecting"));
            }
            match conn.stream.peer_addr() {
                Ok(_) => conn.connected = true,
                Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(Next::Going),
                Err(e) => return Err(e).context(t!("connecting")),
            }
        }
        self.bytes.send(conn)?;
        let size = self.plan.size;
        // Read what has come back, checking it against what was sent.
        while conn.received < size {
            match conn.stream.read(buf) {
                Ok(0) => bail!(t!("load-closed-early", got = conn.received, size = size)),
                Ok(n) => {
                    if conn.received + n > size || !self.bytes.matches(conn, &buf[..n]) {
                        self.report.mismatches += 1;
                        bail!(t!("echo-differs"));
                    }
                    conn.received += n;
                    // A short read emptied the socket: epoll reports the next data.
                    if n < buf.len() && !read_closed && conn.received < size {
                        return Ok(Next::Going);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Next::Going),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context(t!("reading-echo")),
            }
        }
        // The round trip is complete; the same clock reading starts the next one.
        let now = Instant::now();
        // Bytes beyond the echo are more than was sent. Those that come before the next round
        // trip's echo make it differ; after a connection's last round trip (each one, for
        // connect cycles) nothing follows, so look for them now, without waiting.
        if self.plan.reconnect || self.is_last(conn, now) {
            self.nothing_more(conn, buf)?;
        }
        self.complete(conn, now);
        if self.schedule.is_some() {
            return self.after_scheduled(conn, i, buf, poll, now);
        }
        if self.plan.reconnect {
            return self.reconnect(conn, i, poll, now);
        }
        if !self.begin(conn, i, now) {
            return Ok(Next::Done);
        }
        // Send the next one; its reply cannot be there yet, and epoll says when it is.
        self.bytes.send(conn)?;
        Ok(Next::Going)
    }

    /// True when the round trip just completed on `conn` is its last.
    fn is_last(&self, conn: &Conn, now: Instant) -> bool {
        match self.schedule {
            Some(schedule) => self.due(conn.slot + schedule.connections).is_none(),
            None => !self.wants_more(now),
        }
    }

    /// Counts the round trip just completed on `conn`.
    fn complete(&mut self, conn: &mut Conn, now: Instant) {
        let latency = now.saturating_duration_since(conn.started);
        if conn.warm {
            self.report.warmup_round_trips += 1;
        } else {
            self.report.latencies.record(latency);
            self.report.round_trips += 1;
            self.report.bytes += self.plan.size as u64;
        }
        // An interval counts the round trips of its own kind: a warmup round trip that ends
        // after the warmup is in no interval.
        if let Some(tally) = self
            .tallies
            .as_mut()
            .map(|t| t.at(now))
            .filter(|t| t.warm == conn.warm)
        {
            tally.round_trips += 1;
            tally.latencies.record(latency);
        }
        self.done += 1;
        conn.rounds += 1;
        conn.busy = false;
    }

    /// Closes `conn` and puts a new connection in its place, for connect-cycle loads.
    fn reconnect(&mut self, conn: &mut Conn, i: usize, poll: &Poll, now: Instant) -> Result<Next> {
        let _ = poll.registry().deregister(&mut conn.stream);
        let rounds = conn.rounds;
        if !self.begin(conn, i, now) {
            return Ok(Next::Done);
        }
        let mut fresh = connect_nonblocking(self.server)?;
        fresh.register(poll, i)?;
        fresh.rounds = rounds;
        fresh.offset = conn.offset;
        fresh.busy = true;
        fresh.warm = conn.warm;
        fresh.started = conn.started;
        fresh.sent_at = conn.sent_at;
        *conn = fresh;
        Ok(Next::Going)
    }

    /// Under `--rate`: when slot `slot` is due, if the plan wants it at all.
    fn due(&self, slot: u64) -> Option<Instant> {
        self.schedule?.due(slot)
    }

    /// Under `--rate`: how long the counted sends really took, from the first one's scheduled
    /// time to the last one's real send, and one slot more (so a schedule kept to the
    /// nanosecond took exactly its slots' time); `None` when none was sent.
    pub(in crate::load) fn sends_took(&self) -> Option<Duration> {
        let schedule = self.schedule?;
        let last = self.last_counted_send?;
        let took = last.saturating_duration_since(schedule.counted_start());
        Some(took.saturating_add(schedule.period()))
    }

    /// Under `--rate`: the first slot of connection `i`, and when it is due.
    pub(in crate::load) fn first(&mut self, conn: &mut Conn, i: usize) -> Next {
        conn.slot = i as u64;
        match self.due(conn.slot) {
            Some(due) => Next::WaitUntil(due),
            None => Next::Done,
        }
    }

    /// Under `--rate`: starts the round trip of `conn`'s slot, due now or before (its latency
    /// counts from then), on a new connection for connect cycles; moves it along as far as it
    /// goes without waiting. `idle`: the connection was waiting for this slot, free, so
    /// whatever lateness there is, is this program's own (the timer's, the loop's).
    pub(in crate::load) fn launch(
        &mut self,
        conn: &mut Conn,
        i: usize,
        buf: &mut [u8],
        poll: &Poll,
        idle: bool,
    ) -> Result<Next> {
        let now = Instant::now();
        let (Some(schedule), Some(due)) = (self.schedule, self.due(conn.slot)) else {
            return Ok(Next::Done);
        };
        // Behind the schedule when the load ends: the rest are not sent.
        if self.deadline.is_some_and(|d| now >= d) {
            return Ok(Next::Done);
        }
        if self.plan.reconnect && conn.rounds > 0 {
            let mut fresh = connect_nonblocking(self.server)?;
            fresh.register(poll, i)?;
            fresh.rounds = conn.rounds;
            fresh.slot = conn.slot;
            *conn = fresh;
        }
        let warm = schedule.is_warm(conn.slot);
        if !warm {
            self.last_counted_send = Some(now);
        }
        if idle && !warm {
            self.report
                .send_lag
                .record(now.saturating_duration_since(due));
        }
        self.start_round(conn, i, due, now, warm);
        self.advance(conn, i, buf, poll, false)
    }

    /// Under `--rate`, after a round trip: the connection's next slot now if it is due (or
    /// overdue: the connection is behind), else wait for it.
    pub(super) fn after_scheduled(
        &mut self,
        conn: &mut Conn,
        i: usize,
        buf: &mut [u8],
        poll: &Poll,
        now: Instant,
    ) -> Result<Next> {
        let step = self.schedule.map_or(1, |s| s.connections);
        conn.slot += step;
        if self.plan.reconnect {
            // Closed now, not when its next slot comes; the new connection opens then.
            let _ = poll.registry().deregister(&mut conn.stream);
            let _ = conn.stream.shutdown(std::net::Shutdown::Both);
        }
        match self.due(conn.slot) {
            None => Ok(Next::Done),
            Some(due) if due > now => Ok(Next::WaitUntil(due)),
            Some(_) => self.launch(conn, i, buf, poll, false),
        }
    }

    /// Fails, as a mismatch, when bytes beyond the echo are already waiting on `conn`. Nothing
    /// (or end of stream, or an error: the echo itself came back whole) is no mismatch.
    fn nothing_more(&mut self, conn: &mut Conn, buf: &mut [u8]) -> Result<()> {
        match conn.stream.read(buf) {
            Ok(n) if n > 0 => {
                self.report.mismatches += 1;
                bail!(t!("load-sent-more", extra = n));
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
