//! tcp-server's sentences in English.

use std::net::SocketAddr;

use super::{Backlog, Messages, Why};

pub struct English;

impl Messages for English {
    fn created_socket(&self, family: &str, socket_type: &str) -> String {
        format!("created a socket: {family} + {socket_type} = TCP")
    }

    fn bound(&self, addr: SocketAddr, reach: &str) -> String {
        format!("bound to {addr}, {reach}")
    }

    fn listening(&self, backlog: Backlog) -> String {
        let cap = match backlog.capped_by {
            Some(cap) => format!(
                " (--backlog {} asked for more; the kernel caps it at net.core.somaxconn = {cap})",
                backlog.asked
            ),
            None if !backlog.cap_known => {
                " (or fewer: the operating system may cap it)".to_string()
            }
            None => String::new(),
        };
        format!(
            "listening: the kernel now completes handshakes on its own and queues up to {} of \
             them for accept(){cap}; the backlog is that queue, not a limit on connections",
            backlog.effective()
        )
    }

    fn accepted(&self, peer: SocketAddr) -> String {
        format!(
            "accepted {peer}: a new socket for this client alone (the listening one goes on \
             listening); port {} is the ephemeral port the client's system picked",
            peer.port()
        )
    }

    fn exchanged(&self, peer: SocketAddr, received: usize, sent: usize) -> String {
        format!("received {received} bytes from {peer}, sent {sent} back")
    }

    fn closing(&self, peer: SocketAddr, echoed: u64, why: Why) -> String {
        let why = match why {
            Why::Finished => {
                "the client closed its side (its FIN: end of stream) and has all its echo; our \
                 close() sends our FIN"
            }
            Why::Failed => "the connection failed",
            Why::Idle => "it was idle too long",
            Why::Evicted => "the server was full, and it had been idle longest",
            Why::Stopping => "the server is stopping",
        };
        format!("closing the socket for {peer} after echoing {echoed} bytes: {why}")
    }

    fn creating_socket(&self, addr: SocketAddr) -> String {
        format!("creating a TCP socket for {addr}")
    }

    fn setting_option(&self, option: &str, addr: SocketAddr) -> String {
        format!("setting {option} on {addr}")
    }

    fn making_nonblocking(&self, addr: SocketAddr) -> String {
        format!("making the socket for {addr} non-blocking")
    }

    fn reading_bound_address(&self, addr: SocketAddr) -> String {
        format!("reading the address bound for {addr}")
    }

    fn sharing_listener(&self) -> &'static str {
        "sharing the listening socket between threads"
    }

    fn worker_panicked(&self) -> &'static str {
        "a worker thread panicked"
    }

    fn creating_epoll(&self) -> &'static str {
        "creating an epoll instance"
    }

    fn registering_listener(&self) -> &'static str {
        "registering the listening socket with epoll"
    }

    fn creating_waker(&self) -> &'static str {
        "creating a waker"
    }

    fn waiting_for_events(&self) -> &'static str {
        "waiting for socket events"
    }
}
