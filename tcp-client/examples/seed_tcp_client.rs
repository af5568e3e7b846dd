//! The document's TCP client (`client.py`), as blocking `std::net` Rust, line for line: the
//! first rung of the ladder. It is the document's program on purpose, bugs included:
//! - it reads once, up to 1024 bytes, and takes that as the whole reply: a reply that arrives in
//!   two pieces is printed cut short, or crashes the decode if the cut is inside a character;
//! - it waits for ever for a server that accepts and never answers;
//! - `send` may send only part of the message, and the count it returns is ignored.
//!
//! The real program, `tcp-client` (`cargo run -p tcp-client`), fixes them: it reads until the
//! whole echo is back, checks it, and gives up after a timeout.
//!
//! Two terminals:
//!
//! ```text
//! cargo run -p tcp-server --example seed_tcp_server       # 服务器启动,监听 127.0.0.1:8888
//! cargo run -p tcp-client --example seed_tcp_client       # 来自服务器的数据: 你好,服务器!
//! ```
//!
//! It works against the real `tcp-server` too. An optional first argument replaces the port.

// Like the Python, any error ends the program, with a message saying which line failed.
#![allow(clippy::unwrap_used)]
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() {
    let host = "127.0.0.1";
    let arg = std::env::args().nth(1);
    let port: u16 = arg.map_or(8888, |p| p.parse().unwrap());
    // socket.socket() and connect((host, port)) in one call.
    let mut client_socket = TcpStream::connect((host, port)).unwrap();
    let message = "你好,服务器!";
    // send(), not sendall(): it may send only part, and the count it returns is ignored.
    let _sent = client_socket.write(message.as_bytes()).unwrap();
    // The document has this recv commented out and then prints `data`, which is undefined (the
    // Python fails there with a NameError); Rust would not compile that, so the recv is back.
    let mut buffer = [0; 1024];
    let n = client_socket.read(&mut buffer).unwrap();
    let data = std::str::from_utf8(&buffer[..n]).unwrap();
    println!("来自服务器的数据: {data}");
    drop(client_socket); // close()
}
// ANCHOR_END: program
