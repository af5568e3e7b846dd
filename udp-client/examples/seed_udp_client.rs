//! The document's UDP client (`udp_client`), as blocking `std::net` Rust, line for line: the
//! first rung of the ladder. It is the document's program on purpose, bugs included:
//! - after each send it waits for ever for a reply: a lost datagram, or no server at all, and
//!   it never asks for the next line;
//! - it takes a reply from anyone, not only from the server it wrote to;
//! - a reply that is not UTF-8 crashes it, and one over 1024 bytes is cut.
//!
//! The real program, `udp-client` (`cargo run -p udp-client`), fixes them: it waits a second,
//! sends again (twice), then says the server did not answer, and listens to its server only.
//!
//! Two terminals:
//!
//! ```text
//! cargo run -p udp-server --example seed_udp_server   # UDP server listening on 127.0.0.1:12345
//! cargo run -p udp-client --example seed_udp_client   # Enter message (or 'quit' to exit): hello
//!                                                     # Received from server: HELLO
//! ```
//!
//! It works against the real `udp-server` too. An optional first argument replaces the port.

// Like the Python, any error ends the program, with a message saying which line failed.
#![allow(clippy::unwrap_used)]
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use std::io::Write;
use std::net::UdpSocket;
use std::str::from_utf8;

fn udp_client(server_host: &str, server_port: u16) {
    // socket(AF_INET, SOCK_DGRAM): Python binds it to a free port at the first sendto; Rust's
    // UdpSocket is bound when it is made, so the free port (0) is asked for here.
    let s = UdpSocket::bind("0.0.0.0:0").unwrap();
    let mut lines = std::io::stdin().lines();
    loop {
        // input(prompt): Python flushes the prompt itself; at end of input (Ctrl-D) both crash.
        print!("Enter message (or 'quit' to exit): ");
        std::io::stdout().flush().unwrap();
        let message = lines.next().unwrap().unwrap();
        if message.to_lowercase() == "quit" {
            break;
        }
        // Send the message to the server.
        s.send_to(message.as_bytes(), (server_host, server_port))
            .unwrap();
        // Receive the server's response.
        let mut buffer = [0; 1024];
        let (n, _server) = s.recv_from(&mut buffer).unwrap();
        println!("Received from server: {}", from_utf8(&buffer[..n]).unwrap());
    }
}

fn main() {
    let arg = std::env::args().nth(1);
    let port = arg.map_or(12345, |p| p.parse().unwrap());
    udp_client("127.0.0.1", port);
}
// ANCHOR_END: program
