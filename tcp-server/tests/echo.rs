//! tcp-server through real sockets: each test starts the binary on 127.0.0.1 port 0, waits for
//! its `listening on` line, talks to it, and kills it when the test ends.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{noise, round_trip, run, Server};

const BIN: &str = env!("CARGO_BIN_EXE_tcp-server");
const WAIT: Duration = Duration::from_secs(10);

/// Tests that hold a time bound, and tests that keep both CPUs busy, take turns: on a 2-CPU
/// machine, 500 flooding clients beside a 20 ms bound would measure the machine, not the server.
static TURNS: Mutex<()> = Mutex::new(());

fn take_turns() -> MutexGuard<'static, ()> {
    // A test that failed while holding it poisons it; the next one may still run.
    TURNS.lock().unwrap_or_else(PoisonError::into_inner)
}

fn start(extra: &[&str]) -> Server {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Server::start(BIN, &args)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, WAIT).expect("connecting");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    stream
}

#[test]
fn echoes_ascii_and_the_greeting() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"hello"), b"hello");
    let greeting = "你好,服务器!".as_bytes();
    assert_eq!(round_trip(&mut s, greeting), greeting);
    assert!(
        server.wait_for_log("received \"你好,服务器!\"", WAIT),
        "{}",
        server.stderr()
    );
    assert!(server.wait_for_log("connection from 127.0.0.1:", WAIT));
}

