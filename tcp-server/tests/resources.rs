//! What tcp-server costs the machine: memory for clients that send without reading, given back
//! when they read; CPU when nothing happens; wake-ups for a new connection; and it keeps serving
//! when it runs out of file descriptors.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use support::{connect, start, take_turns, BIN, WAIT};
use testkit::{round_trip, Server};

#[test]
fn out_of_file_descriptors_it_keeps_its_clients_and_serves_new_ones_later() {
    // At start the server fits its connection cap under its open-file limit; lowered under it
    // to 64 (or the system's table full, ENFILE), accept() fails with descriptors to spare for
    // nothing: the standard three, epoll and its waker, the listener, about fifty connections.
    let server = Server::start(BIN, &["--port", "0", "--threads", "1"]);
    support::lower_open_files(server.pid(), 64);
    let mut clients: Vec<TcpStream> = Vec::new();
    // More clients than descriptors: the last ones wait in the backlog, unaccepted.
    for _ in 0..80 {
        let mut s = connect(server.addr);
        s.write_all(b"x").unwrap();
        clients.push(s);
    }
    assert!(
        server.wait_for_log("too many open files", WAIT),
        "{}",
        server.stderr()
    );
    // It has not spun: a second of waiting costs it little CPU.
    let cpu = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.pid())).unwrap();
        let fields: Vec<u64> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|f| f.parse().unwrap())
            .collect();
        fields[0] + fields[1]
    };
    let before = cpu();
    thread::sleep(Duration::from_secs(1));
    let ticks = cpu() - before;
    assert!(ticks < 30, "the server used {ticks} of 100 ticks waiting");
    // The first client is still served.
    let mut buf = [0u8; 1];
    clients[0].read_exact(&mut buf).unwrap();
    assert_eq!(round_trip(&mut clients[0], b"yes"), b"yes");
    // Free some descriptors: the waiting clients are accepted and get their echo.
    clients.drain(1..40);
    for s in clients.iter_mut().skip(1) {
        s.read_exact(&mut buf).unwrap();
        assert_eq!(buf, *b"x");
    }
    assert!(
        server.wait_for_log("accepting connections again", WAIT),
        "{}",
        server.stderr()
    );
}

/// The server's resident memory, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The most kernel memory one of the server's connections holds, receive queue plus send
/// queue (`ss -tm`: skmem r and w), over the established sockets whose local end is `addr`.
/// The address and the port: another program's sockets on the same port number of another
/// loopback address (127.0.0.2, say) are not the server's.
fn largest_socket_memory(addr: SocketAddr) -> (u64, usize) {
    let out = Command::new("ss")
        .args(["-tmnH", "state", "established", "src"])
        .arg(addr.to_string())
        .output()
        .expect("running ss (iproute2)");
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |skmem: &str, name: char| -> u64 {
        skmem
            .split(',')
            .find_map(|f| f.strip_prefix(name)?.parse().ok())
            .unwrap_or(0)
    };
    let sockets: Vec<u64> = text
        .split("skmem:(")
        .skip(1)
        .map(|rest| {
            let skmem = rest.split(')').next().unwrap();
            field(skmem, 'r') + field(skmem, 'w')
        })
        .collect();
    (sockets.iter().copied().max().unwrap_or(0), sockets.len())
}

