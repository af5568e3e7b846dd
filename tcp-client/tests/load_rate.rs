//! Load mode's open loop and warmup: `--rate` sends on a schedule and counts latency from it (so
//! a server's stall shows, where a closed loop hides it), and `--warmup` is checked but not
//! counted. Against servers written inside the test, which count what really arrived.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use support::load::{client, counting_server, f64_at, json_run, stalling_server, u64_at};
use support::{echo, serve};

mod support;

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
