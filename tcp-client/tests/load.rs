//! Load mode as a tool next to iperf3 and wrk2: Ctrl-C prints the summary so far, `-i` prints
//! interval lines also when piped, `--rate` sends on a schedule and counts latency from it (so
//! a server's stall shows, where a closed loop hides it), `--warmup` is not counted, and
//! `--json` is one document that parses. Against servers written inside the test, which count
//! what really arrived.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{echo, serve, serve_shared};
use testkit::{run, Output, Running};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_tcp-client");
const WAIT: Duration = Duration::from_secs(30);

fn client(addr: SocketAddr, args: &[&str]) -> Output {
    testkit::client(BIN, addr, args, b"", WAIT)
}

/// Runs a load with `--json` added; checks it exited 0 and printed one JSON document, alone
/// on one line, and returns it.
fn json_run(addr: SocketAddr, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = client(addr, &args);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn f64_at(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number at {pointer} in {v}"))
}

fn u64_at(v: &Value, pointer: &str) -> u64 {
    v.pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no count at {pointer} in {v}"))
}

/// An echo server for 64-byte round trips that notes when each request arrived, across all
/// connections; the times are the sends the client really made.
fn counting_server() -> (SocketAddr, Arc<Mutex<Vec<Instant>>>) {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let noted = Arc::clone(&arrivals);
    let addr = serve_shared(move |mut s: TcpStream| {
        let mut request = [0u8; 64];
        while s.read_exact(&mut request).is_ok() {
            noted.lock().unwrap().push(Instant::now());
            if s.write_all(&request).is_err() {
                break;
            }
        }
    });
    (addr, arrivals)
}

/// An echo server for 64-byte round trips that, on the 300th request, stops answering on every
/// connection for 200 ms, once.
fn stalling_server() -> SocketAddr {
    let requests = Arc::new(AtomicU64::new(0));
    let stall_until: Arc<Mutex<Option<Instant>>> = Arc::default();
    serve_shared(move |mut s: TcpStream| {
        let mut request = [0u8; 64];
        while s.read_exact(&mut request).is_ok() {
            if requests.fetch_add(1, Ordering::SeqCst) + 1 == 300 {
                *stall_until.lock().unwrap() = Some(Instant::now() + Duration::from_millis(200));
            }
            let until = *stall_until.lock().unwrap();
            if let Some(left) = until.and_then(|u| u.checked_duration_since(Instant::now())) {
                thread::sleep(left);
            }
            if s.write_all(&request).is_err() {
                break;
            }
        }
    })
}

#[test]
fn ctrl_c_prints_the_summary_so_far_and_exits_0() {
    let addr = serve(echo);
    let port = addr.port().to_string();
    let mut running = Running::start(
        BIN,
        &["--port", &port, "--duration", "10", "-i", "0.1", "-c", "2"],
    );
    // The load runs once its first interval line is out.
    let first = running.next_line(WAIT);
    assert!(first.starts_with("[  0.00-  0.10 s]"), "{first}");
    let signalled = Instant::now();
    running.signal("INT");
    let done = running.finish(Duration::from_secs(5));
    let (status, stdout, stderr) = (done.status, lines(&done.rest), done.stderr);
    eprintln!("SIGINT to exit: {:?}", signalled.elapsed());
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("\nround trips:  "), "{stdout}");
    assert!(
        stdout.contains("\nstopped:      early, by a signal (Ctrl-C or SIGTERM); "),
        "{stdout}"
    );
    assert!(
        stdout.contains("\ncheck:        every reply matched byte for byte\n"),
        "{stdout}"
    );
    let counted: u64 = stdout
        .split("round trips:  ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(counted > 0, "{stdout}");
    // Well before the 10 s it was asked to run.
    let elapsed: f64 = stdout
        .split("elapsed:      ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(elapsed > 0.09 && elapsed < 9.0, "{stdout}");

    // SIGTERM too, and with --json the document says it was stopped.
    let (addr, arrivals) = counting_server();
    let port = addr.port().to_string();
    let mut running = Running::start(BIN, &["--port", &port, "--duration", "10", "--json"]);
    // No line comes before the end with --json: the load runs once its first request is in.
    let deadline = Instant::now() + WAIT;
    while arrivals.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no request came");
        thread::sleep(Duration::from_millis(10));
    }
    running.signal("TERM");
    let done = running.finish(Duration::from_secs(5));
    let (status, stdout, stderr) = (done.status, lines(&done.rest), done.stderr);
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["totals"]["stopped_by_signal"], true, "{doc}");
    assert!(f64_at(&doc, "/totals/elapsed_s") < 9.0, "{doc}");
    assert!(u64_at(&doc, "/totals/round_trips") > 0, "{doc}");
}

