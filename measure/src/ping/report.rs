//! What a ping run shows at its end: ping's summary, or the `--json` document with its
//! interval records (one a second, widened as a long run goes on).

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::stats::{millis, Latencies};

use super::{Pinger, Plan, StoppedBy, Totals};

/// The most interval records `--json` keeps: an hour of one-second records. A longer run
/// doubles their width, so a day's run has 2,700 records of 32 seconds.
const MAX_RECORDS: usize = 3600;

/// One interval of the run, by the time its datagrams were sent: mergeable exactly, so that
/// the records can be widened to stay at most [`MAX_RECORDS`].
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Record {
    pub(super) sent: u64,
    received: u64,
    pub(super) errors: u64,
    rtt_sum_ns: u128,
    rtt_min_ns: Option<u64>,
    rtt_max_ns: u64,
}

impl Record {
    /// A reply to one of this record's datagrams, `rtt` after it went.
    pub(super) fn add_rtt(&mut self, rtt: Duration) {
        let ns = u64::try_from(rtt.as_nanos()).unwrap_or(u64::MAX);
        self.received += 1;
        self.rtt_sum_ns += u128::from(ns);
        self.rtt_min_ns = Some(self.rtt_min_ns.map_or(ns, |m| m.min(ns)));
        self.rtt_max_ns = self.rtt_max_ns.max(ns);
    }

    fn merge(&mut self, other: &Record) {
        self.sent += other.sent;
        self.received += other.received;
        self.errors += other.errors;
        self.rtt_sum_ns += other.rtt_sum_ns;
        self.rtt_min_ns = match (self.rtt_min_ns, other.rtt_min_ns) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.rtt_max_ns = self.rtt_max_ns.max(other.rtt_max_ns);
    }

    fn json(&self, start_s: f64) -> serde_json::Value {
        let mut v = serde_json::json!({
            "start_s": start_s,
            "sent": self.sent,
            "received": self.received,
            "lost": self.sent.saturating_sub(self.received),
            "errors": self.errors,
        });
        if let Some(min) = self.rtt_min_ns {
            let us = |ns: f64| ns / 1e3;
            v["min_us"] = serde_json::json!(us(min as f64));
            // Whole nanoseconds, as the other figures are.
            let avg_ns = self.rtt_sum_ns / u128::from(self.received.max(1));
            v["avg_us"] = serde_json::json!(us(avg_ns as f64));
            v["max_us"] = serde_json::json!(us(self.rtt_max_ns as f64));
        }
        v
    }
}

/// The interval records of a run: one a second, widened when there would be too many.
#[derive(Debug)]
pub(super) struct Records {
    start: Instant,
    width: Duration,
    records: Vec<Record>,
}

impl Records {
    pub(super) fn new(start: Instant) -> Self {
        Records {
            start,
            width: Duration::from_secs(1),
            records: Vec::new(),
        }
    }

    /// The record of what was sent at `at`.
    pub(super) fn at(&mut self, at: Instant) -> &mut Record {
        let mut k = self.index(at);
        while k >= MAX_RECORDS {
            self.widen();
            k = self.index(at);
        }
        if k >= self.records.len() {
            self.records.resize(k + 1, Record::default());
        }
        &mut self.records[k]
    }

    fn index(&self, at: Instant) -> usize {
        let since = at.saturating_duration_since(self.start).as_nanos();
        usize::try_from(since / self.width.as_nanos()).unwrap_or(usize::MAX)
    }

    /// Twice as wide, half as many: each pair of records merged into one.
    fn widen(&mut self) {
        self.width *= 2;
        self.records = self
            .records
            .chunks(2)
            .map(|pair| {
                let mut one = pair[0];
                if let Some(second) = pair.get(1) {
                    one.merge(second);
                }
                one
            })
            .collect();
    }

    fn json(&self) -> serde_json::Value {
        let width = self.width.as_secs_f64();
        self.records
            .iter()
            .enumerate()
            .map(|(k, r)| r.json(k as f64 * width))
            .collect()
    }
}

