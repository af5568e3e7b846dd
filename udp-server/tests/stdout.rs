//! udp-server whose stdout nobody can read: closed (`>&-`), it cannot say where it listens, and
//! ends with an error naming the address; a pipe nobody reads (`| true`) gets a warning naming
//! the address, and the server serves anyway.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::UdpSocket;
use std::time::Duration;

#[test]
fn a_closed_stdout_is_an_error_naming_the_address() {
    testkit::assert_server_fails_on_a_closed_stdout(env!("CARGO_BIN_EXE_udp-server"));
}

#[test]
fn a_pipe_nobody_reads_gets_a_warning_naming_the_address_and_it_serves() {
    let (_server, addr) = testkit::server_into_a_broken_pipe(env!("CARGO_BIN_EXE_udp-server"));
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket.send_to(b"still here", addr).unwrap();
    let mut reply = [0u8; 64];
    let (n, _) = socket.recv_from(&mut reply).unwrap();
    assert_eq!(&reply[..n], b"STILL HERE");
}
