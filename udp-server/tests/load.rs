//! udp-server under load and at rest: floods, the per-source rate limit, the log's summary of
//! what it did not show, the summary when it stops, and the CPU it uses when nothing comes.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;

mod support;
use support::{ask, socket_to, start, start_with, WAIT};

/// Stops the server with SIGTERM and returns the numbers of its summary line: answered, dropped,
/// and rate-limited when there is a limit.
fn stop_for_summary(server: &mut Server) -> Vec<u64> {
    server.signal("TERM");
    let exit = server.wait_exit(WAIT).expect("the server exits");
    assert_eq!(exit.code(), Some(0));
    assert!(
        server.wait_for_log("stopped: answered ", WAIT),
        "{}",
        server.stderr()
    );
    let log = server.stderr();
    let summary = log
        .lines()
        .find(|l| l.contains("stopped: answered "))
        .unwrap();
    let after = &summary[summary.find("stopped: ").unwrap()..];
    after
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect()
}

#[test]
fn a_flood_from_many_sockets_never_stops_it_and_sigterm_ends_with_a_summary() {
    let mut server = start();
    let addr = server.addr;
    // Twenty sockets each send 500 datagrams as fast as they can, reading nothing: the server's
    // queue overflows and the kernel drops some, which is what UDP is allowed to do.
    let floods: Vec<_> = (0..20)
        .map(|i| {
            thread::spawn(move || {
                let s = UdpSocket::bind("127.0.0.1:0").unwrap();
                for n in 0..500 {
                    let _ = s.send_to(format!("flood {i} {n}").as_bytes(), addr);
                }
            })
        })
        .collect();
    for f in floods {
        f.join().unwrap();
    }
    // Still answering.
    let s = socket_to(addr);
    assert_eq!(ask(&s, b"after the flood"), b"AFTER THE FLOOD");
    // One it cannot answer: its uppercase does not fit in a datagram.
    s.send("ΐ".repeat(30_000).as_bytes()).unwrap();
    assert!(server.wait_for_log("more than a datagram holds", WAIT));
    // On loopback there is no rate limit by default: the summary has no rate-limited count.
    let numbers = stop_for_summary(&mut server);
    let [answered, dropped] = numbers[..] else {
        panic!("{numbers:?}: {}", server.stderr())
    };
    assert!((1..=10_001).contains(&answered), "{numbers:?}");
    assert_eq!(dropped, 1, "{numbers:?}");
}

#[test]
fn a_flooding_source_is_rate_limited_while_another_is_still_answered() {
    const RATE: u64 = 20;
    let mut server = start_with(&["--rate-limit", "20"]);
    let addr = server.addr;
    let flooder = socket_to(addr);
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    // 2,000 datagrams a second from 127.0.0.1, a hundred times the limit, for at least a second
    // and until the other source is done. Paced in bursts, so that the server's queue does not
    // overflow and lose the other source's datagrams: what is tested is the limit, not the kernel.
    let flood = {
        let flooder = flooder.try_clone().unwrap();
        let done = Arc::clone(&done);
        thread::spawn(move || {
            let started = Instant::now();
            let mut sent = 0u64;
            while started.elapsed() < Duration::from_secs(1)
                || (!done.load(Ordering::SeqCst) && started.elapsed() < WAIT)
            {
                for _ in 0..20 {
                    flooder.send(b"flood").unwrap();
                    sent += 1;
                }
                thread::sleep(Duration::from_millis(10));
            }
            sent
        })
    };
    // Once limiting has begun, a second source (Linux routes all of 127/8 to loopback) asks
    // three times, each answered.
    assert!(
        server.wait_for_log("rate-limiting 127.0.0.1:", WAIT),
        "{}",
        server.stderr()
    );
    let other = UdpSocket::bind("127.0.0.2:0").unwrap();
    other.connect(addr).unwrap();
    other.set_read_timeout(Some(WAIT)).unwrap();
    for i in 0..3 {
        let msg = format!("still there? {i}");
        assert_eq!(ask(&other, msg.as_bytes()), msg.to_uppercase().as_bytes());
        thread::sleep(Duration::from_millis(100));
    }
    done.store(true, Ordering::SeqCst);
    let sent = flood.join().unwrap();
    // The flooder's replies, until a moment after its last datagram.
    flooder
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut replies = 0u64;
    let mut buf = [0u8; 16];
    loop {
        match flooder.recv(&mut buf) {
            Ok(_) => replies += 1,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let most = (RATE as f64 * seconds) as u64 + RATE;
    eprintln!("flood: {sent} sent in {seconds:.2} s, {replies} answered (at most {most})");
    assert!(
        replies > 0 && replies <= most,
        "{replies} replies to {sent} datagrams in {seconds:.2} s"
    );
    // One warning line for the flooder, however many datagrams went unanswered; none for the
    // other source.
    let log = server.stderr();
    assert_eq!(log.matches("rate-limiting 127.0.0.1:").count(), 1, "{log}");
    assert!(!log.contains("rate-limiting 127.0.0.2"), "{log}");
    let numbers = stop_for_summary(&mut server);
    let [answered, dropped, limited] = numbers[..] else {
        panic!("{numbers:?}: {}", server.stderr())
    };
    eprintln!("summary: answered {answered}, dropped {dropped}, rate-limited {limited}");
    assert_eq!(dropped, 0, "{numbers:?}");
    assert!(answered >= replies + 3, "{numbers:?}");
    assert!(limited > 0 && answered + limited <= sent + 3, "{numbers:?}");
}

#[test]
fn at_the_default_level_a_flood_of_datagrams_is_summed_up_not_each_logged() {
    let server = start();
    let s = socket_to(server.addr);
    for i in 0..300 {
        assert_eq!(
            ask(&s, format!("m{i}").as_bytes()),
            format!("M{i}").into_bytes()
        );
    }
    assert!(
        server.wait_for_log("not shown, to keep the log readable", WAIT),
        "no summary line; log:\n{}",
        server.stderr()
    );
    let shown = server.stderr().matches("received \"m").count();
    assert!(shown < 300, "{shown} received lines for 300 datagrams");
    assert!(server.stderr().contains("RUST_LOG=debug shows every one"));
}

#[test]
fn a_server_without_traffic_costs_almost_no_cpu() {
    let server = start();
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"then quiet"), b"THEN QUIET");
    // Three quiet seconds (the quiet is what is measured): the spin after a datagram ends, and
    // each thread wakes only to look for Ctrl-C, five times a second.
    let before = testkit::cpu_time(server.pid());
    thread::sleep(Duration::from_secs(3));
    let used = testkit::cpu_time(server.pid()) - before;
    assert!(
        used <= Duration::from_millis(6),
        "{used:?} of CPU in 3 quiet seconds"
    );
}