/// ping's summary: the counts, then the round-trip times in ping's own line, then percentiles.
pub(super) fn summary(
    out: &mut impl Write,
    server: SocketAddr,
    t: &Totals,
    latencies: &Latencies,
    elapsed: Duration,
) -> io::Result<()> {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut counts = format!("{} sent, {} received", t.sent, t.received);
    for (n, what) in [
        (t.duplicates, "duplicates"),
        (t.errors(), "errors"),
        (t.strays, "strays"),
    ] {
        if n > 0 {
            counts.push_str(&format!(", +{n} {what}"));
        }
    }
    writeln!(out, "--- {server} udp ping ---")?;
    writeln!(
        out,
        "{counts}, {:.1}% loss, {secs:.3} s, {:.0} requests/s",
        t.loss_percent(),
        t.received as f64 / secs
    )?;
    if let Some(s) = latencies.summary() {
        let ms = |ds: [Duration; 4]| ds.map(millis).join("/");
        writeln!(
            out,
            "rtt min/avg/max/mdev = {} ms",
            ms([s.min, s.avg, s.max, s.mdev])
        )?;
        writeln!(
            out,
            "rtt p50/p90/p99/p99.9 = {} ms",
            ms([s.p50, s.p90, s.p99, s.p99_9])
        )?;
    }
    Ok(())
}

/// The `--json` document. Its names are stable: see the README for each one's meaning.
pub(super) fn json<W: Write>(
    plan: &Plan,
    server: SocketAddr,
    pinger: &Pinger<'_, W>,
    stopped_by: StoppedBy,
    elapsed: Duration,
) -> serde_json::Value {
    let t = &pinger.totals;
    serde_json::json!({
        "program": "udp-client",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": "ping",
        "parameters": {
            "host": plan.host,
            "port": server.port(),
            "server": server.to_string(),
            "count": plan.count,
            "size": plan.size,
            "interval_s": plan.interval.as_secs_f64(),
            "timeout_s": plan.timeout.as_secs_f64(),
            "deadline_s": plan.deadline.map(|d| d.as_secs_f64()),
        },
        "totals": {
            "sent": t.sent,
            "received": t.received,
            "lost": t.lost(),
            "loss_percent": t.loss_percent(),
            "duplicates": t.duplicates,
            "late": t.late,
            "strays": t.strays,
            "errors": {
                "total": t.errors(),
                "unreachable": t.unreachable,
                "other": t.other_errors,
            },
            "elapsed_s": elapsed.as_secs_f64(),
            "stopped_by": stopped_by.name(),
        },
        "latency": pinger.latencies.json(),
        "interval_width_s": pinger.records.width.as_secs_f64(),
        "intervals": pinger.records.json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_stay_bounded_and_widening_keeps_every_count() {
        let start = Instant::now();
        let mut records = Records::new(start);
        let secs = |s: u64| start + Duration::from_secs(s);
        for (at, rtt) in [(0, 5), (1, 9)] {
            records.at(secs(at)).sent += 1;
            records.at(secs(at)).add_rtt(Duration::from_nanos(rtt));
        }
        // An hour and more: twice as wide, and nothing lost.
        records.at(secs(3 * 3600)).sent += 1;
        assert!(
            records.records.len() <= MAX_RECORDS,
            "{}",
            records.records.len()
        );
        assert_eq!(records.width, Duration::from_secs(4));
        let first = records.records[0];
        assert_eq!(
            (
                first.sent,
                first.received,
                first.rtt_min_ns,
                first.rtt_max_ns
            ),
            (2, 2, Some(5), 9)
        );
        assert_eq!(records.records.iter().map(|r| r.sent).sum::<u64>(), 3);
        let json = records.json();
        assert_eq!(json[0]["avg_us"], 0.007);
        assert_eq!(json[1]["start_s"], 4.0);
        assert!(json[1].get("min_us").is_none());
    }
}
