//! tcp-client's load mode (`--count`, `--duration`, `-c`) checking every round trip: its report
//! against a correct echo server, and the failures it counts against faulty ones (an altered
//! echo, a silent server, a trickle, bytes beyond the echo). Its tool features are in load.rs
//! and load_rate.rs.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use support::{client, echo, serve, silent, timed_client, trickle, BIN, WAIT};
use testkit::run;

mod support;

#[test]
fn load_mode_checks_and_reports_every_round_trip() {
    let addr = serve(echo);
    let out = client(addr, &["--count", "50", "-c", "4", "--size", "100"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout
            .starts_with("round trips:  50 of 100 bytes over 4 connections\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nerrors:       0\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("every reply matched byte for byte"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("latency µs:   min "), "{}", out.stdout);
}

#[test]
fn load_mode_round_trips_larger_than_the_socket_buffers() {
    let addr = serve(echo);
    let out = client(addr, &["-n", "3", "-c", "2", "-s", "8000000"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stdout.contains("every reply matched"), "{}", out.stdout);
}

#[test]
fn load_mode_with_a_new_connection_each_time() {
    let addr = serve(echo);
    let out = client(addr, &["-n", "40", "-c", "3", "--reconnect"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout
            .contains("round trips:  40 of 64 bytes over 3 connections, a new connection for each"),
        "{}",
        out.stdout
    );
}

#[test]
fn load_mode_fails_on_an_altered_echo() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            buf[0] = buf[0].wrapping_add(1);
            if s.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let out = client(addr, &["-n", "10"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.contains("replies differed"), "{}", out.stdout);
    assert!(
        out.stderr.contains("error: 1 of 1 round trips failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn load_options_need_load_mode() {
    let mut cmd = Command::new(BIN);
    cmd.args(["--connections", "5"]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(2), "{out:?}");
}

#[test]
fn load_mode_stops_at_the_duration() {
    let addr = serve(echo);
    let started = Instant::now();
    let out = client(addr, &["--duration", "0.5", "--count", "100000000"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(out.stdout.contains("every reply matched"), "{}", out.stdout);
}

#[test]
fn load_mode_gives_up_on_a_silent_server_after_the_timeout() {
    let addr = serve(silent);
    let started = Instant::now();
    let out = client(addr, &["-n", "5", "--timeout", "0.5"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("no reply from"), "{}", out.stderr);
    assert!(out.stdout.contains("errors:       1"), "{}", out.stdout);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn load_mode_times_out_a_round_trip_that_trickles() {
    // Five bytes, one every 1.5 s: the echo would take 7.5 s, each read far less than 2 s.
    let addr = serve(trickle);
    let (out, elapsed) = timed_client(
        addr,
        &["-n", "1", "-s", "5", "--timeout", "2"],
        "load mode, a round trip trickled a byte every 1.5 s, --timeout 2, failed after",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("no reply from"), "{}", out.stderr);
    assert!(out.stdout.contains("errors:       1"), "{}", out.stdout);
    // The timeout is checked once a second: it fails between 2 and 3 s into the round trip.
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_millis(4500),
        "{elapsed:?}"
    );
}

#[test]
fn load_mode_counts_bytes_beyond_an_echo_as_a_mismatch() {
    // Each echo is followed, in a write of its own, by five bytes more.
    let addr = serve(|mut s| {
        s.set_nodelay(true).unwrap();
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 || s.write_all(&buf[..n]).is_err() || s.write_all(b"extra").is_err() {
                break;
            }
        }
    });
    let out = client(addr, &["-n", "5"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stdout.contains("1 replies differed from what was sent"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("round trips failed"), "{}", out.stderr);
}
