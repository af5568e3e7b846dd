//! udp-load: a UDP load generator with many clients at once, where udp-client's ping mode has
//! one datagram in flight. `--clients` sockets (default 64), each with one request in flight:
//! send `--size` lowercase bytes that carry a sequence number, wait up to `--timeout` ms for
//! their uppercase (or their echo, as from socat's PIPE, as udp-client's ping mode allows too),
//! count it, send the next, for `--duration` seconds. A reply that does not come in time is
//! lost, and the next request goes out; a late one is recognized by its number and skipped.
//! bench/compare.py runs it with `--clients 64` for its `UDP req/s, 64 clients` column and
//! reads the line
//!
//!     rate: N requests/s, loss: P%, C clients, S s
//!
//! It exits with status 1 when no reply came at all.
//!
//! With `--rate N` it is an open loop instead, for the `UDP … 2k/s` and `10k/s` columns: one
//! socket sends N requests a second on a schedule, whatever the replies (request k at k/N s),
//! and each reply's latency counts from its request's scheduled send, as tcp-client's `--rate`
//! does (udp-client's ping mode takes no interval under 1 ms and paces each datagram from the
//! last one's send, so it falls behind). Between sends it spins on a non-blocking receive,
//! taking its whole CPU: an epoll timeout is whole milliseconds and SO_RCVTIMEO whole kernel
//! ticks (4 ms here), either of which sends in bursts. So no reply wakes it, which spares every
//! server alike the cost of a wake-up. Its line adds:
//!
//!     rate: N requests/s, loss: P%, 1 clients, S s, p99 X µs, asked R/s, schedule kept
//!
//! `schedule not kept` when fewer than 99% of the asked requests were answered in time.
//!
//! All of it runs on one thread around one epoll wait (mio), with nothing else between it and
//! the system calls: a send and a receive per request, and a wait for many. The first version,
//! a current-thread tokio runtime with a task per socket, also tried a receive before each wait
//! (one more system call a request) and capped what it could offer: tokio's own server was
//! waiting for it 13% of the time. A load generator must outrun the servers it compares.

use std::io::{ErrorKind, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token};

const USAGE: &str = "usage: udp-load [--port PORT] [--clients N] [--duration SECS] [--size BYTES] \
                     [--timeout MS] [--rate N]   (defaults 12345, 64, 3, 64, 100, closed loop; \
                     server on 127.0.0.1; --rate: one socket, open loop)";

/// One client socket and its request in flight.
struct Client {
    socket: UdpSocket,
    request: Vec<u8>,
    expected: Vec<u8>,
    sent_at: Instant,
    sent: u64,
    answered: u64,
}

impl Client {
    /// Sends request number `self.sent`: "c0042 r000000123 xxx…", the client, the number, then
    /// padding. A refused send (no server yet, or an ICMP error from before) counts as lost.
    fn send_next(&mut self, id: usize, now: Instant) {
        let _ = write!(&mut self.request[..], "c{id:04} r{:09} ", self.sent);
        self.expected.copy_from_slice(&self.request);
        self.expected.make_ascii_uppercase();
        self.sent += 1;
        self.sent_at = now;
        let _ = self.socket.send(&self.request);
    }

    fn answers(&self, reply: &[u8]) -> bool {
        reply == self.expected || reply == self.request
    }
}

