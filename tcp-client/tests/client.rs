//! tcp-client against servers written inside the test: a correct echo server, one that answers
//! a byte at a time, and faulty ones (closes early, alters bytes, never answers, answers too
//! slowly, sends more than the echo).

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use support::{echo, serve};
use testkit::{run, Output};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_tcp-client");
const WAIT: Duration = Duration::from_secs(20);

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

/// Writes `bytes` one per write, after `pause` each; false once the client has gone.
fn write_one_by_one(s: &mut TcpStream, bytes: &[u8], pause: Duration) -> bool {
    bytes.iter().all(|b| {
        thread::sleep(pause);
        s.write_all(&[*b]).is_ok()
    })
}

/// Reads and never answers, until the client gives up.
fn silent(mut s: TcpStream) {
    let mut buf = [0u8; 64];
    while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
}

/// Echoes, but one byte every 1.5 s: each read gets a byte well within a 2 s timeout, the whole
/// reply does not.
fn trickle(mut s: TcpStream) {
    s.set_nodelay(true).unwrap();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap();
    write_one_by_one(&mut s, &buf[..n], Duration::from_millis(1500));
}

/// Echoes the first message with ` and more` after it, in the same write, then echoes correctly
/// until the client's end of stream.
fn echo_and_more(mut s: TcpStream) {
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap();
    let mut reply = buf[..n].to_vec();
    reply.extend_from_slice(b" and more");
    s.write_all(&reply).unwrap();
    echo(s);
}

/// Echoes correctly, then keeps the connection open after the client's end of stream, until the
/// test process ends.
fn echo_and_stay_open(s: TcpStream) {
    echo(s.try_clone().unwrap());
    loop {
        thread::park();
    }
}

fn client(addr: SocketAddr, args: &[&str], stdin: &[u8]) -> Output {
    testkit::client(BIN, addr, args, stdin, WAIT)
}

