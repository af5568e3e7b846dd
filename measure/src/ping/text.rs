//! ping's header and summary as text, in iputils ping's words and order, so that what reads
//! ping's output (jc, pingparsing) reads this.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::Duration;

use crate::stats::{millis, Latencies};

use super::{Plan, Totals};

/// The line ping starts with, in iputils ping's words: `PING host (address) 64(92) bytes of
/// data.`, the datagram's bytes and, in brackets, with the UDP and IP headers added, as ping adds
/// the ICMP and IP ones.
pub(super) fn header(out: &mut impl Write, plan: &Plan, server: SocketAddr) -> io::Result<()> {
    let ip_header = if server.is_ipv4() { 20 } else { 40 };
    let size = plan.size;
    writeln!(
        out,
        "PING {} ({server}) {size}({}) bytes of data.",
        plan.host,
        size + 8 + ip_header
    )
}

/// ping's summary in iputils ping's words and order, so that what reads ping's output reads
/// this: a blank line, `--- host ping statistics ---`, the counts (the extra ones as ping puts
/// them, `+N duplicates, +N errors`, then ours, `+N strays`), the loss as ping's `%g` and the
/// time in whole milliseconds, then ping's round-trip line. The percentiles, which ping does not
/// give, come on a line of their own before it all: parsers take every line after the counts
/// for the round-trip line (jc) or the one right after them (pingparsing).
pub(super) fn summary(
    out: &mut impl Write,
    host: &str,
    t: &Totals,
    latencies: &Latencies,
    elapsed: Duration,
) -> io::Result<()> {
    let mut counts = format!("{} packets transmitted, {} received", t.sent, t.received);
    for (n, what) in [
        (t.duplicates, "duplicates"),
        (t.errors(), "errors"),
        (t.strays, "strays"),
    ] {
        if n > 0 {
            counts.push_str(&format!(", +{n} {what}"));
        }
    }
    let summary = latencies.summary();
    let ms = |ds: [Duration; 4]| ds.map(millis).join("/");
    if let Some(s) = &summary {
        writeln!(
            out,
            "rtt p50/p90/p99/p99.9 = {} ms",
            ms([s.p50, s.p90, s.p99, s.p99_9])
        )?;
    }
    writeln!(out)?;
    writeln!(out, "--- {host} ping statistics ---")?;
    writeln!(
        out,
        "{counts}, {}% packet loss, time {}ms",
        like_printf_g(t.loss_percent()),
        (elapsed.as_nanos() + 500_000) / 1_000_000,
    )?;
    if let Some(s) = summary {
        writeln!(
            out,
            "rtt min/avg/max/mdev = {} ms",
            ms([s.min, s.avg, s.max, s.mdev])
        )?;
    }
    Ok(())
}

/// A percentage as C's `%g` prints it, as ping prints its loss: six significant digits, no
/// trailing zeros (`0`, `25`, `33.3333`, `62.5`, `100`).
fn like_printf_g(percent: f64) -> String {
    let whole_digits = if percent >= 1.0 {
        percent.log10().floor() as usize + 1
    } else {
        1
    };
    let text = format!("{percent:.*}", 6usize.saturating_sub(whole_digits));
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loss_reads_as_pings_printf_g() {
        let g = |p: f64| like_printf_g(p);
        assert_eq!(
            [g(0.0), g(25.0), g(100.0 / 3.0), g(62.5), g(100.0), g(0.5)],
            ["0", "25", "33.3333", "62.5", "100", "0.5"]
        );
    }
}
