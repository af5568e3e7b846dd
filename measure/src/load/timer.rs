//! The load's one timer, armed for the next thing due (a scheduled send under `--rate`, an
//! interval's end, the once-a-second look for round trips past the timeout).
//!
//! On Linux it is a timerfd in the same epoll set as the connections. Why not a timeout on the
//! wait itself: mio rounds it up to whole milliseconds, so a send due in 0.2 ms would go out up
//! to a millisecond late, and with `--rate` that lateness would be counted in every latency
//! (they run from the scheduled time). A timerfd keeps nanoseconds (in practice the kernel's
//! timer slack, about 50 µs), and it is set again only when the next thing due changes: once a
//! second in a closed-loop load, once a send under `--rate`.
//!
//! Elsewhere (and with the `portable` feature) it is a deadline, which the loop turns into its
//! wait's timeout: to the millisecond, not the microsecond, which is acceptable there.

#[cfg(all(target_os = "linux", not(feature = "portable")))]
pub(super) use timerfd::Timer;

#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
pub(super) use deadline::Timer;

#[cfg(all(target_os = "linux", not(feature = "portable")))]
mod timerfd {
    use std::os::fd::{AsFd, AsRawFd};
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result};
    use mio::unix::SourceFd;
    use mio::{Interest, Poll, Token};
    use nix::sys::time::TimeSpec;
    use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};

    use crate::messages::t;

    /// A one-shot timerfd that epoll reports as readable when it fires.
    #[derive(Debug)]
    pub(in crate::load) struct Timer {
        fd: TimerFd,
        /// When it is set to fire, if it is.
        armed: Option<Instant>,
    }

    impl Timer {
        /// A timer registered with `poll` under `token`, not yet armed.
        pub(in crate::load) fn new(poll: &Poll, token: Token) -> Result<Timer> {
            let fd = TimerFd::new(
                ClockId::CLOCK_MONOTONIC,
                TimerFlags::TFD_NONBLOCK | TimerFlags::TFD_CLOEXEC,
            )
            .with_context(|| t!("creating-timer"))?;
            let raw = fd.as_fd().as_raw_fd();
            poll.registry()
                .register(&mut SourceFd(&raw), token, Interest::READABLE)
                .with_context(|| t!("creating-timer"))?;
            Ok(Timer { fd, armed: None })
        }

        /// Makes the timer fire at `at` (at once if that has passed), unless it already will.
        pub(in crate::load) fn arm(&mut self, at: Instant, now: Instant) -> Result<()> {
            if self.armed == Some(at) {
                return Ok(());
            }
            // Relative to now: std's Instant is CLOCK_MONOTONIC on Linux, but says so nowhere a
            // program can read it. A zero time would disarm the timer, so at least a nanosecond.
            let left = at
                .saturating_duration_since(now)
                .max(Duration::from_nanos(1));
            let once = Expiration::OneShot(TimeSpec::from_duration(left));
            self.fd
                .set(once, TimerSetTimeFlags::empty())
                .with_context(|| t!("setting-timer"))?;
            self.armed = Some(at);
            Ok(())
        }

        /// After epoll said it fired: empties its count, so that it reports the next firing
        /// anew.
        pub(in crate::load) fn fired(&mut self) {
            // Non-blocking: nothing to read (it was read already) is no error.
            let _ = self.fd.wait();
            self.armed = None;
        }

        /// The timeout for the loop's wait: none, the timerfd wakes it.
        pub(in crate::load) fn wait_timeout(&self, _now: Instant) -> Option<Duration> {
            None
        }
    }
}

#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
mod deadline {
    use std::time::{Duration, Instant};

    use anyhow::Result;
    use mio::{Poll, Token};

    /// A one-shot timer: the deadline the loop's wait times out at.
    #[derive(Debug)]
    pub(in crate::load) struct Timer {
        armed: Option<Instant>,
    }

    impl Timer {
        /// A timer for the loop that waits on `poll`; no event comes under `token`: the wait's
        /// timeout is the timer.
        pub(in crate::load) fn new(_poll: &Poll, _token: Token) -> Result<Timer> {
            Ok(Timer { armed: None })
        }

        /// Makes the timer fire at `at` (at once if that has passed).
        pub(in crate::load) fn arm(&mut self, at: Instant, _now: Instant) -> Result<()> {
            self.armed = Some(at);
            Ok(())
        }

        /// After it fired: not armed until armed again.
        pub(in crate::load) fn fired(&mut self) {
            self.armed = None;
        }

        /// The timeout for the loop's wait: the time left until the deadline. mio rounds it up
        /// to whole milliseconds on some systems (Linux's epoll among them), so what is due may
        /// run up to a millisecond late: acceptable for the fallback.
        pub(in crate::load) fn wait_timeout(&self, now: Instant) -> Option<Duration> {
            self.armed.map(|at| at.saturating_duration_since(now))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use mio::{Events, Poll, Token};

    use super::*;

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
        // The loop's wait: until the timer's event, or its timeout.
        loop {
            let timeout = timer.wait_timeout(Instant::now());
            poll.poll(&mut events, timeout.or(Some(Duration::from_secs(10))))
                .unwrap();
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the timer never fired"
            );
            let event = events.iter().any(|e| e.token() == Token(7));
            if event || timeout.is_some_and(|_| Instant::now() >= at) {
                break;
            }
        }
        assert!(
            Instant::now() >= at,
            "fired {:?} early",
            at - Instant::now()
        );
        timer.fired();
        // Not armed again: nothing more comes, and the wait has no timeout.
        assert_eq!(timer.wait_timeout(Instant::now()), None);
        poll.poll(&mut events, Some(Duration::from_millis(50)))
            .unwrap();
        assert!(events.is_empty());
    }
}
