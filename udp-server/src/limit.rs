//! Response rate limiting, as DNS servers do it: each source address gets at most `--rate-limit`
//! replies a second; a datagram over that gets no reply.
//!
//! Why: a UDP server answers whatever address a datagram says it comes from, and that address
//! can be forged. Whoever forges a victim's address makes this server send its replies to the
//! victim (a reflection attack), and here a reply can be three times its request (`ΐ` is 2
//! bytes, its uppercase 6). With the limit, one address draws at most `rate` replies a second
//! (after a first burst of as many), each at most a datagram, however fast the attacker sends.
//!
//! Each source address has a token bucket: it holds up to `rate` tokens (one second's worth, so
//! a client that sends a few datagrams back to back is not cut off), gains `rate` a second, and
//! each reply takes one. The table of buckets is bounded: a flood of forged addresses makes it
//! forget the stalest ones, never grow. A forgotten source starts again with a full bucket, so
//! the cost of forgetting is at most one more burst to that address.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use common::addr;
use log::warn;

/// Replies a second to each source address when the server is reachable from other machines
/// and `--rate-limit` was not given. A person typing sends a line every second or two, and
/// udp-client's ping mode one datagram a second, so 10 leaves them room; one forged address then
/// draws at most 10 × 65,527 bytes a second (about 5 Mbit/s), not whatever the attacker sends.
pub const DEFAULT_RATE: u32 = 10;
/// Source addresses tracked at once: some 60 bytes each, so the table stays under half a MiB
/// however many addresses a flood forges.
const SOURCES: usize = 4096;
/// "Limiting starts" warning lines: at most one a second, after a burst of this many, across
/// all sources, so a flood of forged addresses cannot flood the log instead.
const WARNINGS: f64 = 5.0;

/// The limit for a server bound to `bound`: `given` (from `--rate-limit`) if there is one; else
/// none on loopback, where only programs on this machine can send, and [`DEFAULT_RATE`] beyond.
/// 0 means no limit.
pub fn rate_for(given: Option<u32>, bound: &SocketAddr) -> u32 {
    given.unwrap_or(if addr::is_loopback(bound) {
        0
    } else {
        DEFAULT_RATE
    })
}

/// The replies a second to one source address, after a burst of as many.
#[derive(Debug)]
pub struct Limiter {
    /// Replies a second, and the most a bucket holds; 0: no limit.
    per_second: u32,
    /// The default hasher is keyed at random, so forged addresses cannot be picked to collide.
    sources: HashMap<IpAddr, Source>,
    capacity: usize,
    warnings: Bucket,
}

/// What the limiter knows of one source address.
#[derive(Debug)]
struct Source {
    bucket: Bucket,
    /// Over its rate since its bucket was last full: its one warning line is spent.
    limited: bool,
}

/// A token bucket: `tokens` as they were at `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(size: f64, now: Instant) -> Self {
        Bucket {
            tokens: size,
            at: now,
        }
    }

    /// Adds the tokens gained, `rate` a second, since the last look, up to `size`; true when the
    /// bucket is then full.
    fn refill(&mut self, rate: f64, size: f64, now: Instant) -> bool {
        let gained = now.saturating_duration_since(self.at).as_secs_f64() * rate;
        self.tokens = (self.tokens + gained).min(size);
        self.at = self.at.max(now);
        self.tokens >= size
    }

    /// Takes a token, if there is one.
    fn take(&mut self) -> bool {
        let ok = self.tokens >= 1.0;
        if ok {
            self.tokens -= 1.0;
        }
        ok
    }
}

/// The limiter's answer for one datagram.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Answer,
    /// No reply; `warn`: limiting just started for this source, and a warning line is due.
    Limited {
        warn: bool,
    },
}

impl Limiter {
    /// A limiter of `per_second` replies to each source address; 0: no limit.
    pub fn new(per_second: u32) -> Self {
        Self::with_capacity(per_second, SOURCES)
    }

