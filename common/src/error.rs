//! How a program fails: one line, `error: <what was being done>: <why>`, then a `hint:` line
//! where one helps, in the run's language (`错误：` and `提示：` in Chinese). OS errors read as
//! plain words ("connection refused", not "Connection refused (os error 111)").

use std::fmt;
use std::io;
use std::net::SocketAddr;

use crate::messages::{error_label, hint_label, t};

/// An error that carries advice for the user, shown on its own `hint:` line.
#[derive(Debug)]
pub struct Hinted {
    error: anyhow::Error,
    hint: String,
}

impl fmt::Display for Hinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&chain_text(&self.error))
    }
}

impl std::error::Error for Hinted {}

/// Attaches a hint to an error.
pub fn hint(error: impl Into<anyhow::Error>, hint: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Hinted {
        error: error.into(),
        hint: hint.into(),
    })
}

/// Explains why a server cannot bind or listen on `addr`, with what to do about it.
pub fn listen_error(addr: SocketAddr, error: io::Error) -> anyhow::Error {
    let what = anyhow::anyhow!(t!("cannot-listen", addr = addr, why = io_text(&error)));
    match error.kind() {
        io::ErrorKind::AddrInUse => hint(what, t!("hint-addr-in-use")),
        io::ErrorKind::PermissionDenied => hint(what, t!("hint-privileged-port")),
        io::ErrorKind::AddrNotAvailable => hint(what, t!("hint-addr-not-available")),
        _ => what,
    }
}

/// An OS error as a user reads it: "address already in use", not
/// "Address already in use (os error 98)"; in Chinese, "地址已被占用 (address already in use)".
/// The errors the programs meet have words in common's catalog (the same on every system);
/// others keep the system's own, without the number.
pub fn io_text(error: &io::Error) -> String {
    if let Some(words) = catalog_words(error) {
        return words;
    }
    let text = error.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The error and its causes on one line, joined by `: `.
pub fn chain_text(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let part = match cause.downcast_ref::<io::Error>() {
            Some(io) => io_text(io),
            None => cause.to_string(),
        };
        // A Hinted error already shows its causes; stop there.
        let done = cause.downcast_ref::<Hinted>().is_some();
        parts.push(part);
        if done {
            break;
        }
    }
    parts.join(&t!("joiner"))
}

/// True when the error comes from writing to a closed pipe.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    let mut causes: Vec<&(dyn std::error::Error + 'static)> = error.chain().collect();
    if let Some(hinted) = error.downcast_ref::<Hinted>() {
        causes.extend(hinted.error.chain());
    }
    causes.iter().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Shows an error the way [`crate::cli::exit`] does, for a program that goes on after it.
pub fn report(error: &anyhow::Error) {
    // After the log lines that came before it, not in the middle of them.
    crate::logging::flush();
    // A Chinese sentence may hold several lines: they go under the label's text.
    eprint!(
        "{}",
        crate::lines::under(&error_label(), &chain_text(error))
    );
    if let Some(hinted) = error.downcast_ref::<Hinted>() {
        eprint!("{}", crate::lines::under(&hint_label(), &hinted.hint));
    }
}

/// common's words for an OS error, by its kind, which std reads the same from every system's
/// numbers; for the few kinds std leaves uncategorised (too many open files, message too long,
/// …), by Linux's numbers, on Linux only.
fn catalog_words(error: &io::Error) -> Option<String> {
    use io::ErrorKind as K;
    let os = error.raw_os_error().is_some();
    Some(match error.kind() {
        // EPERM and EACCES are both PermissionDenied; their words differ.
        K::PermissionDenied if linux_errno(error) == Some(1) => t!("os-operation-not-permitted"),
        K::PermissionDenied => t!("os-permission-denied"),
        K::WouldBlock if os => t!("os-would-block"),
        K::BrokenPipe => t!("os-broken-pipe"),
        K::AddrInUse => t!("os-address-in-use"),
        K::AddrNotAvailable => t!("os-address-not-available"),
        K::NetworkUnreachable => t!("os-network-unreachable"),
        K::ConnectionAborted => t!("os-connection-aborted"),
        K::ConnectionReset => t!("os-connection-reset"),
        K::NotConnected => t!("os-not-connected"),
        K::TimedOut if os => t!("os-timed-out"),
        K::ConnectionRefused => t!("os-connection-refused"),
        K::HostUnreachable => t!("os-host-unreachable"),
        K::TimedOut | K::WouldBlock => t!("io-timed-out"),
        K::UnexpectedEof if !os => t!("io-unexpected-eof"),
        _ => match linux_errno(error)? {
            24 => t!("os-too-many-open-files"),
            90 => t!("os-message-too-long"),
            97 => t!("os-address-family-not-supported"),
            105 => t!("os-no-buffer-space"),
            _ => return None,
        },
    })
}

/// The error's number on Linux, where the numbers above are Linux's; None elsewhere.
fn linux_errno(error: &io::Error) -> Option<i32> {
    if cfg!(target_os = "linux") {
        error.raw_os_error()
    } else {
        None
    }
}

/// True when a read or write gave up at its socket timeout: WouldBlock on Unix, TimedOut on
/// Windows.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn io_errors_read_as_plain_words() {
        let e = io::Error::from_raw_os_error(98);
        assert_eq!(io_text(&e), "address already in use");
        let e = io::Error::other("Custom thing");
        assert_eq!(io_text(&e), "custom thing");
    }

    #[test]
    fn the_chain_is_one_line_and_the_hint_is_kept_apart() {
        let io = io::Error::from_raw_os_error(111);
        let err: anyhow::Error = Err::<(), _>(io)
            .context("connecting to 127.0.0.1:8888")
            .unwrap_err();
        let err = hint(err, "start the server");
        assert_eq!(
            chain_text(&err),
            "connecting to 127.0.0.1:8888: connection refused"
        );
        assert_eq!(
            err.downcast_ref::<Hinted>().unwrap().hint,
            "start the server"
        );
        let outer = err.context("sending");
        assert_eq!(
            chain_text(&outer),
            "sending: connecting to 127.0.0.1:8888: connection refused"
        );
        assert!(outer.downcast_ref::<Hinted>().is_some());
    }

    #[test]
    fn broken_pipes_are_found_in_the_chain() {
        let err = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing");
        assert!(is_broken_pipe(&err));
        assert!(is_broken_pipe(&hint(err, "x")));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
