//! Latency figures for the load and ping modes: min, average, percentiles, max.
//!
//! Round-trip times go into a fixed-size histogram rather than a list, so an hour of load at
//! 200,000 round trips a second costs the same 19 KiB as one round trip. Buckets are
//! log-linear: each power of two is cut into 64 equal parts, so a percentile is within 1/64
//! (1.6%) of the true value; min, max and average are exact.

use std::time::Duration;

/// Sub-buckets per power of two: 2^6 = 64.
const SUB_BITS: u32 = 6;
const SUB: usize = 1 << SUB_BITS;
/// Nanoseconds up to 2^40 (18 minutes) have buckets; a longer time lands in the last one.
const MAX_BITS: u32 = 40;
const BUCKETS: usize = (MAX_BITS - SUB_BITS + 1) as usize * SUB;

/// Round-trip times, summed up as they come.
#[derive(Debug, Clone)]
pub struct Latencies {
    counts: Vec<u64>,
    n: u64,
    sum: u128,
    /// For the standard deviation (ping's mdev): nanoseconds squared, summed.
    sum_sq: u128,
    min: u64,
    max: u64,
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies {
            counts: vec![0; BUCKETS],
            n: 0,
            sum: 0,
            sum_sq: 0,
            min: u64::MAX,
            max: 0,
        }
    }
}

/// The bucket of a time in nanoseconds: below 64 ns one bucket per nanosecond, then 64 buckets
/// for each power of two.
fn bucket(nanos: u64) -> usize {
    let nanos = nanos.min((1 << MAX_BITS) - 1);
    if nanos < SUB as u64 {
        return nanos as usize;
    }
    let power = 63 - nanos.leading_zeros(); // nanos is in [2^power, 2^(power+1))
    let shift = power - SUB_BITS;
    let sub = (nanos >> shift) as usize - SUB; // 0..64 within that power
    (shift as usize + 1) * SUB + sub
}

/// The middle of a bucket, in nanoseconds: what a percentile that falls in it reports.
fn middle(bucket: usize) -> u64 {
    if bucket < SUB {
        return bucket as u64;
    }
    let shift = (bucket / SUB - 1) as u32;
    let low = ((SUB + bucket % SUB) as u64) << shift;
    low + ((1u64 << shift) >> 1)
}

impl Latencies {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn record(&mut self, rtt: Duration) {
        let nanos = u64::try_from(rtt.as_nanos()).unwrap_or(u64::MAX);
        self.counts[bucket(nanos)] += 1;
        self.n += 1;
        self.sum += u128::from(nanos);
        self.sum_sq = self
            .sum_sq
            .saturating_add(u128::from(nanos) * u128::from(nanos));
        self.min = self.min.min(nanos);
        self.max = self.max.max(nanos);
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The figures, or `None` when nothing was measured.
    pub fn summary(&self) -> Option<Summary> {
        if self.n == 0 {
            return None;
        }
        // Nearest rank: the smallest time with at least the given share of the samples at or
        // below it (in parts per million, for p99.9 and p99.99), kept within the exact min and
        // max.
        let rank = |ppm: u64| {
            let want = (u128::from(ppm) * u128::from(self.n))
                .div_ceil(1_000_000)
                .max(1);
            let mut seen = 0u128;
            let at = self
                .counts
                .iter()
                .position(|&c| {
                    seen += u128::from(c);
                    seen >= want
                })
                .unwrap_or(BUCKETS - 1);
            Duration::from_nanos(middle(at).clamp(self.min, self.max))
        };
        let n = self.n as f64;
        let mean = self.sum as f64 / n;
        // ping's mdev: the standard deviation, sqrt(E[x²] - E[x]²).
        let variance = (self.sum_sq as f64 / n - mean * mean).max(0.0);
        Some(Summary {
            min: Duration::from_nanos(self.min),
            avg: Duration::from_nanos((self.sum / u128::from(self.n)) as u64),
            mdev: Duration::from_nanos(variance.sqrt() as u64),
            p50: rank(500_000),
            p90: rank(900_000),
            p99: rank(990_000),
            p99_9: rank(999_000),
            p99_99: rank(999_900),
            max: Duration::from_nanos(self.max),
        })
    }

