//! Logging that never slows or stops the program it describes.
//!
//! - Lines go to stderr from a thread of their own, through a bounded queue. A serving thread
//!   only ever puts a line in the queue; when nobody reads stderr and the queue is full, the line
//!   is dropped and counted, and the log says how many were lost as soon as it can write again.
//! - A [`Budget`] lets a few lines a second through for events that can come by the hundred
//!   thousand (a read, a datagram, a connection) and sums up the rest in one line a second, so a
//!   person's session shows every message while a load does not flood the terminal.
//!   `RUST_LOG=debug` shows every line.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use log::{info, log_enabled, Level};

/// Lines waiting for stderr before new ones are dropped: a few hundred KiB at most.
const QUEUE: usize = 2048;
/// How long the program waits at exit for its last lines to reach stderr.
const FLUSH_WAIT: Duration = Duration::from_secs(1);

enum Message {
    Line(Vec<u8>),
    /// Answered once every line before it is written.
    Flush(SyncSender<()>),
}

struct Queue {
    sender: SyncSender<Message>,
    dropped: AtomicU64,
    /// Lines put in the queue, and lines the writer has finished with: equal when none waits.
    queued: AtomicU64,
    written: AtomicU64,
}

static QUEUE_TO_STDERR: OnceLock<Queue> = OnceLock::new();

