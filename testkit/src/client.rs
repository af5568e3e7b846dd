//! Running a program to its end with a deadline ([`run`], [`client`]), and what it printed
//! ([`Output`]).

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::{collect, english_unless_asked, wait_deadline};

/// What a finished program printed.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// Runs a program to its end with `stdin` as input; kills it and panics after `timeout`.
pub fn run(cmd: Command, stdin: &[u8], timeout: Duration) -> Output {
    run_with_stdout(cmd, Stdio::piped(), stdin, timeout)
}

/// [`run`] with its stdout `stdout` (a pipe nobody reads, [`crate::broken_pipe`]; a file) in
/// place of a pipe the test reads: `Output::stdout` is then empty.
pub fn run_with_stdout(mut cmd: Command, stdout: Stdio, stdin: &[u8], timeout: Duration) -> Output {
    english_unless_asked(&mut cmd);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the program");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_vec();
    // Written from a thread so a program that does not read its input cannot block the test.
    let writer = thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let stdout = match child.stdout.take() {
        Some(pipe) => collect(pipe),
        None => Arc::default(),
    };
    let stderr = collect(child.stderr.take().expect("stderr is piped"));
    let status = match wait_deadline(&mut child, timeout) {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} did not finish within {timeout:?}; stderr:\n{}",
                stderr.lock().map(|s| s.clone()).unwrap_or_default()
            );
        }
    };
    let _ = writer.join();
    // The readers end when the pipes close, just after exit; give them a moment to finish.
    let settle = Instant::now() + Duration::from_secs(2);
    while Arc::strong_count(&stdout) > 1 || Arc::strong_count(&stderr) > 1 {
        if Instant::now() > settle {
            break;
        }
        thread::sleep(Duration::from_millis(1));
    }
    let text = |s: &Arc<Mutex<String>>| s.lock().map(|s| s.clone()).unwrap_or_default();
    Output {
        status,
        stdout: text(&stdout),
        stderr: text(&stderr),
    }
}

/// Runs the client `bin` against `addr` (`--port PORT`, then `args`) with `stdin` as input; kills
/// it and panics after `timeout`.
pub fn client(
    bin: &str,
    addr: SocketAddr,
    args: &[&str],
    stdin: &[u8],
    timeout: Duration,
) -> Output {
    let mut cmd = Command::new(bin);
    cmd.args(["--port", &addr.port().to_string()]).args(args);
    run(cmd, stdin, timeout)
}
