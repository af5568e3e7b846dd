//! When a worker sweeps its connections for idle ones (once a sweep period), and how it notices
//! that it may have stopped between two turns of its loop.
//!
//! A worker reads the clock once a turn, after its wait, and stamps every read of that turn with
//! it. If the whole process stops between that clock read and the reads (SIGSTOP, a suspended
//! machine), the bytes that came during the stop are stamped with the time from before it, and a
//! client that then goes quiet looks idle since before the stop: the next sweep would close it
//! early by the length of the stop. The ticker wakes a waiting worker every period, so two turns
//! much further apart than that say the process may have stopped in between; the worker then
//! stamps what moved in the earlier turn with the later turn's time.

use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Sweeps {
    every: Duration,
    next: Instant,
    last_turn: Instant,
}

impl Sweeps {
    pub fn new(every: Duration, now: Instant) -> Sweeps {
        Sweeps {
            every,
            next: now + every,
            last_turn: now,
        }
    }

    /// Called every turn of the event loop, with its clock read: the last turn's clock read when
    /// that turn was long enough ago that the process may have stopped since.
    pub fn turn(&mut self, now: Instant) -> Option<Instant> {
        let last = std::mem::replace(&mut self.last_turn, now);
        (now.saturating_duration_since(last) > 2 * self.every).then_some(last)
    }

    /// Whether to sweep now.
    pub fn due(&mut self, now: Instant) -> bool {
        if now < self.next {
            return false;
        }
        self.next = now + self.every;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY: Duration = Duration::from_secs(1);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn sweeps_once_a_period_when_turns_come_often() {
        let start = Instant::now();
        let mut sweeps = Sweeps::new(EVERY, start);
        let swept: Vec<u64> = (1..=3500).filter(|&t| sweeps.due(start + ms(t))).collect();
        assert_eq!(swept, vec![1000, 2000, 3000]);
    }

    #[test]
    fn turns_a_period_apart_are_no_stop() {
        let start = Instant::now();
        let mut sweeps = Sweeps::new(EVERY, start);
        for t in 1..=5 {
            // The ticker woke the waiting worker, a little late each time.
            assert_eq!(sweeps.turn(start + t * ms(1900)), None);
        }
    }

    #[test]
    fn a_turn_long_after_the_last_names_the_last() {
        let start = Instant::now();
        let mut sweeps = Sweeps::new(EVERY, start);
        assert_eq!(sweeps.turn(start + ms(500)), None);
        // The process was stopped for 6 s after its turn at 0.5 s.
        assert_eq!(sweeps.turn(start + ms(6500)), Some(start + ms(500)));
        assert_eq!(sweeps.turn(start + ms(6600)), None);
    }
}
