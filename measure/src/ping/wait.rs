//! The one wait of a ping run: poll(2) on the socket and on an eventfd that Ctrl-C writes to,
//! so Ctrl-C and the deadline end it at once, not at the next reply.

use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use rustix::event::{eventfd, poll, EventfdFlags, PollFd, PollFlags, Timespec};

use super::Pinger;
use crate::messages::say;

/// Ends a run's wait: Ctrl-C (or SIGTERM) writes to an eventfd that the wait polls.
#[derive(Debug, Clone)]
pub struct Stop {
    event: Arc<OwnedFd>,
}

impl Stop {
    pub fn new() -> Result<Stop> {
        let event = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)
            .map_err(io::Error::from)
            .context(say().setting_up_stop())?;
        Ok(Stop {
            event: Arc::new(event),
        })
    }

    /// A stop that the first Ctrl-C or SIGTERM triggers (a second one exits at once).
    pub fn on_signal() -> Result<Stop> {
        let stop = Stop::new()?;
        let trigger = stop.clone();
        common::cli::on_stop_signal(move || trigger.trigger()).context(say().setting_up_stop())?;
        Ok(stop)
    }

    pub fn trigger(&self) {
        // The counter only has to become non-zero: an error (it is full) changes nothing.
        let _ = rustix::io::write(&*self.event, &1u64.to_ne_bytes());
    }
}

/// What the socket's wait ended with.
pub(super) enum Woke {
    Stop,
    Readable,
    Timeout,
}

impl<W: Write> Pinger<'_, W> {
    /// Waits until the socket has something, `stop` is triggered, or `until` comes.
    pub(super) fn wait(&self, stop: &Stop, until: Option<Instant>) -> Result<Woke> {
        let timeout = until.map(|t| {
            let left = t.saturating_duration_since(Instant::now());
            Timespec {
                tv_sec: left.as_secs().try_into().unwrap_or(i64::MAX),
                tv_nsec: left.subsec_nanos().into(),
            }
        });
        let mut fds = [
            PollFd::new(self.socket, PollFlags::IN),
            PollFd::new(&*stop.event, PollFlags::IN),
        ];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(Woke::Timeout),
            Err(e) => {
                return Err(io::Error::from(e)).context(say().waiting_for_replies(self.server))
            }
        }
        if !fds[1].revents().is_empty() {
            Ok(Woke::Stop)
        } else if !fds[0].revents().is_empty() {
            Ok(Woke::Readable)
        } else {
            Ok(Woke::Timeout)
        }
    }
}
