//! One client connection: step 5 (exchange data: read, and send straight back) and step 6
//! (close, saying why).
//!
//! The document's server reads `recv(1024)` and sends it back with `sendall`, blocking until
//! the client takes it. Here no call blocks: what the client is slow to take waits in the
//! connection's own buffer, and nothing more is read from that client until it has been sent.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::logging::Budget;
use common::text::Utf8Decoder;
use common::{error, step};
use log::{info, warn, Level};
use memmap2::MmapMut;
use mio::net::TcpStream;

use crate::messages::t;

/// One client connection.
pub struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    /// Echo the client has not taken yet: none unless the client is slow to read.
    unsent: Option<Unsent>,
    echoed: u64,
    decoder: Utf8Decoder,
    /// The last time the client sent something or took some of its echo.
    last_active: Instant,
}

/// Whether a connection stays open after an exchange.
pub enum After {
    /// Waiting for epoll to report it again.
    Open,
    /// It used its share of this turn and may have more to read: come back after the others.
    More,
    Done,
}

/// Full reads one connection gets per turn of the event loop (1 MiB with 256 KiB reads): one
/// client streaming as fast as it can must not keep the others, or the timers, waiting.
const READS_PER_TURN: u32 = 4;

/// Why a connection ends.
pub enum Ending {
    /// The client closed its side and has all its echo.
    Finished,
    Failed(io::Error),
    Idle(Duration),
    /// The server was full and this one had been idle longest (room.rs).
    Evicted,
    Stopping,
}

impl Ending {
    /// The choice of the `closing` message (locales/*.ftl) that tells this ending.
    fn why(&self) -> &'static str {
        match self {
            Ending::Finished => "finished",
            Ending::Failed(_) => "failed",
            Ending::Idle(_) => "idle",
            Ending::Evicted => "evicted",
            Ending::Stopping => "stopping",
        }
    }
}

/// What epoll reported for a connection.
#[derive(Clone, Copy)]
pub struct Ready {
    readable: bool,
    /// The client's FIN has arrived. Epoll reports that once, so it must not be left unread.
    read_closed: bool,
}

impl Ready {
    /// Nothing reported, but data may be waiting: after a stall (the process stopped, the
    /// machine suspended) the wait can return with no events, and a sweep must not judge a
    /// connection idle before it has read what the client sent meanwhile.
    pub const MAYBE: Ready = Ready {
        readable: true,
        read_closed: false,
    };

    pub fn of(event: &mio::event::Event) -> Ready {
        Ready {
            readable: event.is_readable() || event.is_error(),
            read_closed: event.is_read_closed(),
        }
    }
}

impl Connection {
    pub fn new(stream: TcpStream, peer: SocketAddr, now: Instant) -> Connection {
        Connection {
            stream,
            peer,
            unsent: None,
            echoed: 0,
            decoder: Utf8Decoder::new(),
            last_active: now,
        }
    }

    /// Bytes sent back so far.
    pub fn echoed(&self) -> u64 {
        self.echoed
    }

    fn unsent_len(&self) -> usize {
        self.unsent.as_ref().map_or(0, |u| u.rest().len())
    }

    /// True when the client has neither sent nor taken anything for `idle`.
    pub fn is_idle(&self, now: Instant, idle: Duration) -> bool {
        now.duration_since(self.last_active) >= idle
    }

