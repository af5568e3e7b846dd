//! The document's TCP server (`start_server`), as blocking `std::net` Rust, line for line: the
//! first rung of the ladder. It is the document's program on purpose, bugs included:
//! - one client at a time: a second client connects (the kernel's queue accepts it) but gets no
//!   echo until the first one leaves;
//! - each `recv(1024)` is decoded as if it were a whole message, so a character split across two
//!   reads (a long message, or a client that writes slowly) crashes the whole server;
//! - so does any error of one client: one that closes without reading its echo (as the
//!   document's own client does) resets the connection, and `recv` fails.
//!
//! `threaded_tcp_server` (the next rung) fixes these three; the real program, `tcp-server`
//! (`cargo run -p tcp-server`), fixes them and what that rung still lacks.
//!
//! Two terminals:
//!
//! ```text
//! cargo run -p tcp-server --example seed_tcp_server       # 服务器启动,监听 127.0.0.1:8888
//! cargo run -p tcp-client --example seed_tcp_client       # 来自服务器的数据: 你好,服务器!
//! ```
//!
//! An optional first argument replaces the port (0: any free one); the first line shows the
//! address really bound.

// Like the Python, any error ends the program, with a message saying which line failed.
#![allow(clippy::unwrap_used)]
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use std::io::{Read, Write};
use std::net::TcpListener;

fn start_server(host: &str, port: u16) {
    // socket(AF_INET, SOCK_STREAM), bind() and listen() in one call; Rust's backlog is 128, not 5.
    let server_socket = TcpListener::bind((host, port)).unwrap();
    println!("服务器启动,监听 {}", server_socket.local_addr().unwrap());
    loop {
        let (mut client_socket, addr) = server_socket.accept().unwrap();
        println!("连接地址: {addr}");
        let mut buffer = [0; 1024];
        loop {
            // recv(1024).decode('utf-8'): panics if the read ends inside a character.
            let n = client_socket.read(&mut buffer).unwrap();
            let data = std::str::from_utf8(&buffer[..n]).unwrap();
            if data.is_empty() {
                break;
            }
            println!("收到: {data}");
            client_socket.write_all(data.as_bytes()).unwrap();
        }
        // finally: client_socket.close(): Rust closes it here, where it goes out of scope (and,
        // as in Python, a crash above ends the whole program, which closes it too).
    }
}

fn main() {
    let arg = std::env::args().nth(1);
    let port = arg.map_or(8888, |p| p.parse().unwrap());
    start_server("127.0.0.1", port);
}
// ANCHOR_END: program
