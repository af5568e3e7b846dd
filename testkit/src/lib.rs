//! Helpers for the workspace's integration tests, which start the real binaries: start a server,
//! wait for its `listening on` line (never a sleep), run a client with a deadline, and kill
//! whatever is left when a test ends. Also the odds and ends those tests share: checking that log
//! lines come in order, and reproducible pseudo-random test data.
//!
//! A crate of its own, used only as a dev-dependency and never published, so that none of this
//! is part of `common`, the library the programs themselves are built on.
//!
//! These panic on failure: they run only inside tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

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

/// CPU time a process has used, all its threads together, from the scheduler's own count
/// (nanoseconds, where /proc/PID/stat counts 10 ms ticks).
pub fn cpu_time(pid: u32) -> Duration {
    let mut total = 0;
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("reading /proc/PID/task");
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
            let on_cpu = text
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok());
            total += on_cpu.expect("schedstat starts with the time on CPU");
        }
    }
    Duration::from_nanos(total)
}

/// Asserts that each of `needles` is in `text`, each after the one before.
pub fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        match text[from..].find(needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("{needle:?} is missing, or out of order, in:\n{text}"),
        }
    }
}

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
pub fn run(mut cmd: Command, stdin: &[u8], timeout: Duration) -> Output {
    english_unless_asked(&mut cmd);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the program");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_vec();
    // Written from a thread so a program that does not read its input cannot block the test.
    let writer = thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let stdout = collect(child.stdout.take().expect("stdout is piped"));
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

/// Checks that the narration in `stderr` is all Chinese: there is some, no line is labelled
/// `[step …]` (the English label), and each `[步骤 N 名称]` line says something in Chinese after
/// its label. Returns the narrated lines.
pub fn assert_chinese_narration(stderr: &str) -> Vec<&str> {
    let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let steps: Vec<&str> = stderr.lines().filter(|l| l.starts_with("[步骤 ")).collect();
    assert!(!steps.is_empty(), "no Chinese narration in:\n{stderr}");
    assert!(
        !stderr.lines().any(|l| l.starts_with("[step ")),
        "English narration in a Chinese run:\n{stderr}"
    );
    for line in &steps {
        let (label, text) = line.split_once("] ").unwrap_or((line, ""));
        assert!(
            label.chars().any(is_cjk),
            "step without a Chinese name: {line}"
        );
        assert!(text.chars().any(is_cjk), "step not said in Chinese: {line}");
    }
    steps
}

/// Checks `bin --completions SHELL` for three shells and `bin --man`: each exits 0 and prints a
/// script or a man page for `name` that knows its options.
pub fn assert_packaging(bin: &str, name: &str) {
    let wait = Duration::from_secs(10);
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef"),
        ("fish", "complete -c"),
    ] {
        let mut cmd = Command::new(bin);
        cmd.args(["--completions", shell]);
        let out = run(cmd, b"", wait);
        assert_eq!(out.code(), Some(0), "{shell}: {}", out.stderr);
        assert!(out.stdout.contains(mark), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains(name), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains("lang"), "{shell}: {}", out.stdout);
    }
    let mut cmd = Command::new(bin);
    cmd.arg("--man");
    let out = run(cmd, b"", wait);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!(".TH {name} 1")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\\-\\-lang"), "{}", out.stdout);
}

/// Writes `data` to `stream` and reads back exactly as many bytes: one echo round trip.
pub fn round_trip(stream: &mut std::net::TcpStream, data: &[u8]) -> Vec<u8> {
    stream.write_all(data).expect("sending");
    let mut back = vec![0; data.len()];
    stream.read_exact(&mut back).expect("reading the echo");
    back
}

/// Sends signal `name` (`INT`, `TERM`, `KILL`) to `pid` with the system's `kill`.
fn send_signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -{name} failed");
}

/// The programs speak the locale's language: a test that did not set one gets English, whatever
/// the machine running it is set to.
fn english_unless_asked(cmd: &mut Command) {
    let set: Vec<_> = cmd.get_envs().map(|(k, _)| k.to_owned()).collect();
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if !set.iter().any(|k| k == name) {
            cmd.env_remove(name);
        }
    }
}

/// `len` deterministic pseudo-random bytes (xorshift) from `seed`, so a failure can be replayed.
pub fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

fn wait_deadline(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
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

fn lines_of(pipe: impl Read + Send + 'static) -> Receiver<String> {
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

fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
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

/// The folder cargo builds into for the running test, `target/<profile>` (or
/// `target/<triple>/<profile>`): a test is `<that folder>/deps/NAME-HASH`. Bins are in it,
/// examples in its `examples` folder.
pub fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let deps = exe.parent().expect("the test is in target/<profile>/deps");
    deps.parent()
        .expect("target/<profile> holds deps")
        .to_path_buf()
}

/// The path of example `name` of crate `package`, as built by `cargo test` or `cargo build
/// --examples`; panics, naming the command that builds it, if it is not there. A test gets
/// `CARGO_BIN_EXE_<name>` only for its own crate's bins, and never for examples; this one works
/// the same under `cargo test --workspace` and `cargo test -p <crate>` (which builds that crate's
/// examples only), and never runs cargo itself.
#[track_caller]
pub fn example(package: &str, name: &str) -> String {
    built(
        build_dir().join("examples").join(name),
        &format!("cargo build -p {package} --examples"),
    )
}

/// The path of another crate's binary `name` (the crate of the same name), as built by `cargo
/// test --workspace` or `cargo build`; panics, naming the command that builds it, if it is not
/// there. `cargo test -p <crate>` builds only that crate's binaries.
#[track_caller]
pub fn binary(name: &str) -> String {
    built(build_dir().join(name), &format!("cargo build -p {name}"))
}

#[track_caller]
fn built(path: PathBuf, build: &str) -> String {
    assert!(
        path.is_file(),
        "{} is not built: run `{build}` first (`cargo test --workspace` builds every binary and \
         example)",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

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
    pub fn start_command(mut cmd: Command) -> Running {
        english_unless_asked(&mut cmd);
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {cmd:?}: {e}"));
        Running {
            stdin: child.stdin.take(),
            stdout: any_lines_of(child.stdout.take().expect("stdout is piped")),
            stderr: collect(child.stderr.take().expect("stderr is piped")),
            child,
            seen: Vec::new(),
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

/// Lines of `pipe`, invalid UTF-8 shown as `�` rather than ending the reader.
fn any_lines_of(pipe: impl Read + Send + 'static) -> Receiver<String> {
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