fn main() {
    let args = peers::Args::parse(
        USAGE,
        &[
            "--port",
            "--clients",
            "--duration",
            "--size",
            "--timeout",
            "--rate",
        ],
    );
    let port: u16 = args.get("--port", 12345);
    let clients: usize = args.get("--clients", 64);
    let duration = Duration::from_secs_f64(args.get("--duration", 3.0));
    let size: usize = args.get("--size", 64);
    let wait = Duration::from_millis(args.get("--timeout", 100));
    if clients == 0 || !(20..=65507).contains(&size) {
        peers::fail("--clients must be at least 1, --size from 20 to 65507");
    }

    let server = SocketAddr::from(([127, 0, 0, 1], port));
    let rate: f64 = args.get("--rate", 0.0);
    if rate > 0.0 {
        return open_loop(server, rate, duration, size, wait);
    }
    let mut poll = Poll::new().unwrap_or_else(|e| peers::fail(format!("epoll: {e}")));
    let mut all = Vec::with_capacity(clients);
    for i in 0..clients {
        let mut socket = UdpSocket::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .unwrap_or_else(|e| peers::fail(format!("client {i}: bind: {e}")));
        socket
            .connect(server)
            .unwrap_or_else(|e| peers::fail(format!("client {i}: connect: {e}")));
        poll.registry()
            .register(&mut socket, Token(i), Interest::READABLE)
            .unwrap_or_else(|e| peers::fail(format!("client {i}: register: {e}")));
        all.push(Client {
            socket,
            request: vec![b'x'; size],
            expected: vec![0; size],
            sent_at: Instant::now(),
            sent: 0,
            answered: 0,
        });
    }

    let began = Instant::now();
    let deadline = began + duration;
    for (i, client) in all.iter_mut().enumerate() {
        client.send_next(i, began);
    }
    let mut events = Events::with_capacity(clients);
    let mut reply = vec![0u8; size + 1];
    let mut now = began;
    while now < deadline {
        // Wake at least every few ms to give up on replies that are not coming.
        let _ = poll.poll(&mut events, Some(wait.min(Duration::from_millis(5))));
        now = Instant::now();
        for event in events.iter() {
            let i = event.token().0;
            let client = &mut all[i];
            loop {
                match client.socket.recv(&mut reply) {
                    Ok(n) if client.answers(&reply[..n]) => {
                        client.answered += 1;
                        if now < deadline {
                            client.send_next(i, now);
                        }
                    }
                    Ok(_) => {} // A late reply to an earlier request: skipped.
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(_) => break, // An ICMP error for an earlier send: that one is lost.
                }
            }
        }
        for (i, client) in all.iter_mut().enumerate() {
            if now.duration_since(client.sent_at) > wait && now < deadline {
                client.send_next(i, now); // The one in flight is lost.
            }
        }
    }

    let elapsed = began.elapsed().as_secs_f64();
    let sent: u64 = all.iter().map(|c| c.sent).sum();
    let answered: u64 = all.iter().map(|c| c.answered).sum();
    let loss = if sent == 0 {
        100.0
    } else {
        100.0 * sent.saturating_sub(answered) as f64 / sent as f64
    };
    println!(
        "rate: {:.0} requests/s, loss: {loss:.2}%, {clients} clients, {elapsed:.2} s",
        answered as f64 / elapsed
    );
    if answered == 0 {
        eprintln!("error: no reply came");
        std::process::exit(1);
    }
}

/// `--rate`: one socket, request k sent at `k / rate` s whatever the replies, each reply's
/// latency from its request's scheduled send; then up to `wait` more for the last replies.
fn open_loop(server: SocketAddr, rate: f64, duration: Duration, size: usize, wait: Duration) {
    let socket = std::net::UdpSocket::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .and_then(|s| {
            s.connect(server)
                .and_then(|()| s.set_nonblocking(true))
                .map(|()| s)
        })
        .unwrap_or_else(|e| peers::fail(format!("bind or connect to {server}: {e}")));
    let request = |k: u64| {
        let mut r = vec![b'x'; size];
        let _ = write!(&mut r[..], "c0000 r{k:09} ");
        r
    };
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let scheduled = |k: u64| Duration::from_secs_f64(k as f64 / rate);
    let began = Instant::now();
    let mut latencies: Vec<u32> = Vec::with_capacity(total as usize);
    let mut reply = vec![0u8; size + 1];
    let mut next = 0u64;
    loop {
        let now = began.elapsed();
        while next < total && scheduled(next) <= now {
            let _ = socket.send(&request(next)); // A refused send counts as lost.
            next += 1;
        }
        let until = if next < total {
            scheduled(next)
        } else {
            scheduled(total) + wait
        };
        if now >= until || latencies.len() as u64 == total && next == total {
            break;
        }
        let Ok(n) = socket.recv(&mut reply) else {
            continue; // Nothing yet, or an ICMP error (that request is lost): look again.
        };
        let arrived = began.elapsed();
        let k: Option<u64> = std::str::from_utf8(reply.get(7..16).unwrap_or_default())
            .ok()
            .and_then(|t| t.parse().ok());
        if let Some(k) = k.filter(|&k| k < next) {
            let mut sent = request(k);
            let matches = reply[..n] == sent[..] || {
                sent.make_ascii_uppercase();
                reply[..n] == sent[..]
            };
            if matches {
                latencies.push((arrived - scheduled(k)).as_nanos().min(u32::MAX as u128) as u32);
            }
        }
    }
    let answered = latencies.len();
    let loss = 100.0 * (next as f64 - answered as f64).max(0.0) / (next.max(1)) as f64;
    let p99 = if answered == 0 {
        0.0
    } else {
        let i = (answered * 99 / 100).min(answered - 1);
        *latencies.select_nth_unstable(i).1 as f64 / 1000.0
    };
    let secs = duration.as_secs_f64();
    let kept = if answered as f64 >= 0.99 * total as f64 {
        "kept"
    } else {
        "not kept"
    };
    println!(
        "rate: {:.0} requests/s, loss: {loss:.2}%, 1 clients, {secs:.2} s, p99 {p99:.1} µs, \
         asked {rate:.0}/s, schedule {kept}",
        answered as f64 / secs
    );
    if answered == 0 {
        eprintln!("error: no reply came");
        std::process::exit(1);
    }
}
