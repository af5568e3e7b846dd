//! The message client: steps 3 and 4 of the document, send and receive, for one message at a
//! time. Each message goes out as one datagram; the answer is waited for `--timeout`, and the
//! datagram sent again up to `--retries` times. Ping mode sends its own datagrams (ping.rs).
//!
//! Which datagram is the answer: the first that comes after the message was sent, unless it
//! provably belongs to an earlier message, that is, an earlier datagram of ours is still
//! unanswered and this one is its reply (the uppercase or echo of a message given up on, or a
//! repeat of the answer to a message sent more than once). Anything else is the answer, even when
//! it is not the uppercase: a learner's first exercise is to change what the server answers.

use std::collections::VecDeque;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use common::addr;
use common::text::{lossy, shorten, uppercase};
use common::{error, step};
use log::{debug, info};

use crate::messages::{escaped, t};

/// A connected UDP socket that asks the server and waits for the answer.
pub struct Client {
    socket: UdpSocket,
    server: SocketAddr,
    timeout: Duration,
    tries: u32,
    buf: Vec<u8>,
    earlier: Earlier,
}

impl Client {
    /// A client on `socket`, already connected to `server`, that waits `timeout` for each of
    /// `tries` sends of a message.
    pub fn new(socket: UdpSocket, server: SocketAddr, timeout: Duration, tries: u32) -> Self {
        Client {
            socket,
            server,
            timeout,
            tries,
            buf: vec![0; 64 * 1024],
            earlier: Earlier::default(),
        }
    }

    /// Sends `message` as one datagram and returns the server's answer to it, sending again
    /// when none came within the timeout.
    pub fn ask(&mut self, message: &[u8]) -> Result<Vec<u8>> {
        fits_in_a_datagram(message.len(), self.server)?;
        self.set_aside_early(message)
            .context(t!("setting-aside-early"))?;
        // Our server answers with the uppercase; a plain echo server with the message itself.
        let expected = uppercase(message);
        let mut set_aside = 0;
        for attempt in 1..=self.tries {
            // Step 3: send the datagram. It goes out whether or not anyone is there.
            self.socket
                .send(message)
                .map_err(|e| self.failure(e, Op::Send))?;
            step!(
                3,
                Step::Send,
                t!(
                    "sent",
                    len = message.len(),
                    server = self.server,
                    attempt = attempt,
                    tries = self.tries
                )
            );
            // Step 4: wait for the answer, but not for ever.
            let deadline = Instant::now() + self.timeout;
            let mut set_aside_now = 0;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                if left.is_zero() {
                    break;
                }
                self.socket
                    .set_read_timeout(Some(left))
                    .context(t!("setting-timeout"))?;
                match self.socket.recv(&mut self.buf) {
                    Ok(n) => {
                        let datagram = &self.buf[..n];
                        let own = datagram == expected || datagram == message;
                        // Not our own answer: set aside only what provably is an earlier one's.
                        let earlier = if own {
                            None
                        } else {
                            self.earlier.claim(datagram, Some(message))
                        };
                        if let Some(why) = earlier {
                            debug!("set aside a {n}-byte datagram that is not the answer");
                            step!(4, Step::Receive, why.said(n));
                            set_aside_now += 1;
                            continue;
                        }
                        let reply = if own { "expected" } else { "other" };
                        step!(
                            4,
                            Step::Receive,
                            t!("received", len = n, server = self.server, reply = reply)
                        );
                        let answer = datagram.to_vec();
                        // Each earlier try of this message may still bring a reply: a repeat.
                        self.earlier.answered(message, &answer, attempt - 1);
                        return Ok(answer);
                    }
                    Err(e) if error::is_timeout(&e) => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(self.failure(e, Op::Receive)),
                }
            }
            step!(
                4,
                Step::Receive,
                t!(
                    "timed-out",
                    timeout = format!("{:?}", self.timeout),
                    n = set_aside_now
                )
            );
            set_aside += set_aside_now;
            if attempt < self.tries {
                info!(
                    "no reply from {} within {:?}, sending again (try {} of {})",
                    self.server,
                    self.timeout,
                    attempt + 1,
                    self.tries
                );
            }
        }
        // Every try may still bring its reply, late.
        self.earlier.gave_up(message, &expected, self.tries);
        let what = t!(
            "no-answer",
            server = self.server,
            tries = self.tries,
            timeout = format!("{:?}", self.timeout),
            n = set_aside
        );
        Err(error::hint(
            anyhow!(what),
            t!("hint-no-answer", n = set_aside),
        ))
    }

    /// Sets aside the datagrams that came in before `message` is sent: none of them can be its
    /// answer.
    fn set_aside_early(&mut self, message: &[u8]) -> io::Result<()> {
        self.socket.set_nonblocking(true)?;
        loop {
            match self.socket.recv(&mut self.buf) {
                Ok(n) => {
                    let why = self
                        .earlier
                        .claim(&self.buf[..n], None)
                        .unwrap_or(NotTheAnswer::Early);
                    debug!(
                        "set aside a {n}-byte datagram that came before {:?} was sent",
                        lossy(message)
                    );
                    step!(4, Step::Receive, why.said(n));
                }
                // An earlier datagram's "port unreachable": this one will learn afresh.
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        self.socket.set_nonblocking(false)
    }

    fn failure(&self, e: io::Error, op: Op) -> anyhow::Error {
        failure(e, self.server, op)
    }
}

/// The call on the connected socket that failed, or that an ICMP error came back on.
#[derive(Debug, Clone, Copy)]
enum Op {
    Send,
    Receive,
}

impl Op {
    /// Its name in the messages' choices (`{ $op -> [send] … }`).
    fn key(self) -> &'static str {
        match self {
            Op::Send => "send",
            Op::Receive => "receive",
        }
    }
}

