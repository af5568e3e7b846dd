//! Load mode: many round trips over many connections, every echoed byte checked, timed.
//!
//! One thread drives every connection through epoll (mio), so the load costs one thread however
//! many connections it opens, and a slow server shows up as a slow server, not as a client busy
//! switching between threads. Each connection keeps one round trip in flight: it writes `size`
//! bytes, reads until all of them are back (comparing as they come), then starts the next.
//! Writing and reading overlap, so a round trip may be far larger than the socket buffers.

use std::io::{self, IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use common::cli;
use common::stats::{micros, Latencies};
use common::text::count;
use log::{debug, warn};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};

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

/// What happened.
#[derive(Debug)]
pub struct Report {
    pub round_trips: u64,
    pub bytes: u64,
    pub setup: Duration,
    pub elapsed: Duration,
    pub latencies: Latencies,
    pub errors: u64,
    pub mismatches: u64,
}

/// Round trips start at one of this many offsets into a random block, so that no two
/// connections, and no two round trips on one connection, need send the same bytes.
const OFFSETS: usize = 4096;
/// A round trip longer than this repeats the block. Small enough to stay in the CPU's cache (a
/// 128 MiB block would make the load wait on memory, not on the server), and an odd length, so
/// that a server which drops or repeats a power-of-two chunk is still caught.
const PERIOD: usize = (1 << 20) + 4093;
/// Large reads keep the load's own cost per byte low, so a fast server can show it is fast.
const READ_BUF: usize = 256 * 1024;
/// The ticker's token; connections use their index.
const TICK: Token = Token(usize::MAX);

/// One connection and the round trip it has in flight.
struct Conn {
    stream: TcpStream,
    /// False until a non-blocking connect has completed.
    connected: bool,
    offset: usize,
    sent: usize,
    received: usize,
    started: Instant,
    busy: bool,
    rounds: u64,
}

/// Drives the plan's round trips against `server`, every connection on this one thread, and
/// reports what happened.
pub fn drive(server: SocketAddr, plan: &Plan) -> Result<Report> {
    let payload = random_bytes(plan.size.min(PERIOD) + OFFSETS);
    let mut poll = Poll::new().context("creating an epoll instance")?;
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
        poll.registry()
            .register(
                &mut conn.stream,
                Token(i),
                Interest::READABLE | Interest::WRITABLE,
            )
            .context("registering a connection")?;
        conns.push(Some(conn));
    }
    let setup = setup_start.elapsed();

    // Once a second: the live line, and a look for round trips past the timeout. A ticker
    // thread wakes the loop for it, because a wait with a timeout arms a kernel timer on every
    // call, a cost each round trip would pay.
    let waker = Arc::new(Waker::new(poll.registry(), TICK).context("creating a waker")?);
    let (stop_ticker, ticks) = mpsc::channel::<()>();
    let ticker = {
        let waker = Arc::clone(&waker);
        thread::spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = ticks.recv_timeout(Duration::from_secs(1)) {
                let _ = waker.wake();
            }
        })
    };

    let mut driver = Driver {
        plan,
        server,
        payload: &payload,
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
    };
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
                return Err(e).context("waiting for socket events");
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
                    driver.fail(&anyhow::anyhow!(
                        "no reply from {server} within {:?}",
                        plan.timeout
                    ));
                    *slot = None;
                }
            }
        }
    }
    drop(stop_ticker);
    let _ = ticker.join();
    if live && driver.start.elapsed() > Duration::from_secs(1) {
        eprintln!();
    }
    driver.report.elapsed = driver.start.elapsed();
    Ok(driver.report)
}

/// The load's round trips: how many have begun and ended, the report so far, and how each
/// connection's round trip moves along.
struct Driver<'a> {
    plan: &'a Plan,
    server: SocketAddr,
    payload: &'a [u8],
    /// Round trips begun, and those ended (completed or failed).
    started: u64,
    done: u64,
    report: Report,
    start: Instant,
    deadline: Option<Instant>,
}

impl<'a> Driver<'a> {
    fn in_flight(&self) -> u64 {
        self.started - self.done
    }

