//! What tcp-server says while it serves: what it received, whatever RUST_LOG names, a log
//! kept readable under load and never waited for, and the `--explain` narration of each step.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::process::Command;
use std::thread;

use support::{connect, start, BIN, WAIT};
use testkit::{round_trip, Server};

#[test]
fn rust_log_naming_the_server_alone_still_shows_what_it_receives() {
    // RUST_LOG=tcp_server=info turns off every other module's log, the shared library's too:
    // the lines about reads must follow the server's own filter.
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", "0"]).env("RUST_LOG", "tcp_server=info");
    let server = Server::start_command(cmd);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"filtered"), b"filtered");
    drop(s);
    assert!(
        server.wait_for_log("received \"filtered\"", WAIT),
        "{}",
        server.stderr()
    );
}

/// Four clients, `rounds` round trips each, every echo checked.
fn four_clients(addr: SocketAddr, rounds: usize) {
    let clients: Vec<_> = (0..4)
        .map(|i| {
            thread::spawn(move || {
                let mut s = connect(addr);
                for round in 0..rounds {
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
fn a_log_nobody_reads_never_stops_the_serving() {
    // At debug level every read is logged: 5,000 round trips write far more than the 64 KiB a
    // pipe holds. Writing the log must not wait for a reader that never comes.
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", "0"]).env("RUST_LOG", "debug");
    let server = Server::start_with_unread_stderr(cmd);
    four_clients(server.addr, 1250);
}

#[test]
fn at_the_default_level_frequent_lines_are_summed_up_not_each_shown() {
    let server = start(&[]);
    four_clients(server.addr, 500);
    assert!(
        server.wait_for_log("not shown, to keep the log readable", WAIT),
        "no summary line; log:\n{}",
        server.stderr()
    );
    let received = server.stderr().matches(": received ").count();
    assert!(
        received < 500,
        "{received} received lines for 2,000 reads: the log is not limited"
    );
    assert!(server.stderr().contains("RUST_LOG=debug shows every one"));
}

#[test]
fn explain_narrates_each_step_in_order_on_stderr_only() {
    let server = start(&["--explain"]);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, "你好".as_bytes()), "你好".as_bytes());
    drop(s);
    assert!(
        server.wait_for_log("[step 6 close]", WAIT),
        "{}",
        server.stderr()
    );
    testkit::assert_in_order(
        &server.stderr(),
        &[
            "[step 1 socket] created a socket: IPv4 (AF_INET) + stream (SOCK_STREAM) = TCP",
            &format!("[step 2 bind] bound to {}, a loopback address", server.addr),
            "[step 3 listen] listening",
            "[step 4 accept] accepted 127.0.0.1:",
            "[step 5 exchange] received 6 bytes from 127.0.0.1:",
            "[step 6 close] closing the socket for 127.0.0.1:",
            "after echoing 6 bytes: the client closed its side",
        ],
    );
    assert!(server.more_stdout().is_empty(), "narration reached stdout");
}
