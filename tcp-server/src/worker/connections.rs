//! One worker's open connections: admitting a new one (the end of step 4), the exchange on each
//! (step 5), closing them (step 6), and the sweeps that find idle ones and make room when the
//! server is full (room.rs).
//!
//! The worker's event loop (`worker.rs`) says when; this says what happens to the connections.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::logging::Budget;
use common::{error, step};
use log::{info, warn, Level};
use mio::net::TcpStream;
use mio::{Interest, Registry, Token};
use slab::Slab;

use crate::connection::{After, Connection, Ending, Ready};
use crate::messages::t;
use crate::room::{self, EVICT_IDLE};
use crate::shared::Shared;

/// Each read takes up to this much. A long stream moves in fewer system calls and epoll
/// wake-ups than with 64 KiB (one loopback segment): 1.4× the throughput, by bench/compare.sh.
const BUF_SIZE: usize = 256 * 1024;

/// Lines a second each thread shows of each kind at info level: a person typing sees every
/// message, a load sees one summary line a second.
const LOG_LINES_PER_SECOND: u32 = 20;

/// What `make_room` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Room {
    /// Closed one of this worker's connections.
    Here,
    /// Asked another worker to close its idlest: room is on its way.
    Asked,
    /// Nothing has been idle long enough.
    None,
}

/// One worker's connections and its read buffer.
pub struct Connections {
    /// The worker's place in `shared.seats`.
    index: usize,
    shared: Arc<Shared>,
    /// Open connections; each one's key is its epoll token.
    open: Slab<Connection>,
    /// The keys of the connections a sweep looks at, kept to save an allocation per sweep.
    sweep: Vec<usize>,
    buf: Box<[u8]>,
    /// Connections that stopped at their share of a turn, with what epoll had reported.
    again: Vec<(usize, Ready)>,
    /// This thread's few lines a second about what it read, and about connections opening and
    /// closing: each kind has its own, so a stream's reads never hide how a connection ended.
    read_lines: Budget,
    conn_lines: Budget,
}

