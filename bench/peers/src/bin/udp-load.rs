//! udp-load: a UDP load generator with many clients at once, where udp-client's ping mode has
//! one datagram in flight. `--clients` sockets (default 64), each with one request in flight:
//! send `--size` lowercase bytes that carry a sequence number, wait up to `--timeout` ms for
//! their uppercase (or their echo, as from socat's PIPE, as udp-client's ping mode allows too),
//! count it, repeat, for `--duration` seconds. A reply that does not come in
//! time is lost, and the next request goes out; a late one is recognized by its number and
//! skipped. All of it runs on one thread: a current-thread tokio runtime, a task per socket.
//! bench/compare.py runs it with `--clients 64` for its `UDP req/s, 64 clients` column and
//! reads the line
//!
//!     rate: N requests/s, loss: P%, C clients, S s
//!
//! It exits with status 1 when no reply came at all.

use std::io::Write;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::{timeout_at, Instant};

const USAGE: &str = "usage: udp-load [--port PORT] [--clients N] [--duration SECS] [--size BYTES] \
                     [--timeout MS]   (defaults 12345, 64, 3, 64, 100; server on 127.0.0.1)";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = peers::Args::parse(
        USAGE,
        &["--port", "--clients", "--duration", "--size", "--timeout"],
    );
    let port: u16 = args.get("--port", 12345);
    let clients: usize = args.get("--clients", 64);
    let duration = Duration::from_secs_f64(args.get("--duration", 3.0));
    let size: usize = args.get("--size", 64);
    let wait = Duration::from_millis(args.get("--timeout", 100));
    if clients == 0 || !(20..=65507).contains(&size) {
        peers::fail("--clients must be at least 1, --size from 20 to 65507");
    }

    let mut sockets = Vec::with_capacity(clients);
    for i in 0..clients {
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| peers::fail(format!("client {i}: bind: {e}")));
        socket
            .connect(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| peers::fail(format!("client {i}: connect: {e}")));
        sockets.push(socket);
    }
    let began = Instant::now();
    let deadline = began + duration;
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(i, socket)| tokio::spawn(client(socket, i, size, wait, deadline)))
        .collect();
    let (mut sent, mut answered) = (0u64, 0u64);
    for task in tasks {
        let (s, a) = task.await.unwrap_or((0, 0));
        sent += s;
        answered += a;
    }
    let elapsed = began.elapsed().as_secs_f64();
    let loss = if sent == 0 {
        100.0
    } else {
        100.0 * (sent - answered) as f64 / sent as f64
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

/// One client's requests until `deadline`: how many it sent, and how many were answered.
async fn client(
    socket: UdpSocket,
    client: usize,
    size: usize,
    wait: Duration,
    deadline: Instant,
) -> (u64, u64) {
    let (mut sent, mut answered) = (0u64, 0u64);
    let mut request = vec![b'x'; size];
    let mut expected = vec![0u8; size];
    let mut reply = vec![0u8; size + 1];
    while Instant::now() < deadline {
        // "c0042 r000000123 xxx…": the client and its request number, then padding.
        let _ = write!(&mut request[..], "c{client:04} r{sent:09} ");
        expected.copy_from_slice(&request);
        expected.make_ascii_uppercase();
        if socket.send(&request).await.is_err() {
            // A refused send (no server yet, or an ICMP error from before): a loss.
            sent += 1;
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        }
        sent += 1;
        let until = Instant::now() + wait;
        while let Ok(got) = timeout_at(until, socket.recv(&mut reply)).await {
            if matches!(got, Ok(n) if reply[..n] == expected[..] || reply[..n] == request[..]) {
                answered += 1;
                break;
            }
        }
    }
    (sent, answered)
}
