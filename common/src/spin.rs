//! The spin before sleeping, for both servers: after traffic, a serving thread keeps looking for
//! the next request for a few microseconds instead of sleeping at once, because waking a
//! sleeping thread costs tens of microseconds on a VM. That pays only while the next request
//! does come within the spin: a client with one request in flight, back to back. At a moderate
//! rate (a request every few hundred microseconds) every spin runs out, and the CPU it burned
//! bought nothing.
//!
//! So by default the spin adapts, as glibc's adaptive mutexes and Go's netpoller do: it keeps
//! spinning while spins catch the next request, stops after [`OFF_AFTER`] spins in a row ran
//! out, and then spins once every so many bursts of traffic to see whether the requests came back
//! to back again: every [`FIRST_PROBE`] bursts at first, twice as rarely after each probe that
//! runs out, down to one in [`LAST_PROBE`], so that a rate that never pays costs almost nothing.
//! A probe that catches turns the spin back on. `--spin N` fixes the spin at N µs (no
//! adapting), `--spin 0` turns it off.
//!
//! The servers' loops say three things to their thread's [`Spinner`]: there was traffic
//! ([`Spinner::caught`]), may I look without sleeping ([`Spinner::looking`]), and this look found
//! nothing ([`Spinner::nothing_yet`]). It keeps the spin's deadline, decides, and logs each turn.
//! A thread that spins yields its CPU between two looks (`std::thread::yield_now`), so that a
//! program waiting for that CPU (a client on the same one) runs at once instead of after the spin.

use std::time::{Duration, Instant};

/// Spins in a row that ran out before the spin turns off.
pub const OFF_AFTER: u32 = 4;
/// When off, the first probe comes after this many bursts of traffic.
pub const FIRST_PROBE: u32 = 16;
/// When off, probes come at most this rarely: one burst in this many. A probe that runs out
/// costs up to the spin (50 µs), so a rate where none pays costs at most 0.4 µs a request. Rarer
/// probes (one in 4,096) saved a few tenths of a µs but, at 10,000 requests a second on one
/// connection, let a backlog grow for up to 0.4 s before a probe turned the spin back on to drain
/// it: p99 7.6 ms against 2.0 ms with 128 (medians of 5 and 6 runs, tokio 6.3 and 8.4 ms).
pub const LAST_PROBE: u32 = 128;
/// A yield that took longer than this gave the CPU to another program: the next request came
/// only because this thread let its client (on the same CPU) run, which sleeping would have done
/// at less cost. Such a spin counts as one that ran out. A yield with nobody else to run takes
/// a system call's time, well under a microsecond.
pub const SHARED_CPU_YIELD: Duration = Duration::from_micros(3);

/// How a server spins: what `--spin` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spin {
    /// Never: each thread sleeps as soon as it has nothing to do.
    Off,
    /// Always this long after traffic (`--spin N`).
    Fixed(Duration),
    /// Up to this long, while spinning pays (the default).
    Adaptive(Duration),
}

/// What changed in a spinner, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turned {
    On,
    Off,
}

/// One serving thread's spin: whether it spins now, and what the last spins caught.
#[derive(Debug)]
pub struct Spinner {
    spin: Spin,
    /// The serving thread's number, for the log.
    thread: usize,
    /// When the spin that is on ends.
    until: Instant,
    /// Adaptive only: spinning after each burst (true), or only probing (false).
    on: bool,
    /// A spin started by the last burst of traffic and not yet over.
    spinning: bool,
    run_outs: u32,
    probe_every: u32,
    until_probe: u32,
    /// This spin gave the CPU away (see [`SHARED_CPU_YIELD`]).
    gave_cpu_away: bool,
}

impl Spinner {
    pub fn new(spin: Spin, thread: usize) -> Self {
        Self {
            spin,
            thread,
            until: Instant::now(),
            on: true,
            spinning: false,
            run_outs: 0,
            probe_every: FIRST_PROBE,
            until_probe: FIRST_PROBE,
            gave_cpu_away: false,
        }
    }

