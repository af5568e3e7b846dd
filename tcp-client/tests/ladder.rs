//! The ladder's TCP client rung through real sockets on 127.0.0.1, port 0: the document's client
//! as Rust (`examples/seed_tcp_client.rs`) against the real tcp-server, and tests that show what
//! breaks: it reads once and takes that as the whole reply. (Against the document's server, the
//! seed twin of tcp-server, it runs in tcp-server's ladder tests.)
//!
//! The example and tcp-server's binary are found next to this test (see `testkit::example`):
//! `cargo test --workspace` builds them all.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::Command;
use std::thread;
use std::time::Duration;

use testkit::{example, run, Output, Server};

const WAIT: Duration = Duration::from_secs(10);

/// The seed client against the server at `addr`.
fn seed_client(addr: SocketAddr) -> Output {
    let mut cmd = Command::new(example("tcp-client", "seed_tcp_client"));
    cmd.arg(addr.port().to_string());
    run(cmd, b"", WAIT)
}

/// A server for one client: reads the 17-byte greeting, sends back only `first` of its echo,
/// then sends nothing more until the client has closed (so the client can only ever read
/// `first`).
fn answers_in_two_pieces(first: usize) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut greeting = [0; 17];
        s.read_exact(&mut greeting).unwrap();
        s.write_all(&greeting[..first]).unwrap();
        let mut rest = [0; 1];
        while matches!(s.read(&mut rest), Ok(n) if n > 0) {}
        let _ = s.write_all(&greeting[first..]);
    });
    addr
}

#[test]
fn seed_client_gets_its_echo_from_the_real_tcp_server() {
    let server = Server::start(&testkit::binary("tcp-server"), &["--port", "0"]);
    let out = seed_client(server.addr);
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, "来自服务器的数据: 你好,服务器!\n");
    assert!(
        server.wait_for_log("received \"你好,服务器!\"", WAIT),
        "{}",
        server.stderr()
    );
}

/// TCP is a stream: the echo may come in pieces. The seed prints the first piece as the reply.
#[test]
fn seed_client_takes_the_first_piece_of_a_reply_for_all_of_it() {
    let addr = answers_in_two_pieces("你".len());
    let out = seed_client(addr);
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, "来自服务器的数据: 你\n");
}

/// When the first piece ends inside a character, the seed's decode panics.
#[test]
fn seed_client_crashes_when_a_piece_ends_inside_a_character() {
    let addr = answers_in_two_pieces(1);
    let out = seed_client(addr);
    assert_eq!(out.code(), Some(101), "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Utf8Error { valid_up_to: 0, error_len: None }"),
        "{}",
        out.stderr
    );
}
