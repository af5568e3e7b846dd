//! common's own sentences, one table per language (see [`crate::lang`]): the names of the
//! document's steps, what an address family and a bound address mean, the `error:` and `hint:`
//! labels, OS errors, and the errors about hosts and ports that every program can meet.

use std::net::SocketAddr;

use crate::lang;

mod en;
mod zh;

/// A step of the document, as `--explain` names it. The numbers differ per program (a UDP
/// server's third step is a receive), so each `step!` gives its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Socket,
    Bind,
    Listen,
    Accept,
    Exchange,
    Close,
    Connect,
    Send,
    Receive,
}

/// Who can reach a bound address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// 127.0.0.1, ::1: programs on this machine only.
    Loopback,
    /// 0.0.0.0, ::: every address of this machine.
    Everywhere,
    /// One address of this machine.
    One,
}

/// Every sentence of common's, in one language. No method has a default: a table that lacks a
/// sentence does not compile.
pub trait Messages: Sync {
    /// The word before a step's number in `[step 2 bind]`.
    fn step(&self) -> &'static str;
    fn step_name(&self, step: Step) -> &'static str;
    /// "stream (SOCK_STREAM)" or "datagram (SOCK_DGRAM)".
    fn socket_type(&self, stream: bool) -> &'static str;
    fn reach(&self, reach: Reach) -> &'static str;
    /// The labels of the two lines a failure prints.
    fn error(&self) -> &'static str;
    fn hint(&self) -> &'static str;
    /// An OS error by its number, when this table has words for it; else the system's own.
    fn os_error(&self, errno: i32) -> Option<&'static str>;
    /// An I/O error that has no number (a timeout measured by the program, say), by its kind.
    fn io_kind(&self, kind: std::io::ErrorKind) -> Option<&'static str>;
    /// What joins an error to its cause on the one line: ": ", or "：" in Chinese.
    fn joiner(&self) -> &'static str;
    fn cannot_listen(&self, addr: SocketAddr, why: &str) -> String;
    fn hint_addr_in_use(&self) -> &'static str;
    fn hint_privileged_port(&self) -> &'static str;
    fn hint_addr_not_available(&self) -> &'static str;
    fn host_empty(&self) -> &'static str;
    fn cannot_resolve(&self, host: &str) -> String;
    fn no_addresses(&self, host: &str) -> String;
    fn installing_signal_handler(&self) -> &'static str;
    fn starting_thread(&self) -> &'static str;
}

/// The table of the language chosen for this run.
pub fn say() -> &'static dyn Messages {
    lang::pick::<dyn Messages>(&en::English, &zh::Chinese)
}

/// Both tables, for tests that hold one against the other.
pub fn tables() -> [&'static dyn Messages; 2] {
    [&en::English, &zh::Chinese]
}
