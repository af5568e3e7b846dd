//! One worker thread: its event loop, and step 4 (accept).
//!
//! The document's server blocks in `accept()`, then in `recv()` on one client. A worker instead
//! waits on its copy of the listener and on all of its connections at once (epoll through
//! `mio`), and handles whichever is ready: a new connection is accepted, a connection with data
//! gets its exchange (`connection.rs`). So no client ever waits behind another. What happens
//! to the connections themselves, from admitting one to closing it and the sweeps for idle ones,
//! is in `worker/connections.rs`; when a sweep comes, in `worker/sweeps.rs`.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use common::spin::Spinner;
use common::{descriptors, error};
use log::{error, info};
use mio::net::TcpListener;
use mio::{Events, Poll, Registry, Token, Waker};

use crate::connection::{is_transient, Ready};
use crate::messages::t;
use crate::shared::{Shared, GRACE};

mod connections;
mod sweeps;

use connections::{Connections, Room};
use sweeps::Sweeps;

/// How long to stop accepting after an error such as "too many open files" before trying again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

const LISTENER: Token = Token(usize::MAX);
const WAKER: Token = Token(usize::MAX - 1);

/// One thread's event loop: the listener and its connections.
pub struct Worker {
    /// This worker's place in `shared.seats`.
    index: usize,
    poll: Poll,
    /// Lets the signal and ticker threads interrupt this thread's wait.
    waker: Arc<Waker>,
    /// None once the server is stopping.
    listener: Option<TcpListener>,
    conns: Connections,
    shared: Arc<Shared>,
    /// Set after an accept error: when to try accepting again.
    accept_paused_until: Option<Instant>,
    /// When to sweep: close idle connections, tell the others about the idlest (room.rs).
    sweeps: Sweeps,
    /// When, after Ctrl-C, to close whatever is still open.
    stop_at: Option<Instant>,
    /// The time after the last wait, for every event it returned: one clock read per wake-up.
    now: Instant,
    /// Whether to keep looking for events without sleeping after traffic, and until when
    /// (common::spin).
    spinner: Spinner,
}

impl Worker {
    pub fn new(
        index: usize,
        listener: std::net::TcpListener,
        shared: &Arc<Shared>,
    ) -> Result<Worker> {
        let poll = Poll::new().context(t!("creating-epoll"))?;
        let mut listener = TcpListener::from_std(listener);
        register_listener(poll.registry(), &mut listener).context(t!("registering-listener"))?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER).context(t!("creating-waker"))?);
        shared.seats[index].set_waker(Arc::clone(&waker));
        let now = Instant::now();
        Ok(Worker {
            index,
            poll,
            waker,
            listener: Some(listener),
            conns: Connections::new(index, shared, now),
            shared: Arc::clone(shared),
            accept_paused_until: None,
            sweeps: Sweeps::new(shared.sweep_every(), now),
            stop_at: None,
            now,
            spinner: Spinner::new(shared.spin, index),
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
            let spinning = self.spinner.looking(self.now);
            let timeout = if self.conns.have_more() || spinning {
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
                    return Err(e).context(t!("waiting-for-events"));
                }
            }
            self.now = Instant::now();
            if let Some(last) = self.sweeps.turn(self.now) {
                // The process may have stopped during the last turn, after its clock read:
                // what moved then moved after the stop (worker/sweeps.rs).
                self.conns.moved_at(last, self.now);
            }
            let mut traffic = false;
            for event in events.iter() {
                match event.token() {
                    LISTENER => {
                        if self.accept_all() == 0 {
                            continue; // Another worker took it: no traffic here.
                        }
                    }
                    WAKER => continue,
                    Token(key) => self.conns.exchange_on(key, Ready::of(event), self.now),
                }
                traffic = true;
            }
            if traffic {
                // The next request of a busy client usually comes within microseconds: asleep,
                // this thread would pay a wake-up for it (on a VM that halts an idle vCPU, tens
                // of microseconds). A tick of the sweep ticker is no traffic: no spin for it.
                self.spinner.caught(self.now);
            } else if spinning && events.is_empty() {
                // Nothing yet: a program waiting for this CPU (a client on the same one) runs
                // now rather than after the spin.
                self.spinner.nothing_yet();
            }
            // Then those that stopped at their share last turn, each after everyone else.
            self.conns.exchange_on_the_rest(self.now);
            // Another worker, full, may have asked this one to close its idlest connection.
            for _ in 0..self.shared.seats[self.index].take_evictions() {
                self.conns.evict_idlest(self.now);
            }
            self.conns.roll_logs(self.now);
            if self.shared.stopping.load(Ordering::Relaxed) && self.stop_at.is_none() {
                // Dropping this thread's copy of the listener; with the last copy, the port
                // closes and new clients are refused.
                self.listener = None;
                self.accept_paused_until = None;
                self.stop_at = Some(self.now + GRACE);
            }
            if let Some(stop_at) = self.stop_at {
                if self.conns.is_empty() || self.now >= stop_at {
                    self.conns.close_all(self.now);
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
            if self.sweeps.due(self.now) {
                self.conns.sweep(self.now);
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
                    accepted += 1;
                    self.conns
                        .admit(self.poll.registry(), stream, peer, self.now);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // Every waiting client is in: a failing episode, if any, is over.
                    if self.shared.accept_failing.swap(false, Ordering::Relaxed) {
                        info!("accepting connections again");
                    }
                    return accepted;
                }
                // A client that gave up before we accepted it is no reason to stop.
                Err(e) if is_transient(&e) => continue,
                // Out of descriptors is full too: close the longest-idle connection, as for a
                // newcomer over --max-connections, and try again; with it closed here, at once.
                Err(e)
                    if descriptors::is_out_of_descriptors(&e)
                        && self.conns.make_room(self.now) == Room::Here =>
                {
                    continue
                }
                Err(e) => {
                    // Out of file descriptors with nothing idle to close, or another error.
                    // Failing would drop every client; retrying at once would spin. Pause, keep
                    // serving, try again.
                    if !self.shared.accept_failing.swap(true, Ordering::Relaxed) {
                        error!(
                            "accepting a connection: {}; open clients are still served, and \
                             new ones wait in the backlog until it works again",
                            error::io_text(&e)
                        );
                    }
                    self.accept_paused_until = Some(self.now + ACCEPT_PAUSE);
                    return accepted;
                }
            }
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
    registry.register(listener, LISTENER, mio::Interest::READABLE)
}
