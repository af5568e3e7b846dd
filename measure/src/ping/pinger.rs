//! A ping run's state, [`Pinger`]: each datagram numbered as it goes, each reply, error or
//! timeout matched to the datagram it is about, in a window of the recent ones, with a line
//! for each on stdout; and when the next datagram goes and when the count is done.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Result;
use common::text::uppercase;
use mio::net::UdpSocket;

use super::report::Records;
use super::{Plan, Totals};
use crate::stats::{millis, Latencies};

/// Digits of the sequence number at the start of each datagram.
pub const SEQ_DIGITS: usize = 10;

/// The datagram for `seq`: its number, then lowercase letters up to `size` bytes.
fn datagram(seq: u64, size: usize) -> Vec<u8> {
    let mut d = format!("{seq:0width$}", width = SEQ_DIGITS).into_bytes();
    d.extend((0..size.saturating_sub(SEQ_DIGITS)).map(|i| b'a' + (i % 26) as u8));
    d
}

/// The sequence number a reply answers, if it is a well-formed answer (uppercase or echo).
fn answered(reply: &[u8], size: usize) -> Option<u64> {
    if reply.len() != size {
        return None;
    }
    let seq: u64 = std::str::from_utf8(&reply[..SEQ_DIGITS])
        .ok()?
        .parse()
        .ok()?;
    let sent = datagram(seq, size);
    (reply == sent || reply == uppercase(&sent)).then_some(seq)
}

/// Where a datagram stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Sent, no reply yet, its timeout not yet over.
    Waiting,
    /// An error was reported for it (port unreachable, a failed send): shown and counted at
    /// once; its timeout still runs, so `-i 0` does not flood a server that is gone.
    Errored,
    Answered,
    /// Its timeout is over without a reply: lost, unless a late reply still comes.
    GivenUp,
}

#[derive(Debug, Clone, Copy)]
struct Sent {
    seq: u64,
    at: Instant,
    state: State,
}

/// How many recent datagrams a late reply can still be matched to. At 20,000 a second that is
/// three seconds, three times the default timeout.
const WINDOW: usize = 1 << 16;

/// The run: what was sent, what came back, and the figures.
pub(super) struct Pinger<'a, W: Write> {
    socket: &'a UdpSocket,
    server: SocketAddr,
    plan: &'a Plan,
    pub(super) out: &'a mut W,
    /// Each recent datagram by sequence number modulo the window: memory stays the same however
    /// many datagrams a run sends.
    window: Vec<Option<Sent>>,
    /// Sequence numbers still waiting (or errored) in the order they went, so the first is the
    /// first to time out. Answered ones leave it when they reach the front.
    pending: VecDeque<u64>,
    last_sent: Option<Instant>,
    pub(super) totals: Totals,
    pub(super) latencies: Latencies,
    pub(super) records: Records,
    buf: Vec<u8>,
}

impl<'a, W: Write> Pinger<'a, W> {
    /// A run of `plan` on `socket` (connected to `server`), its lines on `out`, begun at
    /// `start`.
    pub(super) fn new(
        socket: &'a UdpSocket,
        server: SocketAddr,
        plan: &'a Plan,
        out: &'a mut W,
        start: Instant,
    ) -> Self {
        let window = match plan.count {
            Some(count) if plan.deadline.is_none() => {
                usize::try_from(count).map_or(WINDOW, |c| c.min(WINDOW))
            }
            _ => WINDOW,
        };
        Pinger {
            socket,
            server,
            plan,
            out,
            window: vec![None; window],
            pending: VecDeque::new(),
            last_sent: None,
            totals: Totals::default(),
            latencies: Latencies::new(),
            records: Records::new(start),
            buf: vec![0u8; 64 * 1024],
        }
    }

    /// True while the plan wants more datagrams sent.
    fn more_to_send(&self) -> bool {
        match (self.plan.count, self.plan.deadline) {
            (None, _) => true,
            // ping's -c with -w: go on until that many replies, or the deadline.
            (Some(count), Some(_)) => self.totals.received < count,
            (Some(count), None) => self.totals.sent < count,
        }
    }

    /// True when the count is done: with a deadline, that many replies came; without, that
    /// many datagrams went and each has its reply or its timeout is over.
    pub(super) fn done(&self) -> bool {
        match (self.plan.count, self.plan.deadline) {
            (None, _) => false,
            (Some(count), Some(_)) => self.totals.received >= count,
            (Some(count), None) => self.totals.sent >= count && self.pending.is_empty(),
        }
    }

    /// When the next datagram goes: an interval after the last, or with `-i 0` as soon as
    /// none is pending.
    pub(super) fn next_send(&self, now: Instant) -> Option<Instant> {
        if !self.more_to_send() {
            return None;
        }
        match self.last_sent {
            None => Some(now),
            Some(last) if !self.plan.interval.is_zero() => Some(last + self.plan.interval),
            Some(_) => self.pending.is_empty().then_some(now),
        }
    }

    pub(super) fn first_expiry(&self) -> Option<Instant> {
        let seq = *self.pending.front()?;
        let len = self.window.len() as u64;
        self.window[(seq % len) as usize]
            .filter(|s| s.seq == seq)
            .map(|s| s.at + self.plan.timeout)
    }

    fn slot(&mut self, seq: u64) -> &mut Option<Sent> {
        let len = self.window.len() as u64;
        &mut self.window[(seq % len) as usize]
    }

    /// The datagram `seq`, if it is still in the window.
    fn sent(&mut self, seq: u64) -> Option<&mut Sent> {
        self.slot(seq).as_mut().filter(|s| s.seq == seq)
    }

