//! Ping mode measured and reported as ping does it: each round trip timed from before its send,
//! and the header and summary in iputils ping's words, as ping parsers read them. Real sockets
//! on 127.0.0.1, against a UDP server written inside the test (see servers/mod.rs).

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use servers::serve;
use servers::upper;
use support::client;

mod servers;
mod support;

/// With `-i 0` each datagram goes as soon as the last is answered: the round trips follow one
/// another, so together they fill nearly the whole run, all but the client's own work between a
/// reply and the next send. Timed from after each send, they left out the send's system call too
/// (a release build showed `rtt avg 0.003 ms` for 10 µs trips). In this debug build, on a 2-CPU
/// VM: 83-85% of the run timed from before the send, 67-68% from after it; 64-byte datagrams
/// gave 73% and 60%. Ten-byte datagrams keep the client's own work (building and checking
/// each datagram, unoptimised) small.
#[test]
fn back_to_back_round_trips_fill_the_run() {
    let addr = serve(upper);
    let out = client(addr, &["-i", "0", "-w", "1", "-s", "10", "--json"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let elapsed_us = doc["totals"]["elapsed_s"].as_f64().unwrap() * 1e6;
    let count = doc["latency"]["count"].as_f64().unwrap();
    let mean_us = doc["latency"]["avg_us"].as_f64().unwrap();
    assert!(count >= 10.0, "{count} round trips in a second");
    let share = mean_us * count / elapsed_us;
    assert!(
        (0.75..=1.01).contains(&share),
        "{count} round trips of {mean_us:.3} µs on average fill {:.1}% of the {:.0} µs run",
        share * 100.0,
        elapsed_us
    );
}
