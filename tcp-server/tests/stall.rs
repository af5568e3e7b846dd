//! A stall as long as the idle timeout (the server stopped, the machine suspended) must not close
//! busy connections as idle: their pending reads are served before a sweep judges them (issue
//! 21), and what a turn that the stop cut in two read after it counts as read after it.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]
#![cfg(unix)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use support::{connect, start, take_turns, WAIT};

#[test]
fn clients_that_kept_sending_through_a_stall_are_not_closed_as_idle() {
    let _turn = take_turns();
    let server = start(&["--idle-timeout", "3"]);
    let mut clients: Vec<TcpStream> = (0..20).map(|_| connect(server.addr)).collect();
    server.signal("STOP");
    // Only once every thread has stopped does the stall begin: a thread still running could
    // read the first bytes sent, time them before the stall and read the rest after it.
    assert!(
        testkit::wait_stopped(server.pid(), WAIT),
        "the server did not stop"
    );
    // Twice the idle timeout, the clients sending all along.
    let stopped = Instant::now();
    let mut sent = 0;
    while stopped.elapsed() < Duration::from_secs(6) {
        for c in &mut clients {
            c.write_all(b"x").unwrap();
        }
        sent += 1;
        thread::sleep(Duration::from_millis(200));
    }
    server.signal("CONT");
    let mut buf = vec![0u8; sent];
    for c in &mut clients {
        c.read_exact(&mut buf)
            .unwrap_or_else(|e| panic!("a busy client lost its echo: {e}\n{}", server.stderr()));
    }
    assert!(!server.stderr().contains("idle for"), "{}", server.stderr());
}

#[test]
fn a_stop_in_the_middle_of_a_turn_does_not_age_what_that_turn_read() {
    let _turn = take_turns();
    let server = start(&["--idle-timeout", "3"]);
    // Clients that keep the server busy, so that the stop likely lands inside a turn: after its
    // clock read, before some of its reads. Each sends 64 KiB and reads the echo, until `quiet`.
    let quiet = Arc::new(AtomicBool::new(false));
    let exchanges = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..20)
        .map(|_| {
            let mut c = connect(server.addr);
            let (quiet, exchanges) = (Arc::clone(&quiet), Arc::clone(&exchanges));
            thread::spawn(move || {
                let mut block = vec![b'b'; 64 * 1024];
                while !quiet.load(Ordering::Relaxed) {
                    c.write_all(&block).unwrap();
                    c.read_exact(&mut block).unwrap();
                    exchanges.fetch_add(1, Ordering::Relaxed);
                }
                c // open, and quiet from now on
            })
        })
        .collect();
    let began = Instant::now();
    while exchanges.load(Ordering::Relaxed) < 200 {
        assert!(
            began.elapsed() < WAIT,
            "the clients' exchanges did not flow"
        );
        thread::yield_now();
    }
    // No waiting for every thread to stop, on purpose: one may stop in the middle of a turn.
    server.signal("STOP");
    thread::sleep(Duration::from_secs(4)); // the stop under test: longer than the idle timeout
    quiet.store(true, Ordering::Relaxed);
    server.signal("CONT");
    // Each client finishes the exchange it was in, after the stop, and goes quiet.
    let open: Vec<TcpStream> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let last_sent = Instant::now();
    // A sweep comes every 0.75 s; two of them pass well within the idle timeout of 3 s.
    thread::sleep(Duration::from_millis(1600));
    assert!(
        last_sent.elapsed() < Duration::from_millis(2900),
        "this test was held up too long to judge"
    );
    assert!(!server.stderr().contains("idle for"), "{}", server.stderr());
    drop(open);
}
