//! udp-server's sentences in English.

use std::net::SocketAddr;

use super::Messages;

pub struct English;

impl Messages for English {
    fn created_socket(&self, family: &str, socket_type: &str) -> String {
        format!("created a socket: {family} + {socket_type} = UDP")
    }

    fn bound(&self, addr: SocketAddr, reach: &str) -> String {
        format!(
            "bound to {addr}, {reach}; no listen() and no accept(): UDP has no connections, \
             datagrams just arrive"
        )
    }

    fn received(&self, len: usize, from: SocketAddr) -> String {
        format!("received a {len}-byte datagram from {from}")
    }

    fn sent(&self, len: usize, to: SocketAddr) -> String {
        format!(
            "sent its uppercase, {len} bytes, back to {to} (whether it arrives, UDP does not say)"
        )
    }

    fn over_rate_limit(&self, from: SocketAddr) -> String {
        format!("sent nothing: {from} is over its rate limit")
    }

    fn creating_socket(&self, addr: SocketAddr) -> String {
        format!("creating a UDP socket for {addr}")
    }

    fn reading_bound_address(&self, addr: SocketAddr) -> String {
        format!("reading the address bound for {addr}")
    }

    fn writing_listening_line(&self) -> &'static str {
        "writing the `listening on` line"
    }

    fn setting_receive_timeout(&self) -> &'static str {
        "setting the receive timeout"
    }

    fn starting_worker(&self) -> &'static str {
        "starting a worker thread"
    }

    fn worker_panicked(&self) -> &'static str {
        "a worker thread panicked"
    }
}
