//! Stopping tcp-server: Ctrl-C or SIGTERM lets open connections finish for a grace period,
//! then it exits 0 with a summary; a second Ctrl-C exits at once.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use support::{connect, start, stream_flat_out, take_turns, WAIT};
use testkit::{noise, round_trip};

#[test]
fn sigterm_finishes_the_echo_in_flight_then_exits_0_with_a_summary() {
    let _turn = take_turns();
    let mut server = start(&[]);
    let s = connect(server.addr);
    let data = noise(8 << 20, 99);
    // The client writes without reading: the echo backs up in the buffers on both sides.
    let mut writer = s.try_clone().unwrap();
    let sent = data.clone();
    let send = thread::spawn(move || {
        writer.write_all(&sent).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut first = vec![0u8; 1024];
    (&s).read_exact(&mut first).unwrap();
    server.signal("TERM");
    assert!(
        server.wait_for_log("stopping: no new connections", WAIT),
        "{}",
        server.stderr()
    );
    // The rest of the echo still comes, all of it, then the end of the stream.
    let mut rest = Vec::new();
    (&s).read_to_end(&mut rest).unwrap();
    send.join().unwrap();
    first.extend_from_slice(&rest);
    assert!(first == data, "got {} of {} bytes", first.len(), data.len());
    let status = server.wait_exit(WAIT).expect("the server exits");
    assert_eq!(status.code(), Some(0));
    let summary = format!("stopped: served 1 connection, echoed {} bytes", data.len());
    assert!(server.wait_for_log(&summary, WAIT), "{}", server.stderr());
    // And the port is closed.
    assert!(TcpStream::connect_timeout(&server.addr, WAIT).is_err());
}

#[test]
fn sigterm_during_a_flat_out_stream_exits_within_the_grace_period() {
    let _turn = take_turns();
    let mut server = start(&["--threads", "1"]);
    let stop = Arc::new(AtomicBool::new(false));
    let stream = stream_flat_out(server.addr, Arc::clone(&stop));
    // The stream is flowing once its echo is: read a round trip on the side to be sure.
    let mut other = connect(server.addr);
    assert_eq!(round_trip(&mut other, b"hi"), b"hi");
    let signalled = Instant::now();
    server.signal("TERM");
    let status = server.wait_exit(WAIT).expect("the server exits");
    let took = signalled.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = stream.join();
    assert_eq!(status.code(), Some(0));
    // The grace period is 3 s; the stream never finishes by itself, so it is cut then.
    assert!(
        took <= Duration::from_secs(4),
        "exited {took:?} after SIGTERM"
    );
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    let mut server = start(&[]);
    // An open connection would keep a graceful stop waiting for the grace period.
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"hold"), b"hold");
    server.signal("INT");
    assert!(
        server.wait_for_log("stopping: no new connections", WAIT),
        "{}",
        server.stderr()
    );
    let started = std::time::Instant::now();
    server.signal("INT");
    let status = server.wait_exit(WAIT).expect("the server exits");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status.code(), Some(130));
}
