//! What all worker threads share: the server's settings, its counters, each worker's seat
//! (room.rs), and the timings every thread keeps to.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::spin::Spin;

use crate::room::Seat;

/// After Ctrl-C, how long open connections may go on before they are closed.
pub const GRACE: Duration = Duration::from_secs(3);

/// What all worker threads share.
#[derive(Debug)]
pub struct Shared {
    /// Connections open right now, across all threads.
    pub open: AtomicUsize,
    pub max: usize,
    /// Connections from one address (--max-per-address); loopback is exempt unless told.
    pub max_per_address: usize,
    pub per_address_on_loopback: bool,
    /// Open connections by client address, where the cap applies.
    pub per_address: Mutex<HashMap<IpAddr, usize>>,
    pub idle_timeout: Option<Duration>,
    pub spin: Spin,
    /// Set by Ctrl-C: accept no more, finish what is open.
    pub stopping: AtomicBool,
    /// Accepting fails (out of descriptors, say): said once for the server, not every 100 ms
    /// nor once per thread.
    pub accept_failing: AtomicBool,
    /// Connections admitted, and bytes echoed on closed ones, for the summary at the end.
    pub served: AtomicU64,
    pub echoed: AtomicU64,
    /// Newcomers turned away while the server was full, and idle connections closed for them.
    pub refused: AtomicU64,
    pub evicted: AtomicU64,
    /// Each worker's side that the others see, by worker index (room.rs).
    pub seats: Vec<Seat>,
    /// When the server started: seats count milliseconds from here.
    pub epoch: Instant,
}

impl Shared {
    /// Counts a connection from `ip`; false (and nothing counted) when that address has its
    /// share already.
    pub fn take_address_slot(&self, ip: IpAddr) -> bool {
        if !self.caps(ip) {
            return true;
        }
        let mut map = self
            .per_address
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if *n >= self.max_per_address {
            return false;
        }
        *n += 1;
        true
    }

    /// A connection from `ip` closed.
    pub fn free_address_slot(&self, ip: IpAddr) {
        if !self.caps(ip) {
            return;
        }
        let mut map = self
            .per_address
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = map.get_mut(&ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&ip);
            }
        }
    }

    fn caps(&self, ip: IpAddr) -> bool {
        self.per_address_on_loopback || !ip.is_loopback()
    }

    /// How often each worker sweeps (closes idle connections, tells the others about its
    /// idlest): a quarter of the idle timeout, so that an idle connection is closed at most that
    /// late, but at least once a second (room.rs counts on that) and at most every 10 ms.
    pub fn sweep_every(&self) -> Duration {
        self.idle_timeout.map_or(Duration::from_secs(1), |idle| {
            (idle / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
        })
    }
}
