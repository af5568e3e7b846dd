//! What udp-server's test files share: its binary, how long they wait, a server started on
//! 127.0.0.1 port 0, and a socket to ask it.

// Each test file uses its part of this module: what one of them leaves unused is not dead.
#![allow(dead_code)]
// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use testkit::Server;

pub const BIN: &str = env!("CARGO_BIN_EXE_udp-server");
pub const WAIT: Duration = Duration::from_secs(10);

pub fn start() -> Server {
    start_with(&[])
}

/// The server on 127.0.0.1, port 0, with more arguments.
pub fn start_with(args: &[&str]) -> Server {
    let mut all = vec!["--port", "0"];
    all.extend(args);
    Server::start(BIN, &all)
}

/// A socket on the server's loopback address, connected to it.
pub fn socket_to(server: SocketAddr) -> UdpSocket {
    let local = if server.is_ipv4() {
        "127.0.0.1:0"
    } else {
        "[::1]:0"
    };
    let s = UdpSocket::bind(local).unwrap();
    s.connect(server).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s
}

pub fn ask(s: &UdpSocket, data: &[u8]) -> Vec<u8> {
    s.send(data).unwrap();
    let mut buf = vec![0; 64 * 1024];
    // A signal to this multi-threaded test process can interrupt a receive with a timeout.
    let n = loop {
        match s.recv(&mut buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => break other.expect("a reply"),
        }
    };
    buf.truncate(n);
    buf
}