#[test]
fn interval_lines_come_one_per_interval_when_piped_and_none_without_i() {
    let addr = serve(echo);
    let out = client(addr, &["--duration", "1", "-i", "0.25"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('[')).collect();
    // Four intervals; the replies in flight at the end are in the last, not in a sliver of
    // their own.
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    let mut last_end = 0.0;
    for line in &lines {
        // [  0.25-  0.50 s]  round trips 1234  4936/s  p50 … µs  p99 … µs  max … µs  errors 0
        let span = &line[1..line.find(" s]").unwrap()];
        let (from, to) = span.split_once('-').unwrap();
        let (from, to): (f64, f64) = (from.trim().parse().unwrap(), to.trim().parse().unwrap());
        assert_eq!(from, last_end, "{line}");
        assert!(to > from, "{line}");
        last_end = to;
        assert!(line.contains("  round trips "), "{line}");
        assert!(line.contains(" µs  max "), "{line}");
        assert!(line.ends_with("  errors 0"), "{line}");
        // Lines, not a display rewritten in place.
        assert!(!line.contains('\r'), "{line:?}");
    }
    assert_eq!(
        lines[..3].iter().map(|l| &l[..17]).collect::<Vec<_>>(),
        [
            "[  0.00-  0.25 s]",
            "[  0.25-  0.50 s]",
            "[  0.50-  0.75 s]"
        ]
    );
    // The last ends when the last reply came, at the end of the second or a little after.
    assert!(lines[3].starts_with("[  0.75-  1."), "{}", lines[3]);
    // The summary follows them.
    assert!(out.stdout.contains("\nround trips:  "), "{}", out.stdout);

    // Piped, without -i: the summary alone, and no live line on stderr either.
    let out = client(addr, &["--duration", "1.2"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stdout.starts_with("round trips:  "), "{}", out.stdout);
    assert!(!out.stdout.contains('['), "{}", out.stdout);
    assert!(!out.stderr.contains("round trips/s"), "{}", out.stderr);
}

#[test]
fn rate_sends_on_schedule_and_holds_the_rate_within_5_percent() {
    let (addr, arrivals) = counting_server();
    let doc = json_run(addr, &["--rate", "2000", "-c", "4", "--duration", "1"]);
    let sent = {
        let arrivals = arrivals.lock().unwrap();
        let span = (arrivals[arrivals.len() - 1] - arrivals[0]).as_secs_f64();
        let rate = (arrivals.len() - 1) as f64 / span;
        eprintln!(
            "--rate 2000 -c 4 for 1 s: the server saw {} requests over {span:.3} s, {rate:.0}/s",
            arrivals.len()
        );
        // A closed loop would have sent tens of thousands; a slow scheduler too few.
        assert!(
            (1900..=2100).contains(&arrivals.len()),
            "{}",
            arrivals.len()
        );
        assert!((1900.0..=2100.0).contains(&rate), "{rate}/s");
        arrivals.len() as u64
    };
    // Every request sent was answered and counted.
    assert_eq!(u64_at(&doc, "/totals/round_trips"), sent, "{doc}");
    assert_eq!(f64_at(&doc, "/totals/target_rate_per_s"), 2000.0);
    let of_target = f64_at(&doc, "/totals/rate_of_target");
    assert!((0.95..=1.05).contains(&of_target), "{of_target}");
    assert_eq!(doc["latency"]["measured_from"], "scheduled_send");
    // Those whose connection was free when they were due: nearly all, at this rate.
    let free = u64_at(&doc, "/send_lag/count");
    assert!(free > sent / 2 && free <= sent, "{free} of {sent}");
}

#[test]
fn a_stall_shows_in_the_open_loop_tail_where_the_closed_loop_hides_it() {
    // The same 2000 round trips over 4 connections, each run against a server that stalls
    // once for 200 ms.
    let open = json_run(
        stalling_server(),
        &["--rate", "2000", "-c", "4", "--count", "2000"],
    );
    let closed = json_run(stalling_server(), &["-c", "4", "--count", "2000"]);
    let ms = |doc: &Value, figure: &str| f64_at(doc, &format!("/latency/{figure}_us")) / 1000.0;
    eprintln!(
        "a 200 ms stall: open loop p90 {:.1} p99 {:.1} max {:.1} ms; closed loop p90 {:.1} p99 \
         {:.1} max {:.1} ms",
        ms(&open, "p90"),
        ms(&open, "p99"),
        ms(&open, "max"),
        ms(&closed, "p90"),
        ms(&closed, "p99"),
        ms(&closed, "max")
    );
    // Both runs met the stall: it is their max.
    assert!(ms(&open, "max") >= 190.0, "{open}");
    assert!(ms(&closed, "max") >= 190.0, "{closed}");
    // Open loop: the ~400 round trips scheduled during the stall each waited for it, from
    // their scheduled time; the slowest 1% waited most of it.
    assert!(ms(&open, "p99") >= 150.0, "{open}");
    // Closed loop: only the 4 round trips in flight waited (the others were simply not sent
    // meanwhile), 0.2% of them: its p99 never saw the stall.
    assert!(ms(&closed, "p99") < 100.0, "{closed}");
    assert_eq!(closed["latency"]["measured_from"], "send");
}

#[test]
fn warmup_round_trips_are_checked_but_not_counted() {
    // Closed loop: what the server received is the warmup's round trips and the counted ones.
    let (addr, arrivals) = counting_server();
    let doc = json_run(addr, &["--warmup", "0.3", "--count", "200", "-c", "2"]);
    let warm = u64_at(&doc, "/totals/warmup_round_trips");
    assert!(warm > 0, "{doc}");
    assert_eq!(u64_at(&doc, "/totals/round_trips"), 200, "{doc}");
    assert_eq!(u64_at(&doc, "/latency/count"), 200, "{doc}");
    assert_eq!(arrivals.lock().unwrap().len() as u64, 200 + warm);

    // Under --rate, exactly the slots due in the warmup: 0.2 s at 1000/s.
    let (addr, arrivals) = counting_server();
    let doc = json_run(
        addr,
        &[
            "--rate", "1000", "--warmup", "0.2", "--count", "100", "-c", "2", "-i", "0.1",
        ],
    );
    assert_eq!(u64_at(&doc, "/totals/warmup_round_trips"), 200, "{doc}");
    assert_eq!(u64_at(&doc, "/totals/round_trips"), 100, "{doc}");
    let histogram: u64 = doc["latency"]["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(histogram, 100);
    assert_eq!(arrivals.lock().unwrap().len(), 300);
    // The warmup's intervals come first, flagged; the counted ones hold the counted round trips.
    let intervals = doc["intervals"].as_array().unwrap();
    let warm: Vec<bool> = intervals
        .iter()
        .map(|i| i["warmup"].as_bool().unwrap())
        .collect();
    assert_eq!(&warm[..2], [true, true], "{doc}");
    assert!(warm[2..].iter().all(|w| !w), "{doc}");
    assert_eq!(f64_at(&doc, "/intervals/1/end_s"), 0.2);
    let counted: u64 = intervals[2..]
        .iter()
        .map(|i| i["round_trips"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 100, "{doc}");

    // The lines say it too.
    let out = client(
        serve(echo),
        &["--warmup", "0.1", "--count", "50", "-i", "0.05"],
    );
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout.starts_with("[  0.00-  0.05 s]  round trips "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.lines().next().unwrap().ends_with("  (warmup)"));
    assert!(
        out.stdout
            .contains(" s connecting and a 0.100 s warmup of "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nround trips:  50 of 64 bytes"));
}

#[test]
fn json_is_one_document_with_every_documented_field() {
    let addr = serve(echo);
    let doc = json_run(addr, &["-n", "100", "-c", "2", "-i", "0.05"]);
    let p = &doc["parameters"];
    assert_eq!(doc["program"], "tcp-client");
    assert_eq!(doc["server"], addr.to_string());
    assert_eq!(p["connections"], 2);
    assert_eq!(p["size_bytes"], 64);
    assert_eq!(p["count"], 100);
    assert_eq!(p["duration_s"], Value::Null);
    assert_eq!(p["warmup_s"], 0.0);
    assert_eq!(p["rate_per_s"], Value::Null);
    assert_eq!(p["reconnect"], false);
    assert_eq!(p["timeout_s"], 5.0);
    assert_eq!(p["report_interval_s"], 0.05);
    let t = &doc["totals"];
    assert_eq!(t["round_trips"], 100);
    assert_eq!(t["bytes"], 6400);
    for field in ["elapsed_s", "connect_s", "rate_per_s", "mib_per_s"] {
        assert!(t[field].as_f64().is_some_and(|x| x >= 0.0), "{field}: {t}");
    }
    assert!(f64_at(&doc, "/totals/rate_per_s") > 0.0);
    for field in ["schedule_s", "target_rate_per_s", "rate_of_target"] {
        assert_eq!(t[field], Value::Null, "{field}");
    }
    assert_eq!(t["warmup_round_trips"], 0);
    assert_eq!(t["stopped_by_signal"], false);
    assert_eq!(t["in_flight_at_stop"], 0);
    assert_eq!(doc["errors"]["failed_round_trips"], 0);
    assert_eq!(doc["errors"]["mismatches"], 0);
    assert_eq!(doc["errors"]["all_matched"], true);
    let l = &doc["latency"];
    assert_eq!(l["count"], 100);
    assert_eq!(l["measured_from"], "send");
    let figures = [
        "min_us",
        "avg_us",
        "mdev_us",
        "p50_us",
        "p90_us",
        "p99_us",
        "p99_9_us",
        "p99_99_us",
        "max_us",
    ];
    let mut last = 0.0;
    for figure in figures {
        let x = f64_at(&doc, &format!("/latency/{figure}"));
        assert!(x > 0.0, "{figure}: {l}");
        if figure.starts_with('p') || figure == "max_us" {
            assert!(x >= last, "{figure} below the one before: {l}");
            last = x;
        }
    }
    let buckets = l["histogram"].as_array().unwrap();
    assert_eq!(
        buckets
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum::<u64>(),
        100
    );
    assert!(buckets
        .iter()
        .all(|b| b["low_ns"].as_u64().unwrap() < b["high_ns"].as_u64().unwrap()));
    assert_eq!(doc["send_lag"], Value::Null);
    // However fast the run, its last interval is there, and the intervals hold every round
    // trip.
    let intervals = doc["intervals"].as_array().unwrap();
    assert!(!intervals.is_empty(), "{doc}");
    let mut sum = 0;
    for i in intervals {
        assert!(f64_at(i, "/end_s") > f64_at(i, "/start_s"), "{i}");
        assert_eq!(i["warmup"], false);
        assert_eq!(i["errors"], 0);
        assert!(i["rate_per_s"].as_f64().is_some());
        assert_eq!(i["latency"]["count"], i["round_trips"]);
        assert!(i["latency"].get("histogram").is_none());
        sum += i["round_trips"].as_u64().unwrap();
    }
    assert_eq!(sum, 100);

    // A failed run prints its document too, then the error, and exits 1.
    let addr = serve(|mut s| {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            buf[0] ^= 1;
            if s.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let out = client(addr, &["-n", "10", "--json"]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["errors"]["mismatches"], 1);
    assert_eq!(doc["errors"]["all_matched"], false);
    assert!(
        out.stderr.contains("error: 1 of 1 round trips failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn durations_take_units_and_nonsense_is_a_usage_error() {
    let addr = serve(echo);
    let doc = json_run(
        addr,
        &[
            "--duration",
            "300ms",
            "--warmup",
            "100ms",
            "-i",
            "100ms",
            "--timeout",
            "2s",
        ],
    );
    assert_eq!(doc["parameters"]["duration_s"], 0.3);
    assert_eq!(doc["parameters"]["warmup_s"], 0.1);
    assert_eq!(doc["parameters"]["report_interval_s"], 0.1);
    assert_eq!(doc["parameters"]["timeout_s"], 2.0);
    let elapsed = f64_at(&doc, "/totals/elapsed_s");
    assert!((0.3..1.0).contains(&elapsed), "{elapsed}");

    for args in [
        &["--duration", "1", "--warmup", "5x"][..],
        &["--duration", "1", "-i", "0"],
        &["--duration", "1", "--rate", "0"],
        &["--duration", "1", "--rate", "abc"],
        &["--duration", "1", "--rate", "-5"],
        &["--warmup", "1"],
        &["--rate", "10"],
        &["--json"],
        &["-i", "1", "hello"],
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(["--port", &addr.port().to_string()]).args(args);
        let out = run(cmd, b"", WAIT);
        assert_eq!(out.code(), Some(2), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
}

#[test]
fn rate_with_connect_cycles_opens_a_connection_per_scheduled_round_trip() {
    let addr = serve(echo);
    let doc = json_run(
        addr,
        &["--rate", "200", "-c", "2", "--count", "40", "--reconnect"],
    );
    assert_eq!(doc["totals"]["round_trips"], 40);
    assert_eq!(doc["errors"]["all_matched"], true);
    let schedule = f64_at(&doc, "/totals/schedule_s");
    assert!((schedule - 0.2).abs() < 1e-9, "{schedule}");
}

/// Lines as the program printed them, each ended by a newline.
fn lines(rest: &[String]) -> String {
    rest.iter().map(|line| format!("{line}\n")).collect()
}