    /// Called after each look that brought traffic, at `now`: a spin starts, or none.
    pub fn caught(&mut self, now: Instant) {
        let (spin, turned) = self.traffic();
        self.until = now + spin;
        log(self.thread, turned);
    }

    /// Whether to look for work at `now` without sleeping: a spin is on and not over. A spin
    /// found over here ran out, and is counted as such before the thread sleeps.
    pub fn looking(&mut self, now: Instant) -> bool {
        if !self.spinning {
            return false;
        }
        if now < self.until {
            return true;
        }
        let turned = self.ran_out();
        log(self.thread, turned);
        false
    }

    /// Called when a look during a spin found nothing: gives the CPU to whoever waits for it,
    /// and notes whether someone did.
    pub fn nothing_yet(&mut self) {
        let before = Instant::now();
        std::thread::yield_now();
        self.yielded(before.elapsed());
    }

    /// After traffic: how long to spin now (zero: sleep as soon as there is nothing to do), and
    /// whether the spin just turned on. Traffic while a spin was on means that spin caught it.
    fn traffic(&mut self) -> (Duration, Option<Turned>) {
        let max = match self.spin {
            Spin::Off => return (Duration::ZERO, None),
            Spin::Fixed(spin) => {
                self.spinning = !spin.is_zero();
                return (spin, None);
            }
            Spin::Adaptive(max) => max,
        };
        let mut turned = None;
        if self.spinning && std::mem::take(&mut self.gave_cpu_away) {
            // Caught, but only by letting the client run: as good as a spin that ran out.
            turned = self.missed();
        } else if self.spinning {
            // Caught: the spin paid.
            self.run_outs = 0;
            if !self.on {
                self.on = true;
                self.probe_every = FIRST_PROBE;
                turned = Some(Turned::On);
            }
        }
        self.spinning = if self.on {
            true
        } else {
            self.until_probe -= 1;
            self.until_probe == 0
        };
        if self.until_probe == 0 {
            self.until_probe = self.probe_every;
        }
        (if self.spinning { max } else { Duration::ZERO }, turned)
    }

    /// After each `yield_now` of a spin, with the time it took.
    fn yielded(&mut self, took: Duration) {
        if took > SHARED_CPU_YIELD {
            self.gave_cpu_away = true;
        }
    }

    /// When a spin ended with no traffic: whether the spin just turned off.
    fn ran_out(&mut self) -> Option<Turned> {
        self.gave_cpu_away = false;
        if !std::mem::take(&mut self.spinning) || !matches!(self.spin, Spin::Adaptive(_)) {
            return None;
        }
        self.missed()
    }

    /// A spin that did not pay: after enough in a row, the spin turns off; a probe that did not
    /// pay puts the next one twice as far.
    fn missed(&mut self) -> Option<Turned> {
        if !self.on {
            // A probe that ran out: the next one comes twice as late.
            self.probe_every = (self.probe_every * 2).min(LAST_PROBE);
            self.until_probe = self.probe_every;
            return None;
        }
        self.run_outs += 1;
        if self.run_outs < OFF_AFTER {
            return None;
        }
        self.on = false;
        self.run_outs = 0;
        self.probe_every = FIRST_PROBE;
        self.until_probe = FIRST_PROBE;
        Some(Turned::Off)
    }
}

