//! One client never holds up another: not one that sends without reading, nor one that streams
//! as fast as it can on the server's only thread.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use support::{connect, start, stream_flat_out, take_turns};
use testkit::round_trip;

#[test]
fn a_client_that_never_reads_does_not_slow_another() {
    let _turn = take_turns();
    let server = start(&[]);
    let hog = connect(server.addr);
    hog.set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut writer = hog.try_clone().unwrap();
    // Writes until the buffers on both sides are full and the server stops reading from it.
    let flood = thread::spawn(move || {
        let block = vec![b'x'; 64 * 1024];
        let mut sent = 0usize;
        while sent < 256 << 20 {
            match writer.write(&block) {
                Ok(n) => sent += n,
                Err(_) => break,
            }
        }
        sent
    });
    let sent = flood.join().unwrap();
    assert!(
        sent < 256 << 20,
        "the server read everything without being read from"
    );
    // Meanwhile another client is served as usual.
    let mut other = connect(server.addr);
    for i in 0..100 {
        let msg = format!("ping {i}").into_bytes();
        assert_eq!(round_trip(&mut other, &msg), msg);
    }
    drop(hog);
}

#[test]
fn one_thread_serves_a_small_client_promptly_beside_a_flat_out_stream() {
    let _turn = take_turns();
    let server = start(&["--threads", "1"]);
    let stop = Arc::new(AtomicBool::new(false));
    let stream = stream_flat_out(server.addr, Arc::clone(&stop));
    let mut small = connect(server.addr);
    let mut times: Vec<Duration> = (0..200)
        .map(|i| {
            let msg = format!("{i:064}").into_bytes();
            let start = Instant::now();
            assert_eq!(round_trip(&mut small, &msg), msg);
            start.elapsed()
        })
        .collect();
    stop.store(true, Ordering::Relaxed);
    let echoed = stream.join().unwrap();
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    // Before the per-turn share, one stream kept its thread for as long as it streamed
    // (~45 s for 4 GiB). Not a speed target (the benchmark has those): a bound 50 times what a
    // loaded 2-CPU test machine was seen to take (20.7 ms), far under the starvation it guards.
    assert!(p99 <= Duration::from_secs(1), "p99 {p99:?}: {times:?}");
    assert!(
        echoed > 1 << 20,
        "the stream itself barely moved: {echoed} bytes"
    );
}
