//! The message client: steps 3 and 4 of the document, send and receive, for one message at a
//! time. Each message goes out as one datagram; the answer is waited for `--timeout`, and the
//! datagram sent again up to `--retries` times. A late answer to an earlier message is dropped,
//! never taken for this one's. Ping mode sends its own datagrams, but names failures the same way.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use common::addr;
use common::text::{count, uppercase};
use common::{error, step};
use log::{debug, info};

/// A connected UDP socket that asks the server and waits for the matching answer.
pub struct Client {
    socket: UdpSocket,
    server: SocketAddr,
    timeout: Duration,
    tries: u32,
    buf: Vec<u8>,
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
        }
    }

    /// The connected socket, for ping mode, which sends its own datagrams on it.
    pub fn socket(&self) -> &UdpSocket {
        &self.socket
    }

    /// Sends `message` as one datagram and returns the server's answer to it, sending again
    /// when none came within the timeout.
    pub fn ask(&mut self, message: &[u8]) -> Result<Vec<u8>> {
        fits_in_a_datagram(message.len(), self.server)?;
        self.discard_late_replies()?;
        // Our server answers with the uppercase; a plain echo server with the message itself.
        // Anything else is a late reply to an earlier datagram, and not this one's answer.
        let expected = uppercase(message);
        for attempt in 1..=self.tries {
            // Step 3: send the datagram. It goes out whether or not anyone is there.
            self.socket
                .send(message)
                .map_err(|e| self.failure(e, "sending to"))?;
            step!(
                "3 send",
                "sent a {}-byte datagram to {} (try {attempt} of {})",
                message.len(),
                self.server,
                self.tries
            );
            // Step 4: wait for the reply, but not for ever.
            let deadline = Instant::now() + self.timeout;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                if left.is_zero() {
                    break;
                }
                self.socket.set_read_timeout(Some(left))?;
                match self.socket.recv(&mut self.buf) {
                    Ok(n) if self.buf[..n] == expected[..] || self.buf[..n] == *message => {
                        step!(
                            "4 receive",
                            "received a {n}-byte datagram from {}",
                            self.server
                        );
                        return Ok(self.buf[..n].to_vec());
                    }
                    Ok(n) => debug!("ignoring a {n}-byte datagram that answers an earlier one"),
                    Err(e) if error::is_timeout(&e) => {
                        step!(
                            "4 receive",
                            "nothing came within {:?}: lost on the way there or back, or not answered",
                            self.timeout
                        );
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(self.failure(e, "waiting for a reply from")),
                }
            }
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
        Err(error::hint(
            anyhow!(
                "no reply from {} after {} of {:?} each",
                self.server,
                count(u64::from(self.tries), "try", "tries"),
                self.timeout
            ),
            // Not "is the server running?": the socket is connected, so a missing server
            // would have shown as "port unreachable" (unless a firewall swallows that too).
            "the datagram or its reply may have been lost, or the server chose not to answer \
             (a rate limit, or a reply too large for a datagram); UDP says nothing either way",
        ))
    }

    /// Drops replies that came in after their request had timed out, so that none of them is
    /// taken for the answer to the next message.
    fn discard_late_replies(&mut self) -> Result<()> {
        self.socket.set_nonblocking(true)?;
        loop {
            match self.socket.recv(&mut self.buf) {
                Ok(n) => debug!("discarding a late {n}-byte reply"),
                // An earlier datagram's "port unreachable": this one will learn afresh.
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        self.socket.set_nonblocking(false)?;
        Ok(())
    }

    fn failure(&self, e: io::Error, action: &str) -> anyhow::Error {
        failure(e, self.server, action)
    }
}

/// Names a failed send or receive on the connected socket: a refusal is the OS's "port
/// unreachable", nothing listening there.
pub fn failure(e: io::Error, server: SocketAddr, action: &str) -> anyhow::Error {
    if e.kind() == io::ErrorKind::ConnectionRefused {
        error::hint(
            anyhow!("nothing is listening on {server} (port unreachable)"),
            "start the server with `cargo run -p udp-server` (and the same --port)",
        )
    } else {
        anyhow!("{action} {server}: {}", error::io_text(&e))
    }
}

/// Refuses a `len`-byte message no datagram to `server` can carry, before anything is sent. The
/// limit is the family's: IPv6 carries 20 bytes more than IPv4.
pub fn fits_in_a_datagram(len: usize, server: SocketAddr) -> Result<()> {
    let limit = addr::max_datagram(&server);
    if len > limit {
        bail!(
            "{len} bytes is more than a UDP datagram to {server} carries ({limit}, over {}): \
             nothing was sent",
            addr::ip_version(&server)
        );
    }
    Ok(())
}
