//! The plumbing of a child process shared by [`Server`](crate::Server), [`Running`](crate::Running)
//! and [`run`](crate::run): a locale that defaults to English, signals, waiting with a deadline,
//! and threads that read its pipes.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Sends signal `name` (`INT`, `TERM`, `KILL`) to `pid` with the system's `kill`.
pub(crate) fn send_signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -{name} failed");
}

/// The programs speak the locale's language: a test that did not set one gets English, whatever
/// the machine running it is set to.
pub(crate) fn english_unless_asked(cmd: &mut Command) {
    let set: Vec<_> = cmd.get_envs().map(|(k, _)| k.to_owned()).collect();
    for name in ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"] {
        if !set.iter().any(|k| k == name) {
            cmd.env_remove(name);
        }
    }
}

pub(crate) fn wait_deadline(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

pub(crate) fn lines_of(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

pub(crate) fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut decoder = common::text::Utf8Decoder::new();
        while let Ok(n) = pipe.read(&mut buf) {
            let piece = if n == 0 {
                decoder.finish()
            } else {
                decoder.decode(&buf[..n])
            };
            if let Ok(mut s) = sink.lock() {
                s.push_str(&piece);
            }
            if n == 0 {
                break;
            }
        }
    });
    text
}

/// Lines of `pipe`, invalid UTF-8 shown as `�` rather than ending the reader.
pub(crate) fn any_lines_of(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&line);
            if tx
                .send(text.trim_end_matches(['\n', '\r']).to_owned())
                .is_err()
            {
                break;
            }
            line.clear();
        }
    });
    rx
}
