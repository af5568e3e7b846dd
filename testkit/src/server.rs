//! Starting a server and waiting for its `listening on` line (never a sleep): [`Server`], killed
//! when dropped.

use std::net::SocketAddr;
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::{collect, english_unless_asked, lines_of, send_signal, wait_deadline};

/// How long a server may take to print its `listening on` line.
pub const STARTUP: Duration = Duration::from_secs(10);

/// A server process, killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// The address from the `listening on` line.
    pub addr: SocketAddr,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    /// Held open and never read, for a server whose log nobody reads.
    _unread_stderr: Option<ChildStderr>,
}

impl Server {
    /// Starts `bin` with `args` and waits for its `listening on ADDR` line.
    pub fn start(bin: &str, args: &[&str]) -> Server {
        let mut cmd = Command::new(bin);
        cmd.args(args);
        Server::start_command(cmd)
    }

    /// Starts a prepared command (environment, limits) and waits for its `listening on` line.
    pub fn start_command(cmd: Command) -> Server {
        Server::spawn(cmd, true)
    }

    /// Like [`Server::start_command`], but the server's stderr is a pipe nobody reads: once the
    /// pipe's buffer (64 KiB on Linux) is full, every write to it would wait.
    pub fn start_with_unread_stderr(cmd: Command) -> Server {
        Server::spawn(cmd, false)
    }

    fn spawn(mut cmd: Command, read_stderr: bool) -> Server {
        english_unless_asked(&mut cmd);
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting the server");
        let stdout = lines_of(child.stdout.take().expect("stdout is piped"));
        let pipe = child.stderr.take().expect("stderr is piped");
        let (stderr, unread) = if read_stderr {
            (collect(pipe), None)
        } else {
            (Arc::default(), Some(pipe))
        };
        let mut server = Server {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            stdout,
            stderr,
            _unread_stderr: unread,
        };
        let first = server.stdout.recv_timeout(STARTUP).unwrap_or_else(|_| {
            panic!(
                "no `listening on` line within {STARTUP:?}; stderr:\n{}",
                server.stderr()
            )
        });
        let addr = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first stdout line was {first:?}"));
        server.addr = addr.parse().expect("the listening address parses");
        server
    }

    /// Everything the server has logged so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits until the server's log contains `needle`; false after `timeout`.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.stderr().contains(needle) {
                return true;
            }
            thread::sleep(Duration::from_millis(10));
        }
        self.stderr().contains(needle)
    }

    /// Lines the server has printed on stdout since its `listening on` line.
    pub fn more_stdout(&self) -> Vec<String> {
        self.stdout.try_iter().collect()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends the server a signal (`TERM`, `INT`, …) by its pid, with the system's `kill`.
    pub fn signal(&self, name: &str) {
        send_signal(self.pid(), name);
    }

    /// Waits up to `timeout` for the server to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        wait_deadline(&mut self.child, timeout)
    }

    /// Waits until the log contains `needle`, stops the server as Ctrl-C does (SIGINT), waits
    /// for it to exit, and returns all it logged. Panics, with the log, if either wait fails.
    #[cfg(unix)]
    pub fn stop_after(&mut self, needle: &str, timeout: Duration) -> String {
        assert!(self.wait_for_log(needle, timeout), "{}", self.stderr());
        self.signal("INT");
        assert!(self.wait_exit(timeout).is_some(), "{}", self.stderr());
        self.stderr()
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
