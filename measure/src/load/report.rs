//! Load mode's report: what happened in a load (round trips, bytes, time, latencies, errors,
//! each interval) and the lines it prints on stdout (json.rs holds the same as one JSON
//! document, for `--json`).

use std::io::{self, Write};
use std::time::Duration;

use crate::stats::{micros, Figures, Latencies, Summary};
use common::text::count;

use super::Plan;

/// What happened.
#[derive(Debug)]
pub struct Report {
    /// Round trips completed and checked after the warmup, and their bytes (each way).
    pub round_trips: u64,
    pub bytes: u64,
    /// How long the connections took to open, before the load's clock started.
    pub setup: Duration,
    /// From the end of the warmup to the last reply (or to the stop).
    pub elapsed: Duration,
    /// Under `--rate`: how long the schedule ran after the warmup (its rate is over this).
    pub schedule: Option<Duration>,
    /// Under `--rate`: the time the rate is over: the schedule's, or longer when the sends fell
    /// behind it (with --count, every round trip is sent, however late).
    pub sending: Option<Duration>,
    /// The counted round trips' latencies: from each send, or under `--rate` from each
    /// scheduled send.
    pub latencies: Latencies,
    /// Under `--rate`: how late this program sent the counted round trips whose connection
    /// was free when they were due: its own lateness (waking, the loop), part of every latency.
    pub send_lag: Latencies,
    /// Round trips that failed, warmup's included, and those of them whose echo differed.
    pub errors: u64,
    pub mismatches: u64,
    /// Round trips completed in the warmup: checked, not counted.
    pub warmup_round_trips: u64,
    /// Stopped by Ctrl-C or SIGTERM, and the round trips then in flight (in no figure).
    pub stopped: bool,
    pub in_flight_at_stop: u64,
    /// The `-i` intervals kept for `--json`, in order.
    pub intervals: KeptIntervals,
}

/// The most `-i` intervals `--json` keeps: an hour of one-second intervals, about 4 MiB. A run
/// with more keeps its first ones, and says how many it dropped.
pub const MAX_KEPT_INTERVALS: usize = 3600;

/// The `-i` intervals kept for `--json`: the first [`MAX_KEPT_INTERVALS`], and how many came
/// after them (dropped), so that a long run with short intervals does not grow without end.
#[derive(Debug, Default)]
pub struct KeptIntervals {
    pub kept: Vec<Interval>,
    pub dropped: u64,
}

impl KeptIntervals {
    /// Keeps a copy of `interval`, if there is room.
    pub fn keep(&mut self, interval: &Interval) {
        if self.kept.len() < MAX_KEPT_INTERVALS {
            self.kept.push(interval.clone());
        } else {
            self.dropped += 1;
        }
    }
}

/// One `-i` interval. Times are from the start of the load (its connections open), so the
/// warmup's intervals come first, then the counted ones; the warmup's end always ends one.
#[derive(Debug, Clone)]
pub struct Interval {
    pub from: Duration,
    pub to: Duration,
    /// An interval of the warmup: its round trips are not in the totals.
    pub warm: bool,
    pub round_trips: u64,
    pub errors: u64,
    pub latency: Option<Summary>,
    /// The same figures for `--json`, without the histogram.
    pub figures: Figures,
}

impl Interval {
    /// Round trips a second in this interval.
    pub fn rate(&self) -> f64 {
        self.round_trips as f64 / (self.to - self.from).as_secs_f64().max(1e-9)
    }

    /// The interval's line, as printed on stdout with `-i PERIOD`:
    /// `[  1.00-  2.00 s]  round trips 1999  1999/s  p50 45.1 µs  p99 80.2 µs  max 120.3 µs  errors 0`.
    /// Times to the hundredth of a second, or to the millisecond for periods under 10 ms,
    /// which would read `[  0.50-  0.50 s]`.
    pub fn line(&self, period: Option<Duration>) -> String {
        let decimals = if period.is_some_and(|p| p < Duration::from_millis(10)) {
            3
        } else {
            2
        };
        let w = decimals + 4;
        let mut line = format!(
            "[{:w$.decimals$}-{:w$.decimals$} s]  round trips {}  {:.0}/s",
            self.from.as_secs_f64(),
            self.to.as_secs_f64(),
            self.round_trips,
            self.rate()
        );
        match &self.latency {
            Some(s) => line.push_str(&format!(
                "  p50 {} µs  p99 {} µs  max {} µs",
                micros(s.p50),
                micros(s.p99),
                micros(s.max)
            )),
            None => line.push_str("  no reply"),
        }
        line.push_str(&format!("  errors {}", self.errors));
        if self.warm {
            line.push_str("  (warmup)");
        }
        line
    }
}

impl Report {
    pub fn new(setup: Duration) -> Report {
        Report {
            round_trips: 0,
            bytes: 0,
            setup,
            elapsed: Duration::ZERO,
            schedule: None,
            sending: None,
            latencies: Latencies::new(),
            send_lag: Latencies::new(),
            errors: 0,
            mismatches: 0,
            warmup_round_trips: 0,
            stopped: false,
            in_flight_at_stop: 0,
            intervals: KeptIntervals::default(),
        }
    }

