//! Load mode's round trips, one in flight on each connection: which bytes it sends, writing
//! them, reading the echo back and checking it byte for byte, then starting the next round trip
//! (on a new connection, for connect cycles), and counting what happened into the report.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use common::error;
use common::stats::Latencies;
use log::warn;
use mio::net::TcpStream;
use mio::{Interest, Poll, Token};

use super::report::Report;
use super::Plan;
use crate::messages::say;

/// Round trips start at one of this many offsets into a random block, so that no two
/// connections, and no two round trips on one connection, need send the same bytes.
const OFFSETS: usize = 4096;
/// A round trip longer than this repeats the block. Small enough to stay in the CPU's cache (a
/// 128 MiB block would make the load wait on memory, not on the server), and an odd length, so
/// that a server which drops or repeats a power-of-two chunk is still caught.
const PERIOD: usize = (1 << 20) + 4093;

/// One connection and the round trip it has in flight.
pub(super) struct Conn {
    pub(super) stream: TcpStream,
    /// False until a non-blocking connect has completed.
    connected: bool,
    offset: usize,
    sent: usize,
    received: usize,
    /// Where the round trip's latency is counted from: its send, or under `--rate` the time
    /// the schedule gave it, however late it went out.
    pub(super) started: Instant,
    /// When it was really sent: where its timeout is counted from.
    pub(super) sent_at: Instant,
    pub(super) busy: bool,
    /// It began in the warmup: checked like any other, but not counted.
    warm: bool,
    rounds: u64,
    /// Under `--rate`: the schedule's slot for the round trip in flight, or for the next one.
    pub(super) slot: u64,
}

impl Conn {
    /// Has epoll report when connection `i` can read or write (and when it has connected).
    pub(super) fn register(&mut self, poll: &Poll, i: usize) -> Result<()> {
        poll.registry()
            .register(
                &mut self.stream,
                Token(i),
                Interest::READABLE | Interest::WRITABLE,
            )
            .context(say().registering_connection())
    }
}

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

/// `--rate`'s schedule: slot `k` (0, 1, 2, …) is due `k / rate` seconds after the load begins,
/// on connection `k % connections`, so the round trips are spread evenly over time and over the
/// connections. The slots due in the warmup come first; `--count` counts those after them.
#[derive(Debug, Clone, Copy)]
struct Schedule {
    rate: f64,
    connections: u64,
    /// Slots due before the warmup ends.
    warm_slots: u64,
    /// Slots in all (warmup's included), when `--count` limits them.
    limit: Option<u64>,
}

impl Schedule {
    fn new(plan: &Plan, rate: f64, connections: usize) -> Schedule {
        let warm_slots = warm_slots(plan.warmup, rate);
        Schedule {
            rate,
            connections: connections.max(1) as u64,
            warm_slots,
            limit: plan.count.map(|c| c.saturating_add(warm_slots)),
        }
    }
}

/// The slots `--rate` schedules before a warmup of `warmup` ends: those due at `k / rate` <
/// `warmup`.
pub(super) fn warm_slots(warmup: Duration, rate: f64) -> u64 {
    (warmup.as_secs_f64() * rate).ceil() as u64
}

/// What happened in one `-i` interval.
#[derive(Debug)]
pub(super) struct Tally {
    /// An interval of the warmup: it counts the warmup's round trips, and only those.
    pub(super) warm: bool,
    pub(super) round_trips: u64,
    pub(super) errors: u64,
    pub(super) latencies: Latencies,
}

