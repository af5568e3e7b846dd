//! UDP servers written inside the tests, each on a thread of its own on 127.0.0.1 (or ::1),
//! answering as the test says: the uppercase, the text reversed, late, or not at all. Each
//! thread ends once no datagram has come for `IDLE`; one closes its socket sooner, as a server
//! that is stopped does.

// Each test file uses some of these, not all.
#![allow(dead_code)]

use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::Duration;

use common::text::uppercase;

/// How long a test server waits for a datagram before its thread ends.
const IDLE: Duration = Duration::from_secs(30);

/// What a test server does with its n-th datagram from `from`: reply with these bytes after this
/// delay, or not.
pub type Reply = fn(usize, &[u8], SocketAddr) -> Option<(Duration, Vec<u8>)>;

/// A server on its own thread on 127.0.0.1, answering as `reply` says.
pub fn serve(reply: Reply) -> SocketAddr {
    serve_on("127.0.0.1:0", reply)
}

/// A server on its own thread on `local`, answering as `reply` says.
pub fn serve_on(local: &str, reply: Reply) -> SocketAddr {
    let socket = UdpSocket::bind(local).unwrap();
    socket.set_read_timeout(Some(IDLE)).unwrap();
    let addr = socket.local_addr().unwrap();
    thread::spawn(move || {
        let mut buf = vec![0; 64 * 1024];
        let mut n = 0;
        loop {
            let (len, from) = match socket.recv_from(&mut buf) {
                Ok(received) => received,
                // A signal to this multi-threaded test process can interrupt the receive.
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if let Some((delay, answer)) = reply(n, &buf[..len], from) {
                thread::sleep(delay);
                let _ = socket.send_to(&answer, from);
            }
            n += 1;
        }
    });
    addr
}

/// A server that answers the first `answers` datagrams with their uppercase, then closes its
/// socket, as a server killed mid-run: the datagrams after that come back as ICMP port
/// unreachable.
pub fn serve_then_close(answers: usize) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(IDLE)).unwrap();
    let addr = socket.local_addr().unwrap();
    thread::spawn(move || {
        let mut buf = vec![0; 64 * 1024];
        let mut answered = 0;
        while answered < answers {
            match socket.recv_from(&mut buf) {
                Ok((len, from)) => {
                    let _ = socket.send_to(&uppercase(&buf[..len]), from);
                    answered += 1;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        // The socket closes here.
    });
    addr
}

/// What udp-server answers: the uppercase, at once.
pub fn upper(_: usize, data: &[u8], _: SocketAddr) -> Option<(Duration, Vec<u8>)> {
    Some((Duration::ZERO, uppercase(data)))
}

/// What a learner's changed server answers: the text reversed, at once.
pub fn reverse(_: usize, data: &[u8], _: SocketAddr) -> Option<(Duration, Vec<u8>)> {
    Some((Duration::ZERO, reversed(data)))
}

pub fn reversed(data: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(data)
        .chars()
        .rev()
        .collect::<String>()
        .into_bytes()
}

/// Answers the first datagram 750 ms late, the rest at once. With a 500 ms timeout, the late
/// answer comes 250 ms after the client gave up on it, and 250 ms before it gives up on the next.
pub fn first_late(n: usize, data: &[u8], from: SocketAddr) -> Option<(Duration, Vec<u8>)> {
    let (_, answer) = upper(n, data, from)?;
    Some((late(n), answer))
}

/// The same as [`first_late`], reversing.
pub fn first_late_reversed(n: usize, data: &[u8], _: SocketAddr) -> Option<(Duration, Vec<u8>)> {
    Some((late(n), reversed(data)))
}

fn late(n: usize) -> Duration {
    if n == 0 {
        Duration::from_millis(750)
    } else {
        Duration::ZERO
    }
}

/// An address where nothing listens: a port that was free a moment ago.
pub fn nobody() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}
