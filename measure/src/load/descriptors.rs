//! Open files: each load connection holds a descriptor, and the soft open-file limit is often
//! 1024 (`ulimit -n`). At start, load mode raises it to the hard limit (Unix: Linux, macOS); a
//! connect that still fails for lack of descriptors says the limit, and what to do about it.

use std::io;
use std::net::SocketAddr;

use anyhow::anyhow;
use common::error;

use crate::messages::t;

/// Descriptors the load holds besides its connections (stdin, stdout, stderr, epoll, its waker
/// and timer, Ctrl-C's), with a margin: what `ulimit -n` must leave on top of them.
pub(super) const RESERVED: usize = 16;

/// Raises the soft open-file limit to the hard one; returns the limit now in force.
#[cfg(unix)]
pub(super) fn raise_limit() -> Option<u64> {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?;
    Some(rlimit::increase_nofile_limit(hard).unwrap_or(soft))
}

/// Windows has no open-file limit of this kind.
#[cfg(not(unix))]
pub(super) fn raise_limit() -> Option<u64> {
    None
}

/// The error of opening a connection to `server` when `opened` of the `wanted` connections are
/// open: when it is "too many open files" (EMFILE, or the system's ENFILE: 24 and 23 on Linux
/// and macOS) under the open-file limit `limit`, it says the limit, with a hint.
pub(super) fn explain(
    e: anyhow::Error,
    server: SocketAddr,
    limit: Option<u64>,
    opened: usize,
    wanted: usize,
) -> anyhow::Error {
    let out_of_descriptors = e
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .find(|io| cfg!(unix) && matches!(io.raw_os_error(), Some(23 | 24)));
    let (Some(io), Some(limit)) = (out_of_descriptors, limit) else {
        return e;
    };
    let why = t!(
        "out-of-descriptors",
        why = error::io_text(io),
        limit = limit,
        opened = opened
    );
    error::hint(
        anyhow!(why).context(t!("connecting-to", server = server)),
        t!(
            "hint-out-of-descriptors",
            wanted = wanted,
            needed = wanted + RESERVED
        ),
    )
}
