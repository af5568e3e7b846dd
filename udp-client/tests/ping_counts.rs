//! Ping mode's counts against UDP servers written inside the test (see servers/mod.rs): replies
//! and loss, a late reply counted for its own request, replies it cannot count, and a size
//! checked against the server's address family. Ping mode as ping (Ctrl-C, intervals, --json):
//! ping.rs.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use common::text::uppercase;
use servers::{first_late, reverse, serve, upper};
use support::client;
use testkit::Output;

mod servers;
mod support;

#[test]
fn ping_size_is_checked_against_the_servers_family() {
    let addr = serve(upper);
    // Within --size's range, which allows IPv6's larger datagrams, but not over IPv4.
    let out = client(addr, &["-n", "1", "-s", "65508"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("65508 bytes is more than"), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = client(addr, &["-n", "1", "-s", "65528"], b"");
    assert_eq!(out.code(), Some(2), "{out:?}");
}

#[test]
fn ping_mode_counts_replies_and_loss() {
    // The second datagram is lost.
    let addr = serve(|n, data, _| (n != 1).then(|| (Duration::ZERO, uppercase(data))));
    // -n, udp-client's old name for --count, still works.
    let out = client(addr, &["-n", "5", "-i", "0", "--timeout", "0.3"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    // After ping's header line, numbered from 1, as ping numbers them.
    let lines: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert!(
        lines[0].starts_with(&format!("64 bytes from {addr}: seq=1 time=")),
        "{}",
        out.stdout
    );
    assert!(lines[0].ends_with(" ms"), "{}", out.stdout);
    assert!(
        lines[1].starts_with(&format!("no reply from {addr} for seq=2 within 300ms")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "--- 127.0.0.1 ping statistics ---\n5 packets transmitted, 4 received, 20% packet loss"
        ),
        "{}",
        out.stdout
    );
    // The percentiles before ping's statistics, which end with ping's own line.
    assert!(
        out.stdout.contains("\nrtt min/avg/max/mdev = ") && out.stdout.ends_with(" ms\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\nrtt p50/p90/p99/p99.9 = "),
        "{}",
        out.stdout
    );
}

#[test]
fn ping_mode_counts_a_late_reply_for_its_own_request() {
    let addr = serve(first_late);
    let out = client(
        addr,
        &["-n", "3", "-i", "0", "--timeout", "0.5", "-s", "32"],
        b"",
    );
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stdout.contains("no reply from"), "{}", out.stdout);
    assert!(out.stdout.contains("32 bytes from"), "{}", out.stdout);
    let late = out
        .stdout
        .lines()
        .find(|l| l.contains("(late)"))
        .unwrap_or_default();
    assert!(late.contains("seq=1 "), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("3 packets transmitted, 3 received, 0% packet loss"),
        "{}",
        out.stdout
    );
}

/// Ping mode with two datagrams against a server that answers neither as ping mode counts.
fn ping_with_every_datagram_lost(reply: servers::Reply) -> Output {
    let addr = serve(reply);
    let out = client(addr, &["-n", "2", "-i", "0", "--timeout", "0.2", "-q"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stdout.contains("2 packets transmitted, 0 received, "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(", 100% packet loss"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("no reply from"),
        "quiet prints the summary only"
    );
    out
}

#[test]
fn ping_mode_fails_when_every_datagram_is_lost() {
    let out = ping_with_every_datagram_lost(|_, _, _| None);
    assert_eq!(out.stderr, "error: no reply to any of 2 datagrams\n");
    assert!(!out.stdout.contains("strays"), "{}", out.stdout);
}

#[test]
fn ping_mode_says_when_replies_came_that_it_cannot_count() {
    let out = ping_with_every_datagram_lost(reverse);
    assert!(
        out.stdout
            .contains("2 packets transmitted, 0 received, +2 strays, 100% packet loss"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr,
        "error: no reply to any of 2 datagrams\n\
         hint: 2 datagrams came that answer none of them: ping mode counts only an echo or the \
         uppercase of its datagrams, which start with their sequence number, and this server \
         answers with something else\n"
    );
}
