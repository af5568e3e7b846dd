//! Every sentence tcp-server says to a person, one table per language: the `--explain`
//! narration and the errors. `en.rs` and `zh.rs` each implement [`Messages`] whole (no method
//! has a default, so a missing sentence does not compile); a third language is a third file.
//! Log lines stay in English (see `common::lang`).

use std::net::SocketAddr;

use common::lang;

mod en;
mod zh;

/// How a connection ended, as step 6 tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Finished,
    Failed,
    Idle,
    Evicted,
    Stopping,
}

/// The listen() backlog as the kernel takes it: what was asked, and the kernel's cap when it
/// lowered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    pub asked: i32,
    /// `net.core.somaxconn`, when it is lower than what was asked.
    pub capped_by: Option<i32>,
    /// False where the kernel's cap was not read (elsewhere than on Linux): it may be lower.
    pub cap_known: bool,
}

impl Backlog {
    /// The queue's real length.
    pub fn effective(&self) -> i32 {
        self.capped_by.unwrap_or(self.asked)
    }
}

pub trait Messages: Sync {
    // The steps, for --explain.
    fn created_socket(&self, family: &str, socket_type: &str) -> String;
    fn bound(&self, addr: SocketAddr, reach: &str) -> String;
    fn listening(&self, backlog: Backlog) -> String;
    fn accepted(&self, peer: SocketAddr) -> String;
    fn exchanged(&self, peer: SocketAddr, received: usize, sent: usize) -> String;
    fn closing(&self, peer: SocketAddr, echoed: u64, why: Why) -> String;

    // What was being done when an error came.
    fn creating_socket(&self, addr: SocketAddr) -> String;
    fn setting_option(&self, option: &str, addr: SocketAddr) -> String;
    fn making_nonblocking(&self, addr: SocketAddr) -> String;
    fn reading_bound_address(&self, addr: SocketAddr) -> String;
    fn sharing_listener(&self) -> &'static str;
    fn worker_panicked(&self) -> &'static str;
    fn creating_epoll(&self) -> &'static str;
    fn registering_listener(&self) -> &'static str;
    fn creating_waker(&self) -> &'static str;
    fn waiting_for_events(&self) -> &'static str;
}

/// The table of the language chosen for this run.
pub fn say() -> &'static dyn Messages {
    lang::pick::<dyn Messages>(&en::English, &zh::Chinese)
}
