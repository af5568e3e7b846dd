//! How each program starts and ends.
//!
//! - Logs go to stderr through `env_logger`, level info unless `RUST_LOG` says otherwise, so stdout
//!   carries only what the program is for (the `listening on` line, the replies).
//! - A runtime error ends the program with exit code 1, shown as [`crate::error`] says; usage
//!   errors are clap's, with exit code 2. A closed stdout pipe (`tcp-client | head -1`) ends the
//!   program quietly, as ripgrep does.
//! - Ctrl-C and SIGTERM are handled on a thread of their own; durations are typed in seconds.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::Duration;

use crate::error::{is_broken_pipe, report};
use crate::messages::say;

/// Sets up logging to stderr: info by default, `RUST_LOG=debug` (or `warn`, …) to change it.
/// Writing a line never blocks the program (see [`crate::logging`]).
pub fn init_logging() {
    crate::logging::init();
}

/// Standard output, for what the program is for: each write first lets the log and narration
/// lines queued before it reach stderr (see [`crate::logging`]), so that a terminal shows the
/// two in the order they happened.
#[derive(Debug)]
pub struct Stdout(io::StdoutLock<'static>);

/// Locks standard output for the program's own output.
pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        crate::logging::flush();
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Prints the line that tests and scripts wait for, and flushes it at once: stdout is
/// block-buffered when it is a pipe, and a reader must not wait for the first connection to see it.
pub fn announce_listening(addr: SocketAddr) -> io::Result<()> {
    let mut out = stdout();
    writeln!(out, "listening on {addr}")?;
    out.flush()
}

/// Ends the program for `result`: exit 0 on success or a closed stdout pipe; otherwise the error
/// on one line, an optional hint, and exit 1.
pub fn exit(result: anyhow::Result<()>) -> ! {
    crate::logging::flush();
    let Err(error) = result else {
        std::process::exit(0)
    };
    if is_broken_pipe(&error) {
        std::process::exit(0);
    }
    report(&error);
    std::process::exit(1)
}

/// Calls `stop` on the first Ctrl-C (SIGINT) or SIGTERM, from a thread of its own; a second one
/// ends the process at once, with exit code 130 as a shell reports for Ctrl-C.
pub fn on_stop_signal(stop: impl FnOnce() + Send + 'static) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| anyhow::Error::new(e).context(say().installing_signal_handler()))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut stop = Some(stop);
            for _ in signals.forever() {
                match stop.take() {
                    Some(stop) => stop(),
                    None => {
                        log::warn!("stopping at once");
                        crate::logging::flush();
                        std::process::exit(130);
                    }
                }
            }
        })
        .map_err(|e| anyhow::Error::new(e).context(say().starting_thread()))?;
    Ok(())
}

/// clap value parser for a number of seconds such as `5` or `0.25`, from a millisecond up to a
/// day: a shorter time would round to zero, which socket timeouts take as "never" or refuse.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.001..=86_400.0).contains(&secs) {
        return Err(format!(
            "{text} is out of range: give seconds from 0.001 up to 86400"
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

    #[test]
    fn seconds_parse_fractions_and_refuse_nonsense() {
        assert_eq!(parse_seconds("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
        assert!(parse_seconds("0").is_err());
        assert_eq!(parse_seconds("0.001"), Ok(Duration::from_millis(1)));
        assert!(parse_seconds("0.0009").is_err());
        assert!(parse_seconds_or_zero("1e-10").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("abc").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert_eq!(parse_seconds_or_zero("0"), Ok(Duration::ZERO));
        assert_eq!(parse_seconds_or_zero("2"), Ok(Duration::from_secs(2)));
        assert!(parse_seconds_or_zero("-2").is_err());
    }
}
