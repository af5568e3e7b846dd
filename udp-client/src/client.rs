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

use crate::messages::{say, NotTheAnswer, Op};

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
            .context(say().setting_aside_early())?;
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
                say().sent(message.len(), self.server, attempt, self.tries)
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
                    .context(say().setting_timeout())?;
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
                            step!(4, Step::Receive, say().set_aside(n, &why));
                            set_aside_now += 1;
                            continue;
                        }
                        step!(4, Step::Receive, say().received(n, self.server, own));
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
                say().timed_out(self.timeout, set_aside_now)
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
        let words = say();
        Err(error::hint(
            anyhow!(words.no_answer(self.server, self.tries, self.timeout, set_aside)),
            words.hint_no_answer(set_aside),
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
                    step!(4, Step::Receive, say().set_aside(n, &why));
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
    let words = say();
    if e.kind() == io::ErrorKind::ConnectionRefused {
        error::hint(
            anyhow!(words.port_unreachable(server, &error::io_text(&e), op)),
            words.hint_port_unreachable(&common::cli::how_to_start("udp-server")),
        )
    } else {
        anyhow!(words.failed(op, server, &error::io_text(&e)))
    }
}

/// Refuses a `len`-byte message no datagram to `server` can carry, before anything is sent. The
/// limit is the family's: IPv6 carries 20 bytes more than IPv4.
pub fn fits_in_a_datagram(len: usize, server: SocketAddr) -> Result<()> {
    let limit = addr::max_datagram(&server);
    if len > limit {
        return Err(anyhow!(say().too_long(
            len,
            server,
            limit,
            addr::ip_version(&server)
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