/// Runs the client with `args` and no input, and says how long it took (`what: 1.2s`, shown
/// with --nocapture).
fn timed_client(addr: SocketAddr, args: &[&str], what: &str) -> (Output, Duration) {
    let started = Instant::now();
    let out = client(addr, args, b"");
    let elapsed = started.elapsed();
    eprintln!("{what}: {elapsed:?}");
    (out, elapsed)
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
fn a_server_that_closes_early_is_reported() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..n / 2]).unwrap();
    });
    let out = client(addr, &["0123456789"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!("error: {addr} closed the connection after 5 of 10 bytes of the reply\n")
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_server_that_alters_bytes_is_reported() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        buf[3] ^= 0x20;
        s.write_all(&buf[..n]).unwrap();
    });
    let out = client(addr, &["abcdef"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("differs from what was sent, at byte 3"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_silent_server_times_out() {
    let addr = serve(silent);
    let started = Instant::now();
    let out = client(addr, &["--timeout", "0.5", "hello"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("no reply from"), "{}", out.stderr);
    assert!(out.stderr.contains("after 0 of 5 bytes"), "{}", out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_timeout_bounds_the_whole_reply_not_each_read() {
    let addr = serve(trickle);
    let (out, elapsed) = timed_client(
        addr,
        &["--timeout", "2", "hello"],
        "a reply trickled a byte every 1.5 s, --timeout 2, gave up after",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!("error: after 1 of 5 bytes: no reply from {addr} within 2s\n")
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    // The deadline, not the first read that happened to time out: not before 2 s, well before 3.
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[test]
fn bytes_beyond_the_echo_are_an_error() {
    let addr = serve(echo_and_more);
    let out = client(addr, &["hello"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "from server: hello\n");
    assert_eq!(
        out.stderr,
        format!("error: {addr} sent 9 bytes more than the echo\n")
    );
}

#[test]
fn bytes_beyond_one_echo_make_the_next_reply_differ() {
    let addr = serve(echo_and_more);
    let out = client(addr, &["first", "second"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "from server: first\n");
    // The next reply starts with the extra bytes: it differs from its first byte.
    assert_eq!(
        out.stderr,
        format!("error: the reply from {addr} differs from what was sent, at byte 0\n")
    );
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
fn load_mode_checks_and_reports_every_round_trip() {
    let addr = serve(echo);
    let out = client(addr, &["--count", "50", "-c", "4", "--size", "100"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout
            .starts_with("round trips:  50 of 100 bytes over 4 connections\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nerrors:       0\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("every reply matched byte for byte"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("latency µs:   min "), "{}", out.stdout);
}

#[test]
fn load_mode_round_trips_larger_than_the_socket_buffers() {
    let addr = serve(echo);
    let out = client(addr, &["-n", "3", "-c", "2", "-s", "8000000"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stdout.contains("every reply matched"), "{}", out.stdout);
}

#[test]
fn load_mode_with_a_new_connection_each_time() {
    let addr = serve(echo);
    let out = client(addr, &["-n", "40", "-c", "3", "--reconnect"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout
            .contains("round trips:  40 of 64 bytes over 3 connections, a new connection for each"),
        "{}",
        out.stdout
    );
}

#[test]
fn load_mode_fails_on_an_altered_echo() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            buf[0] = buf[0].wrapping_add(1);
            if s.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let out = client(addr, &["-n", "10"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.contains("replies differed"), "{}", out.stdout);
    assert!(
        out.stderr.contains("error: 1 of 1 round trips failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn load_options_need_load_mode() {
    let mut cmd = Command::new(BIN);
    cmd.args(["--connections", "5"]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(2), "{out:?}");
}

#[test]
fn load_mode_stops_at_the_duration() {
    let addr = serve(echo);
    let started = Instant::now();
    let out = client(addr, &["--duration", "0.5", "--count", "100000000"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(out.stdout.contains("every reply matched"), "{}", out.stdout);
}

#[test]
fn a_reset_in_the_middle_of_a_reply_is_reported() {
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..n / 2]).unwrap();
        // SO_LINGER 0: close() sends a reset instead of an orderly end.
        socket2::SockRef::from(&s)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    });
    let out = client(addr, &["--timeout", "10", "0123456789"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("reset the connection"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
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
            &format!(" to {addr}: inside connect() our SYN went out"),
            "[step 3 send] sent 2 bytes",
            "[step 4 receive] received 1 bytes: 1 of the 2",
            "[step 4 receive] received 1 bytes: 2 of the 2",
            "[step 5 close] closed our sending side with shutdown(Write): our FIN goes out",
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

#[test]
fn load_mode_gives_up_on_a_silent_server_after_the_timeout() {
    let addr = serve(silent);
    let started = Instant::now();
    let out = client(addr, &["-n", "5", "--timeout", "0.5"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("no reply from"), "{}", out.stderr);
    assert!(out.stdout.contains("errors:       1"), "{}", out.stdout);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn load_mode_times_out_a_round_trip_that_trickles() {
    // Five bytes, one every 1.5 s: the echo would take 7.5 s, each read far less than 2 s.
    let addr = serve(trickle);
    let (out, elapsed) = timed_client(
        addr,
        &["-n", "1", "-s", "5", "--timeout", "2"],
        "load mode, a round trip trickled a byte every 1.5 s, --timeout 2, failed after",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("no reply from"), "{}", out.stderr);
    assert!(out.stdout.contains("errors:       1"), "{}", out.stdout);
    // The timeout is checked once a second: it fails between 2 and 3 s into the round trip.
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_millis(4500),
        "{elapsed:?}"
    );
}

#[test]
fn load_mode_counts_bytes_beyond_an_echo_as_a_mismatch() {
    // Each echo is followed, in a write of its own, by five bytes more.
    let addr = serve(|mut s| {
        s.set_nodelay(true).unwrap();
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 || s.write_all(&buf[..n]).is_err() || s.write_all(b"extra").is_err() {
                break;
            }
        }
    });
    let out = client(addr, &["-n", "5"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stdout.contains("1 replies differed from what was sent"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("round trips failed"), "{}", out.stderr);
}
