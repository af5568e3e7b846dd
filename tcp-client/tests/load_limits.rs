//! Load mode at its limits and as other tools' users type it (issue 21): wrk2's short flags, a
//! rate no machine can keep, many interval lines, a silent server and too few open files.
//! Against servers written inside the test.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use support::load::{client, f64_at, json_run, u64_at};
use support::{echo, serve};

mod support;

#[test]
fn wrk2s_short_flags_run_a_load() {
    // -d is --duration and -R is --rate, as wrk2 spells them.
    let doc = json_run(serve(echo), &["-d", "0.3", "-R", "100"]);
    assert_eq!(f64_at(&doc, "/parameters/duration_s"), 0.3, "{doc}");
    assert_eq!(f64_at(&doc, "/totals/target_rate_per_s"), 100.0, "{doc}");
    // 30 slots in 0.3 s, every one answered.
    assert_eq!(u64_at(&doc, "/totals/round_trips"), 30, "{doc}");
    let out = client(serve(echo), &["-d", "0.1", "-R", "50"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout.starts_with("round trips:  5 of 64 bytes"),
        "{}",
        out.stdout
    );
}
