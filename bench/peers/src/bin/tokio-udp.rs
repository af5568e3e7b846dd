//! tokio-udp: a tokio UDP server that answers each datagram with its uppercase, as our
//! udp-server does (valid UTF-8 gets `str::to_uppercase`, anything else ASCII uppercase): the
//! `tokio` row of bench/compare.py's UDP columns. One task: recv_from, uppercase, send_to.
//! `--port 0` picks a free port; the `listening on 127.0.0.1:PORT` line on stdout says which.

use tokio::net::UdpSocket;

const USAGE: &str = "usage: tokio-udp [--port PORT]   (default 12345; 0 picks a free one)";

#[tokio::main]
async fn main() {
    let args = peers::Args::parse(USAGE, &["--port"]);
    let port: u16 = args.get("--port", 12345);
    let socket = UdpSocket::bind(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| peers::fail(format!("bind 127.0.0.1:{port}: {e}")));
    let addr = socket
        .local_addr()
        .unwrap_or_else(|e| peers::fail(format!("local address: {e}")));
    peers::announce(addr);
    let mut buf = vec![0u8; 65536];
    loop {
        let (n, peer) = match socket.recv_from(&mut buf).await {
            Ok(got) => got,
            // On Linux an ICMP error from an earlier send can surface here: it ends no one.
            Err(_) => continue,
        };
        let reply = uppercase(&buf[..n]);
        let _ = socket.send_to(&reply, peer).await;
    }
}

fn uppercase(data: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(data) {
        Ok(text) => text.to_uppercase().into_bytes(),
        Err(_) => data.to_ascii_uppercase(),
    }
}
