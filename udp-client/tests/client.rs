//! udp-client against UDP servers written inside the test (see servers/mod.rs): one that
//! answers, one that drops a datagram, one that never answers, one that answers from another
//! address, and none at all; with its narration. Late replies and replies that are not the
//! answer: client_late.rs; ping mode's counts: ping_counts.rs.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::UdpSocket;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use common::text::uppercase;
use servers::{nobody, serve, serve_on, upper};
use support::{client, BIN, WAIT};
use testkit::run;

mod servers;
mod support;

#[test]
fn messages_as_arguments_get_one_reply_line_each() {
    let addr = serve(upper);
    let out = client(addr, &["hello", "straße"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "Received from server: HELLO\nReceived from server: STRASSE\n"
    );
}

#[test]
fn piped_lines_until_quit_without_a_prompt() {
    let addr = serve(upper);
    let out = client(addr, &[], b"one\ntwo\r\n  quit \nthree\n");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "Received from server: ONE\nReceived from server: TWO\n"
    );
}

#[test]
fn a_lost_datagram_is_sent_again() {
    let addr = serve(|n, data, _| (n > 0).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(addr, &["--timeout", "0.3", "retry me"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "Received from server: RETRY ME\n");
    assert!(
        out.stderr.contains("sending again (try 2 of 3)"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_system_binds_the_socket_implicitly_inside_connect() {
    // This server answers with the address the datagram came from.
    let addr = serve(|_, _, from| Some((Duration::ZERO, from.to_string().into_bytes())));
    let out = client(addr, &["--explain", "who am I?"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    let from = out
        .stdout
        .strip_prefix("Received from server: ")
        .and_then(|s| s.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let port = from.rsplit(':').next().unwrap();
    testkit::assert_in_order(
        &out.stderr,
        &[
            "[step 1 socket] created a socket: IPv4 (AF_INET) + datagram (SOCK_DGRAM) = UDP; it \
             has no address or port yet\n",
            &format!("[step 2 connect] connect() bound the socket to {from} first:"),
            "never calls bind(), so the system binds the socket implicitly when it is first used",
            &format!("to an ephemeral port it picks, {port},"),
            &format!("[step 2 connect] set {addr} as the peer"),
            "[step 3 send]",
        ],
    );
}

#[test]
fn a_silent_server_ends_in_an_error_within_timeout_times_tries() {
    let addr = serve(|_, _, _| None);
    let started = Instant::now();
    let out = client(addr, &["--timeout", "0.3", "--retries", "2", "hello?"], b"");
    let took = started.elapsed();
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains(&format!(
            "error: no reply from {addr} after 3 tries of 300ms each"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "hint: the datagram or its reply may have been lost, or the server chose not to answer"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("udp-server is running"),
        "a connected socket already reports a missing server: {}",
        out.stderr
    );
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[test]
fn no_server_is_reported_at_once_as_the_icmp_port_unreachable_it_is() {
    let addr = nobody();
    let started = Instant::now();
    let out = client(addr, &["--timeout", "10", "anyone?"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: nothing is listening on {addr}: the system there answered our datagram with \
             an ICMP port-unreachable message, which came back to this socket on its next \
             receive, as \"connection refused\"\n\
             hint: start the server with `cargo run -p udp-server -- --port {port}`; we hear of \
             that ICMP message only because our socket is connected: the document's \
             unconnected client is never told, and waits in recvfrom() for ever\n",
            port = addr.port()
        )
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited for the timeout"
    );
}

#[test]
fn the_interactive_loop_goes_on_after_a_lost_reply_and_the_run_fails_at_the_end() {
    let addr = serve(|n, data, _| (n != 0).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(
        addr,
        &["--timeout", "0.2", "--retries", "0"],
        b"lost\nfound\n",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "Received from server: FOUND\n");
    assert!(
        out.stderr.contains("after 1 try of 200ms"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .ends_with("error: 1 of 2 messages got no answer\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn piped_lines_that_all_got_no_answer_exit_1() {
    let addr = serve(|_, _, _| None);
    let out = client(addr, &["--timeout", "0.1", "--retries", "0"], b"one\ntwo\n");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .ends_with("error: 2 of 2 messages got no answer\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn message_arguments_go_on_after_a_lost_one_and_the_run_fails_at_the_end() {
    // The second datagram is lost; with no retry, the second message gets no answer.
    let addr = serve(|n, data, _| (n != 1).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(
        addr,
        &["--retries", "0", "--timeout", "0.3", "a", "b", "c"],
        b"",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stdout,
        "Received from server: A\nReceived from server: C\n"
    );
    assert_eq!(
        out.stderr,
        format!(
            "error: no reply from {addr} after 1 try of 300ms each\n\
             hint: the datagram or its reply may have been lost, or the server chose not to \
             answer (a rate limit, or a reply too large for a datagram); UDP says nothing either \
             way\n\
             error: 1 of 3 messages got no answer\n"
        )
    );
}

#[test]
fn a_message_too_long_for_a_datagram_is_refused_and_nothing_sent() {
    // This server answers: had `ok` been sent, its reply would be on stdout.
    let addr = serve(upper);
    let long = "x".repeat(65_508);
    let out = client(addr, &["ok", &long], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("65508 bytes"), "{}", out.stderr);
    assert!(out.stderr.contains("(65507, over IPv4)"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
}

#[test]
fn over_ipv6_a_message_may_be_20_bytes_longer() {
    let addr = serve_on("[::1]:0", upper);
    let most = "x".repeat(65_527);
    let out = client(addr, &["--host", "::1", &most], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        format!("Received from server: {}\n", most.to_uppercase())
    );
    let over = "x".repeat(65_528);
    let out = client(addr, &["--host", "::1", &over], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("(65527, over IPv6)"), "{}", out.stderr);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--port", "70000"][..],
        &["--timeout", "never"],
        &["--retries", "-1"],
        &["--what"],
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        let out = run(cmd, b"", WAIT);
        assert_eq!(out.code(), Some(2), "{args:?}: {out:?}");
    }
}

#[test]
fn replies_from_another_address_are_ignored() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    thread::spawn(move || {
        let impostor = UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match socket.recv_from(&mut buf) {
                // The right answer, but from another port than the one the client sent to.
                Ok((n, from)) => {
                    let _ = impostor.send_to(&uppercase(&buf[..n]), from);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    });
    let out = client(addr, &["--timeout", "0.2", "--retries", "1", "hello"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .contains(&format!("no reply from {addr} after 2 tries")),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_narrates_each_step_in_order_and_leaves_stdout_alone() {
    // The first datagram is lost, so the narration shows a timeout and a second try.
    let addr = serve(|n, data, _| (n > 0).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(addr, &["--explain", "--timeout", "0.2", "hey"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "Received from server: HEY\n");
    testkit::assert_in_order(
        &out.stderr,
        &[
            "[step 1 socket] created a socket: IPv4 (AF_INET) + datagram (SOCK_DGRAM) = UDP",
            &format!("[step 2 connect] set {addr} as the peer: no packet was sent"),
            &format!("[step 3 send] sent a 3-byte datagram to {addr} (try 1 of 3)"),
            "[step 4 receive] nothing came within 200ms",
            "[step 3 send] sent a 3-byte datagram",
            "(try 2 of 3)",
            &format!("[step 4 receive] received a 3-byte datagram from {addr}"),
        ],
    );
}

/// The hints under an ICMP port unreachable, in MESSAGE mode and ping mode, give the command that
/// starts the server on that port, the port where the command takes it: after `--` under `cargo
/// run` (which sets CARGO for the program it runs), straight after the name when installed.
#[test]
fn the_start_hints_put_the_port_where_the_command_takes_it() {
    let addr = nobody();
    let port = addr.port();
    for (cargo, start) in [
        (true, format!("cargo run -p udp-server -- --port {port}")),
        (false, format!("udp-server --port {port}")),
    ] {
        for args in [&["hello"][..], &["-c", "1", "-W", "0.5"]] {
            let mut cmd = Command::new(BIN);
            cmd.args(["--port", &port.to_string()]).args(args);
            if cargo {
                cmd.env("CARGO", env!("CARGO"));
            } else {
                cmd.env_remove("CARGO");
            }
            let out = run(cmd, b"", WAIT);
            assert_eq!(out.code(), Some(1), "{out:?}");
            assert!(
                out.stderr
                    .contains(&format!("start the server with `{start}`")),
                "{args:?}: {}",
                out.stderr
            );
        }
    }
}