    fn with_capacity(per_second: u32, capacity: usize) -> Self {
        Limiter {
            per_second,
            sources: HashMap::new(),
            capacity: capacity.max(1),
            warnings: Bucket::full(WARNINGS, Instant::now()),
        }
    }

    /// The replies a second to each source address, if there is a limit.
    pub fn rate(&self) -> Option<u32> {
        (self.per_second > 0).then_some(self.per_second)
    }

    /// True when a datagram from `ip`, arriving now, may be answered. Logs a warning when a
    /// source goes over its rate: once until it slows down, and at most one line a second.
    pub fn allows(&mut self, ip: IpAddr) -> bool {
        match self.check(ip, Instant::now()) {
            Verdict::Answer => true,
            Verdict::Limited { warn } => {
                if warn {
                    warn!(
                        "rate-limiting {ip}: more than {} datagrams a second; the rest get no \
                         reply until it slows down (counted in the summary)",
                        self.per_second
                    );
                }
                false
            }
        }
    }

    fn check(&mut self, ip: IpAddr, now: Instant) -> Verdict {
        let Some(rate) = self.rate().map(f64::from) else {
            return Verdict::Answer;
        };
        if self.sources.len() >= self.capacity && !self.sources.contains_key(&ip) {
            self.forget_stalest();
        }
        let source = self.sources.entry(ip).or_insert(Source {
            bucket: Bucket::full(rate, now),
            limited: false,
        });
        if source.bucket.refill(rate, rate, now) {
            // Quiet long enough to fill up again: if it goes over once more, say so again.
            source.limited = false;
        }
        if source.bucket.take() {
            return Verdict::Answer;
        }
        let started = !std::mem::replace(&mut source.limited, true);
        let warn = started && {
            self.warnings.refill(1.0, WARNINGS, now);
            self.warnings.take()
        };
        Verdict::Limited { warn }
    }

