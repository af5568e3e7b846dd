//! `--explain`: each program narrates the document's steps as it takes them, one plain sentence
//! per step on stderr, so a reader can watch socket, bind, listen, accept and the exchange
//! happen. It never touches stdout, which carries only what the program is for.
//!
//! Narration is off unless [`enable`] was called; [`step!`](crate::step) costs one relaxed
//! atomic load when it is off, so it can sit on the servers' hot paths.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::messages::t;

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
/// Chinese); a text of several lines (the Chinese says one fact a line) has its later lines
/// indented under the first one's text (see [`crate::lines`]). Use [`step!`](crate::step), which
/// checks [`on`] first.
pub fn say(number: u8, step: Step, text: &str) {
    let word = t!("step-word");
    let name = t!("step-name", step = step.key());
    // One write for the whole step, through the same queue as the log, so the two stay in order,
    // another thread's step cannot come between its lines, and neither can block the program
    // when nobody reads stderr.
    let block = crate::lines::under(&format!("[{word} {number} {name}] "), text);
    crate::logging::write_line(block.as_bytes());
}

/// A step of the post, as `--explain` names it. The numbers differ per program (a UDP server's
/// third step is a receive), so each `step!` gives its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Socket,
    Bind,
    Listen,
    Accept,
    Exchange,
    Close,
    Connect,
    Send,
    Receive,
}

impl Step {
    /// The step's key in the catalog's `step-name` choice.
    fn key(self) -> &'static str {
        match self {
            Step::Socket => "socket",
            Step::Bind => "bind",
            Step::Listen => "listen",
            Step::Accept => "accept",
            Step::Exchange => "exchange",
            Step::Close => "close",
            Step::Connect => "connect",
            Step::Send => "send",
            Step::Receive => "receive",
        }
    }
}

/// Narrates a step when `--explain` is on: `step!(2, Step::Bind, t!("bound", addr = addr))`. The text,
/// from the program's catalog, is made only when narration is on.
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
    /// Turns narration on when the flag was given. Call it after logging is set up
    /// ([`crate::cli::init_logging`]): narration then takes the info log's place (see
    /// [`quiet_info_log`]).
    pub fn apply(self) {
        if self.explain {
            enable();
            quiet_info_log(std::env::var_os("RUST_LOG").is_some());
        }
    }
}

/// With `--explain`, the narration says what the info log lines say (a connection accepted, what
/// it received, how it closed, the summary at the end), in the run's language and in the post's
/// steps: the learner reads each fact once, and a Chinese session shows no English sentence.
/// The log keeps its warnings and errors. Whoever sets `RUST_LOG` (an engineer who greps the
/// log) gets every line they asked for, beside the narration; without `--explain` nothing
/// changes.
fn quiet_info_log(rust_log_set: bool) {
    if !rust_log_set {
        log::set_max_level(log::LevelFilter::Warn.min(log::max_level()));
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
pub fn socket_type(stream: bool) -> String {
    t!(
        "socket-type",
        kind = if stream { "stream" } else { "datagram" }
    )
}

/// Who can reach an address a server binds, in a sentence.
pub fn reach(addr: &SocketAddr) -> String {
    // 127.0.0.1, ::1: programs on this machine only; 0.0.0.0, ::: every address of this
    // machine; else one of them.
    let reach = if crate::addr::is_loopback(addr) {
        "loopback"
    } else if addr.ip().is_unspecified() {
        "everywhere"
    } else {
        "one"
    };
    t!("reach", reach = reach)
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
