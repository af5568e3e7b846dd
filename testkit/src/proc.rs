//! What the kernel counts for a running process, read from /proc (Linux): the CPU time it has
//! used.

use std::time::Duration;

/// CPU time a process has used, all its threads together, from the scheduler's own count
/// (nanoseconds, where /proc/PID/stat counts 10 ms ticks).
///
/// Linux: reads /proc.
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
