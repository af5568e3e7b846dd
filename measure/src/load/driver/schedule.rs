//! `--rate`'s schedule (open loop): when each round trip is due. The driver starts each one
//! then, whatever its connection was doing.

use std::time::{Duration, Instant};

use crate::load::Plan;

/// `--rate`'s schedule: slot `k` (0, 1, 2, …) is due `k / rate` seconds after the load begins,
/// on connection `k % connections`, so the round trips are spread evenly over time and over the
/// connections. The slots due in the warmup come first; `--count` counts those after them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Schedule {
    rate: f64,
    pub(super) connections: u64,
    /// Slots due before the warmup ends.
    warm_slots: u64,
    /// Slots in all (warmup's included), when `--count` limits them.
    limit: Option<u64>,
    /// Slot 0's time, and the end of the load (`--duration`): no slot is due at or after it.
    start: Instant,
    deadline: Option<Instant>,
}

impl Schedule {
    /// The schedule of `plan` at `rate` over `connections`, slot 0 due at `start`, none at or
    /// after `deadline`.
    pub(super) fn new(
        plan: &Plan,
        rate: f64,
        connections: usize,
        start: Instant,
        deadline: Option<Instant>,
    ) -> Schedule {
        let warm_slots = warm_slots(plan.warmup, rate);
        Schedule {
            rate,
            connections: connections.max(1) as u64,
            warm_slots,
            limit: plan.count.map(|c| c.saturating_add(warm_slots)),
            start,
            deadline,
        }
    }

    /// When slot `slot` is due, if the plan wants it at all.
    pub(super) fn due(&self, slot: u64) -> Option<Instant> {
        if self.limit.is_some_and(|limit| slot >= limit) {
            return None;
        }
        let after = Duration::try_from_secs_f64(slot as f64 / self.rate).ok()?;
        let due = self.start.checked_add(after)?;
        self.deadline.is_none_or(|d| due < d).then_some(due)
    }

    /// When the first counted slot (the first after the warmup's) is due, and the time between
    /// two slots: from these, how long the counted sends really took.
    pub(super) fn counted_start(&self) -> Instant {
        let warm = Duration::try_from_secs_f64(self.warm_slots as f64 / self.rate);
        warm.ok()
            .and_then(|warm| self.start.checked_add(warm))
            .unwrap_or(self.start)
    }

    pub(super) fn period(&self) -> Duration {
        Duration::try_from_secs_f64(1.0 / self.rate).unwrap_or(Duration::MAX)
    }

    /// True for the slots of the warmup: checked, not counted.
    pub(super) fn is_warm(&self, slot: u64) -> bool {
        slot < self.warm_slots
    }
}

/// The slots `--rate` schedules before a warmup of `warmup` ends: those due at `k / rate` <
/// `warmup`.
pub(in crate::load) fn warm_slots(warmup: Duration, rate: f64) -> u64 {
    (warmup.as_secs_f64() * rate).ceil() as u64
}