#[test]
fn clients_that_send_without_reading_cost_bounded_memory_given_back_when_they_read() {
    let _turn = take_turns();
    const CLIENTS: usize = 500;
    let server = start(&[]);
    let idle = rss_kib(server.pid());
    let mut hogs: Vec<(TcpStream, usize)> = (0..CLIENTS)
        .map(|_| {
            let s = connect(server.addr);
            s.set_nonblocking(true).unwrap();
            (s, 0)
        })
        .collect();
    // Each sends up to 4 MiB and reads nothing, until every one is refused more twice over.
    let block = vec![b'h'; 64 * 1024];
    let mut stalled = 0;
    let deadline = Instant::now() + WAIT;
    while stalled < 2 && Instant::now() < deadline {
        let mut moved = false;
        for (s, sent) in &mut hogs {
            let left = (4 << 20) - *sent;
            if left == 0 {
                continue;
            }
            match s.write(&block[..left.min(block.len())]) {
                Ok(n) => {
                    *sent += n;
                    moved = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("a hog's write failed: {e}"),
            }
        }
        stalled = if moved { 0 } else { stalled + 1 };
        if !moved {
            // The kernel may still be moving bytes between the queues: look again shortly.
            thread::sleep(Duration::from_millis(200));
        }
    }
    let (largest, seen) = largest_socket_memory(server.addr);
    assert_eq!(seen, CLIENTS, "ss saw {seen} of the server's sockets");
    assert!(
        largest <= 1 << 20,
        "one socket holds {largest} bytes in the kernel"
    );
    let loaded = rss_kib(server.pid());
    let per_connection = loaded.saturating_sub(idle) / CLIENTS as u64;
    assert!(
        per_connection <= 300,
        "{per_connection} KiB per connection ({idle} -> {loaded})"
    );
    // A normal client is served meanwhile.
    let mut normal = connect(server.addr);
    assert_eq!(round_trip(&mut normal, b"still served"), b"still served");
    // They read everything they are owed and sit idle: the memory goes back.
    let mut got = vec![0usize; CLIENTS];
    let mut buf = vec![0u8; 1 << 20];
    let deadline = Instant::now() + WAIT;
    while hogs.iter().zip(&got).any(|((_, sent), got)| got < sent) {
        assert!(Instant::now() < deadline, "the echo did not all come back");
        for ((s, sent), got) in hogs.iter_mut().zip(&mut got) {
            while *got < *sent {
                match s.read(&mut buf) {
                    Ok(0) => panic!("a hog's connection closed"),
                    Ok(n) => *got += n,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("a hog's read failed: {e}"),
                }
            }
        }
    }
    let deadline = Instant::now() + WAIT;
    while rss_kib(server.pid()) > 2 * idle {
        assert!(
            Instant::now() < deadline,
            "RSS {} KiB after the hogs read all, idle baseline {idle} KiB",
            rss_kib(server.pid())
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// How often each of the server's serving threads (the main one and `worker-N`) has gone to
/// sleep and been woken, summed: the kernel's count of voluntary context switches.
#[cfg(all(target_os = "linux", not(feature = "portable")))]
fn worker_wake_ups(pid: u32) -> u64 {
    let mut total = 0;
    for task in testkit::tasks(pid).unwrap() {
        let name = std::fs::read_to_string(task.join("comm")).unwrap_or_default();
        if name.trim() != "tcp-server" && !name.starts_with("worker-") {
            continue;
        }
        let status = std::fs::read_to_string(task.join("status")).unwrap_or_default();
        total += status
            .lines()
            .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0);
    }
    total
}

/// EPOLLEXCLUSIVE is the Linux fast path (worker.rs); the portable fallback registers the
/// listener the usual way, and every waiting thread may wake (975 wake-ups here with
/// `--features portable`).
#[cfg(all(target_os = "linux", not(feature = "portable")))]
#[test]
fn a_new_connection_wakes_one_of_four_threads_not_all() {
    let _turn = take_turns();
    // No spinning, so every thread is asleep in epoll_wait when a connection comes.
    let server = start(&["--threads", "4", "--spin", "0"]);
    let before = worker_wake_ups(server.pid());
    for i in 0..200 {
        let mut s = connect(server.addr);
        let msg = format!("{i}").into_bytes();
        assert_eq!(round_trip(&mut s, &msg), msg);
    }
    let woken = worker_wake_ups(server.pid()) - before;
    // The thread that accepts wakes for the connection, its data and its end: at most three
    // times each. All four woken for every new connection would add three more each.
    assert!(
        woken <= 3 * 200,
        "{woken} wake-ups of the serving threads for 200 connections"
    );
}

#[test]
fn a_server_without_traffic_costs_almost_no_cpu() {
    let _turn = take_turns();
    let server = start(&[]);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"then quiet"), b"then quiet");
    // Three quiet seconds (the quiet is what is measured), with one client connected.
    let before = testkit::cpu_time(server.pid());
    thread::sleep(Duration::from_secs(3));
    let used = testkit::cpu_time(server.pid()) - before;
    // The bound, 20 ms in 10 s, scaled to 3 s: no spinning when there is no traffic.
    assert!(
        used <= Duration::from_millis(6),
        "{used:?} of CPU in 3 quiet seconds"
    );
}
