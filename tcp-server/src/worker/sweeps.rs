//! A worker's sweeps, at least once a second: closing connections idle past `--idle-timeout`,
//! and telling the other workers how long this one's idlest connection has been idle, so that
//! a full server can close the idlest of all to make room for a newcomer (room.rs).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::Worker;
use crate::connection::{Ending, Ready};
use crate::room::{self, EVICT_IDLE};

impl Worker {
    /// Closes connections that have neither sent nor taken anything for the idle timeout, and
    /// tells the other workers how long this one's idlest connection has been idle.
    pub(super) fn sweep(&mut self) {
        self.next_sweep = self.now + sweep_every(self.shared.idle_timeout);
        if let Some(idle) = self.shared.idle_timeout {
            self.close_idle(idle);
        }
        let oldest = self
            .idlest()
            .map(|(_, at)| room::millis_since(self.shared.epoch, at));
        self.shared.seats[self.index].publish(oldest);
    }

    fn close_idle(&mut self, idle: Duration) {
        let now = self.now;
        let mut keys = std::mem::take(&mut self.sweep);
        keys.extend(
            self.conns
                .iter()
                .filter(|(_, c)| c.is_idle(now, idle))
                .map(|(key, _)| key),
        );
        for &key in &keys {
            if self.conns[key].has_unsent() {
                // Epoll reports room to write only once a third of the send buffer is free, so a
                // client that reads slowly can look still. Try: any byte taken is activity.
                self.exchange_on(key, Ready::NONE);
                if !self.conns.get(key).is_some_and(|c| c.is_idle(now, idle)) {
                    continue;
                }
            }
            self.close(key, Ending::Idle(idle));
        }
        keys.clear();
        self.sweep = keys;
    }

    /// This worker's connection that has done nothing for longest, and since when.
    fn idlest(&self) -> Option<(usize, Instant)> {
        self.conns
            .iter()
            .map(|(key, c)| (key, c.last_active()))
            .min_by_key(|&(_, at)| at)
    }

    /// The server is full: closes the idlest connection of all workers, if one has been idle
    /// long enough, here or by asking its worker. True when room is made (or on its way).
    pub(super) fn make_room(&mut self) -> bool {
        let epoch = self.shared.epoch;
        let own = self.idlest();
        let chosen = room::choose(
            &self.shared.seats,
            self.index,
            own.map(|(_, at)| room::millis_since(epoch, at)),
            room::millis_since(epoch, self.now),
        );
        match (chosen, own) {
            (Some(worker), Some((key, _))) if worker == self.index => {
                self.evict(key);
                true
            }
            // The other worker checks again, closes its idlest, and the count comes back
            // down; until then the server holds one more than the cap.
            (Some(worker), _) if worker != self.index => {
                self.shared.seats[worker].ask_to_evict();
                true
            }
            _ => false,
        }
    }

    /// Closes this worker's idlest connection for a newcomer on another worker, if it is still
    /// idle long enough.
    pub(super) fn evict_idlest(&mut self) {
        if let Some((key, at)) = self.idlest() {
            if self.now.saturating_duration_since(at) >= EVICT_IDLE {
                self.evict(key);
            }
        }
    }

    fn evict(&mut self, key: usize) {
        self.shared.evicted.fetch_add(1, Ordering::Relaxed);
        self.close(key, Ending::Evicted);
    }
}

/// How often to sweep: a quarter of the idle timeout, so that an idle connection is closed at
/// most that late, but at least once a second (room.rs counts on that) and at most every 10 ms.
pub fn sweep_every(idle_timeout: Option<Duration>) -> Duration {
    idle_timeout.map_or(Duration::from_secs(1), |idle| {
        (idle / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
    })
}
