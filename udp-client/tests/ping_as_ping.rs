//! Ping mode measured and reported as ping does it: each round trip timed from before its send,
//! and the header and summary in iputils ping's words, as ping parsers read them. Real sockets
//! on 127.0.0.1, against a UDP server written inside the test (see servers/mod.rs).

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::UdpSocket;
use std::thread;
use std::time::Duration;

use common::text::uppercase;
use regex::Regex;
use serde_json::Value;
use servers::{serve, upper};
use support::{client, WAIT};

mod servers;
mod support;

/// With `-i 0` each datagram goes as soon as the last is answered: the round trips follow one
/// another, so together they fill nearly the whole run, all but the client's own work between a
/// reply and the next send. Timed from after each send, they left out the send's system call too
/// (a release build showed `rtt avg 0.003 ms` for 10 µs trips). In this debug build, on a 2-CPU
/// VM: 83-85% of the run timed from before the send, 67-68% from after it; 64-byte datagrams
/// gave 73% and 60%. Ten-byte datagrams keep the client's own work (building and checking
/// each datagram, unoptimised) small.
#[test]
fn back_to_back_round_trips_fill_the_run() {
    let addr = serve(upper);
    let out = client(addr, &["-i", "0", "-w", "1", "-s", "10", "--json"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let elapsed_us = doc["totals"]["elapsed_s"].as_f64().unwrap() * 1e6;
    let count = doc["latency"]["count"].as_f64().unwrap();
    let mean_us = doc["latency"]["avg_us"].as_f64().unwrap();
    assert!(count >= 10.0, "{count} round trips in a second");
    let share = mean_us * count / elapsed_us;
    assert!(
        (0.75..=1.01).contains(&share),
        "{count} round trips of {mean_us:.3} µs on average fill {:.1}% of the {:.0} µs run",
        share * 100.0,
        elapsed_us
    );
}

/// What ping parsers take from ping's output, read as they read it. pingparsing
/// (github.com/thombashi/pingparsing, pingparsing/_parser.py, LinuxPingParser): the statistics
/// headline `--- .* ping statistics ---`; the next line `N packets transmitted, N received,`
/// with `+N duplicates,` in it; the line after that `rtt min/avg/max/mdev = a/b/c/d ms`. jc
/// (github.com/kellyjonbrazil/jc, jc/parsers/ping.py, linux_parse): a first line starting
/// `PING ` with `bytes of data`, its words (brackets as blanks) giving the address (3rd) and
/// the data bytes (4th); the counts line's words by position: transmitted 1st, received 4th,
/// then the loss and `time Nms` 6th and 10th, or 8th and 12th after `+N duplicates,`.
#[derive(Debug, PartialEq)]
struct Parsed {
    destination_ip: String,
    data_bytes: u64,
    destination: String,
    transmitted: u64,
    received: u64,
    duplicates: u64,
    loss_percent: f64,
    rtt_ms: [f64; 4],
}

fn parse_as_ping_parsers(text: &str) -> Parsed {
    let lines: Vec<&str> = text.lines().collect();
    // jc: the header.
    let header = lines[0];
    assert!(
        header.starts_with("PING ") && header.contains("bytes of data"),
        "{text}"
    );
    let words: Vec<String> = header
        .replace(['(', ')'], " ")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    // pingparsing: the headline, the counts line after it, the rtt line after that.
    let headline = Regex::new("--- .* ping statistics ---").unwrap();
    let at = lines
        .iter()
        .position(|l| headline.is_match(l))
        .unwrap_or_else(|| panic!("no statistics headline in\n{text}"));
    // jc reads every line after the counts as the round-trip line: there is only that one.
    assert_eq!(lines.len(), at + 3, "{text}");
    // iputils ping's blank line before its statistics.
    assert_eq!(lines[at - 1], "", "{text}");
    let counts = lines[at + 1];
    let packets = Regex::new(r"^(\d+) packets transmitted, (\d+) received,").unwrap();
    let c = packets
        .captures(counts)
        .unwrap_or_else(|| panic!("{counts}"));
    let duplicates = Regex::new(r"\+(\d+) duplicates,")
        .unwrap()
        .captures(counts)
        .map_or(0, |d| d[1].parse().unwrap());
    let rtt =
        Regex::new(r"^rtt min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) ms$").unwrap();
    let r = rtt
        .captures(lines[at + 2])
        .unwrap_or_else(|| panic!("{}", lines[at + 2]));
    // jc: the counts line by position.
    let by_position: Vec<&str> = counts.split_whitespace().collect();
    let (loss, time) = if counts.contains(" duplicates,") {
        (by_position[7], by_position[11])
    } else {
        (by_position[5], by_position[9])
    };
    assert!(time.ends_with("ms"), "{counts}");
    time.trim_end_matches("ms").parse::<u64>().unwrap();
    assert_eq!(by_position[0], &c[1], "{counts}");
    assert_eq!(by_position[3], &c[2], "{counts}");
    Parsed {
        destination_ip: words[2].clone(),
        data_bytes: words[3].parse().unwrap(),
        destination: lines[at].split_whitespace().nth(1).unwrap().to_owned(),
        transmitted: c[1].parse().unwrap(),
        received: c[2].parse().unwrap(),
        duplicates,
        loss_percent: loss.trim_end_matches('%').parse().unwrap(),
        rtt_ms: [1, 2, 3, 4].map(|k| r[k].parse().unwrap()),
    }
}

#[test]
fn ping_parsers_read_the_header_and_summary() {
    // The second datagram is lost.
    let addr = serve(|n, data, _| (n != 1).then(|| (Duration::ZERO, uppercase(data))));
    let out = client(addr, &["-c", "4", "-i", "0", "-W", "0.2", "-s", "100"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    let parsed = parse_as_ping_parsers(&out.stdout);
    let [min, avg, max, _] = parsed.rtt_ms;
    assert!(0.0 < min && min <= avg && avg <= max, "{}", out.stdout);
    assert_eq!(
        parsed,
        Parsed {
            destination_ip: addr.to_string(),
            data_bytes: 100,
            destination: "127.0.0.1".into(),
            transmitted: 4,
            received: 3,
            duplicates: 0,
            loss_percent: 25.0,
            rtt_ms: parsed.rtt_ms,
        },
        "{}",
        out.stdout
    );
    // The bytes with the UDP and IPv4 headers, as ping adds ICMP's and IP's.
    assert!(out.stdout.starts_with(&format!(
        "PING 127.0.0.1 ({addr}) 100(128) bytes of data.\n"
    )));
}

#[test]
fn ping_parsers_read_the_duplicates() {
    // The first datagram is answered twice; the second waits 0.2 s, time for the second answer.
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server.set_read_timeout(Some(WAIT)).unwrap();
    let addr = server.local_addr().unwrap();
    let answering = thread::spawn(move || {
        let mut buf = [0u8; 100];
        for n in 0..2 {
            let (len, from) = server.recv_from(&mut buf).unwrap();
            for _ in 0..(2 - n) {
                server.send_to(&uppercase(&buf[..len]), from).unwrap();
            }
        }
    });
    let out = client(addr, &["-c", "2", "-i", "0.2"], b"");
    answering.join().unwrap();
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stdout.contains(" (DUP!)\n"), "{}", out.stdout);
    let parsed = parse_as_ping_parsers(&out.stdout);
    assert_eq!(
        (
            parsed.transmitted,
            parsed.received,
            parsed.duplicates,
            parsed.loss_percent
        ),
        (2, 2, 1, 0.0),
        "{}",
        out.stdout
    );
}
