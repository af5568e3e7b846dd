//! The ladder's TCP server rungs through real sockets on 127.0.0.1, port 0: the document's
//! server as Rust (`examples/seed_tcp_server.rs`) against the real tcp-client and against the
//! document's client (`seed_tcp_client`, tcp-client's example), and tests that show what breaks
//! at each rung: with the seed, a second client waits, and a split character or a client's reset
//! crashes the server; the threaded rung (`examples/threaded_tcp_server.rs`) fixes them.
//!
//! The examples and the other crate's programs are found next to this test (see
//! `testkit::example`): `cargo test --workspace` builds them all.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

mod support;

use support::{connect_nodelay, WAIT};
use testkit::{example, round_trip, run, Running};

/// How long the second client of the seed server waits to see that no echo comes. The seed
/// never answers it while the first client is connected, so a loaded machine cannot make the
/// test fail, only a server that answers.
const NO_ECHO: Duration = Duration::from_millis(500);
const STARTED: &str = "服务器启动,监听 ";

fn seed_server() -> (Running, SocketAddr) {
    let bin = example("tcp-server", "seed_tcp_server");
    Running::start_server(&bin, &["0"], STARTED)
}

fn threaded_server() -> (Running, SocketAddr) {
    let bin = example("tcp-server", "threaded_tcp_server");
    Running::start_server(&bin, &["0"], STARTED)
}

#[test]
fn seed_server_says_where_it_listens_as_the_document_does() {
    let (_server, addr) = seed_server();
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0, "the line shows the port really bound");
}

#[test]
fn seed_server_echoes_the_real_tcp_client() {
    let (mut server, addr) = seed_server();
    let mut client = Command::new(testkit::binary("tcp-client"));
    client.args(["--port", &addr.port().to_string()]);
    let out = run(client, b"", WAIT);
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, "from server: 你好,服务器!\n");
    let connected = server.wait_line("连接地址: ", WAIT);
    assert!(connected.starts_with("连接地址: 127.0.0.1:"), "{connected}");
    assert_eq!(server.wait_line("收到: ", WAIT), "收到: 你好,服务器!");
}

#[test]
fn seed_server_echoes_the_seed_client() {
    let (mut server, addr) = seed_server();
    let mut client = Command::new(example("tcp-client", "seed_tcp_client"));
    client.arg(addr.port().to_string());
    let out = run(client, b"", WAIT);
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, "来自服务器的数据: 你好,服务器!\n");
    server.wait_line("收到: ", WAIT);
    let lines = server.stdout_lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], format!("服务器启动,监听 {addr}"));
    assert!(lines[1].starts_with("连接地址: 127.0.0.1:"), "{lines:?}");
    assert_eq!(lines[2], "收到: 你好,服务器!");
}

/// The seed serves one client at a time: a second one connects (the kernel's queue accepts it),
/// sends, and gets its echo only once the first has gone.
#[test]
fn seed_server_makes_a_second_client_wait_for_the_first() {
    let (mut server, addr) = seed_server();
    let mut first = connect_nodelay(addr);
    assert_eq!(round_trip(&mut first, b"first"), b"first");
    assert_eq!(server.wait_line("收到: ", WAIT), "收到: first");
    let mut second = connect_nodelay(addr);
    second.write_all(b"second").unwrap();
    second.set_read_timeout(Some(NO_ECHO)).unwrap();
    let mut buf = [0; 64];
    let err = second
        .read(&mut buf)
        .map(|n| buf[..n].to_vec())
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    let lines = server.stdout_lines();
    assert_eq!(
        lines.len(),
        3,
        "only the first client is accepted: {lines:?}"
    );
    drop(first);
    second.set_read_timeout(Some(WAIT)).unwrap();
    let mut back = [0; 6];
    second.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"second");
    // Accepted only now: its 连接地址 line comes after the first client's echo.
    assert!(server
        .wait_line("连接地址: ", WAIT)
        .starts_with("连接地址: 127.0.0.1:"));
    assert_eq!(server.wait_line("收到: ", WAIT), "收到: second");
}