    /// Forgets the eighth of the table seen longest ago, all at once: finding them takes a pass
    /// over the whole table, paid once per capacity/8 new sources rather than for each.
    fn forget_stalest(&mut self) {
        let mut seen: Vec<(Instant, IpAddr)> = self
            .sources
            .iter()
            .map(|(ip, s)| (s.bucket.at, *ip))
            .collect();
        if seen.is_empty() {
            return;
        }
        let nth = (self.capacity / 8).clamp(1, seen.len()) - 1;
        // Addresses are unique, so exactly nth + 1 entries are at or before the cutoff.
        let (_, cutoff, _) = seen.select_nth_unstable(nth);
        let cutoff = *cutoff;
        self.sources.retain(|ip, s| (s.bucket.at, *ip) > cutoff);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn off_on_loopback_on_beyond_it_unless_given() {
        for bound in [
            "127.0.0.1:1",
            "127.0.0.2:1",
            "[::1]:1",
            "[::ffff:127.0.0.1]:1",
        ] {
            assert_eq!(rate_for(None, &bound.parse().unwrap()), 0, "{bound}");
            assert_eq!(rate_for(Some(20), &bound.parse().unwrap()), 20, "{bound}");
        }
        for bound in ["0.0.0.0:1", "[::]:1", "192.0.2.1:1", "[::ffff:192.0.2.1]:1"] {
            let bound = bound.parse().unwrap();
            assert_eq!(rate_for(None, &bound), DEFAULT_RATE, "{bound}");
            assert_eq!(rate_for(Some(0), &bound), 0, "{bound}");
        }
    }

    #[test]
    fn zero_is_no_limit_and_tracks_nothing() {
        let mut limiter = Limiter::new(0);
        assert_eq!(limiter.rate(), None);
        let t = Instant::now();
        for _ in 0..10_000 {
            assert_eq!(limiter.check(ip("192.0.2.1"), t), Verdict::Answer);
        }
        assert!(limiter.sources.is_empty());
    }

    #[test]
    fn a_burst_of_rate_then_rate_a_second() {
        let mut limiter = Limiter::new(10);
        let a = ip("192.0.2.1");
        let t = Instant::now();
        let answered = (0..15)
            .filter(|_| limiter.check(a, t) == Verdict::Answer)
            .count();
        assert_eq!(answered, 10, "the burst");
        // One token comes back every 100 ms.
        assert_eq!(
            limiter.check(a, t + ms(50)),
            Verdict::Limited { warn: false }
        );
        assert_eq!(limiter.check(a, t + ms(100)), Verdict::Answer);
        assert_eq!(
            limiter.check(a, t + ms(100)),
            Verdict::Limited { warn: false }
        );
        // A datagram every millisecond for ten seconds: ten a second get through.
        let answered = (1..=10_000)
            .filter(|i| limiter.check(a, t + ms(100 + i)) == Verdict::Answer)
            .count();
        assert!((99..=100).contains(&answered), "{answered}");
    }

    #[test]
    fn each_source_has_its_own_bucket() {
        let mut limiter = Limiter::new(3);
        let t = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("192.0.2.1"), t), Verdict::Answer);
        }
        assert_ne!(limiter.check(ip("192.0.2.1"), t), Verdict::Answer);
        assert_eq!(limiter.check(ip("192.0.2.2"), t), Verdict::Answer);
        assert_eq!(limiter.check(ip("2001:db8::1"), t), Verdict::Answer);
    }

    #[test]
    fn one_warning_while_a_source_stays_over_and_another_after_it_slowed_down() {
        let mut limiter = Limiter::new(2);
        let a = ip("192.0.2.1");
        let t = Instant::now();
        let warnings = |limiter: &mut Limiter, from: Instant| {
            (0..1000)
                .filter(|i| limiter.check(a, from + ms(*i)) == Verdict::Limited { warn: true })
                .count()
        };
        assert_eq!(warnings(&mut limiter, t), 1);
        // Silent for a second: the bucket is full again, and a new flood is a new warning.
        assert_eq!(warnings(&mut limiter, t + ms(2000)), 1);
    }

    #[test]
    fn warnings_are_bounded_however_many_sources_go_over() {
        let mut limiter = Limiter::new(1);
        let t = Instant::now();
        let mut warned = 0;
        for i in 0..1000u32 {
            let source = IpAddr::from((0xc000_0200 + i).to_be_bytes());
            assert_eq!(limiter.check(source, t), Verdict::Answer);
            if limiter.check(source, t) == (Verdict::Limited { warn: true }) {
                warned += 1;
            }
        }
        assert_eq!(warned, WARNINGS as usize);
        // A second later, one more line may go out.
        let late = ip("198.51.100.1");
        limiter.check(late, t + ms(1000));
        assert_eq!(
            limiter.check(late, t + ms(1000)),
            Verdict::Limited { warn: true }
        );
    }

    #[test]
    fn the_table_stays_bounded_and_forgets_the_stalest_first() {
        let mut limiter = Limiter::with_capacity(1, 64);
        let busy = ip("192.0.2.1");
        let t = Instant::now();
        assert_eq!(limiter.check(busy, t), Verdict::Answer);
        // A flood of forged sources, while the busy one keeps sending (and stays limited).
        for i in 0..10_000u32 {
            let now = t + Duration::from_micros(u64::from(i));
            limiter.check(IpAddr::from((0x0a00_0000 + i).to_be_bytes()), now);
            assert!(limiter.sources.len() <= 64, "{}", limiter.sources.len());
            assert_ne!(
                limiter.check(busy, now),
                Verdict::Answer,
                "forgotten at {i}"
            );
        }
        // The first forged sources went long ago; the last ones are still there.
        assert!(!limiter.sources.contains_key(&ip("10.0.0.0")));
        assert!(limiter.sources.contains_key(&ip("10.0.39.15")));
    }
}
