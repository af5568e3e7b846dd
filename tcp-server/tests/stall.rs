//! A stall as long as the idle timeout (the server stopped, the machine suspended) must not close
//! busy connections as idle: their pending reads are served before a sweep judges them. Issue 21.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]
#![cfg(unix)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
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
