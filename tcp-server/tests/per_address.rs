//! --max-per-address: connections from one client address are capped (nginx's limit_conn per
//! address), so one host that trickles a byte now and then cannot hold every slot. Loopback is
//! exempt; the hidden --per-address-on-loopback lets a test on 127.0.0.1 see the cap. Issue 21.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{ErrorKind, Read, Write};

use support::{connect, start, WAIT};
use testkit::round_trip;

#[test]
fn one_address_gets_its_share_and_no_more() {
    let server = start(&["--max-per-address", "3", "--per-address-on-loopback"]);
    let mut held: Vec<_> = (0..3).map(|_| connect(server.addr)).collect();
    for s in &mut held {
        assert_eq!(round_trip(s, b"in"), b"in");
    }
    let mut extra = connect(server.addr);
    let _ = extra.write_all(b"?");
    let mut buf = [0u8; 4];
    match extra.read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("a fourth connection from one address was served: {other:?}"),
    }
    assert!(
        server.wait_for_log("--max-per-address", WAIT),
        "{}",
        server.stderr()
    );
    // One leaves: the address has a slot again.
    drop(held.pop());
    assert!(server.wait_for_log("after echoing 2 bytes", WAIT));
    let mut next = connect(server.addr);
    assert_eq!(round_trip(&mut next, b"next"), b"next");
}

#[test]
fn loopback_is_exempt() {
    let server = start(&["--max-per-address", "1"]);
    let mut a = connect(server.addr);
    let mut b = connect(server.addr);
    assert_eq!(round_trip(&mut a, b"a"), b"a");
    assert_eq!(round_trip(&mut b, b"b"), b"b");
}