impl Connections {
    pub fn new(index: usize, shared: &Arc<Shared>, now: Instant) -> Connections {
        Connections {
            index,
            shared: Arc::clone(shared),
            open: Slab::new(),
            sweep: Vec::new(),
            buf: vec![0; BUF_SIZE].into_boxed_slice(),
            again: Vec::new(),
            read_lines: Budget::new(module_path!(), "reads", LOG_LINES_PER_SECOND, now),
            conn_lines: Budget::new(
                module_path!(),
                "connection lines",
                LOG_LINES_PER_SECOND,
                now,
            ),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// True when some connection stopped at its share of the last turn and has more to read.
    pub fn have_more(&self) -> bool {
        !self.again.is_empty()
    }

    /// Step 4, continued: a new connection joins this worker's epoll set, unless the server
    /// is full.
    pub fn admit(
        &mut self,
        registry: &Registry,
        mut stream: TcpStream,
        peer: SocketAddr,
        now: Instant,
    ) {
        if !self.shared.take_address_slot(peer.ip()) {
            self.shared.refused.fetch_add(1, Ordering::Relaxed);
            if self.conn_lines.allow(Level::Warn, now, 0) {
                warn!(
                    "refusing {peer}: {} connections from {} are open already \
                     (--max-per-address)",
                    self.shared.max_per_address,
                    peer.ip()
                );
            }
            return;
        }
        let open = self.shared.open.fetch_add(1, Ordering::Relaxed);
        if open >= self.shared.max && self.make_room(now) == Room::None {
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            self.shared.free_address_slot(peer.ip());
            self.shared.refused.fetch_add(1, Ordering::Relaxed);
            if self.conn_lines.allow(Level::Warn, now, 0) {
                warn!(
                    "refusing {peer}: {} connections are open already, none idle for {} s \
                     (--max-connections)",
                    self.shared.max,
                    EVICT_IDLE.as_secs()
                );
            }
            return; // Dropping the stream closes it.
        }
        let entry = self.open.vacant_entry();
        // Both directions, once: re-registering when a client is slow to read would cost two
        // more system calls each time, and a writable report we do not need is cheap.
        if let Err(e) = registry.register(
            &mut stream,
            Token(entry.key()),
            Interest::READABLE | Interest::WRITABLE,
        ) {
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            self.shared.free_address_slot(peer.ip());
            warn!("{peer}: registering the connection: {}", error::io_text(&e));
            return;
        }
        if self.conn_lines.allow(Level::Info, now, 0) {
            info!("connection from {peer}");
        }
        step!(
            4,
            Step::Accept,
            t!("accepted", peer = peer, port = peer.port())
        );
        self.shared.served.fetch_add(1, Ordering::Relaxed);
        entry.insert(Connection::new(stream, peer, now));
    }

    /// Step 5 for one connection that epoll reported ready; closes it when it is done.
    pub fn exchange_on(&mut self, key: usize, ready: Ready, now: Instant) {
        let Some(conn) = self.open.get_mut(key) else {
            return; // Closed earlier in this round of events.
        };
        match conn.exchange(&mut self.buf, ready, now, &mut self.read_lines) {
            Ok(After::Open) => {}
            Ok(After::More) => self.again.push((key, ready)),
            Ok(After::Done) => self.close(key, Ending::Finished, now),
            Err(e) => self.close(key, Ending::Failed(e), now),
        }
    }

    /// Step 5 again for those that stopped at their share last turn, each after everyone else.
    pub fn exchange_on_the_rest(&mut self, now: Instant) {
        let mut again = std::mem::take(&mut self.again);
        for (key, ready) in again.drain(..) {
            self.exchange_on(key, ready, now);
        }
        if self.again.is_empty() {
            self.again = again;
        }
    }

    /// Starts a new second for the log's budgets.
    pub fn roll_logs(&mut self, now: Instant) {
        self.read_lines.roll(now);
        self.conn_lines.roll(now);
    }

    /// Closes every connection still open when the grace period after Ctrl-C ends.
    pub fn close_all(&mut self, now: Instant) {
        for conn in self.open.drain() {
            retire(
                &self.shared,
                conn,
                Ending::Stopping,
                now,
                &mut self.conn_lines,
            );
        }
    }

    /// Step 6 for the connection `key`, if it is still open.
    fn close(&mut self, key: usize, ending: Ending, now: Instant) {
        if let Some(conn) = self.open.try_remove(key) {
            retire(&self.shared, conn, ending, now, &mut self.conn_lines);
        }
    }

    /// The sweep: closes connections that have neither sent nor taken anything for the idle
    /// timeout, and tells the other workers how long this one's idlest connection has been
    /// idle.
    pub fn sweep(&mut self, now: Instant) {
        if let Some(idle) = self.shared.idle_timeout {
            self.close_idle(idle, now);
        }
        let oldest = self
            .idlest()
            .map(|(_, at)| room::millis_since(self.shared.epoch, at));
        self.shared.seats[self.index].publish(oldest);
    }

    fn close_idle(&mut self, idle: Duration, now: Instant) {
        let mut keys = std::mem::take(&mut self.sweep);
        keys.extend(
            self.open
                .iter()
                .filter(|(_, c)| c.is_idle(now, idle))
                .map(|(key, _)| key),
        );
        for &key in &keys {
            // Try the exchange first: any byte read or taken is activity. Epoll reports room to
            // write only once a third of the send buffer is free, so a client that reads slowly
            // can look still; and after a stall as long as the timeout (SIGSTOP, a suspended
            // machine) the wait may return before the reads it has pending (issue 21).
            self.exchange_on(key, Ready::MAYBE, now);
            if self.open.get(key).is_some_and(|c| c.is_idle(now, idle)) {
                self.close(key, Ending::Idle(idle), now);
            }
        }
        keys.clear();
        self.sweep = keys;
    }

    /// The connections last active at `then` were active at `now` instead (worker/sweeps.rs).
    pub fn moved_at(&mut self, then: Instant, now: Instant) {
        for (_, conn) in self.open.iter_mut() {
            conn.active_at(then, now);
        }
    }

    /// This worker's connection that has done nothing for longest, and since when.
    fn idlest(&self) -> Option<(usize, Instant)> {
        self.open
            .iter()
            .map(|(key, c)| (key, c.last_active()))
            .min_by_key(|&(_, at)| at)
    }

    /// The server is full: closes the idlest connection of all workers, if one has been idle
    /// long enough, here or by asking its worker. Also when accept() finds no descriptor left.
    pub fn make_room(&mut self, now: Instant) -> Room {
        let epoch = self.shared.epoch;
        let own = self.idlest();
        let chosen = room::choose(
            &self.shared.seats,
            self.index,
            own.map(|(_, at)| room::millis_since(epoch, at)),
            room::millis_since(epoch, now),
        );
        match (chosen, own) {
            (Some(worker), Some((key, _))) if worker == self.index => {
                self.evict(key, now);
                Room::Here
            }
            // The other worker checks again, closes its idlest, and the count comes back
            // down; until then the server holds one more than the cap.
            (Some(worker), _) if worker != self.index => {
                self.shared.seats[worker].ask_to_evict();
                Room::Asked
            }
            _ => Room::None,
        }
    }

    /// Closes this worker's idlest connection for a newcomer on another worker, if it is still
    /// idle long enough.
    pub fn evict_idlest(&mut self, now: Instant) {
        if let Some((key, at)) = self.idlest() {
            if now.saturating_duration_since(at) >= EVICT_IDLE {
                self.evict(key, now);
            }
        }
    }

    fn evict(&mut self, key: usize, now: Instant) {
        self.shared.evicted.fetch_add(1, Ordering::Relaxed);
        self.close(key, Ending::Evicted, now);
    }
}

/// Step 6: closes a connection taken out of the slab, and counts it for the summary. Closing
/// the socket also takes it out of epoll.
fn retire(shared: &Shared, conn: Connection, ending: Ending, now: Instant, log: &mut Budget) {
    shared.open.fetch_sub(1, Ordering::Relaxed);
    shared.free_address_slot(conn.peer().ip());
    shared.echoed.fetch_add(conn.echoed(), Ordering::Relaxed);
    conn.close(ending, now, log);
}
