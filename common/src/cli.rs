//! How each program starts and ends.
//!
//! - Logs go to stderr through `env_logger`, level info unless `RUST_LOG` says otherwise, so stdout
//!   carries only what the program is for (the `listening on` line, the replies): see
//!   [`crate::output`], where a closed stdout is an error.
//! - A runtime error ends the program with exit code 1, shown as [`crate::error`] says; usage
//!   errors are clap's, with exit code 2. A closed stdout pipe (`tcp-client | head -1`) ends the
//!   program quietly, as ripgrep does.
//! - Ctrl-C and SIGTERM are handled on a thread of their own; durations are typed in seconds
//!   (`5`, `0.5`) or with a unit (`500ms`, `10s`, `2m`);
//! - `--completions SHELL` and `--man` print what a package installs, from the clap definition.

use std::io::{self, Write};
use std::time::Duration;

use crate::error::{is_broken_pipe, report};
use crate::messages::t;

/// Sets up logging to stderr: info by default, `RUST_LOG=debug` (or `warn`, …) to change it.
/// Writing a line never blocks the program (see [`crate::logging`]).
pub fn init_logging() {
    crate::logging::init();
}

pub use crate::output::{announce_listening, stdout, Stdout};

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

/// Calls `stop` on the first Ctrl-C or termination request (SIGINT, SIGTERM or SIGHUP on Unix;
/// Ctrl-C, Ctrl-Break or the console closing on Windows), from a thread of its own (`ctrlc`'s);
/// a second one ends the process at once, with exit code 130 as a shell reports for Ctrl-C.
pub fn on_stop_signal(stop: impl FnOnce() + Send + 'static) -> anyhow::Result<()> {
    let mut stop = Some(stop);
    ctrlc::set_handler(move || match stop.take() {
        Some(stop) => stop(),
        None => {
            log::warn!("stopping at once");
            crate::logging::flush();
            std::process::exit(130);
        }
    })
    .map_err(|e| anyhow::Error::new(e).context(t!("installing-signal-handler")))
}

/// clap value parser for a duration: `10` or `1.5` (seconds, as ping's `-i` takes them), or
/// what `humantime` reads: `500ms`, `10s`, `2m`, `1h30m`. From a millisecond up to a day: a
/// shorter time would round to zero, which socket timeouts take as "never" or refuse.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let duration = match trimmed.parse::<f64>() {
        Ok(secs) if secs.is_finite() && (0.0..=86_400.0).contains(&secs) => {
            Duration::from_secs_f64(secs)
        }
        Ok(_) => Duration::MAX,
        Err(_) => humantime::parse_duration(trimmed).map_err(|_| {
            format!(
                "{text:?} is not a duration: give seconds (5, 0.5) or a number with a unit \
                 (500ms, 10s, 2m, 1h30m)"
            )
        })?,
    };
    if !(Duration::from_millis(1)..=Duration::from_secs(86_400)).contains(&duration) {
        return Err(format!(
            "{text} is out of range: give from 1ms up to a day (86400s)"
        ));
    }
    Ok(duration)
}

/// clap value parser for a duration where 0 is allowed (and usually means never).
pub fn parse_duration_or_zero(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if trimmed.parse::<f64>() == Ok(0.0) || humantime::parse_duration(trimmed) == Ok(Duration::ZERO)
    {
        return Ok(Duration::ZERO);
    }
    parse_duration(text)
}

/// `--completions SHELL` and `--man`: what a package needs, generated from the program's own
/// clap definition, so they never drift from its options.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "packaging")]
pub struct Packaging {
    /// Print a shell completion script and exit: `--completions bash > /etc/bash_completion.d/NAME`
    #[arg(long, value_name = "SHELL", help_heading = "Packaging")]
    pub completions: Option<clap_complete::Shell>,

    /// Print the man page (roff) and exit: `--man > NAME.1`, then `man ./NAME.1`
    #[arg(long, help_heading = "Packaging")]
    pub man: bool,
}

impl Packaging {
    /// Prints the completion script or the man page (with `man`'s exit codes and examples) if
    /// one was asked for, and exits 0; returns at once otherwise.
    pub fn print_if_asked<P: clap::CommandFactory>(&self, man: &crate::man::ManPage) {
        if self.completions.is_none() && !self.man {
            return;
        }
        let mut command = P::command();
        let name = command.get_name().to_string();
        let mut out = stdout();
        let written = match self.completions {
            Some(shell) => {
                clap_complete::generate(shell, &mut command, name, &mut out);
                Ok(())
            }
            None => man.render(command, &mut out),
        };
        match written.and_then(|()| out.flush()) {
            Ok(()) => std::process::exit(0),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
            Err(e) => {
                eprintln!(
                    "{}{}",
                    crate::messages::error_label(),
                    crate::error::io_text(&e)
                );
                std::process::exit(1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_seconds_fractions_and_units_and_refuse_nonsense() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("0.25"), Ok(ms(250)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(ms(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration(" 1.5 "), Ok(ms(1500)));
        assert_eq!(parse_duration("1.5s"), Ok(ms(1500)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("0.001"), Ok(ms(1)));
        assert_eq!(parse_duration("1ms"), Ok(ms(1)));
        for bad in [
            "0", "0s", "0.0009", "-1", "abc", "NaN", "inf", "5x", "ms", "", "25h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was taken");
        }
        assert_eq!(parse_duration_or_zero("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration_or_zero("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration_or_zero("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration_or_zero("300s"), Ok(Duration::from_secs(300)));
        assert!(parse_duration_or_zero("1e-10").is_err());
        assert!(parse_duration_or_zero("-2").is_err());
    }
}
