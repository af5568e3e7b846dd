//! udp-server starting, or not: arguments, the address it binds and what it says about it, and
//! the `--explain` narration of the steps. Each test starts the binary on port 0 and kills it when
//! the test ends.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use testkit::{run, Server};

mod support;
use support::{ask, socket_to, start, BIN, WAIT};

#[test]
fn address_in_use_says_so() {
    let server = start();
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", &server.addr.port().to_string()]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.starts_with(&format!(
            "error: cannot listen on {}: address already in use\nhint: ",
            server.addr
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn binding_beyond_loopback_warns_about_reflection() {
    let server = Server::start(BIN, &["--host", "0.0.0.0", "--port", "0"]);
    assert!(
        server.wait_for_log("can be reached from other machines", WAIT),
        "{}",
        server.stderr()
    );
    // And limits the replies to each source, which it does not do on loopback.
    assert!(
        server.wait_for_log(
            "answering each source address at most 10 times a second",
            WAIT
        ),
        "{}",
        server.stderr()
    );
}

#[test]
fn bad_arguments_exit_2() {
    for args in [&["--port", "70000"][..], &["--port", "x"], &["--nope"]] {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        let out = run(cmd, b"", WAIT);
        assert_eq!(out.code(), Some(2), "{args:?}: {out:?}");
    }
}

#[test]
fn explain_narrates_each_step_in_order_on_stderr_only() {
    let server = Server::start(BIN, &["--port", "0", "--explain"]);
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"abc"), b"ABC");
    assert!(
        server.wait_for_log("[step 4 send]", WAIT),
        "{}",
        server.stderr()
    );
    let me = s.local_addr().unwrap();
    testkit::assert_in_order(
        &server.stderr(),
        &[
            "[step 1 socket] created a socket: IPv4 (AF_INET) + datagram (SOCK_DGRAM) = UDP",
            &format!("[step 2 bind] bound to {}, a loopback address", server.addr),
            "no listen() and no accept()",
            &format!("[step 3 receive] received a 3-byte datagram from {me}"),
            &format!("[step 4 send] sent its uppercase, 3 bytes, back to {me}"),
        ],
    );
    assert!(server.more_stdout().is_empty(), "narration reached stdout");
}

#[test]
fn on_one_terminal_the_bind_is_narrated_before_the_listening_line() {
    // A terminal shows stdout and stderr as one stream: the document binds, then listens, so
    // the narration of the bind comes before the line that says the server is there.
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "exec \"$0\" --port 0 --explain 2>&1", BIN]);
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(name);
    }
    let mut server = KillOnDrop(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let merged = BufReader::new(server.0.stdout.take().unwrap());
    let (tx, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in merged.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = String::new();
    while !seen.contains("listening on ") {
        let line = lines
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no `listening on` line; so far:\n{seen}"));
        seen.push_str(&line);
        seen.push('\n');
    }
    testkit::assert_in_order(
        &seen,
        &[
            "[step 1 socket] created a socket",
            "[step 2 bind] bound to 127.0.0.1:",
            "no listen() and no accept()",
            "listening on 127.0.0.1:",
        ],
    );
}

#[test]
fn four_descriptors_are_enough_to_serve_and_stop_on_ctrl_c() {
    // The standard three and the socket: Ctrl-C's handler needs no descriptor of its own (ctrlc
    // wakes its thread with a semaphore; the pipe signal-hook used would not fit).
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -n 4 && exec \"$0\" --port 0", BIN]);
    let mut server = Server::start_command(cmd);
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"four"), b"FOUR");
    server.signal("INT");
    let status = server.wait_exit(WAIT).expect("stopped on SIGINT");
    assert!(status.success(), "{status:?}: {}", server.stderr());
    assert!(
        server.stderr().contains("stopped: answered 1 datagram"),
        "{}",
        server.stderr()
    );
}

/// A child process, killed when the test ends, passed or failed.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
