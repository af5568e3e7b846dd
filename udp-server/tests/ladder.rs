//! The ladder's UDP server rung through real sockets on 127.0.0.1, port 0: the document's server
//! as Rust (`examples/seed_udp_server.rs`) against the real udp-client and against the document's
//! client (`seed_udp_client`, udp-client's example), and tests that show what breaks: a datagram
//! over 1024 bytes is cut, and one cut inside a character crashes the server.
//!
//! The examples and udp-client's binary are found next to this test (see `testkit::example`):
//! `cargo test --workspace` builds them all.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::process::Command;

use testkit::{example, run, Running};

mod support;
use support::{socket_to, WAIT};

const INPUT: &[u8] = "hello\nstraße\nquit\n".as_bytes();

fn seed_server() -> (Running, SocketAddr) {
    let bin = example("udp-server", "seed_udp_server");
    Running::start_server(&bin, &["0"], "UDP server listening on ")
}

#[test]
fn seed_server_answers_the_real_udp_client() {
    let (mut server, addr) = seed_server();
    let mut client = Command::new(testkit::binary("udp-client"));
    client.args(["--port", &addr.port().to_string()]);
    let out = run(client, INPUT, WAIT);
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Received from server: HELLO\nReceived from server: STRASSE\n"
    );
    let hello = server.wait_line("Received ", WAIT);
    assert!(
        hello.starts_with("Received hello from 127.0.0.1:"),
        "{hello}"
    );
    let strasse = server.wait_line("Received ", WAIT);
    assert!(
        strasse.starts_with("Received straße from 127.0.0.1:"),
        "{strasse}"
    );
}

#[test]
fn seed_server_answers_the_seed_client() {
    let (mut server, addr) = seed_server();
    let mut client = Command::new(example("udp-client", "seed_udp_client"));
    client.arg(addr.port().to_string());
    let out = run(client, INPUT, WAIT);
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    let prompt = "Enter message (or 'quit' to exit): ";
    assert_eq!(
        out.stdout,
        format!(
            "{prompt}Received from server: HELLO\n{prompt}Received from server: STRASSE\n{prompt}"
        )
    );
    server.wait_line("Received straße from ", WAIT);
    let lines = server.stdout_lines();
    assert_eq!(lines[0], format!("UDP server listening on {addr}"));
    assert!(
        lines[1].starts_with("Received hello from 127.0.0.1:"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 3, "{lines:?}");
}

/// recvfrom(1024): the rest of a longer datagram is dropped by the kernel, silently.
#[test]
fn seed_server_cuts_a_2000_byte_datagram_to_1024() {
    let (mut server, addr) = seed_server();
    let s = socket_to(addr);
    s.send(&[b'a'; 2000]).unwrap();
    let mut buf = [0; 4096];
    let n = s.recv(&mut buf).unwrap();
    assert_eq!(n, 1024);
    assert!(buf[..n].iter().all(|&b| b == b'A'));
    let line = server.wait_line("Received ", WAIT);
    assert!(line.starts_with(&format!("Received {} from ", "a".repeat(1024))));
    // It still answers the next one.
    s.send(b"next").unwrap();
    let n = s.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"NEXT");
}

/// 342 characters of 3 bytes, valid UTF-8, are cut at 1024 bytes inside the 342nd: the decode
/// panics, and the server is gone for everyone.
#[test]
fn seed_server_crashes_on_a_long_datagram_cut_inside_a_character() {
    let (mut server, addr) = seed_server();
    let s = socket_to(addr);
    s.send("你".repeat(342).as_bytes()).unwrap();
    let stderr = server.crashed(WAIT);
    assert!(stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("Utf8Error { valid_up_to: 1023, error_len: None }"),
        "{stderr}"
    );
}
