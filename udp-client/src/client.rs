//! The message client: steps 3 and 4 of the document, send and receive, for one message at a
//! time. Each message goes out as one datagram; the answer is waited for `--timeout`, and the
//! datagram sent again up to `--retries` times. Ping mode sends its own datagrams (ping.rs).
//!
//! Which datagram is the answer: the first that comes after the message was sent, unless it
//! provably belongs to an earlier message (earlier.rs). Anything else is the answer, even when
//! it is not the uppercase: a learner's first exercise is to change what the server answers.
//!
//! Which address: a name can resolve to several (`localhost` to ::1 and 127.0.0.1), and the
//! server listens on one. Until an answer comes, an address that refuses (the ICMP "port
//! unreachable" that says nothing listens there) or that no socket can be connected to gives
//! way to the next, as tcp-client's connect() does. A silent address does not: silence proves
//! nothing on UDP, and the datagram or its reply may just have been lost.

use std::collections::VecDeque;
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

/// Creates a UDP socket connected to an address: the document's steps 1 and 2 (main.rs).
pub type Open = fn(SocketAddr) -> Result<UdpSocket>;

/// A connected UDP socket that asks the server and waits for the answer.
pub struct Client {
    socket: UdpSocket,
    server: SocketAddr,
    /// The addresses still to try, in the resolver's order, while no answer has come.
    next: VecDeque<SocketAddr>,
    open: Open,
    /// The last failure was a refusal: nothing listens on `server`.
    refused: bool,
    timeout: Duration,
    tries: u32,
    buf: Vec<u8>,
    earlier: Earlier,
}

impl Client {
    /// A client with a socket `open` connected to the first of `addrs` that one can be connected
    /// to, that waits `timeout` for each of `tries` sends of a message.
    pub fn new(open: Open, addrs: &[SocketAddr], timeout: Duration, tries: u32) -> Result<Self> {
        let mut next: VecDeque<SocketAddr> = addrs.iter().copied().collect();
        let (socket, server) = loop {
            let server = next.pop_front().ok_or_else(|| anyhow!(t!("no-address")))?;
            match open(server) {
                Ok(socket) => break (socket, server),
                Err(e) if !next.is_empty() => {
                    let then = next[0];
                    info!("{}: trying the next address, {then}", error::chain_text(&e));
                }
                Err(e) => return Err(e),
            }
        };
        Ok(Client {
            socket,
            server,
            next,
            open,
            refused: false,
            timeout,
            tries,
            buf: vec![0; 64 * 1024],
            earlier: Earlier::default(),
        })
    }

    /// The address the messages go to now.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// Sends `message` and returns the server's answer to it. Until an answer has come, an
    /// address where nothing listens gives way to the next one, which is asked afresh.
    pub fn ask(&mut self, message: &[u8]) -> Result<Vec<u8>> {
        loop {
            self.refused = false;
            match self.ask_here(message) {
                Ok(answer) => {
                    // This address answers: it is the server's.
                    self.next.clear();
                    return Ok(answer);
                }
                Err(e) if self.refused && !self.next.is_empty() => {
                    let next = self.next[0];
                    info!("{}: trying the next address, {next}", error::chain_text(&e));
                    self.move_on()?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Opens a socket to the next address that one can be opened to, in place of this one.
    fn move_on(&mut self) -> Result<()> {
        let next = Vec::from(std::mem::take(&mut self.next));
        let mut moved = Client::new(self.open, &next, self.timeout, self.tries)?;
        std::mem::swap(self, &mut moved);
        Ok(())
    }

    /// Sends `message` as one datagram to `server` and returns the answer to it, sending again
    /// when none came within the timeout.
    fn ask_here(&mut self, message: &[u8]) -> Result<Vec<u8>> {
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

    fn failure(&mut self, e: io::Error, op: Op) -> anyhow::Error {
        self.refused = e.kind() == io::ErrorKind::ConnectionRefused;
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
    // A failed unwrap here is a failed test, which is what it should be.
    #![allow(clippy::unwrap_used)]

    use std::net::Ipv6Addr;

    use super::*;

    /// A server on 127.0.0.1 that answers each datagram with its uppercase, as udp-server does,
    /// until no datagram has come for 10 s; and its address.
    fn upper_on_ipv4() -> SocketAddr {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let addr = socket.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while let Ok((n, from)) = socket.recv_from(&mut buf) {
                let _ = socket.send_to(&uppercase(&buf[..n]), from);
            }
        });
        addr
    }

    #[test]
    fn an_address_where_nothing_listens_gives_way_to_the_next() {
        // `localhost` as Debian's and Fedora's hosts files resolve it: ::1 first, then 127.0.0.1,
        // where the server listens; nothing listens on ::1 at that port.
        let server = upper_on_ipv4();
        let addrs = [(Ipv6Addr::LOCALHOST, server.port()).into(), server];
        let started = Instant::now();
        let mut client = Client::new(crate::open, &addrs, Duration::from_secs(5), 1).unwrap();
        assert_eq!(client.ask(b"hello").unwrap(), b"HELLO");
        assert_eq!(client.server(), server);
        // Moved on at the refusal, not after a timeout.
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(client.ask(b"again").unwrap(), b"AGAIN");
    }

    #[test]
    fn a_silent_address_does_not_give_way() {
        // Something is bound there, and never answers: silence proves nothing on UDP.
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addrs = [silent.local_addr().unwrap(), upper_on_ipv4()];
        let mut client = Client::new(crate::open, &addrs, Duration::from_millis(100), 1).unwrap();
        assert!(client.ask(b"hello").is_err());
        assert_eq!(client.server(), addrs[0]);
    }
}
