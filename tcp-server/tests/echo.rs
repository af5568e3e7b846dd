//! tcp-server echoes through real sockets: any bytes, any size, to many clients at once, whatever
//! way a client ends. Each test starts the binary on 127.0.0.1 port 0, waits for its
//! `listening on` line, talks to it, and kills it when the test ends (tests/support).

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Duration;

use support::{connect, start, take_turns, BIN, WAIT};
use testkit::{noise, round_trip, Server};

#[test]
fn echoes_ascii_and_the_greeting() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"hello"), b"hello");
    let greeting = "你好,服务器!".as_bytes();
    assert_eq!(round_trip(&mut s, greeting), greeting);
    assert!(
        server.wait_for_log("received \"你好,服务器!\"", WAIT),
        "{}",
        server.stderr()
    );
    assert!(server.wait_for_log("connection from 127.0.0.1:", WAIT));
}

#[test]
fn echoes_megabytes_of_random_bytes_while_they_are_written() {
    let _turn = take_turns();
    let server = start(&[]);
    let s = connect(server.addr);
    let data = noise(8 << 20, 0x9e37_79b9_7f4a_7c15);
    let mut writer = s.try_clone().unwrap();
    let sent = data.clone();
    let send = thread::spawn(move || {
        for chunk in sent.chunks(100_003) {
            writer.write_all(chunk).unwrap();
        }
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut back = Vec::new();
    (&s).read_to_end(&mut back).unwrap();
    send.join().unwrap();
    assert_eq!(back.len(), data.len());
    assert!(back == data, "the echo differs from what was sent");
    let closed = format!("after echoing {} bytes", data.len());
    assert!(server.wait_for_log(&closed, WAIT), "{}", server.stderr());
}

#[test]
fn a_character_sent_one_byte_at_a_time_is_logged_whole() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    s.set_nodelay(true).unwrap();
    let text = "你好";
    for (i, byte) in text.as_bytes().iter().enumerate() {
        s.write_all(&[*byte]).unwrap();
        let mut one = [0u8; 1];
        s.read_exact(&mut one).unwrap();
        assert_eq!(one[0], *byte, "byte {i}");
    }
    assert!(
        server.wait_for_log("received \"你\"", WAIT),
        "{}",
        server.stderr()
    );
    assert!(
        server.wait_for_log("received \"好\"", WAIT),
        "{}",
        server.stderr()
    );
    assert!(!server.stderr().contains('\u{fffd}'), "{}", server.stderr());
}

#[test]
fn invalid_utf8_is_echoed_unchanged_and_logged_as_replacement() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    let bytes = b"ok\xff\xfe\x00end";
    assert_eq!(round_trip(&mut s, bytes), bytes);
    assert!(
        server.wait_for_log("ok\u{fffd}\u{fffd}\\0end", WAIT),
        "{}",
        server.stderr()
    );
    assert_eq!(round_trip(&mut s, b"still here"), b"still here");
}

#[test]
fn after_a_half_close_the_rest_is_echoed_then_the_server_closes() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    s.write_all(b"last words").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    let mut back = Vec::new();
    s.read_to_end(&mut back).unwrap();
    assert_eq!(back, b"last words");
    assert!(
        server.wait_for_log("after echoing 10 bytes", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn fifty_clients_at_once() {
    let server = start(&[]);
    let addr = server.addr;
    let clients: Vec<_> = (0..50)
        .map(|i| {
            thread::spawn(move || {
                let mut s = connect(addr);
                for round in 0..20 {
                    let msg = format!("client {i} round {round}").into_bytes();
                    assert_eq!(round_trip(&mut s, &msg), msg);
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("a client failed");
    }
}

#[test]
fn reset_and_empty_connections_do_not_stop_the_server() {
    let server = start(&[]);
    // Closed without a byte.
    drop(connect(server.addr));
    assert!(
        server.wait_for_log("after echoing 0 bytes", WAIT),
        "{}",
        server.stderr()
    );
    // Reset: SO_LINGER 0 makes close() send RST, with an echo still unread.
    let s = connect(server.addr);
    let sock = socket2::Socket::from(s);
    sock.set_linger(Some(Duration::ZERO)).unwrap();
    let mut s: TcpStream = sock.into();
    assert_eq!(round_trip(&mut s, b"first"), b"first");
    s.write_all(&vec![7u8; 1 << 20]).unwrap();
    drop(s);
    assert!(
        server.wait_for_log("reset", WAIT) || server.wait_for_log("went away", WAIT),
        "{}",
        server.stderr()
    );
    let mut again = connect(server.addr);
    assert_eq!(round_trip(&mut again, b"alive"), b"alive");
}

#[test]
fn listens_on_ipv6_loopback() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback on this machine; nothing to test");
        return;
    }
    let server = Server::start(BIN, &["--host", "::1", "--port", "0"]);
    assert!(server.addr.is_ipv6());
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"six"), b"six");
}