/// Says that thread `thread`'s spin turned on or off, for engineers (RUST_LOG=debug): the
/// spin adapts on its own, and this is how to see it do so.
fn log(thread: usize, turned: Option<Turned>) {
    match turned {
        Some(Turned::Off) => {
            log::debug!("thread {thread}: spin off: {OFF_AFTER} spins in a row ran out")
        }
        Some(Turned::On) => {
            log::debug!("thread {thread}: spin on: a probe caught the next request")
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Duration = Duration::from_micros(50);

    /// How many bursts of traffic, each followed by a spin that runs out, until one spins.
    fn bursts_until_a_probe(s: &mut Spinner) -> u32 {
        for n in 1..=LAST_PROBE {
            if s.traffic().0 == MAX {
                return n;
            }
        }
        panic!("no probe in {LAST_PROBE} bursts");
    }

    #[test]
    fn spins_that_catch_the_next_request_keep_the_spin_on() {
        let mut s = Spinner::new(Spin::Adaptive(MAX), 0);
        for _ in 0..1000 {
            assert_eq!(s.traffic(), (MAX, None));
            assert!(s.spinning);
        }
        // Runs-out that are not in a row do not turn it off.
        for _ in 0..100 {
            assert_eq!(s.traffic(), (MAX, None));
            assert_eq!(s.ran_out(), None);
            assert_eq!(s.traffic(), (MAX, None));
        }
    }

    #[test]
    fn spins_that_keep_running_out_turn_off_then_probe_ever_more_rarely() {
        let mut s = Spinner::new(Spin::Adaptive(MAX), 0);
        for _ in 1..OFF_AFTER {
            assert_eq!(s.traffic(), (MAX, None));
            assert_eq!(s.ran_out(), None);
        }
        assert_eq!(s.traffic(), (MAX, None));
        assert_eq!(s.ran_out(), Some(Turned::Off));
        // Off: traffic no longer spins, but for a probe now and then, each one further off.
        let mut gaps = Vec::new();
        for _ in 0..7 {
            gaps.push(bursts_until_a_probe(&mut s));
            assert!(s.spinning);
            assert_eq!(s.ran_out(), None);
            assert!(!s.spinning);
        }
        assert_eq!(gaps, [16, 32, 64, 128, 128, 128, 128]);
    }

    #[test]
    fn a_probe_that_catches_turns_the_spin_back_on() {
        let mut s = Spinner::new(Spin::Adaptive(MAX), 0);
        for _ in 0..OFF_AFTER {
            s.traffic();
            s.ran_out();
        }
        assert_eq!(bursts_until_a_probe(&mut s), FIRST_PROBE);
        // The next request came during the probe.
        assert_eq!(s.traffic(), (MAX, Some(Turned::On)));
        for _ in 0..100 {
            assert_eq!(s.traffic(), (MAX, None));
        }
        // Off again, its probes start again from the first.
        for _ in 0..OFF_AFTER {
            s.traffic();
            s.ran_out();
        }
        assert_eq!(bursts_until_a_probe(&mut s), FIRST_PROBE);
    }

    #[test]
    fn spins_that_catch_only_by_giving_the_cpu_away_count_as_run_outs() {
        let mut s = Spinner::new(Spin::Adaptive(MAX), 0);
        s.traffic();
        for _ in 1..OFF_AFTER {
            s.yielded(Duration::from_nanos(300)); // nobody else wanted the CPU
            s.yielded(Duration::from_micros(8)); // the client ran meanwhile
            assert_eq!(s.traffic(), (MAX, None));
        }
        s.yielded(Duration::from_micros(8));
        assert_eq!(s.traffic(), (Duration::ZERO, Some(Turned::Off)));
        // Quick yields alone do not count: a probe that catches after them turns it back on.
        assert_eq!(bursts_until_a_probe(&mut s), FIRST_PROBE - 1);
        s.yielded(Duration::from_nanos(300));
        assert_eq!(s.traffic(), (MAX, Some(Turned::On)));
    }

    #[test]
    fn a_fixed_spin_never_adapts_and_none_never_spins() {
        let mut fixed = Spinner::new(Spin::Fixed(MAX), 0);
        let mut off = Spinner::new(Spin::Off, 0);
        for _ in 0..100 {
            assert_eq!(fixed.traffic(), (MAX, None));
            assert!(fixed.spinning);
            assert_eq!(fixed.ran_out(), None);
            assert!(!fixed.spinning);
            assert_eq!(off.traffic(), (Duration::ZERO, None));
            assert!(!off.spinning);
            assert_eq!(off.ran_out(), None);
        }
    }
}
