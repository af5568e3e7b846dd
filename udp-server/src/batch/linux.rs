//! The Linux fast path: many datagrams per system call. `recvmmsg` takes every datagram already
//! waiting (up to [`SLOTS`]) in one call, and `sendmmsg` sends all the replies to them in one. A
//! server with many clients then makes two system calls for a batch instead of two for each
//! datagram. Both come from the `nix` crate, whose safe interface keeps this project free of
//! `unsafe`.

use std::io::{self, IoSlice, IoSliceMut};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;

use nix::sys::socket::{
    recvmmsg, sendmmsg, ControlMessage, MsgFlags, MultiHeaders, SockaddrStorage,
};

/// Datagrams taken, or replies sent, in one call at most.
pub const SLOTS: usize = 32;
/// Each slot holds the largest datagram there is (65,527 bytes, over IPv6): none is cut short.
/// Only the pages a datagram fills are ever touched, so 32 of them cost little memory.
const SLOT: usize = 64 * 1024;

/// One thread's buffers and headers for its batches.
pub struct Batch {
    slots: Vec<Vec<u8>>,
    receive_headers: MultiHeaders<SockaddrStorage>,
    send_headers: MultiHeaders<SockaddrStorage>,
    /// The length and source of each datagram of the last batch received.
    received: Vec<(usize, Option<SocketAddr>)>,
}

impl Batch {
    pub fn new() -> Batch {
        Batch {
            slots: (0..SLOTS).map(|_| vec![0; SLOT]).collect(),
            receive_headers: MultiHeaders::preallocate(SLOTS, None),
            send_headers: MultiHeaders::preallocate(SLOTS, None),
            received: Vec::with_capacity(SLOTS),
        }
    }

    /// Receives every datagram waiting, up to [`SLOTS`]; returns how many. Waits for the
    /// first (up to the socket's receive timeout) unless `without_waiting`, when there may be
    /// none: then it fails as a timed-out receive does.
    pub fn receive(&mut self, socket: &UdpSocket, without_waiting: bool) -> io::Result<usize> {
        let flags = if without_waiting {
            MsgFlags::MSG_DONTWAIT
        } else {
            // Wait for one; take the others only if they are already there.
            MsgFlags::MSG_WAITFORONE
        };
        let mut slices: Vec<[IoSliceMut<'_>; 1]> = self
            .slots
            .iter_mut()
            .map(|slot| [IoSliceMut::new(slot)])
            .collect();
        let results = recvmmsg(
            socket.as_raw_fd(),
            &mut self.receive_headers,
            slices.iter_mut(),
            flags,
            None,
        )?;
        self.received.clear();
        for message in results {
            let from = message.address.as_ref().and_then(to_std);
            self.received.push((message.bytes, from));
        }
        Ok(self.received.len())
    }

    /// Datagram `i` of the last batch, and where it came from (`None`: not an IP address).
    pub fn datagram(&self, i: usize) -> (&[u8], Option<SocketAddr>) {
        let (len, from) = self.received[i];
        (&self.slots[i][..len], from)
    }

    /// Sends each reply to its address in one call; returns how many went out. When one fails,
    /// those from it on are not sent: the caller sends them one by one, to learn which failed.
    pub fn send(
        &mut self,
        socket: &UdpSocket,
        replies: &[(Vec<u8>, SocketAddr)],
    ) -> io::Result<usize> {
        if replies.is_empty() {
            return Ok(0);
        }
        let slices: Vec<[IoSlice<'_>; 1]> = replies
            .iter()
            .map(|(reply, _)| [IoSlice::new(reply)])
            .collect();
        let addresses: Vec<Option<SockaddrStorage>> = replies
            .iter()
            .map(|&(_, to)| Some(SockaddrStorage::from(to)))
            .collect();
        let results = sendmmsg(
            socket.as_raw_fd(),
            &mut self.send_headers,
            &slices,
            &addresses,
            [] as [ControlMessage<'_>; 0],
            MsgFlags::empty(),
        )?;
        Ok(results.count())
    }
}

fn to_std(address: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = address.as_sockaddr_in() {
        return Some(SocketAddr::V4((*v4).into()));
    }
    address
        .as_sockaddr_in6()
        .map(|v6| SocketAddr::V6((*v6).into()))
}
