//! Open files: each load connection holds a descriptor, and the soft open-file limit is often
//! 1024 (`ulimit -n`). At start, load mode raises it to the hard limit (Unix: Linux, macOS), and
//! fails at once, with the number and the fix, when the connections asked for (`-c`, `--idle`)
//! need more than that, or more ephemeral ports than the kernel picks from (Linux:
//! net.ipv4.ip_local_port_range); a connect that still fails for lack of descriptors says the
//! limit, and what to do about it.

use std::io;
use std::net::SocketAddr;

use anyhow::{anyhow, Result};
use common::{descriptors, error};

use crate::messages::t;

/// Descriptors the load holds besides its connections (stdin, stdout, stderr, epoll, its waker
/// and timer, Ctrl-C's), with a margin: what `ulimit -n` must leave on top of them.
const RESERVED: usize = 16;

/// Raises the soft open-file limit to the hard one; returns the limit now in force.
fn raise_limit() -> Option<u64> {
    descriptors::raise_open_file_limit().map(|(_, now)| now)
}

/// The error of opening a connection to `server` when `opened` of the `wanted` connections are
/// open: when it is "too many open files" under the open-file limit `limit`, it says the limit,
/// with a hint.
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
        .find(|io| descriptors::is_out_of_descriptors(io));
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

/// Raises the open-file limit, and fails at once when `idle` idle connections beside `active`
/// ones cannot all be open here: more than that limit or than the ephemeral ports allow. The
/// limit now in force, for [`explain`].
pub(super) fn preflight(idle: usize, active: usize) -> Result<Option<u64>> {
    let wanted = idle + active;
    let limit = raise_limit();
    if let Some(limit) = limit {
        let needed = wanted + RESERVED;
        if (limit as usize) < needed {
            return Err(error::hint(
                anyhow!(t!("idle-over-descriptors", wanted = wanted, limit = limit)),
                t!("hint-idle-over-descriptors", needed = needed),
            ));
        }
    }
    if let Some(ports) = ephemeral_ports() {
        if ports < wanted {
            return Err(error::hint(
                anyhow!(t!("idle-over-ports", wanted = wanted, ports = ports)),
                t!("hint-idle-over-ports"),
            ));
        }
    }
    Ok(limit)
}

/// How many ephemeral ports the kernel picks from, for connections to one address and port.
#[cfg(target_os = "linux")]
fn ephemeral_ports() -> Option<usize> {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    let mut ends = range.split_whitespace().map(|n| n.parse::<usize>().ok());
    let (low, high) = (ends.next()??, ends.next()??);
    Some(high.saturating_sub(low) + 1)
}

/// Elsewhere the range is not read: a shortage shows as a connect error.
#[cfg(not(target_os = "linux"))]
fn ephemeral_ports() -> Option<usize> {
    None
}