/// Why a datagram that came is not the answer to the message being sent, and is set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NotTheAnswer {
    /// It is the uppercase or the echo of `message`, sent earlier and given up on: that
    /// message's late reply.
    Late { message: String },
    /// It repeats the answer already taken for `message`, sent earlier more than once: the
    /// reply to another of its tries.
    Repeat { message: String },
    /// It was already waiting before this message was sent.
    Early,
}

impl NotTheAnswer {
    /// What `--explain` says of a `len`-byte datagram set aside for this reason.
    fn said(&self, len: usize) -> String {
        let (why, message) = match self {
            NotTheAnswer::Late { message } => ("late", escaped(message)),
            NotTheAnswer::Repeat { message } => ("repeat", escaped(message)),
            NotTheAnswer::Early => ("early", String::new()),
        };
        t!("set-aside", len = len, why = why, message = message)
    }
}

/// How many earlier messages a late reply can still be matched to.
const REMEMBERED: usize = 16;

/// Earlier messages some of whose datagrams are still unanswered: the replies that provably
/// belong to them.
#[derive(Debug, Default)]
struct Earlier {
    /// Oldest first.
    messages: VecDeque<Unanswered>,
}

#[derive(Debug)]
struct Unanswered {
    message: Vec<u8>,
    /// What its replies look like: its uppercase and its echo while it has no answer, or the
    /// answer taken for it once it has one.
    replies: Vec<Vec<u8>>,
    answered: bool,
    /// Its datagrams that no reply has come for yet: each may still bring one.
    datagrams: u32,
}

impl Earlier {
    /// `message` was answered, and `others` of its datagrams are still unanswered: their
    /// replies, the same answer again, are repeats.
    fn answered(&mut self, message: &[u8], answer: &[u8], others: u32) {
        self.remember(message, vec![answer.to_vec()], true, others);
    }

    /// `message` got no answer to any of its `tries` datagrams, each of which may still bring
    /// its `expected` answer, or an echo.
    fn gave_up(&mut self, message: &[u8], expected: &[u8], tries: u32) {
        let mut replies = vec![expected.to_vec()];
        if expected != message {
            replies.push(message.to_vec());
        }
        self.remember(message, replies, false, tries);
    }

    fn remember(&mut self, message: &[u8], replies: Vec<Vec<u8>>, answered: bool, datagrams: u32) {
        if datagrams == 0 {
            return;
        }
        if self.messages.len() == REMEMBERED {
            self.messages.pop_front();
        }
        self.messages.push_back(Unanswered {
            message: message.to_vec(),
            replies,
            answered,
            datagrams,
        });
    }

