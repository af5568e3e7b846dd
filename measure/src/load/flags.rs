//! Load mode's flags, as tcp-client shows them under "Load mode" in `--help`, and the plan
//! they make. tcp-client flattens [`Flags`] into its own arguments and defines the `load` group
//! its `--count` and `--duration` belong to (either one starts load mode); the other flags
//! require one of them.

use std::time::Duration;

use anyhow::{Context, Result};
use common::cli;

use super::Plan;
use crate::messages::t;

#[derive(clap::Args, Debug)]
#[group(skip)]
pub struct Flags {
    /// Load mode: make this many round trips in all (after the warmup), and report rate and
    /// latency
    #[arg(long, short = 'n', value_name = "N", group = "load", help_heading = "Load mode",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Load mode: stop after this long (10, 1.5, 500ms, 2m; after the warmup), and after
    /// --count, if given (wrk2's -d)
    #[arg(long, short = 'd', value_name = "SECS", group = "load", help_heading = "Load mode",
          value_parser = cli::parse_duration)]
    pub duration: Option<Duration>,

    /// Connections open at once, each with one round trip in flight
    #[arg(long, short = 'c', default_value_t = 1, requires = "load", help_heading = "Load mode",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub connections: u32,

    /// Bytes in each round trip (random, different on each connection)
    #[arg(long, short = 's', default_value_t = 64, requires = "load", help_heading = "Load mode",
          value_parser = clap::value_parser!(u64).range(1..=(1 << 32)))]
    pub size: u64,

    /// Open a new connection for each round trip and close it after (connect cycles)
    #[arg(long, requires = "load", help_heading = "Load mode")]
    pub reconnect: bool,

    /// Open loop: N round trips a second in all, on a schedule spread over the connections
    /// (wrk2's -R); latency counts from each scheduled send, so a stall of the server shows
    #[arg(long, short = 'R', value_name = "N", requires = "load", help_heading = "Load mode",
          value_parser = parse_rate)]
    pub rate: Option<f64>,

    /// A first period whose round trips are checked but not counted (10, 500ms); --duration
    /// and --count start after it
    #[arg(long, value_name = "SECS", requires = "load", help_heading = "Load mode",
          value_parser = cli::parse_duration)]
    pub warmup: Option<Duration>,

    /// A line on stdout every SECS (1, 0.5, 500ms) while the load runs, also when piped, as
    /// iperf3's -i; without it, only a terminal shows a live line (on stderr)
    #[arg(long, short = 'i', value_name = "SECS", requires = "load", help_heading = "Load mode",
          value_parser = cli::parse_duration)]
    pub report_interval: Option<Duration>,

    /// First open N idle connections (each checked by a round trip), hold them through the load,
    /// and check each still echoes at the end; the same load runs once before without them, to
    /// compare (what a server holds: the C10K question)
    #[arg(long, value_name = "N", requires = "load", help_heading = "Load mode",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub idle: Option<u32>,

    /// Print the result as one JSON document on stdout, instead of the lines
    #[arg(long, requires = "load", help_heading = "Load mode")]
    pub json: bool,
}

impl Flags {
    /// True when the flags ask for load mode: a count or a duration.
    pub fn asked(&self) -> bool {
        self.count.is_some() || self.duration.is_some()
    }

    /// The plan these flags make, each round trip and connect given `timeout`.
    pub fn plan(&self, timeout: Duration) -> Result<Plan> {
        Ok(Plan {
            count: self.count,
            connections: self.connections as usize,
            size: usize::try_from(self.size).with_context(|| t!("size-too-large"))?,
            duration: self.duration,
            reconnect: self.reconnect,
            timeout,
            rate: self.rate,
            warmup: self.warmup.unwrap_or(Duration::ZERO),
            interval: self.report_interval,
            idle: self.idle.map_or(0, |n| n as usize),
        })
    }
}

/// `--rate`: round trips a second, from one every 1000 s up to 10^9 (a clap value parser).
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if (0.001..=1e9).contains(&n) => Ok(n),
        _ => Err(format!(
            "{text:?} is not a rate: give round trips a second, from 0.001 up to 1000000000, \
             such as 1000 or 2.5"
        )),
    }
}
