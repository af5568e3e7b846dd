//! udp-server's replies, through real sockets: each test starts the binary on 127.0.0.1 (or ::1)
//! port 0, waits for its `listening on` line, sends it datagrams, and kills it when the test ends.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::thread;

use testkit::Server;

mod support;
use support::{ask, socket_to, start, BIN, WAIT};

#[test]
fn replies_with_the_uppercase() {
    let server = start();
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"hello"), b"HELLO");
    assert_eq!(ask(&s, "straße".as_bytes()), b"STRASSE");
    assert_eq!(ask(&s, "你好, udp!".as_bytes()), "你好, UDP!".as_bytes());
    assert_eq!(ask(&s, b"ab\xffcd"), b"AB\xffCD");
    assert_eq!(ask(&s, b""), b"");
    assert!(
        server.wait_for_log("received \"straße\" from 127.0.0.1:", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_60000_byte_datagram_is_answered_whole() {
    let server = start();
    let s = socket_to(server.addr);
    let data: Vec<u8> = (0..60_000).map(|i| b"abcdefghij"[i % 10]).collect();
    let reply = ask(&s, &data);
    assert_eq!(reply.len(), 60_000);
    assert_eq!(reply, data.to_ascii_uppercase());
    // The largest datagram IPv4 carries, too.
    let max = vec![b'q'; 65_507];
    assert_eq!(ask(&s, &max), vec![b'Q'; 65_507]);
}

#[test]
fn over_ipv6_a_datagram_of_65527_bytes_is_answered_and_the_limit_named_is_ipv6s() {
    let server = Server::start(BIN, &["--host", "::1", "--port", "0"]);
    let s = socket_to(server.addr);
    // 20 bytes more than IPv4 carries: IPv6's payload length leaves out its own header.
    let max = vec![b'q'; 65_527];
    assert_eq!(ask(&s, &max), vec![b'Q'; 65_527]);
    // 40,000 bytes of 'ΐ' have a 120,000-byte uppercase: too large even for IPv6.
    s.send("ΐ".repeat(20_000).as_bytes()).unwrap();
    assert!(
        server.wait_for_log("more than a datagram holds over IPv6 (65527)", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_reply_too_large_for_a_datagram_is_not_sent_and_the_server_goes_on() {
    let server = start();
    let s = socket_to(server.addr);
    // Each 2-byte 'ΐ' becomes 6 bytes in uppercase: the reply would not fit in a datagram.
    let data = "ΐ".repeat(30_000);
    s.send(data.as_bytes()).unwrap();
    assert!(
        server.wait_for_log("more than a datagram holds over IPv4 (65507)", WAIT),
        "{}",
        server.stderr()
    );
    s.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
    s.set_nonblocking(false).unwrap();
    assert_eq!(ask(&s, b"next"), b"NEXT");
}

#[test]
fn a_thousand_datagrams_from_several_sockets_are_all_answered() {
    let server = start();
    let addr = server.addr;
    let senders: Vec<_> = (0..5)
        .map(|i| {
            thread::spawn(move || {
                let s = socket_to(addr);
                for n in 0..200 {
                    let msg = format!("socket {i} datagram {n}");
                    assert_eq!(ask(&s, msg.as_bytes()), msg.to_uppercase().as_bytes());
                }
            })
        })
        .collect();
    for s in senders {
        s.join().expect("a sender lost a reply");
    }
}

#[test]
fn a_sender_that_vanished_does_not_stop_the_server() {
    let server = start();
    {
        let gone = UdpSocket::bind("127.0.0.1:0").unwrap();
        gone.send_to(b"hit and run", server.addr).unwrap();
    }
    assert!(
        server.wait_for_log("received \"hit and run\"", WAIT),
        "{}",
        server.stderr()
    );
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"anyone?"), b"ANYONE?");
}
