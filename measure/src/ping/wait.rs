//! The one wait of a ping run: a mio poll (epoll on Linux, kqueue on macOS, IOCP on Windows) on
//! the socket and on a waker that Ctrl-C wakes, so Ctrl-C and the deadline end it at once, not
//! at the next reply.
//!
//! One path on every system: the wait for a reply costs one epoll_wait where it was one poll(2)
//! of two descriptors, and a reply's time is taken when the wait returns, so it is measured as
//! before. mio rounds a wait's timeout up to a whole millisecond: a datagram due in 0.2 ms may
//! go up to a millisecond late, which moves when it goes, not the round trip it measures.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token, Waker};

use crate::messages::t;

const SOCKET: Token = Token(0);
const STOP: Token = Token(1);

/// What the socket's wait ended with.
pub(super) enum Woke {
    Stop,
    Readable,
    Timeout,
}

/// The wait on the socket and on Ctrl-C (or SIGTERM), which the first one ends at once.
#[derive(Debug)]
pub(super) struct Wait {
    poll: Poll,
    events: Events,
    stopped: Arc<AtomicBool>,
    /// Kept open here too: the signal thread drops its copy once it has woken the poll, and a
    /// waker closed before the poll has taken its event takes the event with it.
    _waker: Arc<Waker>,
    server: SocketAddr,
}

impl Wait {
    /// Waits on `socket` (non-blocking, connected to `server`); the first Ctrl-C or SIGTERM
    /// ends the wait and the run (a second one exits at once).
    pub(super) fn on(socket: &mut UdpSocket, server: SocketAddr) -> Result<Wait> {
        let poll = Poll::new().with_context(|| t!("setting-up-stop"))?;
        poll.registry()
            .register(socket, SOCKET, Interest::READABLE)
            .with_context(|| t!("waiting-for-replies", server = server))?;
        let waker =
            Arc::new(Waker::new(poll.registry(), STOP).with_context(|| t!("setting-up-stop"))?);
        let stopped = Arc::new(AtomicBool::new(false));
        let (flag, wake) = (Arc::clone(&stopped), Arc::clone(&waker));
        common::cli::on_stop_signal(move || {
            flag.store(true, Ordering::SeqCst);
            // An error (the waker's counter is full) changes nothing: it is awake.
            let _ = wake.wake();
        })
        .with_context(|| t!("setting-up-stop"))?;
        Ok(Wait {
            poll,
            events: Events::with_capacity(4),
            stopped,
            _waker: waker,
            server,
        })
    }

    /// Waits until the socket has something (a datagram or an error: the poll is
    /// edge-triggered, so the caller reads until the socket would block), Ctrl-C came, or
    /// `until` comes.
    pub(super) fn wait(&mut self, until: Option<Instant>) -> Result<Woke> {
        if self.stopped.load(Ordering::SeqCst) {
            return Ok(Woke::Stop);
        }
        let timeout = until.map(|t| t.saturating_duration_since(Instant::now()));
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(Woke::Timeout),
            Err(e) => return Err(e).context(t!("waiting-for-replies", server = self.server)),
        }
        if self.stopped.load(Ordering::SeqCst) {
            Ok(Woke::Stop)
        } else if self.events.iter().any(|e| e.token() == SOCKET) {
            Ok(Woke::Readable)
        } else {
            Ok(Woke::Timeout)
        }
    }
}
