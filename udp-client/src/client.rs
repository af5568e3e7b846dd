//! The message client: steps 3 and 4 of the document, send and receive, for one message at a
//! time. Each message goes out as one datagram; the answer is waited for `--timeout`, and the
//! datagram sent again up to `--retries` times. Ping mode sends its own datagrams (ping.rs).
//!
//! Which datagram is the answer: the first that comes after the message was sent, unless it
//! provably belongs to an earlier message (earlier.rs). Anything else is the answer, even when
//! it is not the uppercase: a learner's first exercise is to change what the server answers.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use common::addr;
use common::text::{lossy, uppercase};
use common::{error, step};
use log::{debug, info};

use crate::earlier::{Earlier, NotTheAnswer};
use crate::messages::t;

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

/// Names a failed send or receive on the connected socket. A refusal is the ICMP "port
/// unreachable" that the server's system sent back for an earlier datagram: nothing listens there.
fn failure(e: io::Error, server: SocketAddr, op: Op) -> anyhow::Error {
    let (why, op) = (error::io_text(&e), op.key());
    if e.kind() == io::ErrorKind::ConnectionRefused {
        let start = common::shell::how_to_start("udp-server");
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
