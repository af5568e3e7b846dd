//! Test data: reproducible pseudo-random bytes, and one echo round trip over TCP.

use std::io::{Read, Write};

/// `len` deterministic pseudo-random bytes (xorshift) from `seed`, so a failure can be replayed.
pub fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

/// Writes `data` to `stream` and reads back exactly as many bytes: one echo round trip.
pub fn round_trip(stream: &mut std::net::TcpStream, data: &[u8]) -> Vec<u8> {
    stream.write_all(data).expect("sending");
    let mut back = vec![0; data.len()];
    stream.read_exact(&mut back).expect("reading the echo");
    back
}
