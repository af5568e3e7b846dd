//! udp-client typed at, on a pseudo-terminal (pty/mod.rs): the prompt edits the line and keeps
//! this run's history, Ctrl-D ends the prompt's line, and the exit status counts the lines that
//! got no answer, as it does for piped lines and MESSAGE arguments.

#![cfg(unix)]
// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use pty::Terminal;
use servers::{serve, upper};
use support::{BIN, WAIT};

mod pty;
mod servers;
mod support;

const PROMPT: &str = "Enter message (or 'quit' to exit): ";
const LEFT: &[u8] = b"\x1b[D";
const UP: &[u8] = b"\x1b[A";
const CTRL_D: &[u8] = b"\x04";

/// True once `text` has been shown `nth` times (1 for the first), and a prompt after it: the
/// client waits for the next line.
fn prompted_after(screen: &str, text: &str, nth: usize) -> bool {
    (screen.match_indices(text).nth(nth - 1)).is_some_and(|(at, _)| screen[at..].contains(PROMPT))
}

/// The client at a terminal, talking to `addr`.
fn at_terminal(addr: SocketAddr, args: &[&str]) -> Terminal {
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", &addr.port().to_string()]).args(args);
    Terminal::start(cmd)
}

#[test]
fn the_prompt_edits_the_line_keeps_history_and_ctrl_d_ends_on_a_new_line() {
    let addr = serve(upper);
    let mut term = at_terminal(addr, &[]);
    const HELLO: &str = "Received from server: HELLO\r\n";
    term.wait_until(WAIT, |screen, _| screen.contains(PROMPT));
    // "helo", left arrow, "l", Enter: the server receives "hello", so answers "HELLO".
    term.type_keys(&[b"helo", LEFT, b"l\r"].concat());
    term.wait_until(WAIT, |screen, _| prompted_after(screen, HELLO, 1));
    // The up arrow brings the line back.
    term.type_keys(&[UP, b"\r"].concat());
    term.wait_until(WAIT, |screen, _| prompted_after(screen, HELLO, 2));
    term.type_keys(CTRL_D);
    let ended = term.wait_exit(WAIT);
    assert_eq!(ended.status.code(), Some(0), "{ended:?}");
    assert_eq!(
        ended
            .screen
            .matches("Received from server: HELLO\r\n")
            .count(),
        2,
        "{:?}",
        ended.screen
    );
    // The shell's prompt that comes next starts a line of its own, right below.
    let after_last_prompt = ended.screen.rsplit(PROMPT).next().unwrap();
    assert_eq!(
        after_last_prompt.matches('\n').count(),
        1,
        "{:?}",
        ended.screen
    );
    assert!(ended.screen.ends_with("\r\n"), "{:?}", ended.screen);
    assert!(ended.stderr.is_empty(), "{:?}", ended.stderr);
}

#[test]
fn typed_lines_that_got_no_answer_make_the_run_fail_at_the_end() {
    // The first datagram is lost; with no retry, the first line gets no answer.
    let addr =
        serve(|n, data, _| (n != 0).then(|| (Duration::ZERO, common::text::uppercase(data))));
    let mut term = at_terminal(addr, &["--timeout", "0.2", "--retries", "0"]);
    const FOUND: &str = "Received from server: FOUND\r\n";
    term.wait_until(WAIT, |screen, _| screen.contains(PROMPT));
    term.type_keys(b"lost\r");
    // The error goes to stderr, then the next prompt comes.
    term.wait_until(WAIT, |screen, stderr| {
        stderr.contains("no reply from") && prompted_after(screen, "lost", 1)
    });
    term.type_keys(b"found\r");
    term.wait_until(WAIT, |screen, _| prompted_after(screen, FOUND, 1));
    term.type_keys(CTRL_D);
    let ended = term.wait_exit(WAIT);
    assert_eq!(ended.status.code(), Some(1), "{ended:?}");
    assert!(
        ended
            .stderr
            .ends_with("error: 1 of 2 messages got no answer\n"),
        "{:?}",
        ended.stderr
    );
}

#[test]
fn ctrl_c_at_the_prompt_ends_the_run_as_the_signal_does() {
    let addr = serve(upper);
    let mut term = at_terminal(addr, &[]);
    term.wait_until(WAIT, |screen, _| screen.contains(PROMPT));
    // The editor reads Ctrl-C from the terminal as a key; it ends the run with the code a
    // shell shows for Ctrl-C.
    term.type_keys(b"half a line\x03");
    let ended = term.wait_exit(WAIT);
    assert_eq!(ended.status.code(), Some(130), "{ended:?}");
}
