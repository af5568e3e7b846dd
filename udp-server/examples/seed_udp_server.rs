//! The document's UDP server (`udp_server`), as blocking `std::net` Rust, line for line: the
//! first rung of the ladder. It is the document's program on purpose, bugs included:
//! - `recvfrom(1024)`: a datagram over 1024 bytes is cut to its first 1024, silently, and the
//!   answer is the uppercase of that cut;
//! - a datagram that is not UTF-8 (or is cut inside a character) crashes the whole server.
//!
//! The real program, `udp-server` (`cargo run -p udp-server`), fixes them: it receives
//! datagrams of any size and answers every one, UTF-8 or not.
//!
//! Two terminals:
//!
//! ```text
//! cargo run -p udp-server --example seed_udp_server   # UDP server listening on 127.0.0.1:12345
//! cargo run -p udp-client --example seed_udp_client   # Enter message (or 'quit' to exit): hello
//!                                                     # Received from server: HELLO
//! ```
//!
//! An optional first argument replaces the port (0: any free one); the first line shows the
//! address really bound.

// Like the Python, any error ends the program, with a message saying which line failed.
#![allow(clippy::unwrap_used)]
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use std::net::UdpSocket;
use std::str::from_utf8;

fn udp_server(host: &str, port: u16) {
    // socket(AF_INET, SOCK_DGRAM) and bind() in one call; closed when `s` goes out of scope
    // (Python's `with`).
    let s = UdpSocket::bind((host, port)).unwrap();
    println!("UDP server listening on {}", s.local_addr().unwrap());
    let mut buffer = [0; 1024]; // the buffer size
    loop {
        let (n, addr) = s.recv_from(&mut buffer).unwrap();
        let data = &buffer[..n];
        println!("Received {} from {addr}", from_utf8(data).unwrap());
        // Process the data (here just its uppercase).
        let response = from_utf8(data).unwrap().to_uppercase();
        // Send the response back to the client.
        s.send_to(response.as_bytes(), addr).unwrap();
    }
}

fn main() {
    let arg = std::env::args().nth(1);
    let port = arg.map_or(12345, |p| p.parse().unwrap());
    udp_server("127.0.0.1", port);
}
// ANCHOR_END: program
