//! The ladder's UDP client rung through real sockets on 127.0.0.1, port 0: the document's client
//! as Rust (`examples/seed_udp_client.rs`) against the real udp-server, and a test that shows
//! what breaks: with no reply, it waits for ever. (Against the document's server, the seed twin
//! of udp-server, it runs in udp-server's ladder tests.)
//!
//! The example and udp-server's binary are found next to this test (see `testkit::example`):
//! `cargo test --workspace` builds them all.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

use testkit::{example, run, Running, Server};

const WAIT: Duration = Duration::from_secs(10);
const PROMPT: &str = "Enter message (or 'quit' to exit): ";

fn seed_client() -> String {
    example("udp-client", "seed_udp_client")
}

#[test]
fn seed_client_gets_answers_from_the_real_udp_server() {
    let server = Server::start(&testkit::binary("udp-server"), &["--port", "0"]);
    let mut cmd = Command::new(seed_client());
    cmd.arg(server.addr.port().to_string());
    let out = run(cmd, "hello\nstraße\nQUIT\n".as_bytes(), WAIT);
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "{PROMPT}Received from server: HELLO\n{PROMPT}Received from server: STRASSE\n{PROMPT}"
        )
    );
}

/// At the end of its input (Ctrl-D) the seed panics, as Python's input() raises EOFError.
#[test]
fn seed_client_crashes_at_the_end_of_its_input() {
    let mut cmd = Command::new(seed_client());
    cmd.arg("9"); // never sent to: the input ends first
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(101), "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, PROMPT);
    assert!(out.stderr.contains("panicked"), "{}", out.stderr);
}

/// A server that receives and never answers (or a lost datagram): the seed waits for ever, and
/// never shows the next prompt.
#[test]
fn seed_client_waits_for_ever_for_a_reply_that_never_comes() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    silent.set_read_timeout(Some(WAIT)).unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let mut client = Running::start(&seed_client(), &[&port]);
    client.write_stdin(b"hello\nworld\n");
    let mut buf = [0; 64];
    let (n, _) = silent.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");
    // It is now in recv_from, with no timeout: a second is as good as for ever here.
    assert!(client.wait_exit(Duration::from_secs(1)).is_none());
    silent
        .set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    assert!(
        silent.recv_from(&mut buf).is_err(),
        "it never sent the next line"
    );
}