    /// Starts the next round trip on `conn` at `now`, if the plan wants one; false when it is
    /// finished.
    fn begin(&mut self, conn: &mut Conn, i: usize, now: Instant) -> bool {
        let more = self.plan.count.is_none_or(|c| self.started < c)
            && self.deadline.is_none_or(|d| now < d);
        if !more {
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

    fn fail(&mut self, e: &anyhow::Error) {
        if self.report.errors == 0 {
            warn!("{}", cli::chain_text(e));
        }
        self.report.errors += 1;
        self.done += 1;
    }

    /// Moves `conn` along: connect, write, read and check. Ok(false) when it is finished.
    fn advance(
        &mut self,
        conn: &mut Conn,
        i: usize,
        buf: &mut [u8],
        poll: &Poll,
        read_closed: bool,
    ) -> Result<bool> {
        if !conn.connected {
            if let Some(e) = conn.stream.take_error()? {
                return Err(e).context("connecting");
            }
            match conn.stream.peer_addr() {
                Ok(_) => conn.connected = true,
                Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(true),
                Err(e) => return Err(e).context("connecting"),
            }
        }
        self.send(conn)?;
        let size = self.plan.size;
        // Read what has come back, checking it against what was sent.
        while conn.received < size {
            match conn.stream.read(buf) {
                Ok(0) => bail!(
                    "the server closed the connection after {} of {size} bytes",
                    conn.received
                ),
                Ok(n) => {
                    if conn.received + n > size || !self.matches(conn, &buf[..n]) {
                        self.report.mismatches += 1;
                        bail!("the echo differs from what was sent");
                    }
                    conn.received += n;
                    // A short read emptied the socket: epoll reports the next data.
                    if n < buf.len() && !read_closed && conn.received < size {
                        return Ok(true);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context("reading the echo"),
            }
        }
        // The round trip is complete; the same clock reading starts the next one.
        let now = Instant::now();
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
                Err(e) => return Err(e).context("sending"),
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
        poll.registry().register(
            &mut fresh.stream,
            Token(i),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        fresh.rounds = rounds;
        fresh.offset = conn.offset;
        fresh.busy = true;
        fresh.started = conn.started;
        *conn = fresh;
        Ok(true)
    }
}

fn connect_blocking(server: SocketAddr, timeout: Duration) -> Result<Conn> {
    let stream = std::net::TcpStream::connect_timeout(&server, timeout)
        .with_context(|| format!("connecting to {server}"))?;
    // Each round trip is a small write that must leave at once.
    stream.set_nodelay(true)?;
    stream.set_nonblocking(true)?;
    Ok(new_conn(TcpStream::from_std(stream), true))
}

fn connect_nonblocking(server: SocketAddr) -> Result<Conn> {
    let stream = TcpStream::connect(server).with_context(|| format!("connecting to {server}"))?;
    stream.set_nodelay(true)?;
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

impl Report {
    /// The result lines, as printed on stdout.
    pub fn print(&self, out: &mut impl Write, plan: &Plan) -> io::Result<()> {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        writeln!(
            out,
            "round trips:  {} of {} bytes over {}{}",
            self.round_trips,
            plan.size,
            count(plan.connections as u64, "connection", "connections"),
            if plan.reconnect {
                ", a new connection for each"
            } else {
                ""
            }
        )?;
        writeln!(
            out,
            "elapsed:      {:.3} s (connecting {:.3} s before)",
            secs,
            self.setup.as_secs_f64()
        )?;
        writeln!(
            out,
            "rate:         {:.0} round trips/s, {:.1} MiB/s",
            self.round_trips as f64 / secs,
            self.bytes as f64 / secs / (1024.0 * 1024.0)
        )?;
        match self.latencies.summary() {
            Some(s) => writeln!(
                out,
                "latency µs:   min {} p50 {} p90 {} p99 {} max {}",
                micros(s.min),
                micros(s.p50),
                micros(s.p90),
                micros(s.p99),
                micros(s.max)
            )?,
            None => writeln!(out, "latency µs:   none measured")?,
        }
        writeln!(out, "errors:       {}", self.errors)?;
        if self.mismatches == 0 && self.errors == 0 {
            writeln!(out, "check:        every reply matched byte for byte")
        } else if self.mismatches == 0 {
            writeln!(
                out,
                "check:        every reply received matched byte for byte"
            )
        } else {
            writeln!(
                out,
                "check:        {} replies differed from what was sent",
                self.mismatches
            )
        }
    }
}
