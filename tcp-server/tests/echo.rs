//! tcp-server through real sockets: each test starts the binary on 127.0.0.1 port 0, waits for
//! its `listening on` line, talks to it, and kills it when the test ends.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::Duration;

use common::testing::{run, Server};

const BIN: &str = env!("CARGO_BIN_EXE_tcp-server");
const WAIT: Duration = Duration::from_secs(10);

fn start(extra: &[&str]) -> Server {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Server::start(BIN, &args)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, WAIT).expect("connecting");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    stream
}

/// Sends `data` and reads back exactly as many bytes.
fn round_trip(stream: &mut TcpStream, data: &[u8]) -> Vec<u8> {
    stream.write_all(data).unwrap();
    let mut back = vec![0; data.len()];
    stream.read_exact(&mut back).unwrap();
    back
}

/// Deterministic pseudo-random bytes (xorshift), so a failure can be replayed.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

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
fn a_client_that_never_reads_does_not_slow_another() {
    let server = start(&[]);
    let hog = connect(server.addr);
    hog.set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut writer = hog.try_clone().unwrap();
    // Writes until the buffers on both sides are full and the server stops reading from it.
    let flood = thread::spawn(move || {
        let block = vec![b'x'; 64 * 1024];
        let mut sent = 0usize;
        while sent < 256 << 20 {
            match writer.write(&block) {
                Ok(n) => sent += n,
                Err(_) => break,
            }
        }
        sent
    });
    let sent = flood.join().unwrap();
    assert!(
        sent < 256 << 20,
        "the server read everything without being read from"
    );
    // Meanwhile another client is served as usual.
    let mut other = connect(server.addr);
    for i in 0..100 {
        let msg = format!("ping {i}").into_bytes();
        assert_eq!(round_trip(&mut other, &msg), msg);
    }
    drop(hog);
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
fn connections_over_the_cap_are_closed_at_once() {
    let server = start(&["--max-connections", "2"]);
    let mut a = connect(server.addr);
    let mut b = connect(server.addr);
    assert_eq!(round_trip(&mut a, b"a"), b"a");
    assert_eq!(round_trip(&mut b, b"b"), b"b");
    let mut c = connect(server.addr);
    let mut buf = [0u8; 1];
    // Closed by the server: end of stream, or a reset if our byte arrived first.
    let _ = c.write_all(b"c");
    match c.read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the third connection was served: {other:?}"),
    }
    assert!(server.wait_for_log("refusing", WAIT), "{}", server.stderr());
    // A slot frees when a client leaves, and the next client is served.
    drop(a);
    assert!(server.wait_for_log("after echoing 1 bytes", WAIT));
    let mut d = connect(server.addr);
    assert_eq!(round_trip(&mut d, b"d"), b"d");
    assert_eq!(round_trip(&mut b, b"b"), b"b");
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

#[test]
fn address_in_use_is_one_line_with_a_hint() {
    let server = start(&[]);
    let port = server.addr.port().to_string();
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", &port]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(1), "{out:?}");
    let expected =
        format!("error: cannot listen on 127.0.0.1:{port}: address already in use\nhint: ");
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"));
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--port", "70000"][..],
        &["--port", "abc"],
        &["--bogus"],
        &["--backlog", "0"],
        &["--max-connections", "0"],
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        let out = run(cmd, b"", WAIT);
        assert_eq!(out.code(), Some(2), "{args:?}: {out:?}");
        assert!(out.stderr.contains("error:"), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
    }
}

#[test]
fn help_and_version() {
    let mut cmd = Command::new(BIN);
    cmd.arg("--help");
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(0));
    assert!(out.stdout.contains("--max-connections"), "{}", out.stdout);
    let mut cmd = Command::new(BIN);
    cmd.arg("--version");
    let out = run(cmd, b"", WAIT);
    assert!(out.stdout.starts_with("tcp-server "), "{}", out.stdout);
}
