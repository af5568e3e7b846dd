//! A load connection: opening it (blocking, or not for connect cycles), and the round trip it
//! has in flight.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use mio::net::TcpStream;
use mio::{Interest, Poll, Token};

use crate::messages::t;

/// One connection and the round trip it has in flight.
pub(super) struct Conn {
    pub(super) stream: TcpStream,
    /// False until a non-blocking connect has completed.
    pub(super) connected: bool,
    pub(super) offset: usize,
    pub(super) sent: usize,
    pub(super) received: usize,
    /// Where the round trip's latency is counted from: its send, or under `--rate` the time
    /// the schedule gave it, however late it went out.
    pub(super) started: Instant,
    /// When it was really sent: where its timeout is counted from.
    pub(super) sent_at: Instant,
    pub(super) busy: bool,
    /// It began in the warmup: checked like any other, but not counted.
    pub(super) warm: bool,
    pub(super) rounds: u64,
    /// Under `--rate`: the schedule's slot for the round trip in flight, or for the next one.
    pub(super) slot: u64,
}

impl Conn {
    /// Has epoll report when connection `i` can read or write (and when it has connected).
    pub(super) fn register(&mut self, poll: &Poll, i: usize) -> Result<()> {
        poll.registry()
            .register(
                &mut self.stream,
                Token(i),
                Interest::READABLE | Interest::WRITABLE,
            )
            .with_context(|| t!("registering-connection"))
    }
}

pub(super) fn connect_blocking(server: SocketAddr, timeout: Duration) -> Result<Conn> {
    let stream = std::net::TcpStream::connect_timeout(&server, timeout)
        .with_context(|| t!("connecting-to", server = server))?;
    // Each round trip is a small write that must leave at once.
    stream
        .set_nodelay(true)
        .with_context(|| t!("setting-option", option = "TCP_NODELAY"))?;
    stream
        .set_nonblocking(true)
        .with_context(|| t!("making-nonblocking"))?;
    Ok(new_conn(TcpStream::from_std(stream), true))
}

pub(super) fn connect_nonblocking(server: SocketAddr) -> Result<Conn> {
    let stream =
        TcpStream::connect(server).with_context(|| t!("connecting-to", server = server))?;
    stream
        .set_nodelay(true)
        .with_context(|| t!("setting-option", option = "TCP_NODELAY"))?;
    Ok(new_conn(stream, false))
}

fn new_conn(stream: TcpStream, connected: bool) -> Conn {
    Conn {
        stream,
        connected,
        offset: 0,
        sent: 0,
        received: 0,
        started: Instant::now(),
        sent_at: Instant::now(),
        busy: false,
        warm: false,
        rounds: 0,
        slot: 0,
    }
}
