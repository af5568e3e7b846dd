//! How a program fails: one line, `error: <what was being done>: <why>`, then a `hint:` line
//! where one helps, in the run's language (`错误：` and `提示：` in Chinese). OS errors read as
//! plain words ("connection refused", not "Connection refused (os error 111)").

use std::fmt;
use std::io;
use std::net::SocketAddr;

use crate::messages::say;

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
    let words = say();
    let what = anyhow::anyhow!(words.cannot_listen(addr, &io_text(&error)));
    match error.kind() {
        io::ErrorKind::AddrInUse => hint(what, words.hint_addr_in_use()),
        io::ErrorKind::PermissionDenied => hint(what, words.hint_privileged_port()),
        io::ErrorKind::AddrNotAvailable => hint(what, words.hint_addr_not_available()),
        _ => what,
    }
}

/// An OS error as a user reads it: "address already in use", not
/// "Address already in use (os error 98)"; in Chinese, "地址已被占用 (address already in use)"
/// where the table has words for it.
pub fn io_text(error: &io::Error) -> String {
    let words = match error.raw_os_error() {
        Some(n) => say().os_error(n),
        None => say().io_kind(error.kind()),
    };
    if let Some(words) = words {
        return words.to_string();
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
    parts.join(say().joiner())
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
    let words = say();
    eprintln!("{}{}", words.error(), chain_text(error));
    if let Some(hinted) = error.downcast_ref::<Hinted>() {
        eprintln!("{}{}", words.hint(), hinted.hint);
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
    fn the_chinese_table_names_common_os_errors_and_keeps_the_english() {
        let zh = crate::messages::tables()[1];
        for errno in [13, 98, 99, 104, 110, 111] {
            let words = zh.os_error(errno).unwrap();
            let english = io_text(&io::Error::from_raw_os_error(errno));
            assert!(
                words.contains(&format!("({english})")),
                "{words} / {english}"
            );
        }
        assert_eq!(crate::messages::tables()[0].os_error(111), None);
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
