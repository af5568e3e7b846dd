//! Which bytes a load round trip sends, and the check of what comes back against them: a
//! random block, each round trip starting at its own offset into it, compared as it comes.

use std::io::{self, Read, Write};

use anyhow::{bail, Context, Result};

use super::Driver;
use crate::load::conn::Conn;
use crate::messages::t;

/// Round trips start at one of this many offsets into a random block, so that no two
/// connections, and no two round trips on one connection, need send the same bytes.
pub(super) const OFFSETS: usize = 4096;
/// A round trip longer than this repeats the block. Small enough to stay in the CPU's cache (a
/// 128 MiB block would make the load wait on memory, not on the server), and an odd length, so
/// that a server which drops or repeats a power-of-two chunk is still caught.
const PERIOD: usize = (1 << 20) + 4093;

/// The random block every round trip takes its bytes from, for round trips of `size` bytes.
pub(in crate::load) fn payload(size: usize) -> Vec<u8> {
    random_bytes(size.min(PERIOD) + OFFSETS)
}

/// Bytes from xorshift64*, seeded by the clock: cheap, and different on every run.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0x2545_f491_4f6c_dd1d, |d| d.as_nanos() as u64)
        | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        out.extend_from_slice(&seed.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

impl<'a> Driver<'a> {
    /// Fails, as a mismatch, when bytes beyond the echo are already waiting on `conn`. Nothing
    /// (or end of stream, or an error: the echo itself came back whole) is no mismatch.
    pub(super) fn nothing_more(&mut self, conn: &mut Conn, buf: &mut [u8]) -> Result<()> {
        match conn.stream.read(buf) {
            Ok(n) if n > 0 => {
                self.report.mismatches += 1;
                bail!(t!("load-sent-more", extra = n));
            }
            _ => Ok(()),
        }
    }

    /// True when `got`, just read, is what was sent at that place in the round trip.
    pub(super) fn matches(&self, conn: &Conn, mut got: &[u8]) -> bool {
        let mut at = conn.received;
        while !got.is_empty() {
            let sent = self.sent_from(conn, at);
            let n = sent.len().min(got.len());
            if got[..n] != sent[..n] {
                return false;
            }
            got = &got[n..];
            at += n;
        }
        true
    }

    /// The bytes the round trip on `conn` sends from position `at` to the end of the period.
    fn sent_from(&self, conn: &Conn, at: usize) -> &'a [u8] {
        let period = self.plan.size.min(PERIOD);
        let start = conn.offset + at % period;
        let left = self.plan.size - at;
        let payload: &'a [u8] = self.payload;
        &payload[start..(conn.offset + period).min(start + left)]
    }

    /// Writes as much of the round trip's bytes as the socket takes now.
    pub(super) fn send(&mut self, conn: &mut Conn) -> Result<()> {
        while conn.sent < self.plan.size {
            let bytes = self.sent_from(conn, conn.sent);
            match conn.stream.write(bytes) {
                Ok(n) => conn.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context(t!("sending")),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    use mio::Poll;

    use super::*;
    use crate::load::conn::connect_blocking;
    use crate::load::driver::Next;
    use crate::load::Plan;

    #[test]
    fn bytes_after_a_connections_last_echo_are_a_mismatch() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        let plan = Plan {
            count: Some(1),
            connections: 1,
            size: 64,
            duration: None,
            reconnect: false,
            timeout: Duration::from_secs(5),
            rate: None,
            warmup: Duration::ZERO,
            interval: None,
        };
        let payload = payload(plan.size);
        let poll = Poll::new().unwrap();
        let mut conn = connect_blocking(server, plan.timeout).unwrap();
        let (mut peer, _) = listener.accept().unwrap();
        let mut driver = Driver::new(&plan, server, &payload, Duration::ZERO, 1);
        assert!(driver.begin(&mut conn, 0, Instant::now()));
        // Sends the round trip; nothing has come back yet.
        let mut buf = vec![0u8; plan.size];
        assert_eq!(
            driver
                .advance(&mut conn, 0, &mut buf, &poll, false)
                .unwrap(),
            Next::Going
        );

        // The echo and 5 bytes more, all there before the client reads: its buffer holds the
        // echo and no more, so the read that completes the round trip leaves the 5 waiting.
        let mut reply = vec![0u8; plan.size];
        peer.read_exact(&mut reply).unwrap();
        reply.extend_from_slice(b"extra");
        peer.write_all(&reply).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut peek = [0u8; 128];
        while conn.stream.peek(&mut peek).unwrap_or(0) < reply.len() {
            assert!(Instant::now() < deadline, "the reply did not arrive");
            std::thread::yield_now();
        }

        let e = driver
            .advance(&mut conn, 0, &mut buf, &poll, false)
            .unwrap_err();
        assert_eq!(e.to_string(), "the server sent 5 bytes more than the echo");
        assert_eq!(driver.report.mismatches, 1);
        assert_eq!(driver.report.round_trips, 0);
    }
}
