//! `--rate`'s schedule (open loop): when each round trip is due, and starting it then,
//! whatever its connection was doing.

use std::time::{Duration, Instant};

use anyhow::Result;
use mio::Poll;

use super::{Driver, Next};
use crate::load::conn::{connect_nonblocking, Conn};
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
}

impl Schedule {
    pub(super) fn new(plan: &Plan, rate: f64, connections: usize) -> Schedule {
        let warm_slots = warm_slots(plan.warmup, rate);
        Schedule {
            rate,
            connections: connections.max(1) as u64,
            warm_slots,
            limit: plan.count.map(|c| c.saturating_add(warm_slots)),
        }
    }
}

/// The slots `--rate` schedules before a warmup of `warmup` ends: those due at `k / rate` <
/// `warmup`.
pub(in crate::load) fn warm_slots(warmup: Duration, rate: f64) -> u64 {
    (warmup.as_secs_f64() * rate).ceil() as u64
}

impl<'a> Driver<'a> {
    /// Under `--rate`: when slot `slot` is due, if the plan wants it at all.
    pub(super) fn due(&self, slot: u64) -> Option<Instant> {
        let schedule = self.schedule?;
        if schedule.limit.is_some_and(|limit| slot >= limit) {
            return None;
        }
        let after = Duration::try_from_secs_f64(slot as f64 / schedule.rate).ok()?;
        let due = self.start.checked_add(after)?;
        self.deadline.is_none_or(|d| due < d).then_some(due)
    }

    /// Under `--rate`: the first slot of connection `i`, and when it is due.
    pub(in crate::load) fn first(&mut self, conn: &mut Conn, i: usize) -> Next {
        conn.slot = i as u64;
        match self.due(conn.slot) {
            Some(due) => Next::WaitUntil(due),
            None => Next::Done,
        }
    }

    /// Under `--rate`: starts the round trip of `conn`'s slot, due now or before (its latency
    /// counts from then), on a new connection for connect cycles; moves it along as far as it
    /// goes without waiting. `idle`: the connection was waiting for this slot, free, so
    /// whatever lateness there is, is this program's own (the timer's, the loop's).
    pub(in crate::load) fn launch(
        &mut self,
        conn: &mut Conn,
        i: usize,
        buf: &mut [u8],
        poll: &Poll,
        idle: bool,
    ) -> Result<Next> {
        let now = Instant::now();
        let (Some(schedule), Some(due)) = (self.schedule, self.due(conn.slot)) else {
            return Ok(Next::Done);
        };
        // Behind the schedule when the load ends: the rest are not sent.
        if self.deadline.is_some_and(|d| now >= d) {
            return Ok(Next::Done);
        }
        if self.plan.reconnect && conn.rounds > 0 {
            let mut fresh = connect_nonblocking(self.server)?;
            fresh.register(poll, i)?;
            fresh.rounds = conn.rounds;
            fresh.slot = conn.slot;
            *conn = fresh;
        }
        let warm = conn.slot < schedule.warm_slots;
        if idle && !warm {
            self.report
                .send_lag
                .record(now.saturating_duration_since(due));
        }
        self.start_round(conn, i, due, now, warm);
        self.advance(conn, i, buf, poll, false)
    }

    /// Under `--rate`, after a round trip: the connection's next slot now if it is due (or
    /// overdue: the connection is behind), else wait for it.
    pub(super) fn after_scheduled(
        &mut self,
        conn: &mut Conn,
        i: usize,
        buf: &mut [u8],
        poll: &Poll,
        now: Instant,
    ) -> Result<Next> {
        let step = self.schedule.map_or(1, |s| s.connections);
        conn.slot += step;
        if self.plan.reconnect {
            // Closed now, not when its next slot comes; the new connection opens then.
            let _ = poll.registry().deregister(&mut conn.stream);
            let _ = conn.stream.shutdown(std::net::Shutdown::Both);
        }
        match self.due(conn.slot) {
            None => Ok(Next::Done),
            Some(due) if due > now => Ok(Next::WaitUntil(due)),
            Some(_) => self.launch(conn, i, buf, poll, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::driver::payload;

    #[test]
    fn the_schedule_spreads_slots_evenly_and_counts_after_the_warmup() {
        let plan = Plan {
            count: Some(10),
            connections: 4,
            size: 64,
            duration: None,
            reconnect: false,
            timeout: Duration::from_secs(5),
            rate: Some(1000.0),
            warmup: Duration::from_millis(5),
            interval: None,
        };
        let server = "127.0.0.1:1".parse().unwrap();
        let payload = payload(plan.size);
        let driver = Driver::new(&plan, server, &payload, Duration::ZERO, 4);
        let ms = |n: u64| driver.start + Duration::from_millis(n);
        // Slot k at k ms; the 5 of the warmup, then the 10 counted; none after.
        assert_eq!(driver.due(0), Some(ms(0)));
        assert_eq!(driver.due(7), Some(ms(7)));
        assert_eq!(driver.due(14), Some(ms(14)));
        assert_eq!(driver.due(15), None);
        assert_eq!(warm_slots(plan.warmup, 1000.0), 5);
        // A duration ends the schedule too: slots due at or after its end are not sent.
        let plan = Plan {
            count: None,
            duration: Some(Duration::from_millis(3)),
            ..plan
        };
        let driver = Driver::new(&plan, server, &payload, Duration::ZERO, 4);
        // Warmup 5 ms, then 3 ms: slots 0 to 7.
        assert!(driver.due(7).is_some());
        assert_eq!(driver.due(8), None);
    }
}
