//! Open files, the limit every connection counts against: the soft open-file limit raised to the
//! hard one at start (as Go's runtime and nginx's `worker_rlimit_nofile` do), and "too many open
//! files" told apart from other errors. tcp-server fits its connection cap under the limit;
//! tcp-client's load mode checks its connections against it.

use std::io;

/// Raises the soft open-file limit to the hard one: the soft limit before, and the limit now in
/// force. `None` where there is no such limit (Windows) or it cannot be read.
#[cfg(unix)]
pub fn raise_open_file_limit() -> Option<(u64, u64)> {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?;
    // rlimit knows macOS's OPEN_MAX cap on the hard limit, which we would not.
    Some((soft, rlimit::increase_nofile_limit(hard).unwrap_or(soft)))
}

/// Windows has no open-file limit of this kind.
#[cfg(not(unix))]
pub fn raise_open_file_limit() -> Option<(u64, u64)> {
    None
}

/// True for "too many open files", the process's (EMFILE) or the system's (ENFILE): both
/// numbers are the same on Linux and macOS.
pub fn is_out_of_descriptors(e: &io::Error) -> bool {
    cfg!(unix) && matches!(e.raw_os_error(), Some(23 | 24))
}
