//! Which bytes a load round trip sends, and the check of what comes back against them: a
//! random block, each round trip starting at its own offset into it, compared as it comes.

use std::io::{self, Write};

use anyhow::{Context, Result};

use crate::load::conn::Conn;
use crate::messages::t;

/// Round trips start at one of this many offsets into a random block, so that no two
/// connections, and no two round trips on one connection, need send the same bytes.
const OFFSETS: usize = 4096;
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

/// Where round trip `round` of connection `i` starts in the block: spread so that neighbours
/// differ.
pub(super) fn offset(i: usize, round: u64) -> usize {
    (i * 7919 + round as usize * 131) % OFFSETS
}

/// The bytes each round trip sends: `size` of them from the block, starting at the round
/// trip's offset (`conn.offset`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Bytes<'a> {
    block: &'a [u8],
    size: usize,
}

impl<'a> Bytes<'a> {
    /// Round trips of `size` bytes taken from `block` (a [`payload`] for that size).
    pub(super) fn new(block: &'a [u8], size: usize) -> Self {
        Bytes { block, size }
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
        let period = self.size.min(PERIOD);
        let start = conn.offset + at % period;
        let left = self.size - at;
        &self.block[start..(conn.offset + period).min(start + left)]
    }

    /// Writes as much of the round trip's bytes as the socket takes now.
    pub(super) fn send(&self, conn: &mut Conn) -> Result<()> {
        while conn.sent < self.size {
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
