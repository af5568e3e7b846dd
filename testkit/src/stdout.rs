//! A program's stdout closed (`PROGRAM >&-`) or a pipe nobody reads (`PROGRAM | true`), which
//! `std::process::Command` cannot ask for directly, and what every program must do then.

use std::fs::File;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{run, run_with_stdout, Running};

/// What every program says, alone on stderr, when it has something to print and its stdout is
/// closed (English).
pub const CLOSED: &str = "standard output is closed (as the shell's >&- leaves it): nothing this program prints would be seen";

const WAIT: Duration = Duration::from_secs(10);

/// `bin` with `args`, run as `sh -c 'exec "$0" "$@" >&-'`: the program starts with its stdout
/// closed, as a shell's `>&-` leaves it.
pub fn with_stdout_closed(bin: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", r#"exec "$0" "$@" >&-"#, bin]).args(args);
    cmd
}

/// A pipe whose reading end is closed before the program starts, for its stdout: its first
/// write fails with EPIPE ("broken pipe"), as `PROGRAM | true` makes it fail once `true` is gone,
/// but with no race.
pub fn broken_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("creating a pipe");
    drop(reader);
    Stdio::from(writer)
}

/// A client run with `args` and its stdout closed fails (exit 1) with [`CLOSED`], alone; with a
/// pipe whose reader is gone it ends quietly (exit 0, nothing on stderr: the reader had what it
/// wanted, as `| head -1`); with `>/dev/null`, the user's choice, it succeeds.
#[track_caller]
pub fn assert_client_output_lost_or_not(bin: &str, args: &[&str]) {
    let out = run(with_stdout_closed(bin, args), b"", WAIT);
    assert_eq!(out.code(), Some(1), "{args:?}: {out:?}");
    assert_eq!(out.stderr, format!("error: {CLOSED}\n"), "{args:?}");

    let mut cmd = Command::new(bin);
    cmd.args(args);
    let out = run_with_stdout(cmd, broken_pipe(), b"", WAIT);
    assert_eq!(out.code(), Some(0), "{args:?}: {out:?}");
    assert_eq!(out.stderr, "", "{args:?}");

    let mut cmd = Command::new(bin);
    cmd.args(args);
    let null = Stdio::from(File::create("/dev/null").expect("opening /dev/null"));
    let out = run_with_stdout(cmd, null, b"", WAIT);
    assert_eq!(out.code(), Some(0), "{args:?}: {out:?}");
}

/// A server started on port 0 with its stdout closed fails (exit 1), naming the address it
/// could not announce.
#[track_caller]
pub fn assert_server_fails_on_a_closed_stdout(bin: &str) {
    let out = run(with_stdout_closed(bin, &["--port", "0"]), b"", WAIT);
    assert_eq!(out.code(), Some(1), "{out:?}");
    let rest = out
        .stderr
        .strip_prefix("error: writing `listening on 127.0.0.1:")
        .unwrap_or_else(|| panic!("{}", out.stderr));
    let (port, why) = rest.split_once("`: ").expect("the address, then why");
    port.parse::<u16>().expect("a port");
    assert_eq!(why, format!("{CLOSED}\n"));
}

/// A server started on port 0 with its stdout a pipe nobody reads: it warns, naming the address,
/// and serves anyway. Returns it (killed when dropped) and that address.
#[track_caller]
pub fn server_into_a_broken_pipe(bin: &str) -> (Running, String) {
    let mut cmd = Command::new(bin);
    cmd.args(["--port", "0"]);
    let server = Running::start_into_broken_pipe(cmd);
    let stderr = server.wait_stderr("; serving anyway\n", WAIT);
    let addr = stderr
        .split("could not write `listening on ")
        .nth(1)
        .and_then(|rest| rest.split_once("` to stdout (broken pipe); serving anyway\n"))
        .unwrap_or_else(|| panic!("{stderr}"))
        .0
        .to_owned();
    (server, addr)
}
