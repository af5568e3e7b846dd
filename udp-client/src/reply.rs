//! How a reply is shown: `Received from server: <reply>` on stdout. A reply is whatever a server
//! (or anyone who can spoof its address) chose to send, so on a terminal its control characters
//! are shown escaped, as the servers' logs show what they received: an escape sequence in it
//! must not retitle the window or clear the screen. Into a pipe or a file the bytes go as they
//! came, for scripts. A reply that is not UTF-8 text gets a warning on stderr that says so.

use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;

use common::text::escaped_bytes;

use crate::messages::{t, warn};

/// Prints replies on standard output, escaped when it is a terminal.
#[derive(Debug)]
pub struct Replies {
    out: common::cli::Stdout,
    terminal: bool,
}

impl Replies {
    pub fn new() -> Self {
        Replies {
            out: common::cli::stdout(),
            terminal: io::stdout().is_terminal(),
        }
    }

    /// Prints `reply`, which came from `server`, on a line of its own.
    pub fn print(&mut self, reply: &[u8], server: SocketAddr) -> io::Result<()> {
        self.out.write_all(b"Received from server: ")?;
        if self.terminal {
            self.out.write_all(escaped_bytes(reply).as_bytes())?;
        } else {
            self.out.write_all(reply)?;
        }
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        let bad: usize = reply.utf8_chunks().map(|c| c.invalid().len()).sum();
        if bad > 0 {
            let shown = if self.terminal { "escaped" } else { "raw" };
            warn(&t!(
                "reply-not-utf8",
                server = server,
                bad = bad,
                len = reply.len(),
                shown = shown
            ));
        }
        Ok(())
    }
}
