//! What tcp-server's test files share: the binary, how long to wait, starting a server on port 0
//! and connecting to it, taking turns, and a client that streams flat out.
//!
//! Each file under tests/ is a program of its own that takes `mod support;`, and uses some of
//! these, not all: what one leaves unused is not dead.
#![allow(dead_code)]
// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use testkit::Server;

pub const BIN: &str = env!("CARGO_BIN_EXE_tcp-server");
pub const WAIT: Duration = Duration::from_secs(10);

/// Tests that hold a time bound, and tests that keep both CPUs busy, take turns: on a 2-CPU
/// machine, 500 flooding clients beside a 20 ms bound would measure the machine, not the server.
/// The lock is one test program's (one file's): cargo runs the programs one after another, so
/// tests of two files never overlap.
static TURNS: Mutex<()> = Mutex::new(());

pub fn take_turns() -> MutexGuard<'static, ()> {
    // A test that failed while holding it poisons it; the next one may still run.
    TURNS.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn start(extra: &[&str]) -> Server {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Server::start(BIN, &args)
}

pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, WAIT).expect("connecting");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    stream
}

/// The same, each write leaving at once in a segment of its own (TCP_NODELAY): for tests that
/// send in pieces on purpose.
pub fn connect_nodelay(addr: SocketAddr) -> TcpStream {
    let stream = connect(addr);
    stream.set_nodelay(true).unwrap();
    stream
}

/// A client that sends and reads as fast as it can, until `stop` is set; returns bytes echoed.
/// It returns once the echo flows (its first bytes are back), so that what a test measures
/// beside it happens while it streams: otherwise a test quick enough could set `stop` before the
/// stream sent anything.
pub fn stream_flat_out(addr: SocketAddr, stop: Arc<AtomicBool>) -> thread::JoinHandle<u64> {
    let s = connect(addr);
    let mut writer = s.try_clone().unwrap();
    let stop_writing = Arc::clone(&stop);
    let (flowing, flows) = mpsc::channel();
    let handle = thread::spawn(move || {
        let block = vec![b's'; 256 * 1024];
        let send = thread::spawn(move || {
            while !stop_writing.load(Ordering::Relaxed) {
                if writer.write_all(&block).is_err() {
                    break;
                }
            }
            let _ = writer.shutdown(Shutdown::Write);
        });
        let mut buf = vec![0u8; 256 * 1024];
        let mut echoed = 0u64;
        while let Ok(n) = (&s).read(&mut buf) {
            if n == 0 {
                break;
            }
            if echoed == 0 {
                let _ = flowing.send(());
            }
            echoed += n as u64;
        }
        let _ = send.join();
        echoed
    });
    flows
        .recv_timeout(WAIT)
        .expect("the stream's first echo within WAIT");
    handle
}

/// Lowers a running process's open-file limit (soft and hard) to `n`, as an operator's
/// `prlimit` would, or as a system whose file table is full behaves.
pub fn lower_open_files(pid: u32, n: u32) {
    let lowered = std::process::Command::new("prlimit")
        .args(["--pid", &pid.to_string(), &format!("--nofile={n}:{n}")])
        .status()
        .expect("running prlimit (util-linux)");
    assert!(lowered.success(), "prlimit failed");
}
