//! The adaptive spin (issue 20, common::spin) through a real server: spins that keep running out
//! turn the spin off, and round trips back to back turn it on again. Seen in the server's debug
//! log (`RUST_LOG=common::spin=debug`), never through a timing assertion: the gaps below are
//! hundreds of times the 50 µs spin, and the back-to-back loop ends as soon as the log says it.
//! It needs CPU 0 to itself: with another program busy there, every look's yield lets that
//! program run, so the spin rightly stays off and this test fails (seen once in two runs beside
//! an unpinned busy loop, which the kernel placed on CPU 0 or CPU 1).
#![cfg(target_os = "linux")]
// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Command;
use std::thread;
use std::time::Duration;

use nix::sched::{sched_setaffinity, CpuSet};
use nix::unistd::Pid;
use support::{connect_nodelay, BIN, WAIT};
use testkit::{round_trip, Server};

#[test]
fn the_spin_turns_off_when_spins_run_out_and_on_when_requests_come_back_to_back() {
    // One serving thread, on CPU 0; this test's client on CPU 1, so that the server's spin has
    // a CPU of its own, as the default assumes (one thread a CPU).
    let two_cpus = thread::available_parallelism().map_or(1, |n| n.get()) >= 2;
    let mut cmd = Command::new(if two_cpus { "taskset" } else { BIN });
    if two_cpus {
        cmd.args(["-c", "0", BIN]);
        let mut cpu1 = CpuSet::new();
        cpu1.set(1).unwrap();
        sched_setaffinity(Pid::from_raw(0), &cpu1).unwrap();
    }
    cmd.args(["--port", "0", "--threads", "1"])
        .env("RUST_LOG", "info,common::spin=debug");
    let server = Server::start_command(cmd);
    let mut s = connect_nodelay(server.addr);

    // A request every 20 ms: each spin after a reply runs out, and after a few the spin is off.
    for _ in 0..=common::spin::OFF_AFTER {
        assert_eq!(round_trip(&mut s, b"slow"), b"slow");
        thread::sleep(Duration::from_millis(20));
    }
    assert!(server.wait_for_log("spin off", WAIT), "{}", server.stderr());
    assert!(!server.stderr().contains("spin on"), "{}", server.stderr());
    if !two_cpus {
        eprintln!("one CPU: spinning never pays here, so only its turning off is shown");
        return;
    }
    // Back to back: a probe (every 16 round trips at first) catches the next request, and the
    // spin is on again. Bounded: at most 100,000 round trips.
    let mut rounds = 0;
    while !server.stderr().contains("spin on") && rounds < 1000 {
        for _ in 0..100 {
            assert_eq!(round_trip(&mut s, b"x"), b"x");
        }
        rounds += 1;
    }
    eprintln!("spin on again after {} round trips", rounds * 100);
    assert!(server.stderr().contains("spin on"), "{}", server.stderr());
}
