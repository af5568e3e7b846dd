//! tcp-client against servers written inside the test that answer correctly (at once, a byte at
//! a time, closing early or staying open), its narration with --explain, and what it says when
//! there is no server or its arguments are wrong. Faulty servers: client_errors.rs; load mode:
//! load_checks.rs.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::thread;
use std::time::Duration;

use support::{client, echo, serve, timed_client, write_one_by_one, BIN, WAIT};
use testkit::run;

mod support;

/// Echoes correctly, but one byte per write: a reply arrives in many reads.
fn echo_in_bytes(mut s: TcpStream) {
    s.set_nodelay(true).unwrap();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 || !write_one_by_one(&mut s, &buf[..n], Duration::ZERO) {
            break;
        }
    }
}

/// Echoes correctly, then keeps the connection open after the client's end of stream, until the
/// test process ends.
fn echo_and_stay_open(s: TcpStream) {
    echo(s.try_clone().unwrap());
    loop {
        thread::park();
    }
}

#[test]
fn sends_the_greeting_by_default() {
    let addr = serve(echo);
    let out = client(addr, &[], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "from server: 你好,服务器!\n");
}

#[test]
fn one_reply_line_per_message_in_order() {
    let addr = serve(echo_in_bytes);
    let out = client(addr, &["first", "second message", "你好"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "from server: first\nfrom server: second message\nfrom server: 你好\n"
    );
}

#[test]
fn stdin_lines_until_quit() {
    let addr = serve(echo);
    let out = client(addr, &["--stdin"], b"one\r\ntwo\nQuit\nthree\n");
    assert_eq!(out.code(), Some(0), "{out:?}");
    // Piped input shows no prompt: the output is the replies and nothing else.
    assert_eq!(out.stdout, "from server: one\nfrom server: two\n");
}

#[test]
fn a_long_line_is_sent_and_checked_without_deadlock() {
    let addr = serve(echo);
    let mut line = vec![b'z'; 3 << 20];
    line.push(b'\n');
    let out = client(addr, &["--stdin"], &line);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.len(), "from server: \n".len() + (3 << 20));
}

#[test]
fn a_server_that_closes_costs_no_wait_for_its_end_of_stream() {
    // One closes when it reads the client's FIN, the other as soon as it has echoed.
    let closes_at_once = |mut s: TcpStream| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..n]).unwrap();
    };
    for (name, handler) in [
        ("after our FIN", echo as fn(TcpStream)),
        ("at once", closes_at_once),
    ] {
        let addr = serve(handler);
        let what = format!("a server that closes {name}: the client took");
        let (out, elapsed) = timed_client(addr, &["hello"], &what);
        assert_eq!(out.code(), Some(0), "{out:?}");
        assert_eq!(out.stdout, "from server: hello\n");
        // Well under the 500 ms the client would wait for a server that stays open.
        assert!(elapsed < Duration::from_millis(250), "{name}: {elapsed:?}");
    }
}

#[test]
fn a_server_that_stays_open_is_no_error() {
    let addr = serve(echo_and_stay_open);
    let (out, elapsed) = timed_client(
        addr,
        &["--timeout", "0.3", "hello"],
        "a server that stays open, --timeout 0.3: the client took",
    );
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "from server: hello\n");
    assert_eq!(out.stderr, "");
    // It waited for the end of stream, but no longer than --timeout.
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
}

#[test]
fn no_server_says_connection_refused_with_a_hint() {
    // A port that was free a moment ago, and that nobody listens on now.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = client(addr, &[], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        format!("error: cannot connect to {addr}: connection refused")
    );
    assert!(out.stderr.contains("hint: ") && out.stderr.contains("cargo run -p tcp-server"));
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--port", "70000"][..],
        &["--port", "abc"],
        &["--timeout", "0"],
        &["--unknown"],
        &["--stdin", "message"],
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        let out = run(cmd, b"", WAIT);
        assert_eq!(out.code(), Some(2), "{args:?}: {out:?}");
        assert!(!out.stderr.contains("panicked"));
    }
}

#[test]
fn an_unknown_host_is_named() {
    let mut cmd = Command::new(BIN);
    cmd.args(["--host", "no-such-host.invalid"]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: cannot resolve host \"no-such-host.invalid\""),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_narrates_each_step_in_order_and_leaves_stdout_alone() {
    // Echoes the first byte, then the rest 100 ms later: the reply takes two reads. Then it
    // closes when it reads the client's FIN, as tcp-server does, so the client's FIN is first.
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..1]).unwrap();
        thread::sleep(Duration::from_millis(100));
        s.write_all(&buf[1..n]).unwrap();
        while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
    });
    let out = client(addr, &["--explain", "hi"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "from server: hi\n");
    testkit::assert_in_order(
        &out.stderr,
        &[
            "[step 1 socket] creating a socket: IPv4 (AF_INET) + stream (SOCK_STREAM) = TCP",
            "[step 2 connect] connected from 127.0.0.1:",
            &format!(" to {addr}: connect() sent our SYN and returned at once"),
            "[step 3 send] sent 2 bytes",
            "[step 4 receive] received 1 bytes: 1 of the 2",
            "[step 4 receive] received 1 bytes: 2 of the 2",
            "[step 5 close] closed our sending side with shutdown(Write): our FIN is queued to go out",
            "[step 5 close] the server closed its side too: its FIN came and our system ACKed it",
            "[step 5 close] closed the socket. We sent the first FIN",
        ],
    );
}

#[test]
fn on_one_terminal_the_reply_comes_between_the_steps_it_follows_and_precedes() {
    // A terminal shows stdout and stderr as one stream: the narration, written by a thread of
    // its own, must still reach it before the reply that follows it.
    let addr = serve(echo);
    // Ten times: without the wait for the log, the reply overtook the narration about two
    // runs in three.
    for _ in 0..10 {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("'{BIN}' --port {} --explain hi 2>&1", addr.port()));
        let out = run(cmd, b"", WAIT);
        assert_eq!(out.code(), Some(0), "{out:?}");
        testkit::assert_in_order(
            &out.stdout,
            &[
                "[step 3 send] sent 2 bytes",
                "[step 4 receive] received 2 bytes",
                "from server: hi",
                "[step 5 close] closed our sending side",
            ],
        );
    }
}
