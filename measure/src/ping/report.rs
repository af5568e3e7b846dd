//! What a ping run keeps for its end: the `--json` document with its interval records (one a
//! second, widened as a long run goes on). ping's own header and summary: text.rs.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::stats::{Figures, Latencies};

use super::{Plan, StoppedBy, Totals};

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

    fn figures(&self, start_s: f64) -> RecordFigures {
        let us = |ns: f64| ns / 1e3;
        // Whole nanoseconds, as the other figures are.
        let avg_ns = self.rtt_sum_ns / u128::from(self.received.max(1));
        let rtt = |ns: f64| self.rtt_min_ns.map(|_| us(ns));
        RecordFigures {
            avg_us: rtt(avg_ns as f64),
            errors: self.errors,
            lost: self.sent.saturating_sub(self.received),
            max_us: rtt(self.rtt_max_ns as f64),
            min_us: self.rtt_min_ns.map(|min| us(min as f64)),
            received: self.received,
            sent: self.sent,
            start_s,
        }
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

    fn figures(&self) -> Vec<RecordFigures> {
        let width = self.width.as_secs_f64();
        self.records
            .iter()
            .enumerate()
            .map(|(k, r)| r.figures(k as f64 * width))
            .collect()
    }
}

/// The `--json` document. Its names are stable: book/en/src/ping-mode.md gives each one's meaning.
/// Each struct's fields are in alphabetical order, as the document's keys are (that page says so).
#[derive(Debug, Serialize)]
pub(super) struct Document {
    interval_width_s: f64,
    intervals: Vec<RecordFigures>,
    latency: Figures,
    mode: &'static str,
    parameters: Parameters,
    program: &'static str,
    totals: TotalFigures,
    version: &'static str,
}

/// One interval record in the document; the times only when a reply came.
#[derive(Debug, Serialize)]
struct RecordFigures {
    #[serde(skip_serializing_if = "Option::is_none")]
    avg_us: Option<f64>,
    errors: u64,
    lost: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_us: Option<f64>,
    received: u64,
    sent: u64,
    start_s: f64,
}

#[derive(Debug, Serialize)]
struct Parameters {
    count: Option<u64>,
    deadline_s: Option<f64>,
    host: String,
    interval_s: f64,
    port: u16,
    server: String,
    size: usize,
    timeout_s: f64,
}

#[derive(Debug, Serialize)]
struct TotalFigures {
    duplicates: u64,
    elapsed_s: f64,
    errors: ErrorCounts,
    late: u64,
    loss_percent: f64,
    lost: u64,
    received: u64,
    sent: u64,
    stopped_by: &'static str,
    strays: u64,
}

#[derive(Debug, Serialize)]
struct ErrorCounts {
    other: u64,
    total: u64,
    unreachable: u64,
}

impl Document {
    pub(super) fn new(
        plan: &Plan,
        server: SocketAddr,
        t: &Totals,
        latencies: &Latencies,
        records: &Records,
        stopped_by: StoppedBy,
        elapsed: Duration,
    ) -> Document {
        Document {
            interval_width_s: records.width.as_secs_f64(),
            intervals: records.figures(),
            latency: latencies.figures(true),
            mode: "ping",
            parameters: Parameters {
                count: plan.count,
                deadline_s: plan.deadline.map(|d| d.as_secs_f64()),
                host: plan.host.clone(),
                interval_s: plan.interval.as_secs_f64(),
                port: server.port(),
                server: server.to_string(),
                size: plan.size,
                timeout_s: plan.timeout.as_secs_f64(),
            },
            program: "udp-client",
            totals: TotalFigures {
                duplicates: t.duplicates,
                elapsed_s: elapsed.as_secs_f64(),
                errors: ErrorCounts {
                    other: t.other_errors,
                    total: t.errors(),
                    unreachable: t.unreachable,
                },
                late: t.late,
                loss_percent: t.loss_percent(),
                lost: t.lost(),
                received: t.received,
                sent: t.sent,
                stopped_by: stopped_by.name(),
                strays: t.strays,
            },
            version: env!("CARGO_PKG_VERSION"),
        }
    }
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
        let json = serde_json::to_value(records.figures()).unwrap();
        assert_eq!(json[0]["avg_us"], 0.007);
        assert_eq!(json[1]["start_s"], 4.0);
        assert!(json[1].get("min_us").is_none());
    }

    #[test]
    fn the_document_keys_are_in_alphabetical_order() {
        let start = Instant::now();
        let mut records = Records::new(start);
        records.at(start).sent += 1;
        records.at(start).add_rtt(Duration::from_micros(250));
        let mut latencies = Latencies::new();
        latencies.record(Duration::from_micros(250));
        let plan = Plan {
            host: "localhost".into(),
            count: Some(1),
            size: 64,
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
            deadline: None,
            quiet: false,
            json: true,
        };
        let server = "127.0.0.1:12345".parse().unwrap();
        let totals = Totals {
            sent: 1,
            received: 1,
            ..Totals::default()
        };
        let document = Document::new(
            &plan,
            server,
            &totals,
            &latencies,
            &records,
            StoppedBy::Count,
            Duration::from_secs(1),
        );
        // serde_json's own map sorts its keys: the same text only if the structs' are sorted.
        let text = serde_json::to_string_pretty(&document).unwrap();
        let sorted = serde_json::to_string_pretty(&serde_json::to_value(&document).unwrap());
        assert_eq!(text, sorted.unwrap());
    }
}
