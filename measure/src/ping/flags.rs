//! Ping mode's flags, as udp-client shows them under "Ping mode" in `--help`, and the plan they
//! make. udp-client flattens [`Flags`] into its own arguments; together they are the
//! `ping_mode` group: any one of them starts ping mode, and `--retries` conflicts with it.

use std::time::Duration;

use common::addr::MAX_DATAGRAM_V6;
use common::cli;

use super::{Plan, SEQ_DIGITS};

#[derive(clap::Args, Debug)]
#[group(id = "ping_mode", multiple = true)]
pub struct Flags {
    /// Ping mode: numbered datagrams, one a second, until Ctrl-C; each option below implies it
    #[arg(long, help_heading = "Ping mode")]
    pub ping: bool,

    /// Stop after N datagrams (with --deadline: after N replies), as ping's -c
    #[arg(long, short = 'c', short_alias = 'n', value_name = "N", help_heading = "Ping mode",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Bytes in each datagram (the first 10 are its sequence number); at most 65507 over IPv4 [default: 64]
    #[arg(long, short = 's', value_name = "BYTES", help_heading = "Ping mode",
          value_parser = clap::value_parser!(u64).range(SEQ_DIGITS as u64..=MAX_DATAGRAM_V6 as u64))]
    pub size: Option<u64>,

    /// Time between datagrams, in seconds as ping's -i (0.2) or with a unit (200ms); 0 sends each as soon as the last is answered or given up [default: 1]
    #[arg(long, short = 'i', value_name = "SECS", help_heading = "Ping mode",
          value_parser = parse_interval)]
    pub interval: Option<Interval>,

    /// Stop after this long, whatever the count (ping's -w): seconds or with a unit (2m)
    #[arg(long, short = 'w', value_name = "SECS", help_heading = "Ping mode",
          value_parser = cli::parse_duration)]
    pub deadline: Option<Duration>,

    /// Print the summary only, not a line per reply
    #[arg(long, short = 'q', help_heading = "Ping mode")]
    pub quiet: bool,

    /// Print one JSON document at the end (on Ctrl-C too) instead of the lines and the summary
    #[arg(long, help_heading = "Ping mode")]
    pub json: bool,
}

impl Flags {
    /// True when any of these flags is given: each one implies ping mode.
    pub fn asked(&self) -> bool {
        self.ping
            || self.count.is_some()
            || self.size.is_some()
            || self.interval.is_some()
            || self.deadline.is_some()
            || self.quiet
            || self.json
    }

    /// The plan these flags make for `host` (as given, for the JSON document), each reply
    /// waited for `timeout`.
    pub fn plan(&self, host: String, timeout: Duration) -> Plan {
        Plan {
            host,
            count: self.count,
            // At most 65,527 (the clap range above): it fits a usize on every system.
            size: self.size.map_or(64, |size| size as usize),
            interval: self
                .interval
                .as_ref()
                .map_or(Duration::from_secs(1), |i| i.every),
            timeout,
            deadline: self.deadline,
            quiet: self.quiet,
            json: self.json,
        }
    }
}

/// `--interval` as typed: the duration, and the text, to warn about `-i 200` (seconds now).
#[derive(Debug, Clone)]
pub struct Interval {
    pub every: Duration,
    text: String,
}

impl Interval {
    /// True for a bare number of 50 or more: seconds, as ping reads it, but more likely
    /// milliseconds typed from habit, as udp-client once read it.
    pub fn maybe_milliseconds(&self) -> bool {
        self.text.parse::<f64>().is_ok_and(|n| n >= 50.0)
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// clap value parser for `--interval`: seconds (`0.2`) or with a unit (`200ms`), 0 allowed.
pub fn parse_interval(text: &str) -> Result<Interval, String> {
    let every = cli::parse_duration_or_zero(text)?;
    Ok(Interval {
        every,
        text: text.trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_take_seconds_or_units_and_a_bare_large_number_is_suspect() {
        let ms = Duration::from_millis;
        for (text, every, suspect) in [
            ("0.2", ms(200), false),
            ("200ms", ms(200), false),
            ("0", Duration::ZERO, false),
            ("5", ms(5000), false),
            ("200", ms(200_000), true),
            ("200s", ms(200_000), false),
        ] {
            let i = parse_interval(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (i.every, i.maybe_milliseconds()),
                (every, suspect),
                "{text}"
            );
        }
        assert!(parse_interval("-1").is_err());
    }
}