    /// Adds `other`'s samples to these: an interval's figures into the whole run's.
    pub fn merge(&mut self, other: &Latencies) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The figures and the histogram as JSON, for `--json`: `count`, then `min_us`, `avg_us`,
    /// `mdev_us`, `p50_us`, `p90_us`, `p99_us`, `p99_9_us`, `p99_99_us` and `max_us` in
    /// microseconds (absent when nothing was measured), and `histogram`: the buckets that hold
    /// samples, each `{"low_ns", "high_ns", "count"}` (from `low_ns` up to but not including
    /// `high_ns`).
    pub fn json(&self) -> serde_json::Value {
        // From whole nanoseconds: 255.68, not 255.67999999999998.
        let us = |d: Duration| d.as_nanos() as f64 / 1000.0;
        let mut v = serde_json::json!({ "count": self.n });
        if let Some(s) = self.summary() {
            for (name, d) in [
                ("min_us", s.min),
                ("avg_us", s.avg),
                ("mdev_us", s.mdev),
                ("p50_us", s.p50),
                ("p90_us", s.p90),
                ("p99_us", s.p99),
                ("p99_9_us", s.p99_9),
                ("p99_99_us", s.p99_99),
                ("max_us", s.max),
            ] {
                v[name] = serde_json::json!(us(d));
            }
        }
        v["histogram"] = self
            .histogram()
            .iter()
            .map(|b| serde_json::json!({ "low_ns": b.low, "high_ns": b.high, "count": b.count }))
            .collect();
        v
    }

    /// The histogram's buckets that hold samples, in order: each one's bounds in nanoseconds
    /// (from `low` up to but not including `high`) and how many samples fell in it.
    pub fn histogram(&self) -> Vec<Bucket> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &count)| count > 0)
            .map(|(b, &count)| {
                let (low, high) = bounds(b);
                Bucket { low, high, count }
            })
            .collect()
    }
}

/// One bucket of [`Latencies::histogram`], in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub low: u64,
    pub high: u64,
    pub count: u64,
}

/// The nanoseconds a bucket holds: `low` up to but not including `high`.
fn bounds(bucket: usize) -> (u64, u64) {
    if bucket < SUB {
        return (bucket as u64, bucket as u64 + 1);
    }
    let shift = (bucket / SUB - 1) as u32;
    let low = ((SUB + bucket % SUB) as u64) << shift;
    (low, low + (1u64 << shift))
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

    /// True when `got` is within 1/64 of `want`, the histogram's resolution.
    fn close(got: Duration, want: Duration) -> bool {
        got.as_nanos().abs_diff(want.as_nanos()) * 64 <= want.as_nanos()
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
        for (got, want) in [(s.p50, 50), (s.p90, 90), (s.p99, 99)] {
            assert!(
                close(got, Duration::from_micros(want)),
                "{got:?} for {want} µs"
            );
        }
        // Neighbours one microsecond apart stay apart.
        assert!(s.p90 < s.p99 && s.p50 < s.p90);
    }

    #[test]
    fn every_bucket_holds_its_middle_and_the_buckets_are_in_order() {
        let mut last = None;
        for b in 0..BUCKETS {
            let m = middle(b);
            assert_eq!(bucket(m), b, "bucket {b}, middle {m}");
            if let Some(last) = last {
                assert!(m > last);
            }
            last = Some(m);
        }
        for nanos in [0, 1, 63, 64, 65, 127, 128, 1000, 1 << 20, (1 << 40) - 1] {
            let m = middle(bucket(nanos));
            assert!(m.abs_diff(nanos) * 64 <= nanos.max(64), "{nanos} -> {m}");
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
    fn tail_percentiles_mdev_merge_and_histogram() {
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
        let one = h
            .iter()
            .find(|b| b.low <= 5_000_000 && 5_000_000 < b.high)
            .unwrap();
        assert!(one.count >= 1);
        // Two halves merged are the whole.
        let (mut a, mut b) = (Latencies::new(), Latencies::new());
        for us in 1..=10_000u64 {
            if us % 2 == 0 { &mut a } else { &mut b }.record(Duration::from_micros(us));
        }
        a.merge(&b);
        assert_eq!(a.summary(), l.summary());
        assert_eq!(a.histogram(), h);
        let json = l.json();
        assert_eq!(json["count"], 10_000);
        assert!((json["p50_us"].as_f64().unwrap() - 5_000.0).abs() < 5_000.0 / 64.0);
        assert_eq!(json["histogram"].as_array().unwrap().len(), h.len());
        assert_eq!(Latencies::new().json()["count"], 0);
        assert!(Latencies::new().json().get("p50_us").is_none());
    }

    #[test]
    fn formatting() {
        assert_eq!(micros(Duration::from_nanos(12_345)), "12.3");
        assert_eq!(millis(Duration::from_micros(52)), "0.052");
    }
}
