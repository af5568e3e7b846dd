//! A program left running while a test reads its stdout line by line, whatever its lines say
//! ([`Running`]), and how it ended ([`Finished`]).

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::{any_lines_of, collect, english_unless_asked, send_signal, wait_deadline};
use crate::server::STARTUP;

/// A running program whose stdout is read line by line as it comes, whatever its lines say (for
/// programs that do not print `listening on`, such as the ladder's examples). Its stdin is a
/// pipe; it is killed when dropped.
#[derive(Debug)]
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    /// Every stdout line taken from `stdout` so far, in order.
    seen: Vec<String>,
}

impl Running {
    /// Starts `bin` with `args`.
    pub fn start(bin: &str, args: &[&str]) -> Running {
        let mut cmd = Command::new(bin);
        cmd.args(args);
        Running::start_command(cmd)
    }

    /// Starts a prepared command.
    pub fn start_command(cmd: Command) -> Running {
        Running::spawn(cmd, Stdio::piped())
    }

    /// Starts a prepared command with its stdout a pipe nobody reads ([`crate::broken_pipe`]):
    /// it has no stdout lines to wait for; [`Running::wait_stderr`] waits on its stderr.
    pub fn start_into_broken_pipe(cmd: Command) -> Running {
        Running::spawn(cmd, crate::broken_pipe())
    }

    fn spawn(mut cmd: Command, stdout: Stdio) -> Running {
        english_unless_asked(&mut cmd);
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {cmd:?}: {e}"));
        let stdout = match child.stdout.take() {
            Some(pipe) => any_lines_of(pipe),
            None => std::sync::mpsc::channel().1,
        };
        Running {
            stdin: child.stdin.take(),
            stdout,
            stderr: collect(child.stderr.take().expect("stderr is piped")),
            child,
            seen: Vec::new(),
        }
    }

    /// Waits until the program's stderr holds `needle`, and returns all of it; panics, with
    /// what it holds, if it does not within `timeout`.
    pub fn wait_stderr(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let stderr = self.stderr();
            if stderr.contains(needle) {
                return stderr;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} on stderr within {timeout:?}; stderr:\n{stderr}"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Starts a server and waits for its line that starts with `prefix` and ends with the
    /// address it listens on, such as `服务器启动,监听 127.0.0.1:8888`.
    pub fn start_server(bin: &str, args: &[&str], prefix: &str) -> (Running, SocketAddr) {
        let mut server = Running::start(bin, args);
        let line = server.wait_line(prefix, STARTUP);
        let addr = line[prefix.len()..]
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no address at the end of {line:?}"));
        (server, addr)
    }

    /// Waits for the next stdout line that starts with `prefix` and returns it; panics, with
    /// what the program printed, if none comes within `timeout` or the program's stdout closes.
    pub fn wait_line(&mut self, prefix: &str, timeout: Duration) -> String {
        self.wait_for(|line| line.starts_with(prefix), timeout)
    }

    /// The next stdout line, whatever it says; panics if none comes within `timeout`.
    pub fn next_line(&mut self, timeout: Duration) -> String {
        self.wait_for(|_| true, timeout)
    }

    /// Waits for the next stdout line that `wanted` accepts and returns it (the lines before it
    /// are passed over); panics, with what the program printed, if none comes within `timeout`
    /// or the program's stdout closes.
    pub fn wait_for(&mut self, wanted: impl Fn(&str) -> bool, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "no such stdout line within {timeout:?} ({e}); stdout:\n{}\nstderr:\n{}",
                    self.seen.join("\n"),
                    self.stderr()
                ),
            }
        }
    }

    /// Sends the program a signal (`INT`, `TERM`) with the system's `kill`.
    pub fn signal(&self, name: &str) {
        send_signal(self.pid(), name);
    }

    /// Waits up to `timeout` for the program to exit by itself, and returns its exit status,
    /// the stdout lines no wait has taken yet, and all its stderr; panics (and the drop kills
    /// it) if it is still running.
    pub fn finish(&mut self, timeout: Duration) -> Finished {
        let Some(status) = wait_deadline(&mut self.child, timeout) else {
            panic!(
                "still running {timeout:?} later; stderr:\n{}",
                self.stderr()
            );
        };
        // The pipes close at exit: the readers end within moments.
        let mut rest = Vec::new();
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(5)) {
            rest.push(line);
        }
        let settle = Instant::now() + Duration::from_secs(5);
        while Arc::strong_count(&self.stderr) > 1 && Instant::now() < settle {
            thread::sleep(Duration::from_millis(1));
        }
        Finished {
            status,
            rest,
            stderr: self.stderr(),
        }
    }

    /// Every stdout line printed so far.
    pub fn stdout_lines(&mut self) -> Vec<String> {
        self.seen.extend(self.stdout.try_iter());
        self.seen.clone()
    }

    /// Writes `bytes` to the program's stdin.
    pub fn write_stdin(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is still open");
        stdin
            .write_all(bytes)
            .expect("writing to the program's stdin");
        stdin.flush().expect("flushing the program's stdin");
    }

    /// Everything the program has written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits up to `timeout` for the program to exit by itself, then (up to 2 s) for the last
    /// of its stderr; `None` if it is still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let status = wait_deadline(&mut self.child, timeout)?;
        let settle = Instant::now() + Duration::from_secs(2);
        while Arc::strong_count(&self.stderr) > 1 && Instant::now() < settle {
            thread::sleep(Duration::from_millis(1));
        }
        Some(status)
    }

    /// Waits up to `timeout` for the program to crash: it must exit, and not with success.
    /// Returns its stderr, where the crash says why.
    pub fn crashed(&mut self, timeout: Duration) -> String {
        let status = self
            .wait_exit(timeout)
            .unwrap_or_else(|| panic!("still running {timeout:?} later: it should have crashed"));
        assert!(!status.success(), "{status}");
        self.stderr()
    }

    /// The program's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// How a [`Running`] program ended: see [`Running::finish`].
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// The stdout lines no wait had taken, in order.
    pub rest: Vec<String>,
    pub stderr: String,
}

impl Finished {
    /// The exit code, `None` if a signal ended the program.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
