//! Load mode's `--json` document: the whole run as one JSON object (book/en/src/load-mode.md
//! describes every field). Names are stable; units are in them: `_s` seconds, `_us` microseconds, `_ns`
//! nanoseconds, `_per_s` a second. Each struct's fields are in alphabetical order, as the
//! document's keys are (that page says so).

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;

use super::idle::{Beside, IdleFigures};
use super::report::{Interval, Report};
use super::Plan;
use crate::stats::Figures;

#[derive(Debug, Serialize)]
pub struct Document {
    errors: Errors,
    /// `--idle` only: null without it.
    idle: Option<IdleFigures>,
    intervals: Vec<IntervalFigures>,
    /// The intervals after the first MAX_KEPT_INTERVALS, not in `intervals`.
    intervals_dropped: u64,
    latency: Figures,
    parameters: Parameters,
    program: &'static str,
    /// Under `--rate` only: null for a closed loop.
    send_lag: Option<Figures>,
    server: String,
    totals: Totals,
    version: &'static str,
}

#[derive(Debug, Serialize)]
struct Errors {
    all_matched: bool,
    failed_round_trips: u64,
    mismatches: u64,
}

#[derive(Debug, Serialize)]
struct IntervalFigures {
    end_s: f64,
    errors: u64,
    latency: Figures,
    rate_per_s: f64,
    round_trips: u64,
    start_s: f64,
    warmup: bool,
}

#[derive(Debug, Serialize)]
struct Parameters {
    connections: usize,
    count: Option<u64>,
    duration_s: Option<f64>,
    rate_per_s: Option<f64>,
    reconnect: bool,
    report_interval_s: Option<f64>,
    size_bytes: usize,
    timeout_s: f64,
    warmup_s: f64,
}

#[derive(Debug, Serialize)]
struct Totals {
    bytes: u64,
    connect_s: f64,
    elapsed_s: f64,
    in_flight_at_stop: u64,
    mib_per_s: f64,
    rate_of_target: Option<f64>,
    rate_per_s: f64,
    round_trips: u64,
    schedule_kept: Option<bool>,
    schedule_s: Option<f64>,
    sending_s: Option<f64>,
    stopped_by_signal: bool,
    target_rate_per_s: Option<f64>,
    warmup_round_trips: u64,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl Document {
    /// The document of `report`, a run of `plan` against `server`.
    pub fn new(report: &Report, plan: &Plan, server: SocketAddr) -> Document {
        let mut latency = report.latencies.figures(true);
        latency.measured_from = Some(if plan.rate.is_some() {
            "scheduled_send"
        } else {
            "send"
        });
        Document {
            errors: Errors {
                all_matched: report.errors == 0 && report.mismatches == 0,
                failed_round_trips: report.errors,
                mismatches: report.mismatches,
            },
            idle: None,
            intervals: report
                .intervals
                .kept
                .iter()
                .map(IntervalFigures::new)
                .collect(),
            intervals_dropped: report.intervals.dropped,
            latency,
            parameters: Parameters {
                connections: plan.connections,
                count: plan.count,
                duration_s: plan.duration.map(secs),
                rate_per_s: plan.rate,
                reconnect: plan.reconnect,
                report_interval_s: plan.interval.map(secs),
                size_bytes: plan.size,
                timeout_s: secs(plan.timeout),
                warmup_s: secs(plan.warmup),
            },
            program: "tcp-client",
            send_lag: plan.rate.map(|_| report.send_lag.figures(false)),
            server: server.to_string(),
            totals: Totals {
                bytes: report.bytes,
                connect_s: secs(report.setup),
                elapsed_s: secs(report.elapsed),
                in_flight_at_stop: report.in_flight_at_stop,
                mib_per_s: report.mib_per_s(),
                rate_of_target: plan.rate.map(|target| report.rate() / target),
                rate_per_s: report.rate(),
                round_trips: report.round_trips,
                schedule_kept: plan.rate.map(|target| report.schedule_kept(target)),
                schedule_s: report.schedule.map(secs),
                sending_s: report.sending.map(secs),
                stopped_by_signal: report.stopped,
                target_rate_per_s: plan.rate,
                warmup_round_trips: report.warmup_round_trips,
            },
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// The document with what `--idle` found, if it was given.
    pub fn with_idle(mut self, beside: Option<&Beside>) -> Document {
        self.idle = beside.map(Beside::figures);
        self
    }
}

impl IntervalFigures {
    fn new(i: &Interval) -> IntervalFigures {
        IntervalFigures {
            end_s: secs(i.to),
            errors: i.errors,
            latency: i.figures.clone(),
            rate_per_s: i.rate(),
            round_trips: i.round_trips,
            start_s: secs(i.from),
            warmup: i.warm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_keys_are_in_alphabetical_order() {
        let plan = Plan {
            count: Some(10),
            connections: 2,
            size: 64,
            duration: None,
            reconnect: false,
            timeout: Duration::from_secs(5),
            rate: Some(1000.0),
            warmup: Duration::ZERO,
            interval: Some(Duration::from_secs(1)),
            idle: 0,
        };
        let mut report = Report::new(Duration::from_millis(1));
        report.latencies.record(Duration::from_micros(50));
        report.send_lag.record(Duration::from_micros(5));
        report.intervals.keep(&Interval {
            from: Duration::ZERO,
            to: Duration::from_secs(1),
            warm: false,
            round_trips: 1,
            errors: 0,
            latency: report.latencies.summary(),
            figures: report.latencies.figures(false),
        });
        let document = Document::new(&report, &plan, "127.0.0.1:8888".parse().unwrap());
        // serde_json's own map sorts its keys: the same text only if the structs' are sorted.
        let text = serde_json::to_string(&document).unwrap();
        let sorted = serde_json::to_string(&serde_json::to_value(&document).unwrap()).unwrap();
        assert_eq!(text, sorted);
        assert!(
            text.contains(r#""measured_from":"scheduled_send""#),
            "{text}"
        );
    }
}
