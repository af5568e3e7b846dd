//! How each program starts, logs and fails.
//!
//! - Logs go to stderr through `env_logger`, level info unless `RUST_LOG` says otherwise, so stdout
//!   carries only what the program is for (the `listening on` line, the replies).
//! - A runtime error is one line, `error: <what was being done>: <why>`, then a `hint:` line
//!   where one helps, and exit code 1. Usage errors are clap's, with exit code 2.
//! - A closed stdout pipe (`tcp-client | head -1`) ends the program quietly, as ripgrep does.

use std::fmt;
use std::io::{self, BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::time::Duration;

/// Sets up logging to stderr: info by default, `RUST_LOG=debug` (or `warn`, …) to change it.
pub fn init_logging() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .target(env_logger::Target::Stderr)
        .format_timestamp_millis()
        .format_target(false)
        .init();
}

/// Prints the line that tests and scripts wait for, and flushes it at once: stdout is
/// block-buffered when it is a pipe, and a reader must not wait for the first connection to see it.
pub fn announce_listening(addr: SocketAddr) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "listening on {addr}")?;
    out.flush()
}

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

/// Ends the program for `result`: exit 0 on success or a closed stdout pipe; otherwise the error
/// on one line, an optional hint, and exit 1.
pub fn exit(result: anyhow::Result<()>) -> ! {
    let Err(error) = result else {
        std::process::exit(0)
    };
    if is_broken_pipe(&error) {
        std::process::exit(0);
    }
    report(&error);
    std::process::exit(1)
}

/// Shows an error the way [`exit`] does, for a program that goes on after it.
pub fn report(error: &anyhow::Error) {
    eprintln!("error: {}", chain_text(error));
    if let Some(hinted) = error.downcast_ref::<Hinted>() {
        eprintln!("hint: {}", hinted.hint);
    }
}

/// Messages typed or piped in, one per line, as the document's `input()` loop reads them.
///
/// A prompt is shown only when standard input is a terminal, so piped output holds replies only.
/// The line `quit` (any case) or the end of input ends the messages.
#[derive(Debug)]
pub struct MessageLines {
    input: io::StdinLock<'static>,
    prompt: Option<&'static str>,
    line: Vec<u8>,
}

impl MessageLines {
    pub fn new(prompt: &'static str) -> Self {
        let input = io::stdin();
        let prompt = input.is_terminal().then_some(prompt);
        MessageLines {
            input: input.lock(),
            prompt,
            line: Vec::new(),
        }
    }

    /// The next message without its line ending, or `None` at `quit` or the end of input.
    pub fn next_message(&mut self) -> io::Result<Option<&[u8]>> {
        if let Some(prompt) = self.prompt {
            let mut out = io::stdout().lock();
            write!(out, "{prompt}")?;
            out.flush()?;
        }
        self.line.clear();
        if self.input.read_until(b'\n', &mut self.line)? == 0 {
            return Ok(None);
        }
        let message = trim_newline(&self.line);
        if message.trim_ascii().eq_ignore_ascii_case(b"quit") {
            return Ok(None);
        }
        Ok(Some(message))
    }
}

/// A line without its `\n` or `\r\n`.
pub fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Calls `stop` on the first Ctrl-C (SIGINT) or SIGTERM, from a thread of its own; a second one
/// ends the process at once, with exit code 130 as a shell reports for Ctrl-C.
pub fn on_stop_signal(stop: impl FnOnce() + Send + 'static) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| anyhow::anyhow!("installing the Ctrl-C handler: {}", io_text(&e)))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut stop = Some(stop);
            for _ in signals.forever() {
                match stop.take() {
                    Some(stop) => stop(),
                    None => {
                        log::warn!("stopping at once");
                        std::process::exit(130);
                    }
                }
            }
        })
        .map_err(|e| anyhow::anyhow!("starting the signal thread: {}", io_text(&e)))?;
    Ok(())
}

/// True when a read or write gave up at its socket timeout: WouldBlock on Unix, TimedOut on
/// Windows.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// clap value parser for a number of seconds such as `5` or `0.25`, above zero.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!(
            "{text} is out of range: give seconds above 0, up to 86400"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// clap value parser for a number of seconds where 0 is allowed (and usually means never).
pub fn parse_seconds_or_zero(text: &str) -> Result<Duration, String> {
    if text.trim().parse::<f64>() == Ok(0.0) {
        return Ok(Duration::ZERO);
    }
    parse_seconds(text)
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

    #[test]
    fn newlines_are_not_part_of_the_message() {
        assert_eq!(trim_newline(b"hi\n"), b"hi");
        assert_eq!(trim_newline(b"hi\r\n"), b"hi");
        assert_eq!(trim_newline(b"hi"), b"hi");
        assert_eq!(trim_newline(b"\n"), b"");
    }

    #[test]
    fn seconds_parse_fractions_and_refuse_nonsense() {
        assert_eq!(parse_seconds("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("abc").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert_eq!(parse_seconds_or_zero("0"), Ok(Duration::ZERO));
        assert_eq!(parse_seconds_or_zero("2"), Ok(Duration::from_secs(2)));
        assert!(parse_seconds_or_zero("-2").is_err());
    }
}
