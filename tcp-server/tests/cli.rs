//! tcp-server as a command: its arguments, its errors with their hints, `--help` and
//! `--version`, and a stdout nobody reads.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::process::Command;
use std::thread;

use support::{connect, start, BIN, WAIT};
use testkit::{round_trip, run};

#[test]
fn address_in_use_is_one_line_with_a_hint() {
    let server = start(&[]);
    let port = server.addr.port().to_string();
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", &port]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(1), "{out:?}");
    let expected =
        format!("error: cannot listen on 127.0.0.1:{port}: address already in use\nhint: ");
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"));
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--port", "70000"][..],
        &["--port", "abc"],
        &["--bogus"],
        &["--backlog", "0"],
        &["--max-connections", "0"],
        &["--threads", "0"],
        &["--threads", "100000"],
        &["--idle-timeout", "1e-10"],
        &["--idle-timeout", "-1"],
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        let out = run(cmd, b"", WAIT);
        assert_eq!(out.code(), Some(2), "{args:?}: {out:?}");
        assert!(out.stderr.contains("error:"), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
    }
}

#[test]
fn with_stdout_closed_it_says_so_and_serves_anyway() {
    // `tcp-server | true`: the reader of stdout is gone before the `listening on` line. Its end
    // of the pipe is closed before the server starts: closed after, the line could reach the
    // pipe first, and no warning would ever come.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--explain"])
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = std::io::BufReader::new(child.stderr.take().unwrap());
    // Bounded: should the warning never come, the server is killed, its stderr ends, and the
    // assertion below fails instead of the test waiting for ever.
    // The watchdog stands down when `_running` is dropped, however the test ends; until then
    // the child is not reaped, so its pid cannot belong to anyone else.
    let pid = child.id().to_string();
    let (_running, watch) = std::sync::mpsc::channel::<()>();
    thread::spawn(move || {
        if watch.recv_timeout(WAIT) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        }
    });
    let mut kill = KillOnDrop(child);
    // The narration of step 2 names the port; the warning comes after it.
    let mut addr = None;
    let mut line = String::new();
    while std::io::BufRead::read_line(&mut log, &mut line).unwrap() > 0 {
        if let Some(rest) = line.split("bound to ").nth(1) {
            addr = rest
                .split(',')
                .next()
                .map(|a| a.parse::<SocketAddr>().unwrap());
        }
        if line.contains("could not write `listening on ") {
            break;
        }
        line.clear();
    }
    let addr = addr.expect("step 2 names the address");
    // The warning names the address, which nobody could read on stdout.
    assert!(
        line.contains(&format!(
            "could not write `listening on {addr}` to stdout (broken pipe); serving anyway"
        )),
        "no warning; last line {line:?}"
    );
    let mut s = connect(addr);
    assert_eq!(round_trip(&mut s, b"still here"), b"still here");
    assert!(matches!(kill.0.try_wait(), Ok(None)), "the server exited");
    kill.0.kill().unwrap();
}

/// Kills the process when the test ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn help_and_version() {
    let mut cmd = Command::new(BIN);
    cmd.arg("--help");
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(0));
    assert!(out.stdout.contains("--max-connections"), "{}", out.stdout);
    let mut cmd = Command::new(BIN);
    cmd.arg("--version");
    let out = run(cmd, b"", WAIT);
    assert!(out.stdout.starts_with("tcp-server "), "{}", out.stdout);
}
