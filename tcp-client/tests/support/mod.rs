//! The servers the test files start inside the test (a correct echo, and faulty ones shared by
//! several files), and the client run against them with a deadline.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]
// Each test file uses some of these, none uses them all.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use testkit::Output;

pub mod load;

pub const BIN: &str = env!("CARGO_BIN_EXE_tcp-client");
pub const WAIT: Duration = Duration::from_secs(20);

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

/// Writes `bytes` one per write, after `pause` each; false once the client has gone.
pub fn write_one_by_one(s: &mut TcpStream, bytes: &[u8], pause: Duration) -> bool {
    bytes.iter().all(|b| {
        thread::sleep(pause);
        s.write_all(&[*b]).is_ok()
    })
}

/// Reads and never answers, until the client gives up.
pub fn silent(mut s: TcpStream) {
    let mut buf = [0u8; 64];
    while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
}

/// Echoes, but one byte every 1.5 s: each read gets a byte well within a 2 s timeout, the whole
/// reply does not.
pub fn trickle(mut s: TcpStream) {
    s.set_nodelay(true).unwrap();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap();
    write_one_by_one(&mut s, &buf[..n], Duration::from_millis(1500));
}

/// Runs the client against `addr` (`--port PORT`, then `args`) with `stdin` as input, within
/// [`WAIT`].
pub fn client(addr: SocketAddr, args: &[&str], stdin: &[u8]) -> Output {
    testkit::client(BIN, addr, args, stdin, WAIT)
}

/// Runs the client with `args` and no input, and says how long it took (`what: 1.2s`, shown
/// with --nocapture).
pub fn timed_client(addr: SocketAddr, args: &[&str], what: &str) -> (Output, Duration) {
    let started = Instant::now();
    let out = client(addr, args, b"");
    let elapsed = started.elapsed();
    eprintln!("{what}: {elapsed:?}");
    (out, elapsed)
}
