//! Standard output, for what a program is for (the `listening on` line, the replies, the
//! reports): the log lines queued before a write reach stderr first, and a closed stdout is an
//! error, not silence.
//!
//! A program started with its stdout closed (`PROGRAM >&-`) finds it open all the same: on Unix,
//! Rust's runtime opens /dev/null, for reading and writing, on a standard descriptor it finds
//! closed, before main; on Windows, std takes a process without a stdout handle for a sink.
//! Either way every line would vanish without a word. That /dev/null is told from one the user
//! chose (`>/dev/null`, which a shell opens for writing only) by reading nothing from it, which
//! only a descriptor open for reading allows. One look, at the first use, with std's own calls.

use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::OnceLock;

use crate::error::io_text;
use crate::messages::t;

/// Standard output, locked: see the module's comment.
#[derive(Debug)]
pub struct Stdout {
    lock: io::StdoutLock<'static>,
    closed: bool,
}

/// Locks standard output for the program's own output.
pub fn stdout() -> Stdout {
    Stdout {
        closed: closed(),
        lock: io::stdout().lock(),
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        crate::logging::flush();
        if self.closed {
            return Err(io::Error::other(Closed));
        }
        self.lock.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Err(io::Error::other(Closed));
        }
        self.lock.flush()
    }
}

/// Prints the line that tests and scripts wait for, and flushes it at once: stdout is
/// block-buffered when it is a pipe, and a reader must not wait for the first connection to see
/// it. A pipe nobody reads (`SERVER | true`) gets a warning naming the address, and the server
/// serves anyway: clients may still come. A closed or failing stdout is an error naming it.
pub fn announce_listening(addr: SocketAddr) -> anyhow::Result<()> {
    let mut out = stdout();
    match writeln!(out, "listening on {addr}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            log::warn!(
                "could not write `listening on {addr}` to stdout ({}); serving anyway",
                io_text(&e)
            );
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e).context(t!("announcing", addr = addr))),
    }
}

/// Writing to a stdout that was closed when the program started.
#[derive(Debug)]
struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&t!("stdout-closed"))
    }
}

impl std::error::Error for Closed {}

/// True when the program was started with its stdout closed; looked at once.
fn closed() -> bool {
    static CLOSED: OnceLock<bool> = OnceLock::new();
    *CLOSED.get_or_init(started_closed)
}

/// Unix: fd 1 is /dev/null open for reading, as only the runtime opens it there (or it is not
/// open at all, where no runtime opened it). Looking needs a second descriptor for a moment: a
/// program out of descriptors (`ulimit -n`) is taken to have its stdout open.
#[cfg(unix)]
fn started_closed() -> bool {
    use std::io::Read;
    use std::os::fd::AsFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};

    // EBADF, "bad file descriptor": 9 on every Unix.
    const EBADF: i32 = 9;
    let fd = match io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => fd,
        Err(e) => return e.raw_os_error() == Some(EBADF),
    };
    let mut out = std::fs::File::from(fd);
    let (Ok(meta), Ok(null)) = (out.metadata(), std::fs::metadata("/dev/null")) else {
        return false;
    };
    meta.file_type().is_char_device() && meta.rdev() == null.rdev() && out.read(&mut []).is_ok()
}

/// Windows: no stdout handle at all (none, or an invalid one).
#[cfg(windows)]
fn started_closed() -> bool {
    use std::os::windows::io::AsRawHandle;

    let handle = io::stdout().as_raw_handle();
    handle.is_null() || handle as isize == -1
}

#[cfg(not(any(unix, windows)))]
fn started_closed() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_stdout_reads_as_one_plain_sentence() {
        let e = io::Error::other(Closed);
        assert_eq!(
            io_text(&e),
            "standard output is closed (as the shell's >&- leaves it): nothing this program \
             prints would be seen"
        );
    }
}
