//! When the server is full, the connection idle longest, on any thread, makes room for a new one.
//!
//! Refusing the newcomer instead would let a few sockets that send nothing lock everyone out
//! for as long as the idle timeout (five minutes by default). A connection is closed for a
//! newcomer only once it has been idle for [`EVICT_IDLE`], so busy clients are never pushed
//! out, and a burst of new ones over the cap is still refused.
//!
//! Each worker has a [`Seat`] every worker can see. At each sweep (at least once a second) it
//! writes there when its longest-idle connection last did something; a worker that accepts a
//! connection while the server is full reads every seat, and closes its own longest-idle
//! connection or asks the worker that has the longest-idle one to close it.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use mio::Waker;

/// How long a connection must have done nothing before it is closed to make room.
pub const EVICT_IDLE: Duration = Duration::from_secs(2);

/// One worker's public side.
#[derive(Debug, Default)]
pub struct Seat {
    /// When the worker's longest-idle connection was last active, in milliseconds since the
    /// server started, plus one; 0 when it has no connection.
    oldest_active: AtomicU64,
    /// Connections other workers have asked it to close to make room.
    evictions: AtomicUsize,
    waker: OnceLock<Arc<Waker>>,
}

impl Seat {
    /// Set once, when the worker is created.
    pub fn set_waker(&self, waker: Arc<Waker>) {
        let _ = self.waker.set(waker);
    }

    /// Tells the others when this worker's longest-idle connection was last active.
    pub fn publish(&self, oldest_active: Option<u64>) {
        let value = oldest_active.map_or(0, |ms| ms.saturating_add(1));
        self.oldest_active.store(value, Ordering::Relaxed);
    }

    fn oldest_active(&self) -> Option<u64> {
        self.oldest_active.load(Ordering::Relaxed).checked_sub(1)
    }

    /// Asks this worker to close its longest-idle connection, and wakes it for that.
    pub fn ask_to_evict(&self) {
        self.evictions.fetch_add(1, Ordering::Relaxed);
        if let Some(waker) = self.waker.get() {
            let _ = waker.wake();
        }
    }

    /// The requests to close a connection since the last call.
    pub fn take_evictions(&self) -> usize {
        if self.evictions.load(Ordering::Relaxed) == 0 {
            return 0; // The usual case: one load, no write to a shared cache line.
        }
        self.evictions.swap(0, Ordering::Relaxed)
    }
}

/// Milliseconds from `epoch` to `at`, the unit seats use.
pub fn millis_since(epoch: Instant, at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(epoch).as_millis()).unwrap_or(u64::MAX)
}

/// Which worker should close a connection so that `own` can admit one: the one whose
/// longest-idle connection has done nothing for longest, if that is at least [`EVICT_IDLE`].
/// `own_oldest` is exact for the asking worker; the others' are up to a sweep old, and the
/// worker asked checks again before it closes anything.
pub fn choose(seats: &[Seat], own: usize, own_oldest: Option<u64>, now: u64) -> Option<usize> {
    let others = seats
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != own)
        .filter_map(|(i, seat)| seat.oldest_active().map(|at| (at, i)));
    let (at, worker) = own_oldest
        .map(|at| (at, own))
        .into_iter()
        .chain(others)
        .min()?;
    let idle = Duration::from_millis(now.saturating_sub(at));
    (idle >= EVICT_IDLE).then_some(worker)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats(published: &[Option<u64>]) -> Vec<Seat> {
        published
            .iter()
            .map(|&at| {
                let seat = Seat::default();
                seat.publish(at);
                seat
            })
            .collect()
    }

    #[test]
    fn the_longest_idle_anywhere_makes_room_once_idle_long_enough() {
        let s = seats(&[None, Some(1_000), Some(5_000)]);
        // Worker 0's own connection went quiet at 3 s; worker 1's at 1 s: worker 1 closes.
        assert_eq!(choose(&s, 0, Some(3_000), 10_000), Some(1));
        // Its own is the oldest: it closes its own.
        assert_eq!(choose(&s, 0, Some(500), 10_000), Some(0));
        // Nothing idle for 2 s yet: nobody is closed, the newcomer is refused.
        assert_eq!(choose(&s, 0, Some(9_500), 2_900), None);
        // No connections anywhere (a cap of 0 is impossible, but a race can empty them).
        assert_eq!(choose(&seats(&[None, None]), 0, None, 10_000), None);
    }

    #[test]
    fn a_seat_tells_nothing_from_time_zero_and_counts_requests() {
        let s = seats(&[Some(0), None]);
        assert_eq!(s[0].oldest_active(), Some(0));
        assert_eq!(s[1].oldest_active(), None);
        s[1].ask_to_evict();
        s[1].ask_to_evict();
        assert_eq!(s[1].take_evictions(), 2);
        assert_eq!(s[1].take_evictions(), 0);
    }
}