/// Sets up logging to stderr: info by default, `RUST_LOG=debug` (or `warn`, …) to change it.
pub fn init() {
    let style = if io::stderr().is_terminal() {
        env_logger::WriteStyle::Always
    } else {
        env_logger::WriteStyle::Never
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .target(env_logger::Target::Pipe(Box::new(QueueWriter)))
        .write_style(style)
        .format_timestamp_millis()
        .format_target(false)
        .init();
}

/// Puts one whole line on the way to stderr without waiting: when stderr is not being read and
/// the queue is full, the line is dropped and counted.
pub fn write_line(line: &[u8]) {
    let queue = QUEUE_TO_STDERR.get_or_init(start_writer);
    match queue.sender.try_send(Message::Line(line.to_vec())) {
        Ok(()) => {
            queue.queued.fetch_add(1, Ordering::Release);
        }
        Err(TrySendError::Disconnected(_)) => {}
        Err(TrySendError::Full(_)) => {
            queue.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Waits, up to a second, until every line so far has reached stderr: before the program writes
/// to stdout or ends, so that a terminal shows both in the order they happened. Costs two atomic
/// loads when no line is waiting.
pub fn flush() {
    let Some(queue) = QUEUE_TO_STDERR.get() else {
        return;
    };
    if queue.written.load(Ordering::Acquire) >= queue.queued.load(Ordering::Acquire) {
        return;
    }
    let (done, written) = mpsc::sync_channel(1);
    let deadline = Instant::now() + FLUSH_WAIT;
    let mut message = Message::Flush(done);
    loop {
        match queue.sender.try_send(message) {
            Ok(()) => break,
            Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                message = back;
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(_) => return,
        }
    }
    let _ = written.recv_timeout(deadline.saturating_duration_since(Instant::now()));
}

fn start_writer() -> Queue {
    let (sender, lines) = mpsc::sync_channel(QUEUE);
    // Without the thread, lines would wait in the queue and then be dropped: no worse than a
    // log that cannot be written.
    let _ = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || write_to_stderr(lines));
    Queue {
        sender,
        dropped: AtomicU64::new(0),
        queued: AtomicU64::new(0),
        written: AtomicU64::new(0),
    }
}

fn write_to_stderr(lines: Receiver<Message>) {
    let mut err = io::stderr();
    for message in lines {
        match message {
            Message::Line(line) => {
                let _ = err.write_all(&line);
                if let Some(queue) = QUEUE_TO_STDERR.get() {
                    queue.written.fetch_add(1, Ordering::Release);
                }
            }
            Message::Flush(done) => {
                let _ = done.try_send(());
            }
        }
        let dropped = QUEUE_TO_STDERR
            .get()
            .map_or(0, |q| q.dropped.swap(0, Ordering::Relaxed));
        if dropped > 0 {
            let _ = writeln!(
                err,
                "[{dropped} log lines were dropped: stderr was not being read]"
            );
        }
    }
}

/// The `log` crate's writer: each record arrives as one whole line.
struct QueueWriter;

impl Write for QueueWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        write_line(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// At most `per_second` lines a second for one kind of frequent event; the rest are counted and
/// summed up in one line a second. One per thread: it is not shared.
#[derive(Debug)]
pub struct Budget {
    /// The log target of the lines it lets through (the caller's `module_path!()`), so that
    /// `RUST_LOG=tcp_server=info` decides about them, not the filter for this library.
    target: &'static str,
    /// What one hidden line was about, in the plural: "reads", "datagrams".
    what: &'static str,
    per_second: u32,
    window_start: Instant,
    shown: u32,
    hidden_lines: u64,
    hidden_bytes: u64,
}

impl Budget {
    /// A budget for lines logged under `target`, the caller's `module_path!()`.
    pub fn new(target: &'static str, what: &'static str, per_second: u32, now: Instant) -> Budget {
        Budget {
            target,
            what,
            per_second,
            window_start: now,
            shown: 0,
            hidden_lines: 0,
            hidden_bytes: 0,
        }
    }

    /// True when a line at `level` about an event of `bytes` bytes may be shown now; false when
    /// it is counted instead, or when `level` is off. Always true with `RUST_LOG=debug`.
    pub fn allow(&mut self, level: Level, now: Instant, bytes: u64) -> bool {
        let target = self.target;
        log_enabled!(target: target, level)
            && self.admit(now, bytes, || log_enabled!(target: target, Level::Debug))
    }

    /// The budget's decision; `show_all` (debug level) is asked only once the budget is spent.
    fn admit(&mut self, now: Instant, bytes: u64, show_all: impl FnOnce() -> bool) -> bool {
        self.roll(now);
        if self.shown < self.per_second || show_all() {
            self.shown += 1;
            return true;
        }
        self.hidden_lines += 1;
        self.hidden_bytes += bytes;
        false
    }

    /// Ends the second if it is over: logs how many lines it hid, if any.
    pub fn roll(&mut self, now: Instant) {
        if now.duration_since(self.window_start) < Duration::from_secs(1) {
            return;
        }
        if self.hidden_lines > 0 {
            info!(
                target: self.target,
                "not shown, to keep the log readable: {} {} ({} bytes) in the last {:.1} s; \
                 RUST_LOG=debug shows every one",
                self.hidden_lines,
                self.what,
                self.hidden_bytes,
                now.duration_since(self.window_start).as_secs_f64()
            );
        }
        self.window_start = now;
        self.shown = 0;
        self.hidden_lines = 0;
        self.hidden_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_shows_its_lines_then_counts_until_the_next_second() {
        let start = Instant::now();
        let mut budget = Budget::new(module_path!(), "reads", 3, start);
        // No logger in unit tests: nothing is shown, and nothing counted.
        assert!(!budget.allow(Level::Info, start, 10));
        assert_eq!(budget.hidden_lines, 0);
        let shown = (0..10)
            .filter(|_| budget.admit(start, 10, || false))
            .count();
        assert_eq!(shown, 3);
        assert_eq!((budget.hidden_lines, budget.hidden_bytes), (7, 70));
        assert!(
            budget.admit(start, 1, || true),
            "debug level shows every line"
        );
        let later = start + Duration::from_millis(1500);
        assert!(budget.admit(later, 1, || false));
        assert_eq!((budget.shown, budget.hidden_lines), (1, 0));
    }

    #[test]
    fn lines_are_dropped_not_waited_for_when_the_queue_is_full() {
        // More lines than the queue holds, faster than any terminal: none of this may block.
        let start = Instant::now();
        for _ in 0..QUEUE * 4 {
            write_line(b"");
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        flush();
    }
}
