//! How many threads a server serves with, and how long each spins before it sleeps: the same
//! two options, and the same decision, for tcp-server and udp-server.

use std::num::NonZeroUsize;
use std::time::Duration;

use crate::spin::Spin;

/// The spin when none is given, in microseconds: long enough to catch the next request of a
/// client with one in flight on this machine (25 µs was not), measured by the benchmark
/// (book/en/src/benchmark.md).
pub const SPIN_DEFAULT_MICROS: u32 = 50;

/// `--threads` and `--spin`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Threads {
    /// Threads serving, up to 1024 [default: one per CPU this process may use]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Microseconds a thread keeps looking for the next request, using its CPU, before it
    /// sleeps: faster replies for busy clients, bought with CPU time; 0 never spins. By default
    /// up to 50, and only while spins catch the next request; off when there are more threads
    /// than CPUs [default: adaptive]
    #[arg(long, value_name = "MICROS", value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub spin: Option<u32>,
}

impl Threads {
    /// How many threads, and how each spins.
    pub fn plan(&self) -> (usize, Spin) {
        let cpus = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        self.plan_for(cpus)
    }

    fn plan_for(&self, cpus: usize) -> (usize, Spin) {
        let threads = self.threads.map_or(cpus, usize::from);
        let us = |micros| Duration::from_micros(u64::from(micros));
        let spin = match self.spin {
            Some(0) => Spin::Off,
            Some(micros) => Spin::Fixed(us(micros)),
            // Spinning pays only while each thread has a CPU of its own to spin on.
            None if threads <= cpus => Spin::Adaptive(us(SPIN_DEFAULT_MICROS)),
            None => Spin::Off,
        };
        (threads, spin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thread_a_cpu_spinning_unless_there_are_more_threads_than_cpus() {
        let plan = |threads, spin| Threads { threads, spin }.plan_for(2);
        let us = Duration::from_micros;
        assert_eq!(plan(None, None), (2, Spin::Adaptive(us(50))));
        assert_eq!(plan(Some(2), None), (2, Spin::Adaptive(us(50))));
        assert_eq!(plan(Some(4), None), (4, Spin::Off));
        assert_eq!(plan(Some(4), Some(10)), (4, Spin::Fixed(us(10))));
        assert_eq!(plan(None, Some(0)), (2, Spin::Off));
    }
}
