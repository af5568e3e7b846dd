//! udp-client against UDP servers written inside the test (see servers/mod.rs) whose replies
//! come late or are not the answer: a late reply is set aside as the reply to an earlier
//! message or try, whatever the server answers, and an answer unlike the message is still the
//! answer.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use servers::{first_late, first_late_reversed, reverse, serve};
use support::client;

mod servers;
mod support;

#[test]
fn a_late_reply_to_a_message_given_up_on_is_set_aside() {
    // The first datagram is answered after the client gave up on it.
    let addr = serve(first_late);
    let out = client(
        addr,
        &["--explain", "--timeout", "0.5", "--retries", "0"],
        b"first\nsecond\n",
    );
    // "first" got no answer: the run fails at the end.
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "Received from server: SECOND\n");
    testkit::assert_in_order(
        &out.stderr,
        &[
            "[step 4 receive] nothing came within 500ms",
            &format!("error: no reply from {addr} after 1 try of 500ms"),
            "[step 3 send] sent a 6-byte datagram",
            "[step 4 receive] set aside a 5-byte datagram that is not the answer: it is the reply \
             to \"first\", an earlier message that got no answer in time\n",
            "[step 4 receive] received a 6-byte datagram",
            "error: 1 of 2 messages got no answer\n",
        ],
    );
}

#[test]
fn no_answer_is_not_called_no_reply_when_datagrams_came() {
    // Every datagram after the first gets the answer to the first: the second message's one
    // try brings only a datagram that is not its answer.
    let addr = serve(|n, _, _| (n > 0).then(|| (Duration::ZERO, b"FIRST".to_vec())));
    let out = client(
        addr,
        &["--explain", "--timeout", "0.3", "--retries", "0"],
        b"first\nsecond\n",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    testkit::assert_in_order(
        &out.stderr,
        &[
            "[step 4 receive] nothing came within 300ms",
            &format!("error: no reply from {addr} after 1 try of 300ms each\n"),
            "[step 4 receive] set aside a 5-byte datagram that is not the answer: it is the reply \
             to \"first\"",
            "[step 4 receive] no answer within 300ms, only 1 datagram that is not the answer: ",
            &format!(
                "error: no answer from {addr} after 1 try of 300ms each: 1 datagram came, not the \
                 answer\n\
                 hint: a datagram is set aside only when it provably belongs to something earlier"
            ),
            "error: 2 of 2 messages got no answer\n",
        ],
    );
}

#[test]
fn a_server_that_answers_with_something_else_is_answered_all_the_same() {
    // A learner's first exercise: change what the server answers.
    let addr = serve(reverse);
    let out = client(addr, &["--explain", "hello"], b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "Received from server: olleh\n");
    assert!(
        out.stderr.contains(&format!(
            "[step 4 receive] received a 5-byte datagram from {addr}: the answer, though it is \
             neither the uppercase nor an echo of the message"
        )),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not the answer"), "{}", out.stderr);
    assert!(!out.stderr.contains("nothing came"), "{}", out.stderr);
}

#[test]
fn a_late_reply_to_a_message_sent_again_is_set_aside_whatever_the_server_answers() {
    // "hello" is answered late: the client sends it again, then takes the reply to its first
    // datagram. The reply to the second comes while it waits for "world"'s.
    let addr = serve(first_late_reversed);
    let out = client(
        addr,
        &[
            "--explain",
            "--timeout",
            "0.5",
            "--retries",
            "1",
            "hello",
            "world",
        ],
        b"",
    );
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "Received from server: olleh\nReceived from server: dlrow\n"
    );
    let set_aside = "[step 4 receive] set aside a 5-byte datagram that is not the answer: it \
                     repeats the answer to \"hello\", an earlier message that was sent more than \
                     once: the reply to another of its tries\n";
    testkit::assert_in_order(
        &out.stderr,
        &[
            "[step 4 receive] nothing came within 500ms",
            "(try 2 of 2)",
            "[step 4 receive] received a 5-byte datagram",
            set_aside,
            "[step 4 receive] received a 5-byte datagram",
        ],
    );
    assert_eq!(
        out.stderr.matches("not the answer").count(),
        1,
        "{}",
        out.stderr
    );
}