#[test]
fn echoes_megabytes_of_random_bytes_while_they_are_written() {
    let _turn = take_turns();
    let server = start(&[]);
    let s = connect(server.addr);
    let data = noise(8 << 20, 0x9e37_79b9_7f4a_7c15);
    let mut writer = s.try_clone().unwrap();
    let sent = data.clone();
    let send = thread::spawn(move || {
        for chunk in sent.chunks(100_003) {
            writer.write_all(chunk).unwrap();
        }
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut back = Vec::new();
    (&s).read_to_end(&mut back).unwrap();
    send.join().unwrap();
    assert_eq!(back.len(), data.len());
    assert!(back == data, "the echo differs from what was sent");
    let closed = format!("after echoing {} bytes", data.len());
    assert!(server.wait_for_log(&closed, WAIT), "{}", server.stderr());
}

#[test]
fn a_character_sent_one_byte_at_a_time_is_logged_whole() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    s.set_nodelay(true).unwrap();
    let text = "你好";
    for (i, byte) in text.as_bytes().iter().enumerate() {
        s.write_all(&[*byte]).unwrap();
        let mut one = [0u8; 1];
        s.read_exact(&mut one).unwrap();
        assert_eq!(one[0], *byte, "byte {i}");
    }
    assert!(
        server.wait_for_log("received \"你\"", WAIT),
        "{}",
        server.stderr()
    );
    assert!(
        server.wait_for_log("received \"好\"", WAIT),
        "{}",
        server.stderr()
    );
    assert!(!server.stderr().contains('\u{fffd}'), "{}", server.stderr());
}

#[test]
fn rust_log_naming_the_server_alone_still_shows_what_it_receives() {
    // RUST_LOG=tcp_server=info turns off every other module's log, the shared library's too:
    // the lines about reads must follow the server's own filter.
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", "0"]).env("RUST_LOG", "tcp_server=info");
    let server = Server::start_command(cmd);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"filtered"), b"filtered");
    drop(s);
    assert!(
        server.wait_for_log("received \"filtered\"", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn invalid_utf8_is_echoed_unchanged_and_logged_as_replacement() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    let bytes = b"ok\xff\xfe\x00end";
    assert_eq!(round_trip(&mut s, bytes), bytes);
    assert!(
        server.wait_for_log("ok\u{fffd}\u{fffd}\\0end", WAIT),
        "{}",
        server.stderr()
    );
    assert_eq!(round_trip(&mut s, b"still here"), b"still here");
}

#[test]
fn after_a_half_close_the_rest_is_echoed_then_the_server_closes() {
    let server = start(&[]);
    let mut s = connect(server.addr);
    s.write_all(b"last words").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    let mut back = Vec::new();
    s.read_to_end(&mut back).unwrap();
    assert_eq!(back, b"last words");
    assert!(
        server.wait_for_log("after echoing 10 bytes", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn fifty_clients_at_once() {
    let server = start(&[]);
    let addr = server.addr;
    let clients: Vec<_> = (0..50)
        .map(|i| {
            thread::spawn(move || {
                let mut s = connect(addr);
                for round in 0..20 {
                    let msg = format!("client {i} round {round}").into_bytes();
                    assert_eq!(round_trip(&mut s, &msg), msg);
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("a client failed");
    }
}

/// Four clients, `rounds` round trips each, every echo checked.
fn four_clients(addr: SocketAddr, rounds: usize) {
    let clients: Vec<_> = (0..4)
        .map(|i| {
            thread::spawn(move || {
                let mut s = connect(addr);
                for round in 0..rounds {
                    let msg = format!("client {i} round {round}").into_bytes();
                    assert_eq!(round_trip(&mut s, &msg), msg);
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("a client failed");
    }
}

#[test]
fn a_log_nobody_reads_never_stops_the_serving() {
    // At debug level every read is logged: 5,000 round trips write far more than the 64 KiB a
    // pipe holds. Writing the log must not wait for a reader that never comes.
    let mut cmd = Command::new(BIN);
    cmd.args(["--port", "0"]).env("RUST_LOG", "debug");
    let server = Server::start_with_unread_stderr(cmd);
    four_clients(server.addr, 1250);
}

#[test]
fn at_the_default_level_frequent_lines_are_summed_up_not_each_shown() {
    let server = start(&[]);
    four_clients(server.addr, 500);
    assert!(
        server.wait_for_log("not shown, to keep the log readable", WAIT),
        "no summary line; log:\n{}",
        server.stderr()
    );
    let received = server.stderr().matches(": received ").count();
    assert!(
        received < 500,
        "{received} received lines for 2,000 reads: the log is not limited"
    );
    assert!(server.stderr().contains("RUST_LOG=debug shows every one"));
}

#[test]
fn a_client_that_never_reads_does_not_slow_another() {
    let _turn = take_turns();
    let server = start(&[]);
    let hog = connect(server.addr);
    hog.set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut writer = hog.try_clone().unwrap();
    // Writes until the buffers on both sides are full and the server stops reading from it.
    let flood = thread::spawn(move || {
        let block = vec![b'x'; 64 * 1024];
        let mut sent = 0usize;
        while sent < 256 << 20 {
            match writer.write(&block) {
                Ok(n) => sent += n,
                Err(_) => break,
            }
        }
        sent
    });
    let sent = flood.join().unwrap();
    assert!(
        sent < 256 << 20,
        "the server read everything without being read from"
    );
    // Meanwhile another client is served as usual.
    let mut other = connect(server.addr);
    for i in 0..100 {
        let msg = format!("ping {i}").into_bytes();
        assert_eq!(round_trip(&mut other, &msg), msg);
    }
    drop(hog);
}

#[test]
fn reset_and_empty_connections_do_not_stop_the_server() {
    let server = start(&[]);
    // Closed without a byte.
    drop(connect(server.addr));
    assert!(
        server.wait_for_log("after echoing 0 bytes", WAIT),
        "{}",
        server.stderr()
    );
    // Reset: SO_LINGER 0 makes close() send RST, with an echo still unread.
    let s = connect(server.addr);
    let sock = socket2::Socket::from(s);
    sock.set_linger(Some(Duration::ZERO)).unwrap();
    let mut s: TcpStream = sock.into();
    assert_eq!(round_trip(&mut s, b"first"), b"first");
    s.write_all(&vec![7u8; 1 << 20]).unwrap();
    drop(s);
    assert!(
        server.wait_for_log("reset", WAIT) || server.wait_for_log("went away", WAIT),
        "{}",
        server.stderr()
    );
    let mut again = connect(server.addr);
    assert_eq!(round_trip(&mut again, b"alive"), b"alive");
}

#[test]
fn connections_over_the_cap_are_closed_at_once() {
    let server = start(&["--max-connections", "2"]);
    let mut a = connect(server.addr);
    let mut b = connect(server.addr);
    assert_eq!(round_trip(&mut a, b"a"), b"a");
    assert_eq!(round_trip(&mut b, b"b"), b"b");
    let mut c = connect(server.addr);
    let mut buf = [0u8; 1];
    // Closed by the server: end of stream, or a reset if our byte arrived first.
    let _ = c.write_all(b"c");
    match c.read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the third connection was served: {other:?}"),
    }
    assert!(server.wait_for_log("refusing", WAIT), "{}", server.stderr());
    // A slot frees when a client leaves, and the next client is served.
    drop(a);
    assert!(server.wait_for_log("after echoing 1 bytes", WAIT));
    let mut d = connect(server.addr);
    assert_eq!(round_trip(&mut d, b"d"), b"d");
    assert_eq!(round_trip(&mut b, b"b"), b"b");
}

#[test]
fn a_full_server_closes_its_longest_idle_connection_for_a_newcomer() {
    let _turn = take_turns();
    // Two threads: the newcomer may land on the thread that does not hold the idlest one.
    let mut server = start(&["--max-connections", "4", "--threads", "2"]);
    let held: Vec<TcpStream> = (0..4)
        .map(|i| {
            let mut s = connect(server.addr);
            let msg = format!("holder {i}").into_bytes();
            assert_eq!(round_trip(&mut s, &msg), msg);
            s
        })
        .collect();
    // Nobody has been idle long enough yet: the newcomer is refused, no holder is closed.
    let mut early = connect(server.addr);
    let _ = early.write_all(b"?");
    let mut buf = [0u8; 16];
    assert!(
        matches!(early.read(&mut buf), Ok(0) | Err(_)),
        "served over the cap"
    );
    // Idleness is what this waits for: 2 s without traffic, and a sweep (<= 1 s) to tell it.
    thread::sleep(Duration::from_millis(3200));
    let asked = Instant::now();
    let mut fresh = connect(server.addr);
    assert_eq!(round_trip(&mut fresh, b"let me in"), b"let me in");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );
    assert!(
        server.wait_for_log("the server was full and it had been idle longest", WAIT),
        "{}",
        server.stderr()
    );
    // Exactly one holder was closed to make that room.
    let closed = held
        .iter()
        .filter(|s| {
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            match (&**s).read(&mut buf) {
                Ok(0) => true,
                Ok(n) => panic!("a holder got {n} bytes it never asked for"),
                // Still open: nothing to read, and the wait ran out.
                Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            }
        })
        .count();
    assert_eq!(closed, 1);
    drop((held, fresh, early));
    server.signal("TERM");
    assert_eq!(server.wait_exit(WAIT).and_then(|s| s.code()), Some(0));
    assert!(
        server.wait_for_log("while full, refused 1 and closed 1 idle", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn listens_on_ipv6_loopback() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback on this machine; nothing to test");
        return;
    }
    let server = Server::start(BIN, &["--host", "::1", "--port", "0"]);
    assert!(server.addr.is_ipv6());
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"six"), b"six");
}

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
        if line.contains("could not write the `listening on` line") {
            break;
        }
        line.clear();
    }
    assert!(
        line.contains("serving anyway"),
        "no warning; last line {line:?}"
    );
    let mut s = connect(addr.expect("step 2 names the address"));
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

#[test]
fn an_idle_connection_is_closed_and_a_busy_one_is_not() {
    let server = start(&["--idle-timeout", "0.6"]);
    let mut idle = connect(server.addr);
    assert_eq!(round_trip(&mut idle, b"then nothing"), b"then nothing");
    let mut busy = connect(server.addr);
    // Busy: a round trip every 150 ms, for three times the timeout.
    for _ in 0..12 {
        assert_eq!(round_trip(&mut busy, b"still here"), b"still here");
        thread::sleep(Duration::from_millis(150));
    }
    let mut buf = [0u8; 1];
    assert_eq!(idle.read(&mut buf).unwrap(), 0, "the idle one was closed");
    assert!(
        server.wait_for_log("idle for 0.6 s (--idle-timeout)", WAIT),
        "{}",
        server.stderr()
    );
    assert_eq!(round_trip(&mut busy, b"and now"), b"and now");
}

#[test]
fn a_slow_reader_gets_its_whole_echo_despite_a_short_idle_timeout() {
    let _turn = take_turns();
    let server = start(&["--idle-timeout", "0.5"]);
    let s = connect(server.addr);
    let data = noise(8 << 20, 7);
    let mut writer = s.try_clone().unwrap();
    let sent = data.clone();
    let send = thread::spawn(move || writer.write_all(&sent));
    // Reads 256 KiB every 50 ms: 1.6 s in all, three times the idle timeout.
    let mut back = Vec::with_capacity(data.len());
    let mut buf = vec![0u8; 256 << 10];
    while back.len() < data.len() {
        let n = (&s).read(&mut buf).unwrap();
        assert!(n > 0, "closed after {} bytes", back.len());
        back.extend_from_slice(&buf[..n]);
        thread::sleep(Duration::from_millis(50));
    }
    send.join().unwrap().unwrap();
    assert!(back == data);
    // The server may close it as idle once it has handed the kernel the last byte: the kernel
    // still delivers what it holds. Never before that.
    let log = server.stderr();
    if let Some(line) = log.lines().find(|l| l.contains("idle for")) {
        assert!(line.contains("after echoing 8388608 bytes"), "{log}");
    }
}

#[test]
fn idle_holders_over_the_cap_are_refused_then_slots_free_for_new_clients() {
    let server = start(&["--max-connections", "200", "--idle-timeout", "1"]);
    let mut held: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut s = connect(server.addr);
            let msg = format!("holder {i}").into_bytes();
            assert_eq!(round_trip(&mut s, &msg), msg);
            s
        })
        .collect();
    // Over the cap: accepted and closed at once.
    let mut refused = 0;
    for _ in 0..50 {
        let mut extra = connect(server.addr);
        let mut buf = [0u8; 1];
        let _ = extra.write_all(b"?");
        if matches!(extra.read(&mut buf), Ok(0) | Err(_)) {
            refused += 1;
        }
    }
    assert_eq!(refused, 50);
    // The holders go idle and are closed; a new client is then served.
    assert!(
        server.wait_for_log("idle for 1 s", WAIT),
        "{}",
        server.stderr()
    );
    let mut fresh = connect(server.addr);
    assert_eq!(round_trip(&mut fresh, b"my turn"), b"my turn");
    held.clear();
}

#[test]
fn sigterm_finishes_the_echo_in_flight_then_exits_0_with_a_summary() {
    let _turn = take_turns();
    let mut server = start(&[]);
    let s = connect(server.addr);
    let data = noise(8 << 20, 99);
    // The client writes without reading: the echo backs up in the buffers on both sides.
    let mut writer = s.try_clone().unwrap();
    let sent = data.clone();
    let send = thread::spawn(move || {
        writer.write_all(&sent).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut first = vec![0u8; 1024];
    (&s).read_exact(&mut first).unwrap();
    server.signal("TERM");
    assert!(
        server.wait_for_log("stopping: no new connections", WAIT),
        "{}",
        server.stderr()
    );
    // The rest of the echo still comes, all of it, then the end of the stream.
    let mut rest = Vec::new();
    (&s).read_to_end(&mut rest).unwrap();
    send.join().unwrap();
    first.extend_from_slice(&rest);
    assert!(first == data, "got {} of {} bytes", first.len(), data.len());
    let status = server.wait_exit(WAIT).expect("the server exits");
    assert_eq!(status.code(), Some(0));
    let summary = format!("stopped: served 1 connection, echoed {} bytes", data.len());
    assert!(server.wait_for_log(&summary, WAIT), "{}", server.stderr());
    // And the port is closed.
    assert!(TcpStream::connect_timeout(&server.addr, WAIT).is_err());
}

/// A client that sends and reads as fast as it can, until `stop` is set; returns bytes echoed.
fn stream_flat_out(addr: SocketAddr, stop: Arc<AtomicBool>) -> thread::JoinHandle<u64> {
    let s = connect(addr);
    let mut writer = s.try_clone().unwrap();
    let stop_writing = Arc::clone(&stop);
    thread::spawn(move || {
        let block = vec![b's'; 256 * 1024];
        let send = thread::spawn(move || {
            while !stop_writing.load(Ordering::Relaxed) {
                if writer.write_all(&block).is_err() {
                    break;
                }
            }
            let _ = writer.shutdown(Shutdown::Write);
        });
        let mut buf = vec![0u8; 256 * 1024];
        let mut echoed = 0u64;
        while let Ok(n) = (&s).read(&mut buf) {
            if n == 0 {
                break;
            }
            echoed += n as u64;
        }
        let _ = send.join();
        echoed
    })
}

#[test]
fn one_thread_serves_a_small_client_promptly_beside_a_flat_out_stream() {
    let _turn = take_turns();
    let server = start(&["--threads", "1"]);
    let stop = Arc::new(AtomicBool::new(false));
    let stream = stream_flat_out(server.addr, Arc::clone(&stop));
    let mut small = connect(server.addr);
    let mut times: Vec<Duration> = (0..200)
        .map(|i| {
            let msg = format!("{i:064}").into_bytes();
            let start = Instant::now();
            assert_eq!(round_trip(&mut small, &msg), msg);
            start.elapsed()
        })
        .collect();
    stop.store(true, Ordering::Relaxed);
    let echoed = stream.join().unwrap();
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    // Before the per-turn share, one stream kept its thread for as long as it streamed
    // (~45 s for 4 GiB); 20 ms leaves room for a loaded test machine.
    assert!(p99 <= Duration::from_millis(20), "p99 {p99:?}: {times:?}");
    assert!(
        echoed > 1 << 20,
        "the stream itself barely moved: {echoed} bytes"
    );
}

#[test]
fn sigterm_during_a_flat_out_stream_exits_within_the_grace_period() {
    let _turn = take_turns();
    let mut server = start(&["--threads", "1"]);
    let stop = Arc::new(AtomicBool::new(false));
    let stream = stream_flat_out(server.addr, Arc::clone(&stop));
    // The stream is flowing once its echo is: read a round trip on the side to be sure.
    let mut other = connect(server.addr);
    assert_eq!(round_trip(&mut other, b"hi"), b"hi");
    let signalled = Instant::now();
    server.signal("TERM");
    let status = server.wait_exit(WAIT).expect("the server exits");
    let took = signalled.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = stream.join();
    assert_eq!(status.code(), Some(0));
    // The grace period is 3 s; the stream never finishes by itself, so it is cut then.
    assert!(
        took <= Duration::from_secs(4),
        "exited {took:?} after SIGTERM"
    );
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    let mut server = start(&[]);
    // An open connection would keep a graceful stop waiting for the grace period.
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"hold"), b"hold");
    server.signal("INT");
    assert!(
        server.wait_for_log("stopping: no new connections", WAIT),
        "{}",
        server.stderr()
    );
    let started = std::time::Instant::now();
    server.signal("INT");
    let status = server.wait_exit(WAIT).expect("the server exits");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status.code(), Some(130));
}

#[test]
fn out_of_file_descriptors_it_keeps_its_clients_and_serves_new_ones_later() {
    // 64 descriptors: the standard three, epoll and its waker for each thread, the listener,
    // and about fifty connections.
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -n 64 && exec \"$0\" --port 0 --threads 1",
        BIN,
    ]);
    let server = Server::start_command(cmd);
    let mut clients: Vec<TcpStream> = Vec::new();
    // More clients than descriptors: the last ones wait in the backlog, unaccepted.
    for _ in 0..80 {
        let mut s = connect(server.addr);
        s.write_all(b"x").unwrap();
        clients.push(s);
    }
    assert!(
        server.wait_for_log("too many open files", WAIT),
        "{}",
        server.stderr()
    );
    // It has not spun: a second of waiting costs it little CPU.
    let cpu = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.pid())).unwrap();
        let fields: Vec<u64> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|f| f.parse().unwrap())
            .collect();
        fields[0] + fields[1]
    };
    let before = cpu();
    thread::sleep(Duration::from_secs(1));
    let ticks = cpu() - before;
    assert!(ticks < 30, "the server used {ticks} of 100 ticks waiting");
    // The first client is still served.
    let mut buf = [0u8; 1];
    clients[0].read_exact(&mut buf).unwrap();
    assert_eq!(round_trip(&mut clients[0], b"yes"), b"yes");
    // Free some descriptors: the waiting clients are accepted and get their echo.
    clients.drain(1..40);
    for s in clients.iter_mut().skip(1) {
        s.read_exact(&mut buf).unwrap();
        assert_eq!(buf, *b"x");
    }
    assert!(
        server.wait_for_log("accepting connections again", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn explain_narrates_each_step_in_order_on_stderr_only() {
    let server = start(&["--explain"]);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, "你好".as_bytes()), "你好".as_bytes());
    drop(s);
    assert!(
        server.wait_for_log("[step 6 close]", WAIT),
        "{}",
        server.stderr()
    );
    testkit::assert_in_order(
        &server.stderr(),
        &[
            "[step 1 socket] created a socket: IPv4 (AF_INET) + stream (SOCK_STREAM) = TCP",
            &format!("[step 2 bind] bound to {}, a loopback address", server.addr),
            "[step 3 listen] listening",
            "[step 4 accept] accepted 127.0.0.1:",
            "[step 5 exchange] received 6 bytes from 127.0.0.1:",
            "[step 6 close] closing the socket for 127.0.0.1:",
            "after echoing 6 bytes: the client closed its side",
        ],
    );
    assert!(server.more_stdout().is_empty(), "narration reached stdout");
}

