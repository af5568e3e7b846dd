//! The ladder's rungs 3 and 4 through real sockets on 127.0.0.1, port 0: the event loop
//! (`examples/event_loop_tcp_server.rs`, mio) and the same server with tokio
//! (`examples/async_tcp_server.rs`). Each rung's defining behaviour: many clients served at
//! once by one thread, split characters echoed as bytes, and a client that sends without ever
//! reading stopped by its own full buffers while the others are still served.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

mod support;

use support::{connect_nodelay, WAIT};
use testkit::{example, round_trip, Running};

const RUNGS: [&str; 2] = ["event_loop_tcp_server", "async_tcp_server"];
/// More than the kernel buffers between a client and the server hold on loopback (a few MiB):
/// a server that kept reading a client that never reads would take all of it.
const FLOOD: usize = 64 << 20;
/// A write that makes no progress this long: the server is not reading. (A server that reads
/// takes 64 MiB in well under a second on loopback.)
const STUCK: Duration = Duration::from_secs(1);

fn start(rung: &str) -> (Running, SocketAddr) {
    Running::start_server(&example("tcp-server", rung), &["0"], "服务器启动,监听 ")
}

/// The threads of process `pid`, from /proc (Linux only).
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
    line["Threads:".len()..].trim().parse().unwrap()
}

#[test]
fn one_thread_serves_a_hundred_clients_connected_at_once() {
    for rung in RUNGS {
        let (server, addr) = start(rung);
        let mut clients: Vec<TcpStream> = (0..100).map(|_| connect_nodelay(addr)).collect();
        // Every client is answered while all the others stay connected, twice over.
        for round in 0..2 {
            for (i, client) in clients.iter_mut().enumerate() {
                let message = format!("{rung} client {i} round {round}");
                assert_eq!(round_trip(client, message.as_bytes()), message.as_bytes());
            }
        }
        #[cfg(target_os = "linux")]
        assert_eq!(
            threads(server.pid()),
            1,
            "{rung}: one thread for 100 clients"
        );
        drop(server);
    }
}

#[test]
fn a_character_split_across_two_writes_comes_back_whole() {
    for rung in RUNGS {
        let (mut server, addr) = start(rung);
        let mut client = connect_nodelay(addr);
        let bytes = "你好".as_bytes();
        client.write_all(&bytes[..4]).unwrap();
        // The server prints the first part, a character cut in two, before the rest is sent.
        server.wait_line("收到: ", WAIT);
        client.write_all(&bytes[4..]).unwrap();
        let mut back = vec![0; bytes.len()];
        std::io::Read::read_exact(&mut client, &mut back).unwrap();
        assert_eq!(back, bytes, "{rung}");
    }
}

#[test]
fn a_client_that_never_reads_fills_its_own_buffers_and_the_others_are_still_served() {
    for rung in RUNGS {
        let (_server, addr) = start(rung);
        let mut flooder = connect_nodelay(addr);
        flooder.set_write_timeout(Some(STUCK)).unwrap();
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        // Sends until a write makes no progress for STUCK: the server stopped reading it (its
        // echo waits), and the buffers between are full.
        while sent < FLOOD {
            match flooder.write(&chunk) {
                Ok(n) => sent += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
                Err(e) => panic!("{rung}: sending: {e}"),
            }
        }
        assert!(
            sent < FLOOD,
            "{rung}: the server took {sent} bytes from a client that never reads"
        );
        let mut other = connect_nodelay(addr);
        assert_eq!(
            round_trip(&mut other, b"still here"),
            b"still here",
            "{rung}"
        );
    }
}