    /// The last time the client sent something or took some of its echo.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    pub fn last_active(&self) -> Instant {
        self.last_active
    }

    /// If the connection was last active at `then`, makes that `now`.
    pub fn active_at(&mut self, then: Instant, now: Instant) {
        if self.last_active == then {
            self.last_active = now;
        }
    }

    /// Step 5 on a connection epoll reported `ready` at `now`: echoes what can be echoed.
    pub fn exchange(
        &mut self,
        buf: &mut [u8],
        ready: Ready,
        now: Instant,
        log: &mut Budget,
    ) -> io::Result<After> {
        let before = (self.echoed, self.unsent_len());
        let after = self.echo(buf, ready, now, log);
        if (self.echoed, self.unsent_len()) != before {
            self.last_active = now;
        }
        after
    }

    /// Step 5, exchange data: read what the client sent and send it straight back.
    ///
    /// Epoll on Linux reports readiness once per change (mio registers edge-triggered), so this
    /// reads until the socket is drained, and stops reading while the client has not taken its
    /// echo.
    fn echo(
        &mut self,
        buf: &mut [u8],
        ready: Ready,
        now: Instant,
        log: &mut Budget,
    ) -> io::Result<After> {
        // Finish the echo the client was slow to take before reading more: this is what bounds
        // the memory a connection holds, and what keeps a client that never reads from costing
        // others.
        if let Some(unsent) = &mut self.unsent {
            let sent = write_some(&mut self.stream, unsent.rest())?;
            unsent.from += sent;
            self.echoed += sent as u64;
            if !unsent.rest().is_empty() {
                return Ok(After::Open);
            }
            // Give the memory back at once: a client that was slow once should not hold up
            // to 256 KiB for the rest of its connection.
            self.unsent = None;
            // Bytes may have waited in the socket while we did not read: go on to read them.
        } else if !ready.readable && !ready.read_closed {
            // Room to write, and nothing to write: the report was for a direction we do not need.
            return Ok(After::Open);
        }
        for _ in 0..READS_PER_TURN {
            let n = match self.stream.read(buf) {
                // The client shut down its sending side and has all its echo: close ours too.
                Ok(0) => return Ok(After::Done),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(After::Open),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let data = &buf[..n];
            if log.allow(Level::Info, now, n as u64) {
                let text = self.decoder.decode_for_log(data);
                if !text.is_empty() {
                    info!("{}: received {:?}", self.peer, text);
                }
            } else {
                // Not shown: a character split here is not worth keeping for the next line.
                self.decoder = Utf8Decoder::new();
            }
            let sent = write_some(&mut self.stream, data)?;
            self.echoed += sent as u64;
            step!(
                5,
                Step::Exchange,
                t!("exchanged", peer = self.peer, received = n, sent = sent)
            );
            if sent < n {
                // The client's receive window is full: keep the rest, and read nothing more
                // until epoll reports room to send it.
                self.unsent = Some(Unsent::new(&data[sent..])?);
                return Ok(After::Open);
            }
            // A short read emptied the socket; epoll reports the next data when it comes.
            if n < buf.len() && !ready.read_closed {
                return Ok(After::Open);
            }
        }
        Ok(After::More)
    }

    /// Step 6: closes the connection (dropping the stream) and logs how it ended.
    pub fn close(mut self, ending: Ending, now: Instant, log: &mut Budget) {
        let (peer, echoed) = (self.peer, self.echoed);
        step!(
            6,
            Step::Close,
            t!("closing", peer = peer, echoed = echoed, why = ending.why())
        );
        let level = match &ending {
            Ending::Failed(e) if !is_gone(e) => Level::Warn,
            _ => Level::Info,
        };
        if !log.allow(level, now, echoed) {
            return;
        }
        let rest = self.decoder.finish();
        if !rest.is_empty() {
            info!("{peer}: received {rest:?}");
        }
        match ending {
            Ending::Finished => info!("closed {peer} after echoing {echoed} bytes"),
            Ending::Idle(idle) => info!(
                "closed {peer} after echoing {echoed} bytes: idle for {} s (--idle-timeout)",
                idle.as_secs_f64()
            ),
            Ending::Evicted => info!(
                "closed {peer} after echoing {echoed} bytes: the server was full and it had been \
                 idle longest (--max-connections)"
            ),
            Ending::Stopping => info!("closed {peer} after echoing {echoed} bytes: stopping"),
            Ending::Failed(e) if is_gone(&e) => {
                info!(
                    "{peer} went away ({}) after {echoed} bytes echoed",
                    error::io_text(&e)
                )
            }
            Ending::Failed(e) => warn!(
                "closed {peer} after {echoed} bytes echoed: {}",
                error::io_text(&e)
            ),
        }
    }
}

/// Echo a slow client has not taken yet, in pages mapped for it alone. Unmapped once sent, they
/// go straight back to the system; from the heap they would stay with the process (glibc keeps
/// freed blocks of this size), and a few hundred clients that were slow once would leave the
/// server tens of MiB larger for good. Measured by the test of 500 clients that send without
/// reading (tests/resources.rs), idle at 4.9 MiB: with these pages, 5.6 MiB once they have read
/// all; with a `Box<[u8]>`, 8 to 12 MiB, failing the test 2 runs of 3. memmap2 works everywhere.
struct Unsent {
    pages: MmapMut,
    /// How much of it has been sent.
    from: usize,
}

impl Unsent {
    /// `bytes` is never empty: it is what a short write left over.
    fn new(bytes: &[u8]) -> io::Result<Unsent> {
        let mut pages = MmapMut::map_anon(bytes.len())?;
        pages.copy_from_slice(bytes);
        Ok(Unsent { pages, from: 0 })
    }

    fn rest(&self) -> &[u8] {
        &self.pages[self.from..]
    }
}

/// Writes as much of `data` as the socket takes now; returns how much that was.
fn write_some(stream: &mut TcpStream, mut data: &[u8]) -> io::Result<usize> {
    let mut sent = 0;
    while !data.is_empty() {
        match stream.write(data) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                sent += n;
                data = &data[n..];
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(sent)
}

/// The client went away: nothing to warn anyone about.
fn is_gone(e: &io::Error) -> bool {
    is_transient(e) || e.kind() == io::ErrorKind::BrokenPipe
}

/// Errors that end one connection, or one accept, and say nothing about the server.
pub fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}
