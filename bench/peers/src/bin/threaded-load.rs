//! threaded-load: a second TCP load generator, of another design than tcp-client's load mode
//! (one thread, epoll, one round trip in flight per connection). Here it is blocking std::net
//! and one OS thread per connection, each writing `--size` bytes and reading the echo back with
//! read_exact, over and over for `--duration` seconds, with TCP_NODELAY. bench/compare.py runs
//! it with 100 connections for its `rt/s, 100 conns, threaded load` column and reads the line
//!
//!     rate: N round trips/s, p50 X µs, C connections, S s
//!
//! All connections are opened before the clock starts. Each stops at the deadline after the
//! round trip it is in; a socket read or write blocked for 5 s is an error, so a run never
//! outlasts the duration by more than that. Any error or wrong echo exits with status 1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: threaded-load [--port PORT] [--connections N] [--duration SECS] \
                     [--size BYTES]   (defaults 8888, 100, 3, 64; server on 127.0.0.1)";

fn main() {
    let args = peers::Args::parse(USAGE, &["--port", "--connections", "--duration", "--size"]);
    let port: u16 = args.get("--port", 8888);
    let connections: usize = args.get("--connections", 100);
    let duration = Duration::from_secs_f64(args.get("--duration", 3.0));
    let size: usize = args.get("--size", 64);
    if connections == 0 || size == 0 {
        peers::fail("--connections and --size must be at least 1");
    }

    let timeout = Some(Duration::from_secs(5));
    let sockets: Vec<TcpStream> = (0..connections)
        .map(|i| {
            let s = TcpStream::connect(("127.0.0.1", port))
                .unwrap_or_else(|e| peers::fail(format!("connection {i}: connect: {e}")));
            s.set_nodelay(true)
                .and_then(|()| s.set_read_timeout(timeout))
                .and_then(|()| s.set_write_timeout(timeout))
                .unwrap_or_else(|e| peers::fail(format!("connection {i}: socket options: {e}")));
            s
        })
        .collect();

    // Every thread waits here, and the main thread with them, so the clock starts once for all.
    let start = Arc::new(Barrier::new(connections + 1));
    let threads: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(i, socket)| {
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                let began = Instant::now();
                (began, round_trips(socket, i, size, began + duration))
            })
        })
        .collect();
    start.wait();

    // The clock runs from the first thread's start (the main thread may wake after them all).
    let mut began = Instant::now();
    let mut latencies: Vec<u32> = Vec::new();
    let mut failed = 0;
    for (i, thread) in threads.into_iter().enumerate() {
        match thread.join() {
            Ok((start, got)) => {
                began = began.min(start);
                match got {
                    Ok(got) => latencies.extend(got),
                    Err(e) => {
                        eprintln!("connection {i}: {e}");
                        failed += 1;
                    }
                }
            }
            Err(_) => failed += 1,
        }
    }
    let elapsed = began.elapsed().as_secs_f64();
    let count = latencies.len();
    let p50 = if count == 0 {
        0.0
    } else {
        *latencies.select_nth_unstable(count / 2).1 as f64 / 1000.0
    };
    println!(
        "rate: {:.0} round trips/s, p50 {p50:.1} µs, {connections} connections, {elapsed:.2} s",
        count as f64 / elapsed
    );
    if failed > 0 {
        eprintln!("error: {failed} of {connections} connections failed");
        std::process::exit(1);
    }
}

/// One connection's round trips until `deadline`: each one's latency in nanoseconds.
fn round_trips(
    mut socket: TcpStream,
    connection: usize,
    size: usize,
    deadline: Instant,
) -> Result<Vec<u32>, String> {
    let sent: Vec<u8> = (0..size).map(|j| (connection * 31 + j) as u8).collect();
    let mut got = vec![0u8; size];
    let mut latencies = Vec::with_capacity(1 << 16);
    loop {
        let before = Instant::now();
        if before >= deadline {
            return Ok(latencies);
        }
        socket.write_all(&sent).map_err(|e| format!("write: {e}"))?;
        socket
            .read_exact(&mut got)
            .map_err(|e| format!("read: {e}"))?;
        if got != sent {
            return Err("the echo differs from what was sent".into());
        }
        latencies.push(before.elapsed().as_nanos().min(u32::MAX as u128) as u32);
    }
}