#[test]
fn threaded_server_answers_a_second_client_at_once() {
    let (_server, addr) = threaded_server();
    let mut first = connect_nodelay(addr);
    assert_eq!(round_trip(&mut first, b"first"), b"first");
    let mut second = connect_nodelay(addr);
    assert_eq!(round_trip(&mut second, b"second"), b"second");
    assert_eq!(round_trip(&mut first, b"again"), b"again");
}

/// A character split across two writes: the seed server reads the first part on its own (the
/// second is never sent before it ends, so it cannot read both at once), decodes it as if it were
/// a whole message, and panics.
#[test]
fn seed_server_crashes_on_a_character_split_across_two_writes() {
    let (mut server, addr) = seed_server();
    let mut client = connect_nodelay(addr);
    let greeting = "你好,服务器!".as_bytes();
    assert_eq!(round_trip(&mut client, greeting), greeting);
    let ni = "你".as_bytes(); // e4 bd a0
    client.write_all(&ni[..2]).unwrap();
    let stderr = server.crashed(WAIT);
    assert!(stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("Utf8Error { valid_up_to: 0, error_len: None }"),
        "{stderr}"
    );
    // Its last line is the greeting: the half character never made it to a print.
    assert_eq!(server.stdout_lines().last().unwrap(), "收到: 你好,服务器!");
}

/// A long message in one write, 342 characters of 3 bytes: recv(1024) stops inside the 342nd.
#[test]
fn seed_server_crashes_on_a_message_longer_than_its_read() {
    let (mut server, addr) = seed_server();
    let mut client = connect_nodelay(addr);
    client.write_all("你".repeat(342).as_bytes()).unwrap();
    let stderr = server.crashed(WAIT);
    assert!(stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("Utf8Error"), "{stderr}");
}

/// The threaded rung echoes bytes, not decoded text: a split character and a long message come
/// back whole, and the server goes on serving.
#[test]
fn threaded_server_echoes_split_characters_as_bytes() {
    let (mut server, addr) = threaded_server();
    let mut client = connect_nodelay(addr);
    let ni = "你".as_bytes();
    client.write_all(&ni[..2]).unwrap();
    let mut back = [0; 2];
    client.read_exact(&mut back).unwrap();
    assert_eq!(back, ni[..2]);
    assert_eq!(round_trip(&mut client, &ni[2..]), ni[2..]);
    let long = "你".repeat(342);
    assert_eq!(round_trip(&mut client, long.as_bytes()), long.as_bytes());
    assert!(server.wait_exit(Duration::ZERO).is_none(), "still running");
    let mut other = connect_nodelay(addr);
    assert_eq!(round_trip(&mut other, b"still here"), b"still here");
}

/// Sends the greeting, waits until its echo is back without reading it, and closes: with unread
/// data the kernel resets the connection instead of closing it. The document's own client does
/// this when it fails at its undefined `data` (the Python server then dies too, when the echo
/// has arrived before the client ends).
fn reset_after_the_echo(addr: SocketAddr) {
    let client = connect_nodelay(addr);
    (&client).write_all("你好,服务器!".as_bytes()).unwrap();
    let mut first = [0; 1];
    client.peek(&mut first).unwrap();
    drop(client);
}

#[test]
fn seed_server_crashes_when_a_client_resets_the_connection() {
    let (mut server, addr) = seed_server();
    reset_after_the_echo(addr);
    let stderr = server.crashed(WAIT);
    assert!(stderr.contains("kind: ConnectionReset"), "{stderr}");
}

#[test]
fn threaded_server_outlives_a_client_that_resets_the_connection() {
    let (mut server, addr) = threaded_server();
    reset_after_the_echo(addr);
    let mut other = connect_nodelay(addr);
    assert_eq!(round_trip(&mut other, b"still here"), b"still here");
    assert!(server.wait_exit(Duration::ZERO).is_none(), "still running");
}
