//! tcp-server's limits: `--max-connections` (a full server refuses a newcomer, or closes its
//! longest-idle connection for it) and `--idle-timeout`.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use support::{connect, start, take_turns, WAIT};
use testkit::{noise, round_trip};

#[test]
fn connections_over_the_cap_are_closed_at_once() {
    let server = start(&["--max-connections", "2"]);
    let mut a = connect(server.addr);
    let mut b = connect(server.addr);
    assert_eq!(round_trip(&mut a, b"a"), b"a");
    assert_eq!(round_trip(&mut b, b"b"), b"b");
    let mut c = connect(server.addr);
    let mut buf = [0u8; 1];
    // Closed by the server: end of stream, or a reset if our byte arrived first.
    let _ = c.write_all(b"c");
    match c.read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the third connection was served: {other:?}"),
    }
    assert!(server.wait_for_log("refusing", WAIT), "{}", server.stderr());
    // A slot frees when a client leaves, and the next client is served.
    drop(a);
    assert!(server.wait_for_log("after echoing 1 bytes", WAIT));
    let mut d = connect(server.addr);
    assert_eq!(round_trip(&mut d, b"d"), b"d");
    assert_eq!(round_trip(&mut b, b"b"), b"b");
}

#[test]
fn a_full_server_closes_its_longest_idle_connection_for_a_newcomer() {
    let _turn = take_turns();
    // Two threads: the newcomer may land on the thread that does not hold the idlest one.
    let mut server = start(&["--max-connections", "4", "--threads", "2"]);
    let held: Vec<TcpStream> = (0..4)
        .map(|i| {
            let mut s = connect(server.addr);
            let msg = format!("holder {i}").into_bytes();
            assert_eq!(round_trip(&mut s, &msg), msg);
            s
        })
        .collect();
    // Nobody has been idle long enough yet: the newcomer is refused, no holder is closed.
    let mut early = connect(server.addr);
    let _ = early.write_all(b"?");
    let mut buf = [0u8; 16];
    assert!(
        matches!(early.read(&mut buf), Ok(0) | Err(_)),
        "served over the cap"
    );
    // Idleness is what this waits for: 2 s without traffic, and a sweep (<= 1 s) to tell it.
    thread::sleep(Duration::from_millis(3200));
    let asked = Instant::now();
    let mut fresh = connect(server.addr);
    assert_eq!(round_trip(&mut fresh, b"let me in"), b"let me in");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );
    assert!(
        server.wait_for_log("the server was full and it had been idle longest", WAIT),
        "{}",
        server.stderr()
    );
    // Exactly one holder was closed to make that room.
    let closed = held
        .iter()
        .filter(|s| {
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            match (&**s).read(&mut buf) {
                Ok(0) => true,
                Ok(n) => panic!("a holder got {n} bytes it never asked for"),
                // Still open: nothing to read, and the wait ran out.
                Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            }
        })
        .count();
    assert_eq!(closed, 1);
    drop((held, fresh, early));
    server.signal("TERM");
    assert_eq!(server.wait_exit(WAIT).and_then(|s| s.code()), Some(0));
    assert!(
        server.wait_for_log("while full, refused 1 and closed 1 idle", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn an_idle_connection_is_closed_and_a_busy_one_is_not() {
    let server = start(&["--idle-timeout", "0.6"]);
    let mut idle = connect(server.addr);
    assert_eq!(round_trip(&mut idle, b"then nothing"), b"then nothing");
    let mut busy = connect(server.addr);
    // Busy: a round trip every 150 ms, for three times the timeout.
    for _ in 0..12 {
        assert_eq!(round_trip(&mut busy, b"still here"), b"still here");
        thread::sleep(Duration::from_millis(150));
    }
    let mut buf = [0u8; 1];
    assert_eq!(idle.read(&mut buf).unwrap(), 0, "the idle one was closed");
    assert!(
        server.wait_for_log("idle for 0.6 s (--idle-timeout)", WAIT),
        "{}",
        server.stderr()
    );
    assert_eq!(round_trip(&mut busy, b"and now"), b"and now");
}

#[test]
fn a_slow_reader_gets_its_whole_echo_despite_a_short_idle_timeout() {
    let _turn = take_turns();
    let server = start(&["--idle-timeout", "0.5"]);
    let s = connect(server.addr);
    let data = noise(8 << 20, 7);
    let mut writer = s.try_clone().unwrap();
    let sent = data.clone();
    let send = thread::spawn(move || writer.write_all(&sent));
    // Reads 256 KiB every 50 ms: 1.6 s in all, three times the idle timeout.
    let mut back = Vec::with_capacity(data.len());
    let mut buf = vec![0u8; 256 << 10];
    while back.len() < data.len() {
        let n = (&s).read(&mut buf).unwrap();
        assert!(n > 0, "closed after {} bytes", back.len());
        back.extend_from_slice(&buf[..n]);
        thread::sleep(Duration::from_millis(50));
    }
    send.join().unwrap().unwrap();
    assert!(back == data);
    // The server may close it as idle once it has handed the kernel the last byte: the kernel
    // still delivers what it holds. Never before that.
    let log = server.stderr();
    if let Some(line) = log.lines().find(|l| l.contains("idle for")) {
        assert!(line.contains("after echoing 8388608 bytes"), "{log}");
    }
}

#[test]
fn idle_holders_over_the_cap_are_refused_then_slots_free_for_new_clients() {
    let server = start(&["--max-connections", "200", "--idle-timeout", "1"]);
    let mut held: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut s = connect(server.addr);
            let msg = format!("holder {i}").into_bytes();
            assert_eq!(round_trip(&mut s, &msg), msg);
            s
        })
        .collect();
    // Over the cap: accepted and closed at once.
    let mut refused = 0;
    for _ in 0..50 {
        let mut extra = connect(server.addr);
        let mut buf = [0u8; 1];
        let _ = extra.write_all(b"?");
        if matches!(extra.read(&mut buf), Ok(0) | Err(_)) {
            refused += 1;
        }
    }
    assert_eq!(refused, 50);
    // The holders go idle and are closed; a new client is then served.
    assert!(
        server.wait_for_log("idle for 1 s", WAIT),
        "{}",
        server.stderr()
    );
    let mut fresh = connect(server.addr);
    assert_eq!(round_trip(&mut fresh, b"my turn"), b"my turn");
    held.clear();
}