    /// The earlier message `datagram` provably answers, which then has one unanswered datagram
    /// less. A message the same as `current` does not count: a reply to it may be either's.
    fn claim(&mut self, datagram: &[u8], current: Option<&[u8]>) -> Option<NotTheAnswer> {
        let at = self.messages.iter().position(|earlier| {
            current != Some(&earlier.message[..]) && earlier.replies.iter().any(|r| r == datagram)
        })?;
        let earlier = &mut self.messages[at];
        earlier.datagrams -= 1;
        let message = shorten(&lossy(&earlier.message), 40);
        let why = if earlier.answered {
            NotTheAnswer::Repeat { message }
        } else {
            NotTheAnswer::Late { message }
        };
        // Its first reply is its answer: any other is a repeat of that.
        earlier.answered = true;
        earlier.replies = vec![datagram.to_vec()];
        if earlier.datagrams == 0 {
            self.messages.remove(at);
        }
        Some(why)
    }
}

/// Names a failed send or receive on the connected socket. A refusal is the ICMP "port
/// unreachable" that the server's system sent back for an earlier datagram: nothing listens there.
fn failure(e: io::Error, server: SocketAddr, op: Op) -> anyhow::Error {
    let (why, op) = (error::io_text(&e), op.key());
    if e.kind() == io::ErrorKind::ConnectionRefused {
        let start = common::shell::how_to_start_on("udp-server", server.port());
        error::hint(
            anyhow!(t!("port-unreachable", server = server, why = why, op = op)),
            t!("hint-port-unreachable", start = start),
        )
    } else {
        anyhow!(t!("failed", op = op, server = server, why = why))
    }
}

/// Refuses a `len`-byte message no datagram to `server` can carry, before anything is sent. The
/// limit is the family's: IPv6 carries 20 bytes more than IPv4.
pub fn fits_in_a_datagram(len: usize, server: SocketAddr) -> Result<()> {
    let limit = addr::max_datagram(&server);
    if len > limit {
        return Err(anyhow!(t!(
            "too-long",
            len = len,
            server = server,
            limit = limit,
            version = addr::ip_version(&server)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn late(message: &str) -> Option<NotTheAnswer> {
        Some(NotTheAnswer::Late {
            message: message.to_owned(),
        })
    }

    fn repeat(message: &str) -> Option<NotTheAnswer> {
        Some(NotTheAnswer::Repeat {
            message: message.to_owned(),
        })
    }

    #[test]
    fn a_reply_is_set_aside_only_while_an_earlier_datagram_it_answers_is_unanswered() {
        let mut earlier = Earlier::default();
        // "first" got no answer to either of its two datagrams.
        earlier.gave_up(b"first", b"FIRST", 2);
        // Something else is not provably first's: it is the next message's answer.
        assert_eq!(earlier.claim(b"tsrif", Some(b"second")), None);
        assert_eq!(earlier.claim(b"FIRST", Some(b"second")), late("first"));
        // first's other datagram may bring the same answer once more, and no more.
        assert_eq!(earlier.claim(b"FIRST", Some(b"second")), repeat("first"));
        assert_eq!(earlier.claim(b"FIRST", Some(b"second")), None);
    }

    #[test]
    fn a_message_sent_again_has_its_answer_repeated_whatever_the_server_answers() {
        let mut earlier = Earlier::default();
        // "hello" was answered on its second try, by a server that reverses.
        earlier.answered(b"hello", b"olleh", 1);
        assert_eq!(earlier.claim(b"dlrow", Some(b"world")), None);
        assert_eq!(earlier.claim(b"olleh", Some(b"world")), repeat("hello"));
        assert_eq!(earlier.claim(b"olleh", Some(b"world")), None);
        // Answered on the first try: nothing more to come.
        earlier.answered(b"hello", b"olleh", 0);
        assert_eq!(earlier.claim(b"olleh", Some(b"world")), None);
    }

    #[test]
    fn a_reply_to_the_same_message_sent_again_is_not_provably_the_earlier_ones() {
        let mut earlier = Earlier::default();
        earlier.gave_up(b"hello", b"HELLO", 1);
        assert_eq!(earlier.claim(b"hello", Some(b"hello")), None);
        // Before the second "hello" is sent, the reply can only be the first one's.
        assert_eq!(earlier.claim(b"hello", None), late("hello"));
    }

    #[test]
    fn only_the_most_recent_messages_are_remembered() {
        let mut earlier = Earlier::default();
        for i in 0..=REMEMBERED {
            let m = format!("m{i}");
            earlier.gave_up(m.as_bytes(), m.to_uppercase().as_bytes(), 1);
        }
        assert_eq!(earlier.claim(b"M0", None), None);
        assert_eq!(earlier.claim(b"M1", None), late("m1"));
    }
}
