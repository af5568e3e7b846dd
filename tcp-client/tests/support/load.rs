//! What the load test files share: the client run with a load's longer deadline, its `--json`
//! document read, and echo servers that count what really arrived or stall once.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use testkit::Output;

const BIN: &str = env!("CARGO_BIN_EXE_tcp-client");

/// A load's deadline: longer than a single exchange's.
pub const WAIT: Duration = Duration::from_secs(30);

/// Runs the client against `addr` with `args` and no input, within [`WAIT`].
pub fn client(addr: SocketAddr, args: &[&str]) -> Output {
    testkit::client(BIN, addr, args, b"", WAIT)
}

/// Runs a load with `--json` added; checks it exited 0 and printed one JSON document, alone
/// on one line, and returns it.
pub fn json_run(addr: SocketAddr, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = client(addr, &args);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

pub fn f64_at(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number at {pointer} in {v}"))
}

pub fn u64_at(v: &Value, pointer: &str) -> u64 {
    v.pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no count at {pointer} in {v}"))
}

/// Serves each connection with `handler`, which may hold state shared by every connection (a
/// count, a stall), on its own thread; returns the address.
fn serve_shared(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> SocketAddr {
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

/// An echo server for 64-byte round trips that notes when each request arrived, across all
/// connections; the times are the sends the client really made.
pub fn counting_server() -> (SocketAddr, Arc<Mutex<Vec<Instant>>>) {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let noted = Arc::clone(&arrivals);
    let addr = serve_shared(move |mut s: TcpStream| {
        let mut request = [0u8; 64];
        while s.read_exact(&mut request).is_ok() {
            noted.lock().unwrap().push(Instant::now());
            if s.write_all(&request).is_err() {
                break;
            }
        }
    });
    (addr, arrivals)
}

/// An echo server for 64-byte round trips that, on the 300th request, stops answering on every
/// connection for 200 ms, once.
pub fn stalling_server() -> SocketAddr {
    let requests = Arc::new(AtomicU64::new(0));
    let stall_until: Arc<Mutex<Option<Instant>>> = Arc::default();
    serve_shared(move |mut s: TcpStream| {
        let mut request = [0u8; 64];
        while s.read_exact(&mut request).is_ok() {
            if requests.fetch_add(1, Ordering::SeqCst) + 1 == 300 {
                *stall_until.lock().unwrap() = Some(Instant::now() + Duration::from_millis(200));
            }
            let until = *stall_until.lock().unwrap();
            if let Some(left) = until.and_then(|u| u.checked_duration_since(Instant::now())) {
                thread::sleep(left);
            }
            if s.write_all(&request).is_err() {
                break;
            }
        }
    })
}
