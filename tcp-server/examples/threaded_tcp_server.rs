//! The second rung of the ladder: `seed_tcp_server` (the document's server) with its two bugs
//! fixed, and nothing more.
//! - A thread per client: a second client is answered while the first is still connected (the
//!   seed makes it wait until the first one leaves).
//! - The bytes received are sent back as they are, not decoded first: TCP carries a stream of
//!   bytes, and a read may end inside a character (the seed crashes there). Only the printed copy
//!   is decoded, with `�` for a split character.
//! - A client that fails (a reset, say) ends its own thread, not the server.
//!
//! What it still does not do, compared with the real program, `tcp-server`:
//! - each client costs a thread, even an idle one; rung 3 (`event_loop_tcp_server`) waits on
//!   every socket from one thread (epoll), so a thousand idle clients cost a thousand small
//!   records;
//! - no limits: any number of clients, each idle for ever; `tcp-server` has
//!   `--max-connections` and `--idle-timeout`, and when it runs out of file descriptors it
//!   closes the longest idle connection to make room (here `accept` fails and the server ends);
//! - no Ctrl-C handling: the process just dies; `tcp-server` stops accepting, lets open
//!   connections finish, and prints what it served.
//!
//! Two terminals (or three, to see a second client answered at once):
//!
//! ```text
//! cargo run -p tcp-server --example threaded_tcp_server   # 服务器启动,监听 127.0.0.1:8888
//! cargo run -p tcp-client --example seed_tcp_client       # 来自服务器的数据: 你好,服务器!
//! ```
//!
//! An optional first argument replaces the port (0: any free one).

// Like the seed, an error of the listening socket ends the program.
#![allow(clippy::unwrap_used)]
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

fn start_server(host: &str, port: u16) {
    let server_socket = TcpListener::bind((host, port)).unwrap();
    println!("服务器启动,监听 {}", server_socket.local_addr().unwrap());
    loop {
        let (mut client_socket, addr) = server_socket.accept().unwrap();
        println!("连接地址: {addr}");
        // The client gets a thread of its own; the loop goes back to accept() at once.
        thread::spawn(move || {
            let mut buffer = [0; 1024];
            loop {
                let n = match client_socket.read(&mut buffer) {
                    Ok(0) | Err(_) => break, // end of stream, or an error: this client only
                    Ok(n) => n,
                };
                println!("收到: {}", String::from_utf8_lossy(&buffer[..n]));
                if client_socket.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        });
    }
}

fn main() {
    let arg = std::env::args().nth(1);
    let port = arg.map_or(8888, |p| p.parse().unwrap());
    start_server("127.0.0.1", port);
}
// ANCHOR_END: program
