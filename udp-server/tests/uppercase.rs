//! udp-server through real sockets: each test starts the binary on 127.0.0.1 (or ::1) port 0,
//! waits for its `listening on` line, sends it datagrams, and kills it when the test ends.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{run, Server};

const BIN: &str = env!("CARGO_BIN_EXE_udp-server");
const WAIT: Duration = Duration::from_secs(10);

fn start() -> Server {
    start_with(&[])
}

/// The server on 127.0.0.1, port 0, with more arguments.
fn start_with(args: &[&str]) -> Server {
    let mut all = vec!["--port", "0"];
    all.extend(args);
    Server::start(BIN, &all)
}

/// A socket on the server's loopback address, connected to it.
fn socket_to(server: SocketAddr) -> UdpSocket {
    let local = if server.is_ipv4() {
        "127.0.0.1:0"
    } else {
        "[::1]:0"
    };
    let s = UdpSocket::bind(local).unwrap();
    s.connect(server).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s
}

/// Stops the server with SIGTERM and returns the numbers of its summary line: answered, dropped,
/// and rate-limited when there is a limit.
fn stop_for_summary(server: &mut Server) -> Vec<u64> {
    server.signal("TERM");
    let exit = server.wait_exit(WAIT).expect("the server exits");
    assert_eq!(exit.code(), Some(0));
    assert!(
        server.wait_for_log("stopped: answered ", WAIT),
        "{}",
        server.stderr()
    );
    let log = server.stderr();
    let summary = log
        .lines()
        .find(|l| l.contains("stopped: answered "))
        .unwrap();
    let after = &summary[summary.find("stopped: ").unwrap()..];
    after
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect()
}

fn ask(s: &UdpSocket, data: &[u8]) -> Vec<u8> {
    s.send(data).unwrap();
    let mut buf = vec![0; 64 * 1024];
    // A signal to this multi-threaded test process can interrupt a receive with a timeout.
    let n = loop {
        match s.recv(&mut buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => break other.expect("a reply"),
        }
    };
    buf.truncate(n);
    buf
}

