//! One worker thread: its event loop, step 4 (accept), and its sweeps for idle connections.
//!
//! The document's server blocks in `accept()`, then in `recv()` on one client. A worker instead
//! waits on its copy of the listener and on all of its connections at once (epoll through
//! `mio`), and handles whichever is ready: a new connection is accepted, a connection with data
//! gets its exchange (`connection.rs`). So no client ever waits behind another.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use common::logging::Budget;
use common::{error, step};
use log::{error, info, warn, Level};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use slab::Slab;

use crate::connection::{is_transient, After, Connection, Ending, Ready};
use crate::messages::say;

mod sweeps;

use crate::room::EVICT_IDLE;
use crate::serving::{Shared, GRACE};
pub use sweeps::sweep_every;

/// Each read takes up to this much. A long stream moves in fewer system calls and epoll
/// wake-ups than with 64 KiB (one loopback segment): 1.4× the throughput, by bench/compare.sh.
const BUF_SIZE: usize = 256 * 1024;
/// How long to stop accepting after an error such as "too many open files" before trying again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

const LISTENER: Token = Token(usize::MAX);
const WAKER: Token = Token(usize::MAX - 1);

/// One thread's event loop: the listener, its connections and its read buffer.
pub struct Worker {
    /// This worker's place in `shared.seats`.
    index: usize,
    poll: Poll,
    /// Lets the signal and ticker threads interrupt this thread's wait.
    waker: Arc<Waker>,
    /// None once the server is stopping.
    listener: Option<TcpListener>,
    /// Open connections; each one's key is its epoll token.
    conns: Slab<Connection>,
    /// The keys of the connections a sweep looks at, kept to save an allocation per sweep.
    sweep: Vec<usize>,
    buf: Box<[u8]>,
    shared: Arc<Shared>,
    /// Set after an accept error: when to try accepting again.
    accept_paused_until: Option<Instant>,
    /// Accepting fails (out of descriptors, say): said once, not every 100 ms.
    accept_failing: bool,
    /// When to sweep next: close idle connections, tell the others about the idlest (room.rs).
    next_sweep: Instant,
    /// When, after Ctrl-C, to close whatever is still open.
    stop_at: Option<Instant>,
    /// The time after the last wait, for every event it returned: one clock read per wake-up.
    now: Instant,
    /// Connections that stopped at their share of a turn, with what epoll had reported.
    again: Vec<(usize, Ready)>,
    /// Until when to keep looking for events without sleeping, after the last one.
    spin_until: Instant,
    /// This thread's few lines a second about what it read, and about connections opening and
    /// closing: each kind has its own, so a stream's reads never hide how a connection ended.
    read_lines: Budget,
    conn_lines: Budget,
}

/// Lines a second each thread shows of each kind at info level: a person typing sees every
/// message, a load sees one summary line a second.
const LOG_LINES_PER_SECOND: u32 = 20;

