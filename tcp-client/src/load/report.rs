//! Load mode's report: what happened in a load (round trips, bytes, time, latencies, errors),
//! and the lines it prints on stdout.

use std::io::{self, Write};
use std::time::Duration;

use common::stats::{micros, Latencies};
use common::text::count;

use super::Plan;

/// What happened.
#[derive(Debug)]
pub struct Report {
    pub round_trips: u64,
    pub bytes: u64,
    pub setup: Duration,
    pub elapsed: Duration,
    pub latencies: Latencies,
    pub errors: u64,
    pub mismatches: u64,
}

impl Report {
    /// The result lines, as printed on stdout.
    pub fn print(&self, out: &mut impl Write, plan: &Plan) -> io::Result<()> {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
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
        writeln!(
            out,
            "elapsed:      {:.3} s (connecting {:.3} s before)",
            secs,
            self.setup.as_secs_f64()
        )?;
        writeln!(
            out,
            "rate:         {:.0} round trips/s, {:.1} MiB/s",
            self.round_trips as f64 / secs,
            self.bytes as f64 / secs / (1024.0 * 1024.0)
        )?;
        match self.latencies.summary() {
            Some(s) => writeln!(
                out,
                "latency µs:   min {} p50 {} p90 {} p99 {} max {}",
                micros(s.min),
                micros(s.p50),
                micros(s.p90),
                micros(s.p99),
                micros(s.max)
            )?,
            None => writeln!(out, "latency µs:   none measured")?,
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
