//! The client run against the tests' servers (see servers/mod.rs) with a deadline, shared by the
//! client test files.

// Each test file uses some of these, not all.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use testkit::Output;

pub const BIN: &str = env!("CARGO_BIN_EXE_udp-client");
pub const WAIT: Duration = Duration::from_secs(20);

/// Runs the client against `addr` (`--port PORT`, then `args`) with `stdin` as input, within
/// [`WAIT`].
pub fn client(addr: SocketAddr, args: &[&str], stdin: &[u8]) -> Output {
    testkit::client(BIN, addr, args, stdin, WAIT)
}
