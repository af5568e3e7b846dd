//! Latency figures for the load and ping modes: min, average, percentiles, max, and the same as
//! JSON.
//!
//! Round-trip times go into an HDR histogram (the `hdrhistogram` crate) rather than a list, so
//! an hour of load at 200,000 round trips a second costs no more memory than a second of it. It
//! keeps 3 significant digits: a percentile is within 0.1% of the true value. Min, max, average
//! and standard deviation are kept exactly beside it, from every sample.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// The histogram's precision: 3 significant digits, each value within 1/1000 of its bucket's.
const SIGNIFICANT_DIGITS: u8 = 3;

/// Round-trip times, summed up as they come.
#[derive(Debug, Clone)]
pub struct Latencies {
    /// Nanoseconds; it grows its range to the largest time recorded.
    histogram: Histogram<u64>,
    sum: u128,
    /// For the standard deviation (ping's mdev): nanoseconds squared, summed.
    sum_sq: u128,
    min: u64,
    max: u64,
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies {
            histogram: Histogram::new(SIGNIFICANT_DIGITS)
                .expect("3 significant digits is a precision hdrhistogram takes"),
            sum: 0,
            sum_sq: 0,
            min: u64::MAX,
            max: 0,
        }
    }
}

impl Latencies {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn record(&mut self, rtt: Duration) {
        let nanos = u64::try_from(rtt.as_nanos()).unwrap_or(u64::MAX);
        // The histogram grows its range to take the time; past the largest it can ever hold
        // (centuries), at its top. max stays exact.
        if self.histogram.record(nanos).is_err() {
            self.histogram.saturating_record(nanos);
        }
        self.sum += u128::from(nanos);
        self.sum_sq = self
            .sum_sq
            .saturating_add(u128::from(nanos) * u128::from(nanos));
        self.min = self.min.min(nanos);
        self.max = self.max.max(nanos);
    }

    /// Takes in every time `other` holds, as if each had been recorded here.
    pub fn merge(&mut self, other: &Latencies) {
        // The histogram grows its range as recording does; past its largest, at its top.
        if self.histogram.add(&other.histogram).is_err() {
            for v in other.histogram.iter_recorded() {
                self.histogram
                    .saturating_record_n(v.value_iterated_to(), v.count_at_value());
            }
        }
        self.sum += other.sum;
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    pub fn len(&self) -> u64 {
        self.histogram.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The figures, or `None` when nothing was measured.
    pub fn summary(&self) -> Option<Summary> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        // Nearest rank: the smallest time with at least the given share of the samples at or
        // below it (in parts per million, for p99.9 and p99.99; in integers, so that p99 of 100
        // samples is the 99th, not the 100th as 0.99 * 100 rounded up in floating point is). A
        // percentile reports the middle of the histogram's bucket it falls in, kept within the
        // exact min and max.
        let rank = |ppm: u64| {
            let want = (u128::from(ppm) * u128::from(n)).div_ceil(1_000_000).max(1);
            let mut seen = 0u128;
            let at = self
                .histogram
                .iter_recorded()
                .find(|v| {
                    seen += u128::from(v.count_at_value());
                    seen >= want
                })
                .map_or(self.max, |v| {
                    self.histogram.median_equivalent(v.value_iterated_to())
                });
            Duration::from_nanos(at.clamp(self.min, self.max))
        };
        let mean = self.sum as f64 / n as f64;
        // ping's mdev: the standard deviation, sqrt(E[x²] - E[x]²).
        let variance = (self.sum_sq as f64 / n as f64 - mean * mean).max(0.0);
        Some(Summary {
            min: Duration::from_nanos(self.min),
            avg: Duration::from_nanos((self.sum / u128::from(n)) as u64),
            mdev: Duration::from_nanos(variance.sqrt() as u64),
            p50: rank(500_000),
            p90: rank(900_000),
            p99: rank(990_000),
            p99_9: rank(999_000),
            p99_99: rank(999_900),
            max: Duration::from_nanos(self.max),
        })
    }

    /// The figures for `--json`, and with `histogram` the histogram's buckets too.
    pub fn figures(&self, histogram: bool) -> Figures {
        // From whole nanoseconds: 255.68, not 255.67999999999998.
        let us = |d: Duration| d.as_nanos() as f64 / 1000.0;
        let s = self.summary();
        let figure = |pick: fn(&Summary) -> Duration| s.as_ref().map(|s| us(pick(s)));
        Figures {
            avg_us: figure(|s| s.avg),
            count: self.len(),
            histogram: histogram.then(|| self.histogram()),
            max_us: figure(|s| s.max),
            mdev_us: figure(|s| s.mdev),
            measured_from: None,
            min_us: figure(|s| s.min),
            p50_us: figure(|s| s.p50),
            p90_us: figure(|s| s.p90),
            p99_99_us: figure(|s| s.p99_99),
            p99_9_us: figure(|s| s.p99_9),
            p99_us: figure(|s| s.p99),
        }
    }

    /// The histogram's buckets that hold samples, in order: each one's bounds in nanoseconds
    /// (from `low` up to but not including `high`) and how many samples fell in it.
    pub fn histogram(&self) -> Vec<Bucket> {
        let h = &self.histogram;
        h.iter_recorded()
            .map(|v| {
                let value = v.value_iterated_to();
                Bucket {
                    count: v.count_at_value(),
                    high: h.next_non_equivalent(value),
                    low: h.lowest_equivalent(value),
                }
            })
            .collect()
    }
}

/// Latency figures as `--json` gives them: `count`, then `min_us` … `max_us` in microseconds
/// when something was measured, and the histogram when asked for. Fields are in alphabetical
/// order, as the document's keys are (book/en/src/load-mode.md says so).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_us: Option<f64>,
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Vec<Bucket>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mdev_us: Option<f64>,
    /// Where each latency counts from, when its mode says (load mode does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured_from: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_99_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_9_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_us: Option<f64>,
}