impl Tally {
    fn new(warm: bool) -> Tally {
        Tally {
            warm,
            round_trips: 0,
            errors: 0,
            latencies: Latencies::new(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.round_trips == 0 && self.errors == 0
    }
}

/// The `-i` intervals' counts: the current interval's, and the next one's, for what ends after
/// the current interval's end but before the loop has come round to close it. Each round trip
/// is in the interval its end falls in, whenever the line is printed.
#[derive(Debug)]
pub(super) struct Tallies {
    current: Tally,
    /// When the current interval ends; `None` for the last, which ends with the load.
    end: Option<Instant>,
    next: Tally,
    measure_start: Instant,
}

impl Tallies {
    /// For a load that starts at `start`, its warmup ending at `measure_start`, its first
    /// interval at `end`.
    pub(super) fn new(start: Instant, end: Option<Instant>, measure_start: Instant) -> Tallies {
        Tallies {
            current: Tally::new(start < measure_start),
            end,
            next: Tally::new(end.is_some_and(|end| end < measure_start)),
            measure_start,
        }
    }

    /// The interval `now` falls in.
    fn at(&mut self, now: Instant) -> &mut Tally {
        if self.end.is_some_and(|end| now >= end) {
            &mut self.next
        } else {
            &mut self.current
        }
    }

    pub(super) fn current(&self) -> &Tally {
        &self.current
    }

    /// Ends the current interval and returns its counts; the next becomes current, and ends
    /// at `end`.
    pub(super) fn roll(&mut self, end: Option<Instant>) -> Tally {
        let after = Tally::new(end.is_some_and(|end| end < self.measure_start));
        let next = std::mem::replace(&mut self.next, after);
        self.end = end;
        std::mem::replace(&mut self.current, next)
    }
}

/// The load's round trips: how many have begun and ended, the report so far, and how each
/// connection's round trip moves along.
pub(super) struct Driver<'a> {
    plan: &'a Plan,
    server: SocketAddr,
    payload: &'a [u8],
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
        Driver {
            plan,
            server,
            payload,
            started: 0,
            done: 0,
            counted: 0,
            report: Report::new(setup),
            start,
            measure_start,
            deadline: plan.duration.map(|d| measure_start + d),
            schedule: plan.rate.map(|rate| Schedule::new(plan, rate, connections)),
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
        conn.offset = (i * 7919 + conn.rounds as usize * 131) % OFFSETS;
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

    /// Under `--rate`: when slot `slot` is due, if the plan wants it at all.
    fn due(&self, slot: u64) -> Option<Instant> {
        let schedule = self.schedule?;
        if schedule.limit.is_some_and(|limit| slot >= limit) {
            return None;
        }
        let after = Duration::try_from_secs_f64(slot as f64 / schedule.rate).ok()?;
        let due = self.start.checked_add(after)?;
        self.deadline.is_none_or(|d| due < d).then_some(due)
    }

    /// Under `--rate`: the first slot of connection `i`, and when it is due.
    pub(super) fn first(&mut self, conn: &mut Conn, i: usize) -> Next {
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
    pub(super) fn launch(
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
        let warm = conn.slot < schedule.warm_slots;
        if idle && !warm {
            self.report
                .send_lag
                .record(now.saturating_duration_since(due));
        }
        self.start_round(conn, i, due, now, warm);
        self.advance(conn, i, buf, poll, false)
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
            if let Some(e) = conn.stream.take_error().context(say().connecting())? {
                return Err(e).context(say().connecting());
            }
            match conn.stream.peer_addr() {
                Ok(_) => conn.connected = true,
                Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(Next::Going),
                Err(e) => return Err(e).context(say().connecting()),
            }
        }
        self.send(conn)?;
        let size = self.plan.size;
        // Read what has come back, checking it against what was sent.
        while conn.received < size {
            match conn.stream.read(buf) {
                Ok(0) => bail!(say().load_closed_early(conn.received, size)),
                Ok(n) => {
                    if conn.received + n > size || !self.matches(conn, &buf[..n]) {
                        self.report.mismatches += 1;
                        bail!(say().echo_differs());
                    }
                    conn.received += n;
                    // A short read emptied the socket: epoll reports the next data.
                    if n < buf.len() && !read_closed && conn.received < size {
                        return Ok(Next::Going);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Next::Going),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context(say().reading_echo()),
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
        self.send(conn)?;
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

    /// Under `--rate`, after a round trip: the connection's next slot now if it is due (or
    /// overdue: the connection is behind), else wait for it.
    fn after_scheduled(
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
                bail!(say().load_sent_more(n as u64));
            }
            _ => Ok(()),
        }
    }

    /// True when `got`, just read, is what was sent at that place in the round trip.
    fn matches(&self, conn: &Conn, mut got: &[u8]) -> bool {
        let mut at = conn.received;
        while !got.is_empty() {
            let sent = self.sent_from(conn, at);
            let n = sent.len().min(got.len());
            if got[..n] != sent[..n] {
                return false;
            }
            got = &got[n..];
            at += n;
        }
        true
    }

    /// The bytes the round trip on `conn` sends from position `at` to the end of the period.
    fn sent_from(&self, conn: &Conn, at: usize) -> &'a [u8] {
        let period = self.plan.size.min(PERIOD);
        let start = conn.offset + at % period;
        let left = self.plan.size - at;
        let payload: &'a [u8] = self.payload;
        &payload[start..(conn.offset + period).min(start + left)]
    }

    /// Writes as much of the round trip's bytes as the socket takes now.
    fn send(&mut self, conn: &mut Conn) -> Result<()> {
        while conn.sent < self.plan.size {
            let bytes = self.sent_from(conn, conn.sent);
            match conn.stream.write(bytes) {
                Ok(n) => conn.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context(say().sending()),
            }
        }
        Ok(())
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
}

pub(super) fn connect_blocking(server: SocketAddr, timeout: Duration) -> Result<Conn> {
    let stream = std::net::TcpStream::connect_timeout(&server, timeout)
        .with_context(|| say().connecting_to(server))?;
    // Each round trip is a small write that must leave at once.
    stream
        .set_nodelay(true)
        .with_context(|| say().setting_option("TCP_NODELAY"))?;
    stream
        .set_nonblocking(true)
        .context(say().making_nonblocking())?;
    Ok(new_conn(TcpStream::from_std(stream), true))
}

pub(super) fn connect_nonblocking(server: SocketAddr) -> Result<Conn> {
    let stream = TcpStream::connect(server).with_context(|| say().connecting_to(server))?;
    stream
        .set_nodelay(true)
        .with_context(|| say().setting_option("TCP_NODELAY"))?;
    Ok(new_conn(stream, false))
}

fn new_conn(stream: TcpStream, connected: bool) -> Conn {
    Conn {
        stream,
        connected,
        offset: 0,
        sent: 0,
        received: 0,
        started: Instant::now(),
        sent_at: Instant::now(),
        busy: false,
        warm: false,
        rounds: 0,
        slot: 0,
    }
}

/// The random block every round trip takes its bytes from, for round trips of `size` bytes.
pub(super) fn payload(size: usize) -> Vec<u8> {
    random_bytes(size.min(PERIOD) + OFFSETS)
}

/// Bytes from xorshift64*, seeded by the clock: cheap, and different on every run.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0x2545_f491_4f6c_dd1d, |d| d.as_nanos() as u64)
        | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        out.extend_from_slice(&seed.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn bytes_after_a_connections_last_echo_are_a_mismatch() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        let plan = Plan {
            count: Some(1),
            connections: 1,
            size: 64,
            duration: None,
            reconnect: false,
            timeout: Duration::from_secs(5),
            rate: None,
            warmup: Duration::ZERO,
            interval: None,
        };
        let payload = payload(plan.size);
        let poll = Poll::new().unwrap();
        let mut conn = connect_blocking(server, plan.timeout).unwrap();
        let (mut peer, _) = listener.accept().unwrap();
        let mut driver = Driver::new(&plan, server, &payload, Duration::ZERO, 1);
        assert!(driver.begin(&mut conn, 0, Instant::now()));
        // Sends the round trip; nothing has come back yet.
        let mut buf = vec![0u8; plan.size];
        assert_eq!(
            driver
                .advance(&mut conn, 0, &mut buf, &poll, false)
                .unwrap(),
            Next::Going
        );

        // The echo and 5 bytes more, all there before the client reads: its buffer holds the
        // echo and no more, so the read that completes the round trip leaves the 5 waiting.
        let mut reply = vec![0u8; plan.size];
        peer.read_exact(&mut reply).unwrap();
        reply.extend_from_slice(b"extra");
        peer.write_all(&reply).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut peek = [0u8; 128];
        while conn.stream.peek(&mut peek).unwrap_or(0) < reply.len() {
            assert!(Instant::now() < deadline, "the reply did not arrive");
            std::thread::yield_now();
        }

        let e = driver
            .advance(&mut conn, 0, &mut buf, &poll, false)
            .unwrap_err();
        assert_eq!(e.to_string(), "the server sent 5 bytes more than the echo");
        assert_eq!(driver.report.mismatches, 1);
        assert_eq!(driver.report.round_trips, 0);
    }

    #[test]
    fn the_schedule_spreads_slots_evenly_and_counts_after_the_warmup() {
        let plan = Plan {
            count: Some(10),
            connections: 4,
            size: 64,
            duration: None,
            reconnect: false,
            timeout: Duration::from_secs(5),
            rate: Some(1000.0),
            warmup: Duration::from_millis(5),
            interval: None,
        };
        let server = "127.0.0.1:1".parse().unwrap();
        let payload = payload(plan.size);
        let driver = Driver::new(&plan, server, &payload, Duration::ZERO, 4);
        let ms = |n: u64| driver.start + Duration::from_millis(n);
        // Slot k at k ms; the 5 of the warmup, then the 10 counted; none after.
        assert_eq!(driver.due(0), Some(ms(0)));
        assert_eq!(driver.due(7), Some(ms(7)));
        assert_eq!(driver.due(14), Some(ms(14)));
        assert_eq!(driver.due(15), None);
        assert_eq!(warm_slots(plan.warmup, 1000.0), 5);
        // A duration ends the schedule too: slots due at or after its end are not sent.
        let plan = Plan {
            count: None,
            duration: Some(Duration::from_millis(3)),
            ..plan
        };
        let driver = Driver::new(&plan, server, &payload, Duration::ZERO, 4);
        // Warmup 5 ms, then 3 ms: slots 0 to 7.
        assert!(driver.due(7).is_some());
        assert_eq!(driver.due(8), None);
    }

    #[test]
    fn a_reply_counts_in_the_interval_it_came_in_whenever_that_is_closed() {
        let start = Instant::now();
        let s = |n: u64| start + Duration::from_secs(n);
        // Warmup to 1 s, intervals of 1 s.
        let mut tallies = Tallies::new(start, Some(s(1)), s(1));
        assert!(tallies.current().warm);
        tallies.at(start).round_trips += 1;
        // After the first interval's end, before it is closed: the next one's.
        tallies.at(s(1)).round_trips += 10;
        let first = tallies.roll(Some(s(2)));
        assert!(first.warm);
        assert_eq!(first.round_trips, 1);
        assert!(!tallies.current().warm);
        assert_eq!(tallies.current().round_trips, 10);
        // The last interval ends with the load: everything after is in it.
        let second = tallies.roll(None);
        assert_eq!(second.round_trips, 10);
        tallies.at(s(100)).round_trips += 1;
        assert_eq!(tallies.current().round_trips, 1);
    }
}
