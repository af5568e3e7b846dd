//! Ping mode: numbered datagrams, one line per reply, then loss and round-trip times.
//!
//! Each datagram starts with its sequence number in ten digits, which uppercase leaves alone,
//! so every reply says which request it answers: a late or reordered reply is counted for its
//! own request, never taken for the one being waited on.

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use common::error;
use common::stats::{millis, Latencies};
use common::text::uppercase;

use crate::client;
use crate::messages::{say, Op};

/// Digits of the sequence number at the start of each datagram.
pub const SEQ_DIGITS: usize = 10;
/// How many recent datagrams a late reply can still be matched to. At 20,000 a second that is
/// three seconds, three times the default timeout.
const WINDOW: usize = 1 << 16;

#[derive(Debug, Clone)]
pub struct Plan {
    pub count: u64,
    pub size: usize,
    pub interval: Duration,
    pub timeout: Duration,
    pub quiet: bool,
}

/// Sent and received counts, for the exit code.
#[derive(Debug)]
pub struct Outcome {
    pub sent: u64,
    pub received: u64,
    /// Datagrams that came but answered none of ours: neither an echo nor the uppercase.
    pub strays: u64,
}

/// The datagram for `seq`: its number, then lowercase letters up to `size` bytes.
fn datagram(seq: u64, size: usize) -> Vec<u8> {
    let mut d = format!("{seq:0width$}", width = SEQ_DIGITS).into_bytes();
    d.extend((0..size.saturating_sub(SEQ_DIGITS)).map(|i| b'a' + (i % 26) as u8));
    d
}

/// The sequence number a reply answers, if it is a well-formed answer (uppercase or echo).
fn answered(reply: &[u8], size: usize) -> Option<u64> {
    if reply.len() != size {
        return None;
    }
    let seq: u64 = std::str::from_utf8(&reply[..SEQ_DIGITS])
        .ok()?
        .parse()
        .ok()?;
    let sent = datagram(seq, size);
    (reply == sent || reply == uppercase(&sent)).then_some(seq)
}

pub fn run(
    socket: &UdpSocket,
    server: SocketAddr,
    plan: &Plan,
    out: &mut impl Write,
) -> Result<Outcome> {
    // The send time of each recent datagram, and whether it was answered, by sequence number
    // modulo the window: memory stays the same however many datagrams a run sends.
    let window = usize::try_from(plan.count).map_or(WINDOW, |c| c.min(WINDOW));
    let mut sent_at: Vec<Option<(u64, Instant, bool)>> = vec![None; window];
    let mut latencies = Latencies::new();
    let mut received = 0u64;
    let mut strays = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    socket
        .set_read_timeout(Some(plan.timeout))
        .context(say().setting_timeout())?;
    let mut timeout_set = plan.timeout;

    for seq in 0..plan.count {
        let payload = datagram(seq, plan.size);
        let sent = Instant::now();
        socket
            .send(&payload)
            .map_err(|e| client::failure(e, server, Op::Send))?;
        sent_at[(seq % window as u64) as usize] = Some((seq, sent, false));
        let deadline = sent + plan.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                if !plan.quiet {
                    writeln!(
                        out,
                        "no reply from {server} for seq={seq} within {:?}",
                        plan.timeout
                    )?;
                }
                break;
            }
            // Setting the timeout is a system call: only when a stray reply shortened the wait.
            if left < timeout_set {
                socket
                    .set_read_timeout(Some(left))
                    .context(say().setting_timeout())?;
                timeout_set = left;
            }
            let n = match socket.recv(&mut buf) {
                Ok(n) => n,
                Err(e) if error::is_timeout(&e) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(client::failure(e, server, Op::Receive)),
            };
            let now = Instant::now();
            let Some(answer) = answered(&buf[..n], plan.size) else {
                log::debug!("ignoring a {n}-byte datagram that answers no request");
                strays += 1;
                continue;
            };
            let slot = &mut sent_at[(answer % window as u64) as usize];
            let when = match slot {
                Some((sent_seq, when, answered)) if *sent_seq == answer && !*answered => {
                    *answered = true;
                    *when
                }
                _ => {
                    log::debug!("ignoring a reply for seq={answer}: a duplicate, or too old");
                    continue;
                }
            };
            received += 1;
            let rtt = now.duration_since(when);
            latencies.record(rtt);
            if !plan.quiet {
                let late = if answer < seq { " (late)" } else { "" };
                writeln!(
                    out,
                    "{n} bytes from {server}: seq={answer} time={} ms{late}",
                    millis(rtt)
                )?;
            }
            if answer == seq {
                break;
            }
        }
        if timeout_set != plan.timeout {
            socket
                .set_read_timeout(Some(plan.timeout))
                .context(say().setting_timeout())?;
            timeout_set = plan.timeout;
        }
        if seq + 1 < plan.count {
            let next = sent + plan.interval;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
    }

    let elapsed = start.elapsed().as_secs_f64().max(1e-9);
    let sent = plan.count;
    writeln!(out, "--- {server} udp ping ---")?;
    writeln!(
        out,
        "{sent} sent, {received} received, {:.1}% loss, {:.3} s, {:.0} requests/s",
        100.0 * (sent - received) as f64 / sent as f64,
        elapsed,
        received as f64 / elapsed
    )?;
    if let Some(s) = latencies.summary() {
        writeln!(
            out,
            "rtt min/avg/p99/max = {}/{}/{}/{} ms",
            millis(s.min),
            millis(s.avg),
            millis(s.p99),
            millis(s.max)
        )?;
    }
    Ok(Outcome {
        sent,
        received,
        strays,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_name_their_request() {
        let d = datagram(42, 20);
        assert_eq!(d, b"0000000042abcdefghij");
        assert_eq!(answered(&d, 20), Some(42));
        assert_eq!(answered(&uppercase(&d), 20), Some(42));
        assert_eq!(answered(b"0000000042ABCDEFGHIX", 20), None);
        assert_eq!(answered(&d[..19], 20), None);
        assert_eq!(answered(&datagram(7, 10), 10), Some(7));
    }
}
