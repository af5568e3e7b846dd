//! The servers the test files start inside the test, and a program left running while a test
//! reads its output.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

/// Serves each connection with `handler` on its own thread; returns the address.
pub fn serve(handler: fn(TcpStream)) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || handler(stream));
        }
    });
    addr
}

/// Echoes until the client's end of stream, then closes, as tcp-server does: the client's FIN
/// comes first.
pub fn echo(mut s: TcpStream) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 || s.write_all(&buf[..n]).is_err() {
            break;
        }
    }
}

#[allow(dead_code)] // Not every test file uses it.
/// Serves each connection with `handler`, which may hold state shared by every connection (a
/// count, a stall), on its own thread; returns the address.
pub fn serve_shared(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handler = std::sync::Arc::new(handler);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = std::sync::Arc::clone(&handler);
            thread::spawn(move || handler(stream));
        }
    });
    addr
}
