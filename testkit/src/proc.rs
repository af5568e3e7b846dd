//! What the kernel counts for a running process, read from /proc (Linux): its threads, the CPU
//! time it has used, and whether its threads are stopped.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The directories of a process's threads, /proc/PID/task/TID, each with its own `stat`,
/// `status`, `comm` and `schedstat`.
///
/// Linux: reads /proc.
pub fn tasks(pid: u32) -> std::io::Result<Vec<PathBuf>> {
    Ok(std::fs::read_dir(format!("/proc/{pid}/task"))?
        .flatten()
        .map(|task| task.path())
        .collect())
}

/// CPU time a process has used, all its threads together, from the scheduler's own count
/// (nanoseconds, where /proc/PID/stat counts 10 ms ticks).
///
/// Linux: reads /proc.
pub fn cpu_time(pid: u32) -> Duration {
    let mut total = 0;
    for task in tasks(pid).expect("reading /proc/PID/task") {
        if let Ok(text) = std::fs::read_to_string(task.join("schedstat")) {
            let on_cpu = text
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok());
            total += on_cpu.expect("schedstat starts with the time on CPU");
        }
    }
    Duration::from_nanos(total)
}

/// Waits until every thread of `pid` is stopped (state `T` in /proc/PID/task/TID/stat), as
/// SIGSTOP leaves them: kill() returns at once, and each thread stops only when it next enters the
/// kernel, so a thread can still finish what it was doing. False when `timeout` passes first.
///
/// Linux: reads /proc.
pub fn wait_stopped(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let states: Vec<String> = tasks(pid)
            .map(|tasks| {
                tasks
                    .iter()
                    .filter_map(|t| std::fs::read_to_string(t.join("stat")).ok())
                    .filter_map(|stat| {
                        Some(
                            stat.rsplit_once(')')?
                                .1
                                .split_whitespace()
                                .next()?
                                .to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !states.is_empty() && states.iter().all(|s| s == "T") {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
