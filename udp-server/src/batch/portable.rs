//! The portable path, for macOS, Windows, and Linux with `--features portable`: one datagram a
//! call, with std's `recv_from`, and each reply with `send_to`.
//!
//! A batch is one datagram. Without `recvmmsg` every datagram costs a receive call whatever we
//! do, and taking those already waiting after the first would cost more: the socket is blocking
//! between spins, so it would take two mode changes and one more receive that finds nothing,
//! all before the first reply goes out.
//!
//! Spinning ("without waiting") needs a receive that does not wait, and std has one only as a
//! mode of the socket: this thread switches the socket's mode when its own spin starts or ends,
//! not at every receive. The mode belongs to the socket, which every thread shares, so another
//! thread may find it switched: a thread that would sleep then spins too, and one that would
//! spin sleeps until a datagram comes, neither losing one. When no thread spins, the last
//! switch was back to waiting, so a quiet server sleeps.

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Datagrams taken, or replies sent, in one call at most.
pub const SLOTS: usize = 1;
/// The buffer holds the largest datagram there is (65,527 bytes, over IPv6): none is cut short.
const SLOT: usize = 64 * 1024;

/// One thread's buffer, and the mode it last gave the socket.
pub struct Batch {
    slot: Vec<u8>,
    /// The length and source of the datagram last received.
    received: (usize, Option<SocketAddr>),
    nonblocking: bool,
}

impl Batch {
    pub fn new() -> Batch {
        Batch {
            slot: vec![0; SLOT],
            received: (0, None),
            nonblocking: false,
        }
    }

    /// Receives one datagram; returns 1. Waits for it (up to the socket's receive timeout)
    /// unless `without_waiting`, when there may be none: then it fails as a timed-out receive
    /// does.
    pub fn receive(&mut self, socket: &UdpSocket, without_waiting: bool) -> io::Result<usize> {
        if without_waiting != self.nonblocking {
            socket.set_nonblocking(without_waiting)?;
            self.nonblocking = without_waiting;
        }
        self.received = match socket.recv_from(&mut self.slot) {
            Ok((len, from)) => (len, Some(from)),
            // Windows fails a receive into a buffer too small for the datagram (WSAEMSGSIZE)
            // and discards the rest of it; the source is lost, so it cannot be answered: it is
            // counted as dropped. The buffer holds any datagram, so this should never happen.
            // Untested: written for Windows, which this project's CI does not run.
            #[cfg(windows)]
            Err(e) if e.raw_os_error() == Some(WSAEMSGSIZE) => (0, None),
            Err(e) => return Err(e),
        };
        Ok(1)
    }

    /// The datagram last received (`i` is 0), and where it came from (`None`: unknown).
    pub fn datagram(&self, i: usize) -> (&[u8], Option<SocketAddr>) {
        debug_assert_eq!(i, 0);
        let (len, from) = self.received;
        (&self.slot[..len], from)
    }

    /// Sends each reply to its address, one call each; returns how many went out. When one
    /// fails, those from it on are not sent: the caller sends them one by one, to learn which
    /// failed.
    pub fn send(
        &mut self,
        socket: &UdpSocket,
        replies: &[(Vec<u8>, SocketAddr)],
    ) -> io::Result<usize> {
        for (sent, (reply, to)) in replies.iter().enumerate() {
            if let Err(e) = socket.send_to(reply, to) {
                return if sent == 0 { Err(e) } else { Ok(sent) };
            }
        }
        Ok(replies.len())
    }
}

/// Windows' "message too long" (winsock's WSAEMSGSIZE).
#[cfg(windows)]
const WSAEMSGSIZE: i32 = 10040;
