//! tcp-client against faulty servers written inside the test: one that closes early, alters
//! bytes, never answers, answers too slowly, sends more than the echo, or resets the connection.
//! Each fault is named in the error, and the exit code is 1.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::{client, echo, serve, silent, timed_client, trickle};

mod support;

/// Echoes the first message with ` and more` after it, in the same write, then echoes correctly
/// until the client's end of stream.
fn echo_and_more(mut s: TcpStream) {
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap();
    let mut reply = buf[..n].to_vec();
    reply.extend_from_slice(b" and more");
    s.write_all(&reply).unwrap();
    echo(s);
}

#[test]
fn a_server_that_closes_early_is_reported() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..n / 2]).unwrap();
    });
    let out = client(addr, &["0123456789"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!("error: {addr} closed the connection after 5 of 10 bytes of the reply\n")
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_server_that_alters_bytes_is_reported() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        buf[3] ^= 0x20;
        s.write_all(&buf[..n]).unwrap();
    });
    let out = client(addr, &["abcdef"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("differs from what was sent, at byte 3"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_silent_server_times_out() {
    let addr = serve(silent);
    let started = Instant::now();
    let out = client(addr, &["--timeout", "0.5", "hello"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("no reply from"), "{}", out.stderr);
    assert!(out.stderr.contains("after 0 of 5 bytes"), "{}", out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_timeout_bounds_the_whole_reply_not_each_read() {
    let addr = serve(trickle);
    let (out, elapsed) = timed_client(
        addr,
        &["--timeout", "2", "hello"],
        "a reply trickled a byte every 1.5 s, --timeout 2, gave up after",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!("error: after 1 of 5 bytes: no reply from {addr} within 2s\n")
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    // The deadline, not the first read that happened to time out: not before 2 s, well before 3.
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[test]
fn bytes_beyond_the_echo_are_an_error() {
    let addr = serve(echo_and_more);
    let out = client(addr, &["hello"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "from server: hello\n");
    assert_eq!(
        out.stderr,
        format!("error: {addr} sent 9 bytes more than the echo\n")
    );
}

#[test]
fn bytes_beyond_one_echo_make_the_next_reply_differ() {
    let addr = serve(echo_and_more);
    let out = client(addr, &["first", "second"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "from server: first\n");
    // The next reply starts with the extra bytes: it differs from its first byte.
    assert_eq!(
        out.stderr,
        format!("error: the reply from {addr} differs from what was sent, at byte 0\n")
    );
}

#[test]
fn a_reset_in_the_middle_of_a_reply_is_reported() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..n / 2]).unwrap();
        // SO_LINGER 0: close() sends a reset instead of an orderly end.
        socket2::SockRef::from(&s)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    });
    let out = client(addr, &["--timeout", "10", "0123456789"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("reset the connection"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

/// The hint under "connection refused" gives the command that starts the server on the port
/// tried, with the port where that command takes it: after `--` under `cargo run` (which sets
/// CARGO for the program it runs), straight after the name for an installed program.
#[test]
fn the_start_hint_puts_the_port_where_the_command_takes_it() {
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let port = free.port();
    for (cargo, start) in [
        (true, format!("cargo run -p tcp-server -- --port {port}")),
        (false, format!("tcp-server --port {port}")),
    ] {
        let mut cmd = std::process::Command::new(support::BIN);
        cmd.args(["--port", &port.to_string(), "hello"]);
        if cargo {
            cmd.env("CARGO", env!("CARGO"));
        } else {
            cmd.env_remove("CARGO");
        }
        let out = testkit::run(cmd, b"", support::WAIT);
        assert_eq!(out.code(), Some(1), "{out:?}");
        assert!(
            out.stderr.ends_with(&format!(
                "hint: is the server running? Start it with `{start}`\n"
            )),
            "{}",
            out.stderr
        );
    }
}
