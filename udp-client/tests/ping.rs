//! Ping mode as ping: Ctrl-C prints the summary, a server that goes away is loss and not the
//! end, the interval is in seconds, --deadline and --count as ping's -w and -c, and --json.
//! Real sockets on 127.0.0.1; a test waits on what the client prints or sends, never on a sleep.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use common::text::uppercase;
use serde_json::Value;
use servers::{serve, serve_then_close, upper};
use testkit::{Output, Running};

mod servers;

const BIN: &str = env!("CARGO_BIN_EXE_udp-client");
const WAIT: Duration = Duration::from_secs(20);

fn client(addr: SocketAddr, args: &[&str]) -> Output {
    testkit::client(BIN, addr, args, b"", WAIT)
}

/// A ping run against `addr` in the background, killed if the test ends first.
fn start(addr: SocketAddr, args: &[&str]) -> Running {
    let mut all = vec!["--port".to_owned(), addr.port().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    Running::start(BIN, &all)
}

/// A socket the test itself answers on, to know when the client has sent.
fn own_server() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(WAIT)).unwrap();
    let addr = socket.local_addr().unwrap();
    (socket, addr)
}

/// The seconds the summary's counts line gives: `3 packets transmitted, …, time 401ms, …`.
fn elapsed_in(summary: &str) -> f64 {
    let line = summary
        .lines()
        .find(|l| l.contains(" packets transmitted, "))
        .unwrap_or_else(|| panic!("no counts line in {summary}"));
    let ms = line.split(", time ").nth(1).unwrap().split("ms").next();
    ms.unwrap().parse::<f64>().unwrap() / 1000.0
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{text}"))
}

#[test]
fn ctrl_c_ends_a_run_without_a_count_with_its_summary_and_exit_0() {
    let addr = serve(upper);
    // A minute between datagrams: the run ends within WAIT only if Ctrl-C ends the wait at once.
    let mut run = start(addr, &["--ping", "-i", "60s"]);
    let first = run.wait_for(|l| l.contains(" bytes from "), WAIT);
    assert!(
        first.starts_with(&format!("64 bytes from {addr}: seq=1 time=")),
        "{first}"
    );
    run.signal("INT");
    let done = run.finish(WAIT);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    // The percentiles, then ping's statistics as ping prints them.
    assert!(
        done.rest[0].starts_with("rtt p50/p90/p99/p99.9 = "),
        "{:?}",
        done.rest
    );
    assert_eq!(done.rest[1..3], ["", "--- 127.0.0.1 ping statistics ---"]);
    assert!(
        done.rest[3].starts_with("1 packets transmitted, 1 received, 0% packet loss, time "),
        "{:?}",
        done.rest
    );
    assert!(
        done.rest[4].starts_with("rtt min/avg/max/mdev = "),
        "{:?}",
        done.rest
    );
    assert_eq!(done.rest.len(), 5, "{:?}", done.rest);
    assert!(done.stderr.is_empty(), "{}", done.stderr);
}

#[test]
fn ctrl_c_with_no_reply_prints_the_summary_and_exits_1() {
    let (socket, addr) = own_server();
    let mut run = start(addr, &["--ping", "-W", "10"]);
    // The datagram came: the client is in its wait, Ctrl-C handled.
    let mut buf = [0u8; 100];
    socket.recv_from(&mut buf).unwrap();
    run.signal("INT");
    let done = run.finish(WAIT);
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    assert_eq!(
        done.rest[0],
        format!("PING 127.0.0.1 ({addr}) 64(92) bytes of data.")
    );
    assert_eq!(done.rest[1..3], ["", "--- 127.0.0.1 ping statistics ---"]);
    assert!(
        done.rest[3].starts_with("1 packets transmitted, 0 received, 100% packet loss, time "),
        "{:?}",
        done.rest
    );
    assert_eq!(
        done.rest.len(),
        4,
        "no rtt lines without replies: {:?}",
        done.rest
    );
    assert_eq!(done.stderr, "error: no reply to the 1 datagram sent\n");
}

