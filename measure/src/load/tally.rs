//! `-i`'s intervals: what happened in each, and which interval a round trip counts in.

use std::time::Instant;

use crate::stats::Latencies;

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
    pub(super) fn at(&mut self, now: Instant) -> &mut Tally {
        if self.end.is_some_and(|end| now >= end) {
            &mut self.next
        } else {
            &mut self.current
        }
    }

    /// At the end of the load, the interval after the current one's end (a sliver: the load
    /// ended moments after that end) is taken into the current one, which then ends with the
    /// load; false, and nothing changed, when one is of the warmup and the other not.
    pub(super) fn absorb_next(&mut self) -> bool {
        if self.current.warm != self.next.warm {
            return false;
        }
        let next = std::mem::replace(&mut self.next, Tally::new(self.current.warm));
        self.current.round_trips += next.round_trips;
        self.current.errors += next.errors;
        self.current.latencies.merge(&next.latencies);
        self.end = None;
        true
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

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

    #[test]
    fn a_sliver_after_the_last_end_is_taken_into_the_interval_before_it() {
        let start = Instant::now();
        let s = |n: u64| start + Duration::from_secs(n);
        let mut tallies = Tallies::new(start, Some(s(1)), start);
        tallies.at(start).latencies.record(Duration::from_millis(1));
        tallies.at(start).round_trips += 1;
        tallies.at(s(1)).errors += 3;
        tallies.at(s(1)).latencies.record(Duration::from_millis(5));
        assert!(tallies.absorb_next());
        let last = tallies.roll(None);
        assert_eq!((last.round_trips, last.errors), (1, 3));
        assert_eq!(last.latencies.len(), 2);
        assert_eq!(
            last.latencies.summary().unwrap().max,
            Duration::from_millis(5)
        );
        // A warmup interval takes in nothing counted.
        let mut tallies = Tallies::new(start, Some(s(1)), s(1));
        assert!(!tallies.absorb_next());
    }
}
