//! Open files are a limit like `--max-connections`: each connection holds a descriptor, and a
//! process out of descriptors cannot accept, so it could never see that it is full and make
//! room (room.rs). At start the soft open-file limit is raised to the hard one, and the
//! connection cap is fitted under what is left once the server's own descriptors are counted.

use common::{descriptors, step};
use log::info;

use crate::messages::t;

/// Descriptors the server holds besides its connections: stdin, stdout and stderr, the
/// listener, Ctrl-C's pipe, and a few for the libraries and the log; then per worker its epoll
/// set, its waker and its copy of the listener. Measured: 2 threads hold 13 (ls /proc/PID/fd);
/// the rest is margin.
fn reserved(threads: usize) -> usize {
    16 + 3 * threads
}

/// The connection cap that fits the open-file limit, after raising the soft limit to the hard
/// one; says so in one line when the limit clips `max`, and narrates the limit (`--explain`).
pub fn fit(max: usize, threads: usize) -> usize {
    let Some((before, limit)) = descriptors::raise_open_file_limit() else {
        return max; // No such limit here (Windows), or it cannot be read.
    };
    let fits = usize::try_from(limit)
        .unwrap_or(usize::MAX)
        .saturating_sub(reserved(threads))
        .max(1);
    if fits < max {
        info!(
            "serving at most {fits} connections, not {max} (--max-connections): the open-file \
             limit is {limit} descriptors and the server holds {} itself",
            reserved(threads)
        );
    }
    let raised = if before < limit { "raised" } else { "kept" };
    step!(
        3,
        Step::Listen,
        t!(
            "descriptors",
            limit = limit,
            before = before,
            raised = raised,
            connections = fits.min(max)
        )
    );
    fits.min(max)
}
