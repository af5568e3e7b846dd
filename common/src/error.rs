//! How a program fails: one line, `error: <what was being done>: <why>`, then a `hint:` line
//! where one helps. OS errors read as plain words ("connection refused", not
//! "Connection refused (os error 111)").

use std::fmt;
use std::io;
use std::net::SocketAddr;

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
    let what = anyhow::anyhow!("cannot listen on {addr}: {}", io_text(&error));
    match error.kind() {
        io::ErrorKind::AddrInUse => hint(
            what,
            "another server may be running on that port: stop it, or pick another with --port (0 picks a free one)",
        ),
        io::ErrorKind::PermissionDenied => {
            hint(what, "ports below 1024 need privileges: pick one above 1023")
        }
        io::ErrorKind::AddrNotAvailable => hint(
            what,
            "that address does not belong to this machine: try 127.0.0.1 or 0.0.0.0",
        ),
        _ => what,
    }
}

/// An OS error as a user reads it: "address already in use", not
/// "Address already in use (os error 98)".
pub fn io_text(error: &io::Error) -> String {
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
    parts.join(": ")
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
    eprintln!("error: {}", chain_text(error));
    if let Some(hinted) = error.downcast_ref::<Hinted>() {
        eprintln!("hint: {}", hinted.hint);
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
