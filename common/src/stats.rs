//! Latency figures for the load and ping modes: min, average, percentiles, max.

use std::time::Duration;

/// Round-trip times, kept whole so the percentiles are exact.
#[derive(Debug, Default, Clone)]
pub struct Latencies {
    // Nanoseconds; u32 holds up to 4.2 s, and a longer round trip is kept as 4.2 s.
    samples: Vec<u32>,
    sorted: bool,
}

impl Latencies {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Latencies {
            samples: Vec::with_capacity(n),
            sorted: true,
        }
    }

    pub fn record(&mut self, rtt: Duration) {
        self.samples
            .push(u32::try_from(rtt.as_nanos()).unwrap_or(u32::MAX));
        self.sorted = false;
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Adds another set's samples, as when threads measured apart.
    pub fn merge(&mut self, other: &Latencies) {
        self.samples.extend_from_slice(&other.samples);
        self.sorted = false;
    }

    /// The figures, or `None` when nothing was measured.
    pub fn summary(&mut self) -> Option<Summary> {
        if self.samples.is_empty() {
            return None;
        }
        if !self.sorted {
            self.samples.sort_unstable();
            self.sorted = true;
        }
        let s = &self.samples;
        // Nearest-rank percentile: the smallest sample with at least p% of samples at or below it.
        let rank = |p: f64| {
            let r = (p / 100.0 * s.len() as f64).ceil() as usize;
            nanos(s[r.clamp(1, s.len()) - 1])
        };
        let total: u64 = s.iter().map(|&n| u64::from(n)).sum();
        Some(Summary {
            min: nanos(s[0]),
            avg: Duration::from_nanos(total / s.len() as u64),
            p50: rank(50.0),
            p90: rank(90.0),
            p99: rank(99.0),
            max: nanos(s[s.len() - 1]),
        })
    }
}

fn nanos(n: u32) -> Duration {
    Duration::from_nanos(u64::from(n))
}

/// A set of round-trip times, summed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub min: Duration,
    pub avg: Duration,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
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

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut l = Latencies::new();
        assert!(l.summary().is_none());
        for us in (1..=100).rev() {
            l.record(Duration::from_micros(us));
        }
        let s = l.summary().unwrap();
        assert_eq!(s.min, Duration::from_micros(1));
        assert_eq!(s.p50, Duration::from_micros(50));
        assert_eq!(s.p90, Duration::from_micros(90));
        assert_eq!(s.p99, Duration::from_micros(99));
        assert_eq!(s.max, Duration::from_micros(100));
        assert_eq!(s.avg, Duration::from_nanos(50_500));
    }

    #[test]
    fn one_sample_is_every_figure_and_huge_ones_saturate() {
        let mut l = Latencies::new();
        l.record(Duration::from_secs(10));
        let s = l.summary().unwrap();
        assert_eq!(s.p50, s.max);
        assert_eq!(s.max, Duration::from_nanos(u64::from(u32::MAX)));
        let mut m = Latencies::with_capacity(1);
        m.record(Duration::from_nanos(5));
        m.merge(&l);
        assert_eq!(m.summary().unwrap().min, Duration::from_nanos(5));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn formatting() {
        assert_eq!(micros(Duration::from_nanos(12_345)), "12.3");
        assert_eq!(millis(Duration::from_micros(52)), "0.052");
    }
}
