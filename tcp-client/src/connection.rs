//! The connection of a plain run, step by step: connecting to the first address that accepts
//! (steps 1 and 2), one message's echo read back whole and checked (steps 3 and 4), and the
//! server's end of stream after ours (step 5). main.rs calls these in the document's order.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use common::{error, explain, shell, step};
use log::debug;

use crate::messages::t;
use crate::until::Until;

/// The most sent before reading the echo back: less than the socket buffers on both sides, so
/// a long message can never fill them and leave client and server both waiting to write.
const CHUNK: usize = 64 * 1024;
/// The longest wait, after the last reply, for the server's end of stream. A server that closes
/// when it reads our FIN answers within one round trip (well under a millisecond on one machine,
/// a few hundred over the slowest links), so the wait rarely runs in full; it does against a
/// server that keeps the connection open, which is allowed, and then it must not hold up the
/// program noticeably. --timeout caps it too, as it caps every other wait.
pub const END_WAIT: Duration = Duration::from_millis(500);

/// Connects to the first address that accepts, within `timeout` each.
pub fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<(TcpStream, SocketAddr)> {
    let mut last = None;
    for &addr in addrs {
        step!(
            1,
            Step::Socket,
            t!(
                "creating-socket",
                family = explain::family(&addr),
                kind = explain::socket_type(true)
            )
        );
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok((stream, addr)),
            Err(e) => {
                debug!("connecting to {addr}: {}", error::io_text(&e));
                last = Some((addr, e));
            }
        }
    }
    let Some((addr, e)) = last else {
        bail!(t!("no-address"));
    };
    let what = anyhow!(t!("cannot-connect", addr = addr, why = error::io_text(&e)));
    Err(match e.kind() {
        io::ErrorKind::ConnectionRefused => error::hint(
            what,
            t!(
                "hint-start-server",
                start = shell::how_to_start_on("tcp-server", addr.port())
            ),
        ),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            error::hint(what, t!("hint-no-answer", timeout = format!("{timeout:?}")))
        }
        _ => what,
    })
}

/// Sends `message` and reads back exactly as many bytes, checking they are the same, all within
/// `timeout` of starting to send.
pub fn echo(
    stream: &TcpStream,
    server: SocketAddr,
    message: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>> {
    // One deadline for the whole reply, not a timeout for each read: every read and write may
    // take only the time left.
    let mut stream = Until::new(stream, timeout);
    let mut reply = vec![0; message.len()];
    for (sent, chunk) in message.chunks(CHUNK).enumerate() {
        let start = sent * CHUNK;
        stream.write_all(chunk).map_err(|e| {
            io_failure(e, server, timeout, |why| {
                t!("sending-to", server = server, why = why)
            })
        })?;
        step!(3, Step::Send, t!("sent", bytes = chunk.len()));
        let back = &mut reply[start..start + chunk.len()];
        let mut got = 0;
        while got < back.len() {
            match stream.read(&mut back[got..]) {
                Ok(0) => bail!(t!(
                    "closed-early",
                    server = server,
                    got = start + got,
                    of = message.len()
                )),
                Ok(n) => {
                    got += n;
                    step!(
                        4,
                        Step::Receive,
                        t!("received", bytes = n, so_far = got, sent = chunk.len())
                    );
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let e = io_failure(e, server, timeout, |why| {
                        t!("reading-reply-from", server = server, why = why)
                    });
                    // One sentence, so that each language joins its parts its own way.
                    let why = error::chain_text(&e);
                    bail!(t!(
                        "after-bytes",
                        got = start + got,
                        of = message.len(),
                        why = why
                    ));
                }
            }
        }
        if let Some(at) = back.iter().zip(chunk).position(|(a, b)| a != b) {
            bail!(t!("reply-differs", server = server, at = start + at));
        }
    }
    Ok(reply)
}

/// Names a failed read or write in the user's terms; `doing` says what was being done, and why
/// it failed.
fn io_failure(
    e: io::Error,
    server: SocketAddr,
    timeout: Duration,
    doing: impl FnOnce(&str) -> String,
) -> anyhow::Error {
    match e.kind() {
        _ if error::is_timeout(&e) => anyhow!(t!(
            "no-reply",
            server = server,
            timeout = format!("{timeout:?}")
        )),
        io::ErrorKind::ConnectionReset => anyhow!(t!("reset", server = server)),
        _ => anyhow!(doing(&error::io_text(&e))),
    }
}

/// True when the server's end of stream (its FIN) is already here before we send ours: then the
/// server, not us, sent the first FIN. A look without waiting; what is there stays to be read.
pub fn closed_by_server(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let end = matches!(stream.peek(&mut [0u8; 1]), Ok(0));
    let _ = stream.set_nonblocking(false);
    end
}

/// After our FIN: waits up to `wait` for the server's end of stream. Bytes that come instead are
/// more than the echo of what we sent, an error; a server that keeps the connection open is not.
/// Says how the connection ended, for the narration, when it knows.
pub fn expect_end(
    stream: &TcpStream,
    server: SocketAddr,
    wait: Duration,
    server_first: bool,
) -> Result<Option<Ending>> {
    let mut stream = Until::new(stream, wait);
    let mut buf = [0u8; 4096];
    let mut extra = 0;
    let ending = loop {
        match stream.read(&mut buf) {
            Ok(0) if extra == 0 => {
                step!(
                    5,
                    Step::Close,
                    t!("server-closed", first = first_fin(server_first))
                );
                break Some(if server_first {
                    Ending::ServerFirst
                } else {
                    Ending::OursFirst
                });
            }
            Ok(0) => break None,
            Ok(n) => extra += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Every reply came back whole: a server that stays open, or resets now, is no error.
            Err(e) if error::is_timeout(&e) => {
                debug!("{server} kept the connection open for {wait:?} after our FIN");
                break Some(Ending::ServerStillOpen { waited: wait });
            }
            Err(e) => {
                debug!("waiting for {server} to close: {}", error::io_text(&e));
                let reset = e.kind() == io::ErrorKind::ConnectionReset;
                break reset.then_some(Ending::Reset);
            }
        }
    };
    if extra > 0 {
        bail!(t!("sent-more", server = server, extra = extra));
    }
    Ok(ending)
}

/// How the connection ended after our FIN, as step 5 tells it once the socket is closed. The
/// side that sends the first FIN is the one that keeps the connection in TIME_WAIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Our FIN went first and the server's followed: TIME_WAIT is on our side.
    OursFirst,
    /// The server's FIN came before ours: TIME_WAIT is on its side.
    ServerFirst,
    /// Our FIN went first and the server's has not come: our side waits in FIN_WAIT_2.
    ServerStillOpen { waited: Duration },
    /// The server reset the connection instead of closing it: nothing lingers.
    Reset,
}

impl Ending {
    /// What step 5 says after close(): where the connection lingers, if anywhere.
    pub fn narration(self, local: SocketAddr, server: SocketAddr) -> String {
        match self {
            Ending::OursFirst => t!("closed-ours-first", local = local, port = local.port()),
            Ending::ServerFirst => t!("closed-server-first", server = server, local = local),
            Ending::ServerStillOpen { waited } => t!(
                "closed-server-open",
                waited = format!("{waited:?}"),
                local = local
            ),
            Ending::Reset => t!("closed-reset", server = server),
        }
    }
}

/// Whose FIN went first, `server` or `ours`, as step 5's sentences (`$first`) choose on it.
pub fn first_fin(server_first: bool) -> &'static str {
    if server_first {
        "server"
    } else {
        "ours"
    }
}
