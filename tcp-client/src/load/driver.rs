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
    pub(super) started: Instant,
    pub(super) busy: bool,
    rounds: u64,
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

/// The load's round trips: how many have begun and ended, the report so far, and how each
/// connection's round trip moves along.
pub(super) struct Driver<'a> {
    plan: &'a Plan,
    server: SocketAddr,
    payload: &'a [u8],
    /// Round trips begun, and those ended (completed or failed).
    started: u64,
    pub(super) done: u64,
    pub(super) report: Report,
    pub(super) start: Instant,
    deadline: Option<Instant>,
}

impl<'a> Driver<'a> {
    /// A driver for `plan` against `server`, its round trips taking their bytes from `payload`;
    /// `setup` is how long the connections took to open. The load's clock starts now.
    pub(super) fn new(
        plan: &'a Plan,
        server: SocketAddr,
        payload: &'a [u8],
        setup: Duration,
    ) -> Self {
        Driver {
            plan,
            server,
            payload,
            started: 0,
            done: 0,
            report: Report {
                round_trips: 0,
                bytes: 0,
                setup,
                elapsed: Duration::ZERO,
                latencies: Latencies::new(),
                errors: 0,
                mismatches: 0,
            },
            start: Instant::now(),
            deadline: plan.duration.map(|d| Instant::now() + d),
        }
    }

    pub(super) fn in_flight(&self) -> u64 {
        self.started - self.done
    }

    /// Starts the next round trip on `conn` at `now`, if the plan wants one; false when it is
    /// finished.
    pub(super) fn begin(&mut self, conn: &mut Conn, i: usize, now: Instant) -> bool {
        if !self.wants_more(now) {
            return false;
        }
        self.started += 1;
        conn.offset = (i * 7919 + conn.rounds as usize * 131) % OFFSETS;
        conn.sent = 0;
        conn.received = 0;
        conn.busy = true;
        conn.started = now;
        true
    }

    /// True while the plan wants another round trip begun at `now`.
    fn wants_more(&self, now: Instant) -> bool {
        self.plan.count.is_none_or(|c| self.started < c) && self.deadline.is_none_or(|d| now < d)
    }

    pub(super) fn fail(&mut self, e: &anyhow::Error) {
        if self.report.errors == 0 {
            warn!("{}", error::chain_text(e));
        }
        self.report.errors += 1;
        self.done += 1;
    }

    /// Moves `conn` along: connect, write, read and check. Ok(false) when it is finished.
    pub(super) fn advance(
        &mut self,
        conn: &mut Conn,
        i: usize,
        buf: &mut [u8],
        poll: &Poll,
        read_closed: bool,
    ) -> Result<bool> {
        if !conn.connected {
            if let Some(e) = conn.stream.take_error().context(say().connecting())? {
                return Err(e).context(say().connecting());
            }
            match conn.stream.peer_addr() {
                Ok(_) => conn.connected = true,
                Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(true),
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
                        return Ok(true);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context(say().reading_echo()),
            }
        }
        // The round trip is complete; the same clock reading starts the next one.
        let now = Instant::now();
        // Bytes beyond the echo are more than was sent. Those that come before the next round
        // trip's echo make it differ; after a connection's last round trip (each one, for
        // connect cycles) nothing follows, so look for them now, without waiting.
        if self.plan.reconnect || !self.wants_more(now) {
            self.nothing_more(conn, buf)?;
        }
        self.report
            .latencies
            .record(now.duration_since(conn.started));
        self.report.round_trips += 1;
        self.report.bytes += size as u64;
        self.done += 1;
        conn.rounds += 1;
        conn.busy = false;
        if self.plan.reconnect {
            return self.reconnect(conn, i, poll, now);
        }
        if !self.begin(conn, i, now) {
            return Ok(false);
        }
        // Send the next one; its reply cannot be there yet, and epoll says when it is.
        self.send(conn)?;
        Ok(true)
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
    fn reconnect(&mut self, conn: &mut Conn, i: usize, poll: &Poll, now: Instant) -> Result<bool> {
        let _ = poll.registry().deregister(&mut conn.stream);
        let rounds = conn.rounds;
        if !self.begin(conn, i, now) {
            return Ok(false);
        }
        let mut fresh = connect_nonblocking(self.server)?;
        fresh.register(poll, i)?;
        fresh.rounds = rounds;
        fresh.offset = conn.offset;
        fresh.busy = true;
        fresh.started = conn.started;
        *conn = fresh;
        Ok(true)
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
        busy: false,
        rounds: 0,
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
        };
        let payload = payload(plan.size);
        let poll = Poll::new().unwrap();
        let mut conn = connect_blocking(server, plan.timeout).unwrap();
        let (mut peer, _) = listener.accept().unwrap();
        let mut driver = Driver::new(&plan, server, &payload, Duration::ZERO);
        assert!(driver.begin(&mut conn, 0, Instant::now()));
        // Sends the round trip; nothing has come back yet.
        let mut buf = vec![0u8; plan.size];
        assert!(driver
            .advance(&mut conn, 0, &mut buf, &poll, false)
            .unwrap());

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
}