#[test]
fn ctrl_c_prints_the_json_document_too() {
    let (socket, addr) = own_server();
    // -i 0: the second datagram goes only once the first is answered.
    let mut run = start(addr, &["--json", "-i", "0", "-W", "10"]);
    let mut buf = [0u8; 100];
    let (n, from) = socket.recv_from(&mut buf).unwrap();
    socket.send_to(&uppercase(&buf[..n]), from).unwrap();
    socket.recv_from(&mut buf).unwrap();
    run.signal("INT");
    let done = run.finish(WAIT);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let doc = json(&done.rest.join("\n"));
    assert_eq!(doc["totals"]["stopped_by"], "signal");
    assert_eq!(doc["totals"]["sent"], 2);
    assert_eq!(doc["totals"]["received"], 1);
    assert_eq!(doc["totals"]["lost"], 1);
    assert_eq!(doc["parameters"]["count"], Value::Null);
    assert_eq!(doc["parameters"]["deadline_s"], Value::Null);
    assert_eq!(doc["parameters"]["interval_s"], 0.0);
    assert_eq!(doc["parameters"]["timeout_s"], 10.0);
    assert_eq!(doc["latency"]["count"], 1);
}

#[test]
fn a_server_killed_mid_ping_is_loss_and_the_run_goes_on() {
    // Answers three datagrams, then closes its socket: the rest come back port unreachable.
    let addr = serve_then_close(3);
    let out = client(addr, &["-c", "8", "-i", "0.05", "-W", "0.3"]);
    assert_eq!(out.code(), Some(0), "replies came: {out:?}");
    // After ping's header line.
    let lines: Vec<&str> = out.stdout.lines().skip(1).collect();
    for seq in 1..=3 {
        assert!(
            lines[seq - 1].starts_with(&format!("64 bytes from {addr}: seq={seq} time=")),
            "{}",
            out.stdout
        );
    }
    assert!(
        lines[3].starts_with(&format!(
            "port unreachable from {addr} for seq=4: nothing listens there (ICMP)"
        )),
        "{}",
        out.stdout
    );
    for seq in 4..=8 {
        assert!(
            !out.stdout
                .contains(&format!("bytes from {addr}: seq={seq} ")),
            "{}",
            out.stdout
        );
    }
    // Every datagram after the third was sent and counted as lost, each ICMP as an error.
    let errors = out.stdout.matches("port unreachable from").count();
    assert!((1..=5).contains(&errors), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!(
            "--- 127.0.0.1 ping statistics ---\n8 packets transmitted, 3 received, \
             +{errors} errors, 62.5% packet loss, time "
        )),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn the_interval_is_in_seconds_as_pings_or_with_a_unit() {
    for interval in ["0.2", "200ms"] {
        let addr = serve(upper);
        let out = client(addr, &["-c", "3", "-i", interval]);
        assert_eq!(out.code(), Some(0), "{interval}: {out:?}");
        for seq in 1..=3 {
            assert!(
                out.stdout
                    .contains(&format!("64 bytes from {addr}: seq={seq} time=")),
                "{interval}: {}",
                out.stdout
            );
        }
        assert!(
            out.stdout
                .contains("\n3 packets transmitted, 3 received, 0% packet loss, "),
            "{}",
            out.stdout
        );
        // Three datagrams 0.2 s apart: 0.4 s at least, and not 0.4 ms (or 400 s: WAIT).
        let secs = elapsed_in(&out.stdout);
        assert!(secs >= 0.4, "{interval}: {secs} s\n{}", out.stdout);
        assert!(out.stderr.is_empty(), "{}", out.stderr);
    }
}

#[test]
fn a_bare_interval_of_50_or_more_is_seconds_and_says_so() {
    let addr = serve(upper);
    let out = client(addr, &["-c", "1", "-i", "200", "-q"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stderr,
        "warning: -i 200 waits 200 seconds between datagrams: --interval is in seconds, as \
         ping's -i is (it was milliseconds before); for milliseconds, write -i 200ms\n"
    );
}

#[test]
fn json_is_one_document_with_the_parameters_totals_latency_and_intervals() {
    // The second datagram is lost.
    let addr = serve(|n, data, _| (n != 1).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(
        addr,
        &["-c", "3", "-i", "0", "-W", "0.3", "-s", "32", "--json"],
    );
    assert_eq!(out.code(), Some(0), "{out:?}");
    // Nothing but the document on stdout.
    let doc = json(&out.stdout);
    assert_eq!(doc["program"], "udp-client");
    assert_eq!(doc["mode"], "ping");
    let p = &doc["parameters"];
    assert_eq!(p["host"], "127.0.0.1");
    assert_eq!(p["port"], addr.port());
    assert_eq!(p["server"], addr.to_string());
    assert_eq!(p["count"], 3);
    assert_eq!(p["size"], 32);
    assert_eq!(p["interval_s"], 0.0);
    assert_eq!(p["timeout_s"], 0.3);
    assert_eq!(p["deadline_s"], Value::Null);
    let t = &doc["totals"];
    assert_eq!(t["sent"], 3);
    assert_eq!(t["received"], 2);
    assert_eq!(t["lost"], 1);
    let loss = t["loss_percent"].as_f64().unwrap();
    assert!((loss - 100.0 / 3.0).abs() < 1e-9, "{loss}");
    for zero in ["duplicates", "late", "strays"] {
        assert_eq!(t[zero], 0, "{zero}");
    }
    assert_eq!(t["errors"]["total"], 0);
    assert_eq!(t["errors"]["unreachable"], 0);
    assert_eq!(t["errors"]["other"], 0);
    assert_eq!(t["stopped_by"], "count");
    // The lost datagram was waited for, its timeout long.
    assert!(t["elapsed_s"].as_f64().unwrap() >= 0.3, "{t}");
    let l = &doc["latency"];
    assert_eq!(l["count"], 2);
    let figure = |name: &str| l[name].as_f64().unwrap_or_else(|| panic!("{name}: {l}"));
    assert!(figure("min_us") > 0.0);
    assert!(figure("min_us") <= figure("p50_us") && figure("p50_us") <= figure("max_us"));
    for name in [
        "avg_us",
        "mdev_us",
        "p90_us",
        "p99_us",
        "p99_9_us",
        "p99_99_us",
    ] {
        figure(name);
    }
    let histogram = l["histogram"].as_array().unwrap();
    let counted: u64 = histogram.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, 2);
    assert_eq!(doc["interval_width_s"], 1.0);
    let intervals = doc["intervals"].as_array().unwrap();
    assert!(!intervals.is_empty());
    let sum = |name: &str| -> u64 { intervals.iter().map(|r| r[name].as_u64().unwrap()).sum() };
    assert_eq!((sum("sent"), sum("received"), sum("lost")), (3, 2, 1));
    assert_eq!(intervals[0]["start_s"], 0.0);
    assert!(intervals[0]["min_us"].as_f64().unwrap() > 0.0);
}

#[test]
fn the_deadline_ends_a_run_without_a_count() {
    let addr = serve(upper);
    let out = client(addr, &["-w", "0.5", "-i", "0.1", "--json"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    let t = json(&out.stdout)["totals"].clone();
    assert_eq!(t["stopped_by"], "deadline");
    assert!(t["elapsed_s"].as_f64().unwrap() >= 0.5, "{t}");
    assert!(t["sent"].as_u64().unwrap() >= 2, "{t}");
}

#[test]
fn with_a_deadline_the_count_is_of_replies_as_pings() {
    // The second datagram is lost: a fourth is sent for the third reply.
    let addr = serve(|n, data, _| (n != 1).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(addr, &["-c", "3", "-w", "10", "-i", "0", "-W", "0.2"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout
            .contains("\n4 packets transmitted, 3 received, 25% packet loss, "),
        "{}",
        out.stdout
    );

    // Only the first is answered: fewer replies than the count by the deadline is exit 1.
    let addr = serve(|n, data, _| (n == 0).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(addr, &["-c", "3", "-w", "0.5", "-i", "0.1", "-q"]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        "error: only 1 of the 3 replies --count asks for came within the --deadline of 500ms\n"
    );
}
