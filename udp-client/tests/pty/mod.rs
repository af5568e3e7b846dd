//! Running the client on a pseudo-terminal, as a person at a terminal runs it: its standard
//! input and output are the terminal (stderr stays a pipe, read apart). The test types bytes
//! (keys) and waits for what the client shows, never sleeping to synchronise; everything is
//! bounded by a deadline, and the child is killed when the [`Terminal`] is dropped.

// Each test file uses some of these, not all.
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::pty::openpty;

/// A program running on a pseudo-terminal, killed when dropped.
#[derive(Debug)]
pub struct Terminal {
    child: Child,
    keys: File,
    screen: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// What the program left on the terminal and on stderr, and how it ended.
#[derive(Debug)]
pub struct Ended {
    pub status: ExitStatus,
    pub screen: String,
    pub stderr: String,
}

impl Terminal {
    /// Starts `cmd` with a terminal as its standard input and output, in English.
    pub fn start(mut cmd: Command) -> Terminal {
        let pty = openpty(None, None).expect("opening a pseudo-terminal");
        let slave = File::from(pty.slave);
        cmd.stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave))
            .stderr(Stdio::piped())
            .env("TERM", "xterm")
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG");
        let mut child = cmd.spawn().expect("starting the program");
        // The command holds the terminal's other end: once it is gone, the child alone does,
        // and reading our end fails when the child exits.
        drop(cmd);
        let keys = File::from(pty.master);
        let screen = read_all(keys.try_clone().expect("dup"));
        let stderr = read_all(child.stderr.take().expect("stderr is piped"));
        Terminal {
            child,
            keys,
            screen,
            stderr,
        }
    }

    /// Types `keys`, as bytes a terminal sends (`\r` for Enter, `\x1b[D` for the left arrow).
    pub fn type_keys(&mut self, keys: &[u8]) {
        self.keys.write_all(keys).expect("typing");
    }

    /// Waits until `ready` holds of what the terminal shows and of stderr; panics with both
    /// after `timeout`.
    pub fn wait_until(&self, timeout: Duration, ready: impl Fn(&str, &str) -> bool) {
        let deadline = Instant::now() + timeout;
        while !ready(&self.screen(), &text_of(&self.stderr)) {
            assert!(
                Instant::now() < deadline,
                "not ready within {timeout:?}; the screen: {:?}; stderr: {:?}",
                self.screen(),
                text_of(&self.stderr)
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// What the terminal shows so far, as text.
    pub fn screen(&self) -> String {
        text_of(&self.screen)
    }

    /// Waits up to `timeout` for the program to exit; panics (and kills it) if it does not.
    pub fn wait_exit(mut self, timeout: Duration) -> Ended {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("waiting") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "still running after {timeout:?}; the screen: {:?}",
                self.screen()
            );
            thread::sleep(Duration::from_millis(5));
        };
        // The readers end at the child's exit; give them a moment to take its last words.
        let settle = Instant::now() + Duration::from_secs(2);
        while (Arc::strong_count(&self.screen) > 1 || Arc::strong_count(&self.stderr) > 1)
            && Instant::now() < settle
        {
            thread::sleep(Duration::from_millis(1));
        }
        Ended {
            status,
            screen: self.screen(),
            stderr: text_of(&self.stderr),
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_all(mut from: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let all = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&all);
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        // A terminal's other end fails (EIO) rather than reading 0 once the child is gone.
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut all) = sink.lock() {
                all.extend_from_slice(&buf[..n]);
            }
        }
    });
    all
}

fn text_of(bytes: &Arc<Mutex<Vec<u8>>>) -> String {
    bytes
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