    fn show(&self) -> bool {
        !self.plan.quiet && !self.plan.json
    }

    pub(super) fn send(&mut self) -> Result<()> {
        let seq = self.totals.sent + 1;
        let payload = datagram(seq, self.plan.size);
        // The round trip counts from before the send, as ping's and load mode's do: the send's
        // own system call is part of the trip (taken after it, -i 0 showed a tenth of it).
        let mut at = Instant::now();
        let mut result = self.socket.send(&payload);
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::ConnectionRefused) {
            // The refusal is an earlier datagram's ICMP port unreachable, which the system
            // reports (and forgets) on this send, and this datagram did not go: send it again.
            self.error(None, io::ErrorKind::ConnectionRefused.into(), "send")?;
            at = Instant::now();
            result = self.socket.send(&payload);
        }
        self.totals.sent = seq;
        self.last_sent = Some(at);
        *self.slot(seq) = Some(Sent {
            seq,
            at,
            state: State::Waiting,
        });
        self.pending.push_back(seq);
        self.records.at(at).sent += 1;
        if let Err(e) = result {
            self.error(Some(seq), e, "send")?;
        }
        Ok(())
    }

    /// Counts and shows an error: for `seq`, or for the oldest datagram still waiting (an ICMP
    /// error comes back for some earlier datagram, most likely the oldest unanswered one).
    fn error(&mut self, seq: Option<u64>, e: io::Error, op: &str) -> Result<()> {
        let refused = e.kind() == io::ErrorKind::ConnectionRefused;
        if refused {
            self.totals.unreachable += 1;
        } else {
            self.totals.other_errors += 1;
        }
        let waiting = self.pending.iter().copied().find(|&s| {
            let len = self.window.len() as u64;
            self.window[(s % len) as usize].is_some_and(|d| d.seq == s && d.state == State::Waiting)
        });
        let Some(seq) = seq.or(waiting).or(self.last_sent.map(|_| self.totals.sent)) else {
            return Ok(());
        };
        if let Some(sent) = self.sent(seq) {
            let at = sent.at;
            if sent.state == State::Waiting {
                sent.state = State::Errored;
            }
            self.records.at(at).errors += 1;
        }
        if self.show() {
            let server = self.server;
            if refused {
                writeln!(
                    self.out,
                    "port unreachable from {server} for seq={seq}: nothing listens there (ICMP)"
                )?;
            } else {
                writeln!(self.out, "error on {op} for seq={seq}: {}", english(&e))?;
            }
        }
        Ok(())
    }

    /// Gives up on the datagrams whose timeout is over.
    pub(super) fn expire(&mut self, now: Instant) -> Result<()> {
        while let Some(&seq) = self.pending.front() {
            let timeout = self.plan.timeout;
            let Some(sent) = self.sent(seq) else {
                self.pending.pop_front();
                continue;
            };
            match sent.state {
                State::Answered | State::GivenUp => {}
                State::Waiting | State::Errored if now >= sent.at + timeout => {
                    let silent = sent.state == State::Waiting;
                    sent.state = State::GivenUp;
                    if silent && self.show() {
                        writeln!(
                            self.out,
                            "no reply from {} for seq={seq} within {timeout:?}",
                            self.server
                        )?;
                    }
                }
                State::Waiting | State::Errored => break,
            }
            self.pending.pop_front();
        }
        Ok(())
    }

    /// Takes every datagram and error waiting on the socket, until it would block (the wait is
    /// edge-triggered: what is left unread now is not reported again).
    pub(super) fn receive(&mut self) -> Result<()> {
        loop {
            match self.socket.recv(&mut self.buf[..]) {
                Ok(n) => {
                    let now = Instant::now();
                    self.reply(n, now)?;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Reading an error (an ICMP port unreachable) clears it; datagrams may follow.
                Err(e) => self.error(None, e, "receive")?,
            }
        }
    }

    fn reply(&mut self, n: usize, now: Instant) -> Result<()> {
        let size = self.plan.size;
        let Some(seq) = answered(&self.buf[..n], size) else {
            log::debug!("a {n}-byte datagram that answers none of ours");
            self.totals.strays += 1;
            return Ok(());
        };
        let Some(sent) = self.sent(seq) else {
            log::debug!("a reply for seq={seq}, which is not in the window");
            self.totals.strays += 1;
            return Ok(());
        };
        let state = sent.state;
        let at = sent.at;
        if state != State::Answered {
            sent.state = State::Answered;
        }
        let rtt = now.duration_since(at);
        let mark = match state {
            State::Answered => {
                self.totals.duplicates += 1;
                " (DUP!)"
            }
            State::GivenUp => {
                self.totals.late += 1;
                " (late)"
            }
            State::Waiting | State::Errored => "",
        };
        if state != State::Answered {
            self.totals.received += 1;
            self.latencies.record(rtt);
            self.records.at(at).add_rtt(rtt);
        }
        if self.show() {
            writeln!(
                self.out,
                "{n} bytes from {}: seq={seq} time={} ms{mark}",
                self.server,
                millis(rtt)
            )?;
        }
        Ok(())
    }
}

/// An OS error in plain English words, as stdout says it in every language.
fn english(e: &io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or_default();
    text.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_name_their_request() {
        let d = datagram(42, 20);
        assert_eq!(d, b"0000000042abcdefghij");
        assert_eq!(answered(&d, 20), Some(42));
        assert_eq!(answered(&uppercase(&d), 20), Some(42));
        assert_eq!(answered(b"0000000042ABCDEFGHIX", 20), None);
        assert_eq!(answered(&d[..19], 20), None);
        assert_eq!(answered(&datagram(7, 10), 10), Some(7));
    }
}