/// The server's resident memory, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The most kernel memory one of the server's connections holds, receive queue plus send
/// queue (`ss -tm`: skmem r and w), over the established sockets whose local end is `addr`.
/// The address and the port: another program's sockets on the same port number of another
/// loopback address (127.0.0.2, say) are not the server's.
fn largest_socket_memory(addr: SocketAddr) -> (u64, usize) {
    let out = Command::new("ss")
        .args(["-tmnH", "state", "established", "src"])
        .arg(addr.to_string())
        .output()
        .expect("running ss (iproute2)");
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |skmem: &str, name: char| -> u64 {
        skmem
            .split(',')
            .find_map(|f| f.strip_prefix(name)?.parse().ok())
            .unwrap_or(0)
    };
    let sockets: Vec<u64> = text
        .split("skmem:(")
        .skip(1)
        .map(|rest| {
            let skmem = rest.split(')').next().unwrap();
            field(skmem, 'r') + field(skmem, 'w')
        })
        .collect();
    (sockets.iter().copied().max().unwrap_or(0), sockets.len())
}

#[test]
fn clients_that_send_without_reading_cost_bounded_memory_given_back_when_they_read() {
    let _turn = take_turns();
    const CLIENTS: usize = 500;
    let server = start(&[]);
    let idle = rss_kib(server.pid());
    let mut hogs: Vec<(TcpStream, usize)> = (0..CLIENTS)
        .map(|_| {
            let s = connect(server.addr);
            s.set_nonblocking(true).unwrap();
            (s, 0)
        })
        .collect();
    // Each sends up to 4 MiB and reads nothing, until every one is refused more twice over.
    let block = vec![b'h'; 64 * 1024];
    let mut stalled = 0;
    let deadline = Instant::now() + WAIT;
    while stalled < 2 && Instant::now() < deadline {
        let mut moved = false;
        for (s, sent) in &mut hogs {
            let left = (4 << 20) - *sent;
            if left == 0 {
                continue;
            }
            match s.write(&block[..left.min(block.len())]) {
                Ok(n) => {
                    *sent += n;
                    moved = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("a hog's write failed: {e}"),
            }
        }
        stalled = if moved { 0 } else { stalled + 1 };
        if !moved {
            // The kernel may still be moving bytes between the queues: look again shortly.
            thread::sleep(Duration::from_millis(200));
        }
    }
    let (largest, seen) = largest_socket_memory(server.addr);
    assert_eq!(seen, CLIENTS, "ss saw {seen} of the server's sockets");
    assert!(
        largest <= 1 << 20,
        "one socket holds {largest} bytes in the kernel"
    );
    let loaded = rss_kib(server.pid());
    let per_connection = loaded.saturating_sub(idle) / CLIENTS as u64;
    assert!(
        per_connection <= 300,
        "{per_connection} KiB per connection ({idle} -> {loaded})"
    );
    // A normal client is served meanwhile.
    let mut normal = connect(server.addr);
    assert_eq!(round_trip(&mut normal, b"still served"), b"still served");
    // They read everything they are owed and sit idle: the memory goes back.
    let mut got = vec![0usize; CLIENTS];
    let mut buf = vec![0u8; 1 << 20];
    let deadline = Instant::now() + WAIT;
    while hogs.iter().zip(&got).any(|((_, sent), got)| got < sent) {
        assert!(Instant::now() < deadline, "the echo did not all come back");
        for ((s, sent), got) in hogs.iter_mut().zip(&mut got) {
            while *got < *sent {
                match s.read(&mut buf) {
                    Ok(0) => panic!("a hog's connection closed"),
                    Ok(n) => *got += n,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("a hog's read failed: {e}"),
                }
            }
        }
    }
    let deadline = Instant::now() + WAIT;
    while rss_kib(server.pid()) > 2 * idle {
        assert!(
            Instant::now() < deadline,
            "RSS {} KiB after the hogs read all, idle baseline {idle} KiB",
            rss_kib(server.pid())
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// How often each of the server's serving threads (the main one and `worker-N`) has gone to
/// sleep and been woken, summed: the kernel's count of voluntary context switches.
#[cfg(all(target_os = "linux", not(feature = "portable")))]
fn worker_wake_ups(pid: u32) -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let task = task.unwrap().path();
        let name = std::fs::read_to_string(task.join("comm")).unwrap_or_default();
        if name.trim() != "tcp-server" && !name.starts_with("worker-") {
            continue;
        }
        let status = std::fs::read_to_string(task.join("status")).unwrap_or_default();
        total += status
            .lines()
            .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0);
    }
    total
}

/// EPOLLEXCLUSIVE is the Linux fast path (worker.rs); the portable fallback registers the
/// listener the usual way, and every waiting thread may wake (975 wake-ups here with
/// `--features portable`).
#[cfg(all(target_os = "linux", not(feature = "portable")))]
#[test]
fn a_new_connection_wakes_one_of_four_threads_not_all() {
    let _turn = take_turns();
    // No spinning, so every thread is asleep in epoll_wait when a connection comes.
    let server = start(&["--threads", "4", "--spin", "0"]);
    let before = worker_wake_ups(server.pid());
    for i in 0..200 {
        let mut s = connect(server.addr);
        let msg = format!("{i}").into_bytes();
        assert_eq!(round_trip(&mut s, &msg), msg);
    }
    let woken = worker_wake_ups(server.pid()) - before;
    // The thread that accepts wakes for the connection, its data and its end: at most three
    // times each. All four woken for every new connection would add three more each.
    assert!(
        woken <= 3 * 200,
        "{woken} wake-ups of the serving threads for 200 connections"
    );
}

#[test]
fn a_server_without_traffic_costs_almost_no_cpu() {
    let _turn = take_turns();
    let server = start(&[]);
    let mut s = connect(server.addr);
    assert_eq!(round_trip(&mut s, b"then quiet"), b"then quiet");
    // Three quiet seconds (the quiet is what is measured), with one client connected.
    let before = testkit::cpu_time(server.pid());
    thread::sleep(Duration::from_secs(3));
    let used = testkit::cpu_time(server.pid()) - before;
    // The bound, 20 ms in 10 s, scaled to 3 s: no spinning when there is no traffic.
    assert!(
        used <= Duration::from_millis(6),
        "{used:?} of CPU in 3 quiet seconds"
    );
}
