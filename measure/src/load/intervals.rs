//! `-i`'s intervals: when each one ends, and closing each into its line (tally.rs counts what
//! happens in them).
//!
//! An interval is closed a moment after its end (its grace: a tenth of it, at most 50 ms), so
//! that a load that ends just after an interval's end (such as one whose every round trip
//! timed out at the once-a-second look, which falls on the intervals' ends with `-i 1`) has
//! that interval end with the load, rather than print a sliver after it that reads
//! `[  2.00-  2.00 s]`.

use std::time::{Duration, Instant};

/// The longest an interval's line waits after its end for the load to end.
const MAX_GRACE: Duration = Duration::from_millis(50);

use anyhow::Result;

use super::driver::Driver;
use super::report::Interval;
use super::Plan;

/// The `-i` intervals: when the current one ends, and closing each into its line.
pub(super) struct Intervals {
    period: Option<Duration>,
    start: Instant,
    measure_start: Instant,
    /// When the load stops beginning round trips: the interval it falls in is the last, and
    /// ends with the load, so the replies still in flight then are in it, not in a sliver of
    /// an interval of their own.
    deadline: Option<Instant>,
    /// When the current interval began, and when it ends.
    from: Instant,
    pub(super) next_end: Option<Instant>,
}

impl Intervals {
    pub(super) fn new(plan: &Plan, driver: &Driver) -> Intervals {
        let mut intervals = Intervals {
            period: plan.interval,
            start: driver.start,
            measure_start: driver.measure_start,
            deadline: driver.deadline,
            from: driver.start,
            next_end: None,
        };
        intervals.next_end = intervals.end_after(driver.start);
        intervals
    }

    /// The end of the interval that begins at `from`: a period later, or the warmup's end if
    /// that comes first (counted intervals are whole periods from the warmup's end); `None`
    /// for the last, which ends with the load.
    fn end_after(&self, from: Instant) -> Option<Instant> {
        let period = self.period?;
        let end = from + period;
        if from < self.measure_start {
            return Some(end.min(self.measure_start));
        }
        self.deadline.is_none_or(|d| end < d).then_some(end)
    }

    /// How long after its end an interval is closed.
    fn grace(&self) -> Duration {
        self.period
            .map_or(Duration::ZERO, |p| (p / 10).min(MAX_GRACE))
    }

    /// When the current interval is to be closed, if before the end of the load: its end and
    /// its grace.
    pub(super) fn close_at(&self) -> Option<Instant> {
        self.next_end.map(|end| end + self.grace())
    }

    /// Closes every interval that has ended by `now`, its grace over.
    pub(super) fn close_due(
        &mut self,
        driver: &mut Driver,
        now: Instant,
        on_interval: &mut dyn FnMut(&Interval) -> Result<()>,
    ) -> Result<()> {
        let grace = self.grace();
        while let Some(end) = self.next_end.filter(|&end| end + grace <= now) {
            self.close(driver, end, on_interval)?;
            self.next_end = self.end_after(end);
        }
        Ok(())
    }

    /// At the end of the load (or at the stop): the last interval, cut short, if anything
    /// happened in it.
    pub(super) fn finish(
        &mut self,
        driver: &mut Driver,
        end: Instant,
        on_interval: &mut dyn FnMut(&Interval) -> Result<()>,
    ) -> Result<()> {
        self.close_due(driver, end, on_interval)?;
        // An interval that ended within its grace before the load did ends with the load.
        let tallies = driver.tallies.as_mut();
        if self.next_end.is_some_and(|e| e <= end) && tallies.is_some_and(|t| t.absorb_next()) {
            self.next_end = None;
        }
        // Else it closes at its end, and what came after it is in a last one of its own.
        if let Some(e) = self.next_end.filter(|&e| e <= end) {
            self.close(driver, e, on_interval)?;
            self.next_end = None;
        }
        let busy = driver
            .tallies
            .as_ref()
            .is_some_and(|t| !t.current().is_empty());
        if busy && end > self.from {
            self.close(driver, end, on_interval)?;
        }
        Ok(())
    }

    fn close(
        &mut self,
        driver: &mut Driver,
        end: Instant,
        on_interval: &mut dyn FnMut(&Interval) -> Result<()>,
    ) -> Result<()> {
        let next_end = self.end_after(end);
        let Some(tallies) = driver.tallies.as_mut() else {
            return Ok(());
        };
        let done = tallies.roll(next_end);
        let interval = Interval {
            from: self.from.duration_since(self.start),
            to: end.duration_since(self.start),
            warm: done.warm,
            round_trips: done.round_trips,
            errors: done.errors,
            latency: done.latencies.summary(),
            figures: done.latencies.figures(false),
        };
        self.from = end;
        on_interval(&interval)
    }
}