impl Worker {
    pub fn new(
        index: usize,
        listener: std::net::TcpListener,
        shared: &Arc<Shared>,
    ) -> Result<Worker> {
        let poll = Poll::new().context(say().creating_epoll())?;
        let mut listener = TcpListener::from_std(listener);
        register_listener(poll.registry(), &mut listener).context(say().registering_listener())?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER).context(say().creating_waker())?);
        shared.seats[index].set_waker(Arc::clone(&waker));
        let now = Instant::now();
        Ok(Worker {
            index,
            poll,
            waker,
            listener: Some(listener),
            conns: Slab::new(),
            sweep: Vec::new(),
            buf: vec![0; BUF_SIZE].into_boxed_slice(),
            shared: Arc::clone(shared),
            accept_paused_until: None,
            accept_failing: false,
            next_sweep: now + sweep_every(shared.idle_timeout),
            stop_at: None,
            now,
            again: Vec::new(),
            spin_until: now,
            read_lines: Budget::new(module_path!(), "reads", LOG_LINES_PER_SECOND, now),
            conn_lines: Budget::new(
                module_path!(),
                "connection lines",
                LOG_LINES_PER_SECOND,
                now,
            ),
        })
    }

    /// What wakes this worker from another thread.
    pub fn waker(&self) -> Arc<Waker> {
        Arc::clone(&self.waker)
    }

    /// Waits for events and handles them until the server has stopped.
    pub fn event_loop(mut self) -> Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            // Wake for the end of an accept pause, or of the grace period after Ctrl-C. Those
            // are rare; usually the wait has no timeout (the ticker wakes us for sweeps).
            // A connection with more to read, or a spin after recent traffic, only looks for
            // events, without waiting.
            let timeout = if !self.again.is_empty() || self.now < self.spin_until {
                Some(Duration::ZERO)
            } else {
                [self.accept_paused_until, self.stop_at]
                    .into_iter()
                    .flatten()
                    .min()
                    .map(|at| at.saturating_duration_since(Instant::now()))
            };
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e).context(say().waiting_for_events());
                }
            }
            self.now = Instant::now();
            let mut traffic = false;
            for event in events.iter() {
                match event.token() {
                    LISTENER => {
                        if self.accept_all() == 0 {
                            continue; // Another worker took it: no traffic here.
                        }
                    }
                    WAKER => continue,
                    Token(key) => self.exchange_on(key, Ready::of(event)),
                }
                traffic = true;
            }
            if traffic {
                // The next request of a busy client usually comes within microseconds: asleep,
                // this thread would pay a wake-up for it (on a VM that halts an idle vCPU, tens
                // of microseconds). A tick of the sweep ticker is no traffic: no spin for it.
                self.spin_until = self.now + self.shared.spin;
            }
            // Then those that stopped at their share last turn, each after everyone else.
            let mut again = std::mem::take(&mut self.again);
            for (key, ready) in again.drain(..) {
                self.exchange_on(key, ready);
            }
            if self.again.is_empty() {
                self.again = again;
            }
            // Another worker, full, may have asked this one to close its idlest connection.
            for _ in 0..self.shared.seats[self.index].take_evictions() {
                self.evict_idlest();
            }
            self.read_lines.roll(self.now);
            self.conn_lines.roll(self.now);
            if self.shared.stopping.load(Ordering::Relaxed) && self.stop_at.is_none() {
                // Dropping this thread's copy of the listener; with the last copy, the port
                // closes and new clients are refused.
                self.listener = None;
                self.accept_paused_until = None;
                self.stop_at = Some(self.now + GRACE);
            }
            if let Some(stop_at) = self.stop_at {
                if self.conns.is_empty() || self.now >= stop_at {
                    self.close_all();
                    return Ok(());
                }
            }
            if self
                .accept_paused_until
                .is_some_and(|until| self.now >= until)
            {
                // Epoll reports a new connection once; the ones that waited during the pause
                // are still queued, so ask for them rather than wait for another report.
                self.accept_paused_until = None;
                let _ = self.accept_all();
            }
            if self.now >= self.next_sweep {
                self.sweep();
            }
        }
    }

    /// Step 4: accept every connection that has arrived; returns how many there were.
    fn accept_all(&mut self) -> usize {
        let mut accepted = 0;
        if self.accept_paused_until.is_some() {
            return accepted;
        }
        loop {
            let Some(listener) = &self.listener else {
                return accepted;
            };
            match listener.accept() {
                Ok((stream, peer)) => {
                    if self.accept_failing {
                        self.accept_failing = false;
                        info!("accepting connections again");
                    }
                    accepted += 1;
                    self.admit(stream, peer);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return accepted,
                // A client that gave up before we accepted it is no reason to stop.
                Err(e) if is_transient(&e) => continue,
                Err(e) => {
                    // Most likely out of file descriptors. Failing would drop every client;
                    // retrying at once would spin. Pause, keep serving, try again.
                    if !self.accept_failing {
                        error!(
                            "accepting a connection: {}; open clients are still served, and \
                             new ones wait in the backlog until it works again",
                            error::io_text(&e)
                        );
                        self.accept_failing = true;
                    }
                    self.accept_paused_until = Some(self.now + ACCEPT_PAUSE);
                    return accepted;
                }
            }
        }
    }

    /// Step 4, continued: a new connection joins this worker's epoll set, unless the server
    /// is full.
    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr) {
        let open = self.shared.open.fetch_add(1, Ordering::Relaxed);
        if open >= self.shared.max && !self.make_room() {
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            self.shared.refused.fetch_add(1, Ordering::Relaxed);
            if self.conn_lines.allow(Level::Warn, self.now, 0) {
                warn!(
                    "refusing {peer}: {} connections are open already, none idle for {} s \
                     (--max-connections)",
                    self.shared.max,
                    EVICT_IDLE.as_secs()
                );
            }
            return; // Dropping the stream closes it.
        }
        let entry = self.conns.vacant_entry();
        if let Err(e) = self
            .poll
            .registry()
            // Both directions, once: re-registering when a client is slow to read would cost
            // two more system calls each time, and a writable report we do not need is cheap.
            .register(
                &mut stream,
                Token(entry.key()),
                Interest::READABLE | Interest::WRITABLE,
            )
        {
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            warn!("{peer}: registering the connection: {}", error::io_text(&e));
            return;
        }
        if self.conn_lines.allow(Level::Info, self.now, 0) {
            info!("connection from {peer}");
        }
        step!(4, Step::Accept, say().accepted(peer));
        self.shared.served.fetch_add(1, Ordering::Relaxed);
        entry.insert(Connection::new(stream, peer, self.now));
    }

    /// Step 5 for one connection that epoll reported ready; closes it when it is done.
    fn exchange_on(&mut self, key: usize, ready: Ready) {
        let Some(conn) = self.conns.get_mut(key) else {
            return; // Closed earlier in this round of events.
        };
        match conn.exchange(&mut self.buf, ready, self.now, &mut self.read_lines) {
            Ok(After::Open) => {}
            Ok(After::More) => self.again.push((key, ready)),
            Ok(After::Done) => self.close(key, Ending::Finished),
            Err(e) => self.close(key, Ending::Failed(e)),
        }
    }

    /// Closes every connection still open when the grace period after Ctrl-C ends.
    fn close_all(&mut self) {
        for conn in self.conns.drain() {
            retire(
                &self.shared,
                conn,
                Ending::Stopping,
                self.now,
                &mut self.conn_lines,
            );
        }
    }

    /// Step 6 for the connection `key`, if it is still open.
    fn close(&mut self, key: usize, ending: Ending) {
        if let Some(conn) = self.conns.try_remove(key) {
            retire(&self.shared, conn, ending, self.now, &mut self.conn_lines);
        }
    }
}

