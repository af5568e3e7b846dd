//! Load mode as a tool next to iperf3 and wrk2: Ctrl-C prints the summary so far, `-i` prints
//! interval lines also when piped, durations take units, and `--json` is one document that
//! parses. `--rate` and `--warmup` are in load_rate.rs. Against servers written inside the test.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::load::{client, counting_server, f64_at, json_run, u64_at, WAIT};
use support::{echo, serve, BIN};
use testkit::{run, Running};

mod support;

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

/// Lines as the program printed them, each ended by a newline.
fn lines(rest: &[String]) -> String {
    rest.iter().map(|line| format!("{line}\n")).collect()
}