    /// The time the rate is over: under `--rate` the time the sends took (the schedule's, when
    /// it was kept), else the elapsed time.
    fn over(&self) -> f64 {
        self.sending
            .or(self.schedule)
            .unwrap_or(self.elapsed)
            .as_secs_f64()
            .max(1e-9)
    }

    /// Round trips a second, counted ones over the counted time.
    pub fn rate(&self) -> f64 {
        self.round_trips as f64 / self.over()
    }

    /// Under `--rate` at `target` a second: true when the rate reached is within 1% of it.
    pub fn schedule_kept(&self, target: f64) -> bool {
        self.rate() >= 0.99 * target
    }

    /// Under `--rate`, the end of the rate line: the time the rate is over, and whether the
    /// schedule was kept.
    fn over_what(&self, target: f64) -> String {
        let schedule = self.schedule.unwrap_or(self.elapsed).as_secs_f64();
        if self.schedule_kept(target) {
            format!("over the {:.3} s schedule", self.over())
        } else if self.over() > schedule {
            format!(
                "over the {:.3} s the sends took: the {schedule:.3} s schedule could not be kept",
                self.over()
            )
        } else {
            format!("over the {schedule:.3} s schedule, which could not be kept")
        }
    }

    pub fn mib_per_s(&self) -> f64 {
        self.bytes as f64 / self.over() / (1024.0 * 1024.0)
    }

    /// The result lines, as printed on stdout.
    pub fn print(&self, out: &mut impl Write, plan: &Plan) -> io::Result<()> {
        writeln!(
            out,
            "round trips:  {} of {} bytes over {}{}",
            self.round_trips,
            plan.size,
            count(plan.connections as u64, "connection", "connections"),
            if plan.reconnect {
                ", a new connection for each"
            } else {
                ""
            }
        )?;
        if let Some(rate) = plan.rate {
            writeln!(
                out,
                "schedule:     {} round trips/s in all, {}/s on each connection; latency counted \
                 from each scheduled send (open loop)",
                number(rate),
                number(rate / plan.connections.max(1) as f64)
            )?;
        }
        let before = if plan.warmup.is_zero() {
            format!("connecting {:.3} s before", self.setup.as_secs_f64())
        } else {
            format!(
                "after {:.3} s connecting and a {:.3} s warmup of {} not counted",
                self.setup.as_secs_f64(),
                plan.warmup.as_secs_f64(),
                count(self.warmup_round_trips, "round trip", "round trips")
            )
        };
        writeln!(
            out,
            "elapsed:      {:.3} s ({before})",
            self.elapsed.as_secs_f64()
        )?;
        write!(
            out,
            "rate:         {:.0} round trips/s, {:.1} MiB/s",
            self.rate(),
            self.mib_per_s()
        )?;
        match plan.rate {
            Some(target) => writeln!(
                out,
                " ({:.1}% of the {}/s asked, {})",
                100.0 * self.rate() / target,
                number(target),
                self.over_what(target)
            )?,
            None => writeln!(out)?,
        }
        match self.latencies.summary() {
            Some(s) => writeln!(
                out,
                "latency µs:   min {} p50 {} p90 {} p99 {} p99.9 {} p99.99 {} max {}",
                micros(s.min),
                micros(s.p50),
                micros(s.p90),
                micros(s.p99),
                micros(s.p99_9),
                micros(s.p99_99),
                micros(s.max)
            )?,
            None => writeln!(out, "latency µs:   none measured")?,
        }
        if let (Some(_), Some(s)) = (plan.rate, self.send_lag.summary()) {
            writeln!(
                out,
                "send lag µs:  p50 {} p99 {} max {} (this program's own lateness, in the latency)",
                micros(s.p50),
                micros(s.p99),
                micros(s.max)
            )?;
        }
        if self.stopped {
            writeln!(
                out,
                "stopped:      early, by a signal (Ctrl-C or SIGTERM); {} in flight not counted",
                count(self.in_flight_at_stop, "round trip", "round trips")
            )?;
        }
        writeln!(out, "errors:       {}", self.errors)?;
        if self.mismatches == 0 && self.errors == 0 {
            writeln!(out, "check:        every reply matched byte for byte")
        } else if self.mismatches == 0 {
            writeln!(
                out,
                "check:        every reply received matched byte for byte"
            )
        } else {
            writeln!(
                out,
                "check:        {} replies differed from what was sent",
                self.mismatches
            )
        }
    }
}

/// A rate as a person writes it: `2000`, `2.5`.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_the_first_intervals_and_counts_the_rest() {
        let interval = Interval {
            from: Duration::ZERO,
            to: Duration::from_millis(1),
            warm: false,
            round_trips: 1,
            errors: 0,
            latency: None,
            figures: Latencies::new().figures(false),
        };
        let mut kept = KeptIntervals::default();
        for _ in 0..MAX_KEPT_INTERVALS + 5 {
            kept.keep(&interval);
        }
        assert_eq!(kept.kept.len(), MAX_KEPT_INTERVALS);
        assert_eq!(kept.dropped, 5);
    }
}
