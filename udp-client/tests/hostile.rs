//! Replies a hostile or spoofed server can send: escape sequences that would retitle the
//! window and clear the screen, and bytes that are not UTF-8. On a terminal (pty/mod.rs) they
//! are shown escaped; into a pipe they go as they came, for scripts; a reply that is not UTF-8
//! gets a warning on stderr either way.

#![cfg(unix)]
// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use pty::{Ended, Terminal};
use servers::serve;
use support::{client, BIN, WAIT};

mod pty;
mod servers;
mod support;

/// Retitles the window ("pwned") and clears the screen, whatever it is sent.
fn retitle(_: usize, _: &[u8], _: std::net::SocketAddr) -> Option<(Duration, Vec<u8>)> {
    Some((Duration::ZERO, b"\x1b]0;pwned\x07\x1b[2J".to_vec()))
}

/// Answers in Latin-1: "café ÿ!", two bytes of which are not UTF-8.
fn latin1(_: usize, _: &[u8], _: std::net::SocketAddr) -> Option<(Duration, Vec<u8>)> {
    Some((Duration::ZERO, b"caf\xe9 \xff!".to_vec()))
}

fn at_terminal(port: u16, message: &str) -> Ended {
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", &port.to_string(), message]);
    Terminal::start(cmd).wait_exit(WAIT)
}

#[test]
fn on_a_terminal_control_characters_of_a_reply_are_shown_escaped() {
    let addr = serve(retitle);
    let ended = at_terminal(addr.port(), "hi");
    assert_eq!(ended.status.code(), Some(0), "{ended:?}");
    assert_eq!(
        ended.screen,
        "Received from server: \\u{1b}]0;pwned\\u{7}\\u{1b}[2J\r\n"
    );
}

#[test]
fn into_a_pipe_a_reply_goes_as_it_came() {
    let addr = serve(retitle);
    let out = client(addr, &["hi"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "Received from server: \x1b]0;pwned\x07\x1b[2J\n"
    );
    assert!(out.stderr.is_empty(), "{:?}", out.stderr);
}

#[test]
fn a_reply_that_is_not_utf8_is_said_to_be_so_and_shown_hex_escaped_on_a_terminal() {
    let addr = serve(latin1);
    let ended = at_terminal(addr.port(), "hi");
    assert_eq!(ended.status.code(), Some(0), "{ended:?}");
    assert_eq!(ended.screen, "Received from server: caf\\xe9 \\xff!\r\n");
    assert_eq!(
        ended.stderr,
        format!(
            "warning: the reply from {addr} is not UTF-8 text: 2 of its 7 bytes are not part \
             of any character; they are shown as \\xNN\n"
        )
    );

    let out = client(addr, &["hi"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "warning: the reply from {addr} is not UTF-8 text: 2 of its 7 bytes are not part \
             of any character; they were written to standard output as they came\n"
        )
    );
}

#[test]
fn into_a_pipe_a_reply_that_is_not_utf8_keeps_its_bytes() {
    let addr = serve(latin1);
    let mut child = Command::new(BIN)
        .args(["--port", &addr.port().to_string(), "hi"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let deadline = Instant::now() + WAIT;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {WAIT:?}");
        }
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        reader.join().unwrap(),
        b"Received from server: caf\xe9 \xff!\n"
    );
}

#[test]
fn help_says_how_replies_are_shown() {
    let mut cmd = Command::new(BIN);
    cmd.arg("--help");
    let out = testkit::run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(0), "{out:?}");
    let help = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for said in [
        "On a terminal its control characters are shown escaped",
        "into a pipe or a file its bytes go as they came",
    ] {
        assert!(help.contains(said), "{said:?} not in {help}");
    }
}
