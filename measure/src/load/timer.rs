//! The load's one timer: a Linux timerfd in the same epoll set as the connections, armed for the
//! next thing due (a scheduled send under `--rate`, an interval's end, the once-a-second look for
//! round trips past the timeout).
//!
//! Why not a timeout on the wait itself: mio rounds it up to whole milliseconds, so a send due
//! in 0.2 ms would go out up to a millisecond late, and with `--rate` that lateness would be
//! counted in every latency (they run from the scheduled time). A timerfd keeps nanoseconds
//! (in practice the kernel's timer slack, about 50 µs), and it is set again only when the next
//! thing due changes: once a second in a closed-loop load, once a send under `--rate`.

use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use mio::unix::SourceFd;
use mio::{Interest, Poll, Token};
use rustix::time::Timespec;
use rustix::time::{
    timerfd_create, timerfd_settime, Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags,
};

use crate::messages::say;

/// A one-shot timer that epoll reports as readable when it fires.
#[derive(Debug)]
pub(super) struct Timer {
    fd: OwnedFd,
    /// When it is set to fire, if it is.
    armed: Option<Instant>,
}

impl Timer {
    /// A timer registered with `poll` under `token`, not yet armed.
    pub(super) fn new(poll: &Poll, token: Token) -> Result<Timer> {
        let fd = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )
        .context(say().creating_timer())?;
        poll.registry()
            .register(&mut SourceFd(&fd.as_raw_fd()), token, Interest::READABLE)
            .context(say().creating_timer())?;
        Ok(Timer { fd, armed: None })
    }

    /// Makes the timer fire at `at` (at once if that has passed), unless it already will.
    pub(super) fn arm(&mut self, at: Instant, now: Instant) -> Result<()> {
        if self.armed == Some(at) {
            return Ok(());
        }
        // Relative to now: std's Instant is CLOCK_MONOTONIC on Linux, but says so nowhere a
        // program can read it. A zero time would disarm the timer, so at least a nanosecond.
        let left = at
            .saturating_duration_since(now)
            .max(Duration::from_nanos(1));
        let it_value = Timespec::try_from(left).unwrap_or(Timespec {
            tv_sec: i64::MAX,
            tv_nsec: 0,
        });
        let spec = Itimerspec {
            it_interval: Timespec::default(),
            it_value,
        };
        timerfd_settime(&self.fd, TimerfdTimerFlags::empty(), &spec)
            .context(say().setting_timer())?;
        self.armed = Some(at);
        Ok(())
    }

    /// After epoll said it fired: empties its count, so that it reports the next firing anew.
    pub(super) fn fired(&mut self) {
        let mut count = [0u8; 8];
        let _ = rustix::io::read(&self.fd, &mut count);
        self.armed = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mio::Events;

    #[test]
    fn fires_once_at_the_time_set_and_not_before() {
        let mut poll = Poll::new().unwrap();
        let mut timer = Timer::new(&poll, Token(7)).unwrap();
        let mut events = Events::with_capacity(4);
        let start = Instant::now();
        let at = start + Duration::from_millis(30);
        timer.arm(at, start).unwrap();
        // Setting the same time again changes nothing.
        timer.arm(at, Instant::now()).unwrap();
        loop {
            poll.poll(&mut events, Some(Duration::from_secs(10)))
                .unwrap();
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the timer never fired"
            );
            if events.iter().any(|e| e.token() == Token(7)) {
                break;
            }
        }
        assert!(
            Instant::now() >= at,
            "fired {:?} early",
            at - Instant::now()
        );
        timer.fired();
        // Not armed again: nothing more comes.
        poll.poll(&mut events, Some(Duration::from_millis(50)))
            .unwrap();
        assert!(events.is_empty());
    }
}
