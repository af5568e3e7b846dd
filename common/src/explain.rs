//! `--explain`: each program narrates the document's steps as it takes them, one plain sentence
//! per step on stderr, so a reader can watch socket, bind, listen, accept and the exchange
//! happen. It never touches stdout, which carries only what the program is for.
//!
//! Narration is off unless [`enable`] was called; [`step!`](crate::step) costs one relaxed
//! atomic load when it is off, so it can sit on the servers' hot paths.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};

pub use crate::messages::Step;
use crate::messages::{self, Reach};

static ON: AtomicBool = AtomicBool::new(false);

/// Turns narration on for the rest of the program.
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// True when narration is on.
pub fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// Writes one narrated step to stderr, `[step 2 bind] text` (`[步骤 2 绑定地址和端口] …` in
/// Chinese). Use [`step!`](crate::step), which checks [`on`] first.
pub fn say(number: u8, step: Step, text: &str) {
    let words = messages::say();
    // One whole line, through the same queue as the log, so the two stay in order and neither
    // can block the program when nobody reads stderr.
    crate::logging::write_line(
        format!(
            "[{} {number} {}] {text}\n",
            words.step(),
            words.step_name(step)
        )
        .as_bytes(),
    );
}

/// Narrates a step when `--explain` is on: `step!(2, Step::Bind, say().bound(addr))`. The text,
/// from the program's table of messages, is made only when narration is on.
#[macro_export]
macro_rules! step {
    ($number:literal, Step::$step:ident, $text:expr) => {
        if $crate::explain::on() {
            $crate::explain::say($number, $crate::explain::Step::$step, &$text);
        }
    };
}

/// The `--explain` flag, the same in every program.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Flag {
    /// Narrate each step of the document (socket, bind, listen, accept, …) on stderr as it happens
    #[arg(long)]
    pub explain: bool,
}

impl Flag {
    /// Turns narration on when the flag was given.
    pub fn apply(self) {
        if self.explain {
            enable();
        }
    }
}

/// "IPv4 (AF_INET)" or "IPv6 (AF_INET6)": the address family, as the document names it.
/// The same in every language: these are the names to look up.
pub fn family(addr: &SocketAddr) -> &'static str {
    if addr.is_ipv4() {
        "IPv4 (AF_INET)"
    } else {
        "IPv6 (AF_INET6)"
    }
}

/// "stream (SOCK_STREAM)" or "datagram (SOCK_DGRAM)", in the run's language.
pub fn socket_type(stream: bool) -> &'static str {
    messages::say().socket_type(stream)
}

/// Who can reach an address a server binds, in a sentence.
pub fn reach(addr: &SocketAddr) -> &'static str {
    messages::say().reach(reach_of(addr))
}

/// Who can reach a bound address.
fn reach_of(addr: &SocketAddr) -> Reach {
    if crate::addr::is_loopback(addr) {
        Reach::Loopback
    } else if addr.ip().is_unspecified() {
        Reach::Everywhere
    } else {
        Reach::One
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_reach_are_named() {
        let v4: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let v6: SocketAddr = "[::]:1".parse().unwrap();
        assert_eq!(family(&v4), "IPv4 (AF_INET)");
        assert_eq!(family(&v6), "IPv6 (AF_INET6)");
        assert!(reach(&v4).contains("only programs on this machine"));
        assert!(reach(&v6).contains("other machines"));
    }
}