#[test]
fn replies_with_the_uppercase() {
    let server = start();
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"hello"), b"HELLO");
    assert_eq!(ask(&s, "straße".as_bytes()), b"STRASSE");
    assert_eq!(ask(&s, "你好, udp!".as_bytes()), "你好, UDP!".as_bytes());
    assert_eq!(ask(&s, b"ab\xffcd"), b"AB\xffCD");
    assert_eq!(ask(&s, b""), b"");
    assert!(
        server.wait_for_log("received \"straße\" from 127.0.0.1:", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_60000_byte_datagram_is_answered_whole() {
    let server = start();
    let s = socket_to(server.addr);
    let data: Vec<u8> = (0..60_000).map(|i| b"abcdefghij"[i % 10]).collect();
    let reply = ask(&s, &data);
    assert_eq!(reply.len(), 60_000);
    assert_eq!(reply, data.to_ascii_uppercase());
    // The largest datagram IPv4 carries, too.
    let max = vec![b'q'; 65_507];
    assert_eq!(ask(&s, &max), vec![b'Q'; 65_507]);
}

#[test]
fn over_ipv6_a_datagram_of_65527_bytes_is_answered_and_the_limit_named_is_ipv6s() {
    let server = Server::start(BIN, &["--host", "::1", "--port", "0"]);
    let s = socket_to(server.addr);
    // 20 bytes more than IPv4 carries: IPv6's payload length leaves out its own header.
    let max = vec![b'q'; 65_527];
    assert_eq!(ask(&s, &max), vec![b'Q'; 65_527]);
    // 40,000 bytes of 'ΐ' have a 120,000-byte uppercase: too large even for IPv6.
    s.send("ΐ".repeat(20_000).as_bytes()).unwrap();
    assert!(
        server.wait_for_log("more than a datagram holds over IPv6 (65527)", WAIT),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_reply_too_large_for_a_datagram_is_not_sent_and_the_server_goes_on() {
    let server = start();
    let s = socket_to(server.addr);
    // Each 2-byte 'ΐ' becomes 6 bytes in uppercase: the reply would not fit in a datagram.
    let data = "ΐ".repeat(30_000);
    s.send(data.as_bytes()).unwrap();
    assert!(
        server.wait_for_log("more than a datagram holds over IPv4 (65507)", WAIT),
        "{}",
        server.stderr()
    );
    s.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
    s.set_nonblocking(false).unwrap();
    assert_eq!(ask(&s, b"next"), b"NEXT");
}

#[test]
fn a_thousand_datagrams_from_several_sockets_are_all_answered() {
    let server = start();
    let addr = server.addr;
    let senders: Vec<_> = (0..5)
        .map(|i| {
            thread::spawn(move || {
                let s = socket_to(addr);
                for n in 0..200 {
                    let msg = format!("socket {i} datagram {n}");
                    assert_eq!(ask(&s, msg.as_bytes()), msg.to_uppercase().as_bytes());
                }
            })
        })
        .collect();
    for s in senders {
        s.join().expect("a sender lost a reply");
    }
}

#[test]
fn a_sender_that_vanished_does_not_stop_the_server() {
    let server = start();
    {
        let gone = UdpSocket::bind("127.0.0.1:0").unwrap();
        gone.send_to(b"hit and run", server.addr).unwrap();
    }
    assert!(
        server.wait_for_log("received \"hit and run\"", WAIT),
        "{}",
        server.stderr()
    );
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"anyone?"), b"ANYONE?");
}

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
fn a_flood_from_many_sockets_never_stops_it_and_sigterm_ends_with_a_summary() {
    let mut server = start();
    let addr = server.addr;
    // Twenty sockets each send 500 datagrams as fast as they can, reading nothing: the server's
    // queue overflows and the kernel drops some, which is what UDP is allowed to do.
    let floods: Vec<_> = (0..20)
        .map(|i| {
            thread::spawn(move || {
                let s = UdpSocket::bind("127.0.0.1:0").unwrap();
                for n in 0..500 {
                    let _ = s.send_to(format!("flood {i} {n}").as_bytes(), addr);
                }
            })
        })
        .collect();
    for f in floods {
        f.join().unwrap();
    }
    // Still answering.
    let s = socket_to(addr);
    assert_eq!(ask(&s, b"after the flood"), b"AFTER THE FLOOD");
    // One it cannot answer: its uppercase does not fit in a datagram.
    s.send("ΐ".repeat(30_000).as_bytes()).unwrap();
    assert!(server.wait_for_log("more than a datagram holds", WAIT));
    // On loopback there is no rate limit by default: the summary has no rate-limited count.
    let numbers = stop_for_summary(&mut server);
    let [answered, dropped] = numbers[..] else {
        panic!("{numbers:?}: {}", server.stderr())
    };
    assert!((1..=10_001).contains(&answered), "{numbers:?}");
    assert_eq!(dropped, 1, "{numbers:?}");
}

#[test]
fn a_flooding_source_is_rate_limited_while_another_is_still_answered() {
    const RATE: u64 = 20;
    let mut server = start_with(&["--rate-limit", "20"]);
    let addr = server.addr;
    let flooder = socket_to(addr);
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    // 2,000 datagrams a second from 127.0.0.1, a hundred times the limit, for at least a second
    // and until the other source is done. Paced in bursts, so that the server's queue does not
    // overflow and lose the other source's datagrams: what is tested is the limit, not the kernel.
    let flood = {
        let flooder = flooder.try_clone().unwrap();
        let done = Arc::clone(&done);
        thread::spawn(move || {
            let started = Instant::now();
            let mut sent = 0u64;
            while started.elapsed() < Duration::from_secs(1)
                || (!done.load(Ordering::SeqCst) && started.elapsed() < WAIT)
            {
                for _ in 0..20 {
                    flooder.send(b"flood").unwrap();
                    sent += 1;
                }
                thread::sleep(Duration::from_millis(10));
            }
            sent
        })
    };
    // Once limiting has begun, a second source (Linux routes all of 127/8 to loopback) asks
    // three times, each answered.
    assert!(
        server.wait_for_log("rate-limiting 127.0.0.1:", WAIT),
        "{}",
        server.stderr()
    );
    let other = UdpSocket::bind("127.0.0.2:0").unwrap();
    other.connect(addr).unwrap();
    other.set_read_timeout(Some(WAIT)).unwrap();
    for i in 0..3 {
        let msg = format!("still there? {i}");
        assert_eq!(ask(&other, msg.as_bytes()), msg.to_uppercase().as_bytes());
        thread::sleep(Duration::from_millis(100));
    }
    done.store(true, Ordering::SeqCst);
    let sent = flood.join().unwrap();
    // The flooder's replies, until a moment after its last datagram.
    flooder
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut replies = 0u64;
    let mut buf = [0u8; 16];
    loop {
        match flooder.recv(&mut buf) {
            Ok(_) => replies += 1,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let most = (RATE as f64 * seconds) as u64 + RATE;
    eprintln!("flood: {sent} sent in {seconds:.2} s, {replies} answered (at most {most})");
    assert!(
        replies > 0 && replies <= most,
        "{replies} replies to {sent} datagrams in {seconds:.2} s"
    );
    // One warning line for the flooder, however many datagrams went unanswered; none for the
    // other source.
    let log = server.stderr();
    assert_eq!(log.matches("rate-limiting 127.0.0.1:").count(), 1, "{log}");
    assert!(!log.contains("rate-limiting 127.0.0.2"), "{log}");
    let numbers = stop_for_summary(&mut server);
    let [answered, dropped, limited] = numbers[..] else {
        panic!("{numbers:?}: {}", server.stderr())
    };
    eprintln!("summary: answered {answered}, dropped {dropped}, rate-limited {limited}");
    assert_eq!(dropped, 0, "{numbers:?}");
    assert!(answered >= replies + 3, "{numbers:?}");
    assert!(limited > 0 && answered + limited <= sent + 3, "{numbers:?}");
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

#[test]
fn at_the_default_level_a_flood_of_datagrams_is_summed_up_not_each_logged() {
    let server = start();
    let s = socket_to(server.addr);
    for i in 0..300 {
        assert_eq!(
            ask(&s, format!("m{i}").as_bytes()),
            format!("M{i}").into_bytes()
        );
    }
    assert!(
        server.wait_for_log("not shown, to keep the log readable", WAIT),
        "no summary line; log:\n{}",
        server.stderr()
    );
    let shown = server.stderr().matches("received \"m").count();
    assert!(shown < 300, "{shown} received lines for 300 datagrams");
    assert!(server.stderr().contains("RUST_LOG=debug shows every one"));
}

#[test]
fn a_server_without_traffic_costs_almost_no_cpu() {
    let server = start();
    let s = socket_to(server.addr);
    assert_eq!(ask(&s, b"then quiet"), b"THEN QUIET");
    // Three quiet seconds (the quiet is what is measured): the spin after a datagram ends, and
    // each thread wakes only to look for Ctrl-C, five times a second.
    let before = testkit::cpu_time(server.pid());
    thread::sleep(Duration::from_secs(3));
    let used = testkit::cpu_time(server.pid()) - before;
    assert!(
        used <= Duration::from_millis(6),
        "{used:?} of CPU in 3 quiet seconds"
    );
}
