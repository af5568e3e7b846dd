//! The driver's tests: a round trip driven against a peer that misbehaves, and `--rate`'s
//! schedule as the driver reads it.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use mio::Poll;

use super::*;
use crate::load::conn::connect_blocking;

#[test]
fn bytes_after_a_connections_last_echo_are_a_mismatch() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap();
    let plan = Plan {
        count: Some(1),
        connections: 1,
        size: 64,
        duration: None,
        reconnect: false,
        timeout: Duration::from_secs(5),
        rate: None,
        warmup: Duration::ZERO,
        interval: None,
        idle: 0,
    };
    let payload = payload(plan.size);
    let poll = Poll::new().unwrap();
    let mut conn = connect_blocking(server, plan.timeout).unwrap();
    let (mut peer, _) = listener.accept().unwrap();
    let mut driver = Driver::new(&plan, server, &payload, Duration::ZERO, 1);
    assert!(driver.begin(&mut conn, 0, Instant::now()));
    // Sends the round trip; nothing has come back yet.
    let mut buf = vec![0u8; plan.size];
    assert_eq!(
        driver
            .advance(&mut conn, 0, &mut buf, &poll, false)
            .unwrap(),
        Next::Going
    );

    // The echo and 5 bytes more, all there before the client reads: its buffer holds the
    // echo and no more, so the read that completes the round trip leaves the 5 waiting.
    let mut reply = vec![0u8; plan.size];
    peer.read_exact(&mut reply).unwrap();
    reply.extend_from_slice(b"extra");
    peer.write_all(&reply).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut peek = [0u8; 128];
    while conn.stream.peek(&mut peek).unwrap_or(0) < reply.len() {
        assert!(Instant::now() < deadline, "the reply did not arrive");
        std::thread::yield_now();
    }

    let e = driver
        .advance(&mut conn, 0, &mut buf, &poll, false)
        .unwrap_err();
    assert_eq!(e.to_string(), "the server sent 5 bytes more than the echo");
    assert_eq!(driver.report.mismatches, 1);
    assert_eq!(driver.report.round_trips, 0);
}

#[test]
fn the_schedule_spreads_slots_evenly_and_counts_after_the_warmup() {
    let plan = Plan {
        count: Some(10),
        connections: 4,
        size: 64,
        duration: None,
        reconnect: false,
        timeout: Duration::from_secs(5),
        rate: Some(1000.0),
        warmup: Duration::from_millis(5),
        interval: None,
        idle: 0,
    };
    let server = "127.0.0.1:1".parse().unwrap();
    let payload = payload(plan.size);
    let driver = Driver::new(&plan, server, &payload, Duration::ZERO, 4);
    let ms = |n: u64| driver.start + Duration::from_millis(n);
    // Slot k at k ms; the 5 of the warmup, then the 10 counted; none after.
    assert_eq!(driver.due(0), Some(ms(0)));
    assert_eq!(driver.due(7), Some(ms(7)));
    assert_eq!(driver.due(14), Some(ms(14)));
    assert_eq!(driver.due(15), None);
    assert_eq!(warm_slots(plan.warmup, 1000.0), 5);
    // A duration ends the schedule too: slots due at or after its end are not sent.
    let plan = Plan {
        count: None,
        duration: Some(Duration::from_millis(3)),
        ..plan
    };
    let driver = Driver::new(&plan, server, &payload, Duration::ZERO, 4);
    // Warmup 5 ms, then 3 ms: slots 0 to 7.
    assert!(driver.due(7).is_some());
    assert_eq!(driver.due(8), None);
}
