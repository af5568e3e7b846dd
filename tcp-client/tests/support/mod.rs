//! The servers the test files start inside the test, and a program left running while a test
//! reads its output.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

/// Serves each connection with `handler` on its own thread; returns the address.
pub fn serve(handler: fn(TcpStream)) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || handler(stream));
        }
    });
    addr
}

/// Echoes until the client's end of stream, then closes, as tcp-server does: the client's FIN
/// comes first.
pub fn echo(mut s: TcpStream) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 || s.write_all(&buf[..n]).is_err() {
            break;
        }
    }
}

#[allow(dead_code)] // Not every test file uses it.
/// Serves each connection with `handler`, which may hold state shared by every connection (a
/// count, a stall), on its own thread; returns the address.
pub fn serve_shared(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handler = std::sync::Arc::new(handler);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = std::sync::Arc::clone(&handler);
            thread::spawn(move || handler(stream));
        }
    });
    addr
}

/// A program left running, its stdout read line by line as it comes: for tests that act on
/// what it has printed so far (a signal once the load runs). Killed when dropped.
#[allow(dead_code)] // Not every test file uses it.
pub struct Running {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

#[allow(dead_code)]
impl Running {
    /// Starts `bin` with `args`, in English, stdout and stderr piped.
    pub fn start(bin: &str, args: &[&str]) -> Running {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(bin)
            .args(args)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&stderr);
        let mut pipe = child.stderr.take().unwrap();
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            sink.lock().unwrap().push_str(&text);
        });
        Running {
            child,
            lines,
            stderr,
        }
    }

    /// The next stdout line, waiting up to `timeout`; panics without one.
    pub fn line(&self, timeout: std::time::Duration) -> String {
        self.lines
            .recv_timeout(timeout)
            .unwrap_or_else(|_| panic!("no stdout line within {timeout:?}"))
    }

    /// Sends the program a signal (`INT`, `TERM`) with the system's `kill`.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits up to `timeout` for the program to exit: its exit status, the rest of its stdout
    /// and all its stderr. Panics (and the drop kills it) if it does not.
    pub fn finish(
        mut self,
        timeout: std::time::Duration,
    ) -> (std::process::ExitStatus, String, String) {
        let deadline = std::time::Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "still running {timeout:?} later"
            );
            thread::sleep(std::time::Duration::from_millis(5));
        };
        // The pipes close at exit: the readers end within moments.
        let mut rest = String::new();
        while let Ok(line) = self.lines.recv_timeout(std::time::Duration::from_secs(5)) {
            rest.push_str(&line);
            rest.push('\n');
        }
        let settle = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::sync::Arc::strong_count(&self.stderr) > 1 && std::time::Instant::now() < settle {
            thread::sleep(std::time::Duration::from_millis(5));
        }
        let stderr = self.stderr.lock().unwrap().clone();
        (status, rest, stderr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