/// One bucket of [`Latencies::histogram`], in nanoseconds (JSON: `count`, `high_ns`, `low_ns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub count: u64,
    #[serde(rename = "high_ns")]
    pub high: u64,
    #[serde(rename = "low_ns")]
    pub low: u64,
}

/// A set of round-trip times, summed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub min: Duration,
    pub avg: Duration,
    /// The standard deviation, as ping's `mdev`.
    pub mdev: Duration,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub p99_9: Duration,
    pub p99_99: Duration,
    pub max: Duration,
}

/// Microseconds with one decimal, as the result lines show them.
pub fn micros(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

/// Milliseconds with three decimals, as `ping` shows them.
pub fn millis(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True when `got` is within 1/1000 of `want`, the histogram's resolution.
    fn close(got: Duration, want: Duration) -> bool {
        got.as_nanos().abs_diff(want.as_nanos()) * 1000 <= want.as_nanos()
    }

    #[test]
    fn percentiles_are_nearest_rank_within_the_resolution() {
        let mut l = Latencies::new();
        assert!(l.summary().is_none());
        for us in (1..=100).rev() {
            l.record(Duration::from_micros(us));
        }
        let s = l.summary().unwrap();
        assert_eq!(s.min, Duration::from_micros(1));
        assert_eq!(s.max, Duration::from_micros(100));
        assert_eq!(s.avg, Duration::from_nanos(50_500));
        // p99 of 100 samples is the 99th, not the 100th.
        for (got, want) in [(s.p50, 50), (s.p90, 90), (s.p99, 99)] {
            assert!(
                close(got, Duration::from_micros(want)),
                "{got:?} for {want} µs"
            );
        }
    }

    #[test]
    fn one_sample_is_every_figure_and_huge_ones_are_kept_exactly_as_max() {
        let mut l = Latencies::new();
        l.record(Duration::from_secs(3600));
        let s = l.summary().unwrap();
        assert_eq!(s.p50, s.max);
        assert_eq!(s.max, Duration::from_secs(3600));
        assert_eq!(l.len(), 1);
        let mut m = Latencies::new();
        m.record(Duration::from_nanos(5));
        let s = m.summary().unwrap();
        let five = Duration::from_nanos(5);
        assert_eq!((s.min, s.p50, s.p99, s.max), (five, five, five, five));
    }

    #[test]
    fn tail_percentiles_mdev_and_histogram() {
        let mut l = Latencies::new();
        for us in 1..=10_000u64 {
            l.record(Duration::from_micros(us));
        }
        let s = l.summary().unwrap();
        assert!(
            close(s.p99_9, Duration::from_micros(9_990)),
            "{:?}",
            s.p99_9
        );
        assert!(
            close(s.p99_99, Duration::from_micros(9_999)),
            "{:?}",
            s.p99_99
        );
        assert!(s.p99 < s.p99_9 && s.p99_9 <= s.p99_99 && s.p99_99 <= s.max);
        // The standard deviation of 1..=n is about n/sqrt(12).
        let want = 10_000.0 / 12f64.sqrt();
        let got = s.mdev.as_secs_f64() * 1e6;
        assert!((got - want).abs() < 1.0, "mdev {got} µs, want {want}");
        // Every sample is in one bucket that holds it, and the buckets are in order.
        let h = l.histogram();
        assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), 10_000);
        assert!(h.windows(2).all(|w| w[0].high <= w[1].low));
        assert!(h.iter().all(|b| b.low < b.high));
        let one = h
            .iter()
            .find(|b| b.low <= 5_000_000 && 5_000_000 < b.high)
            .unwrap();
        assert!(one.count >= 1);
    }

    #[test]
    fn the_json_figures_keep_their_names_and_order() {
        let mut l = Latencies::new();
        assert_eq!(
            serde_json::to_string(&l.figures(true)).unwrap(),
            r#"{"count":0,"histogram":[]}"#
        );
        assert_eq!(
            serde_json::to_string(&l.figures(false)).unwrap(),
            r#"{"count":0}"#
        );
        l.record(Duration::from_nanos(1_500));
        let mut figures = l.figures(true);
        figures.measured_from = Some("send");
        assert_eq!(
            serde_json::to_string(&figures).unwrap(),
            r#"{"avg_us":1.5,"count":1,"histogram":[{"count":1,"high_ns":1501,"low_ns":1500}],"max_us":1.5,"mdev_us":0.0,"measured_from":"send","min_us":1.5,"p50_us":1.5,"p90_us":1.5,"p99_99_us":1.5,"p99_9_us":1.5,"p99_us":1.5}"#
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(micros(Duration::from_nanos(12_345)), "12.3");
        assert_eq!(millis(Duration::from_micros(52)), "0.052");
    }
}