/// Every worker waits on the same listening socket. Registered the usual way, each new
/// connection would wake every waiting worker, and all but one would find nothing to accept;
/// EPOLLEXCLUSIVE wakes one. mio does not offer the flag, so the listener joins mio's epoll set
/// through nix, with the token mio reports back. A second descriptor of the set is the same
/// set: closing it when done leaves the listener registered.
#[cfg(all(target_os = "linux", not(feature = "portable")))]
fn register_listener(registry: &Registry, listener: &mut TcpListener) -> io::Result<()> {
    use nix::sys::epoll::{Epoll, EpollEvent, EpollFlags};
    use std::os::fd::AsFd;

    let epoll = Epoll(registry.as_fd().try_clone_to_owned()?);
    let flags = EpollFlags::EPOLLIN | EpollFlags::EPOLLET | EpollFlags::EPOLLEXCLUSIVE;
    epoll.add(&*listener, EpollEvent::new(flags, LISTENER.0 as u64))?;
    Ok(())
}

/// Every worker waits on the same listening socket, registered the usual way: elsewhere than
/// on Linux, a new connection may wake every waiting worker, and all but one find nothing to
/// accept.
#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
fn register_listener(registry: &Registry, listener: &mut TcpListener) -> io::Result<()> {
    registry.register(listener, LISTENER, Interest::READABLE)
}

/// Step 6: closes a connection taken out of the slab, and counts it for the summary. Closing
/// the socket also takes it out of epoll.
fn retire(shared: &Shared, conn: Connection, ending: Ending, now: Instant, log: &mut Budget) {
    shared.open.fetch_sub(1, Ordering::Relaxed);
    shared.echoed.fetch_add(conn.echoed(), Ordering::Relaxed);
    conn.close(ending, now, log);
}
