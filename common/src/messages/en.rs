//! common's sentences in English.

use std::net::SocketAddr;

use super::{Messages, Reach, Step};

pub struct English;

impl Messages for English {
    fn step(&self) -> &'static str {
        "step"
    }

    fn step_name(&self, step: Step) -> &'static str {
        match step {
            Step::Socket => "socket",
            Step::Bind => "bind",
            Step::Listen => "listen",
            Step::Accept => "accept",
            Step::Exchange => "exchange",
            Step::Close => "close",
            Step::Connect => "connect",
            Step::Send => "send",
            Step::Receive => "receive",
        }
    }

    fn socket_type(&self, stream: bool) -> &'static str {
        if stream {
            "stream (SOCK_STREAM)"
        } else {
            "datagram (SOCK_DGRAM)"
        }
    }

    fn reach(&self, reach: Reach) -> &'static str {
        match reach {
            Reach::Loopback => "a loopback address: only programs on this machine can reach it",
            Reach::Everywhere => "every address of this machine: other machines can reach it too",
            Reach::One => "one address of this machine: whoever can route to it can reach it",
        }
    }

    fn error(&self) -> &'static str {
        "error: "
    }

    fn hint(&self) -> &'static str {
        "hint: "
    }

    fn os_error(&self, _errno: i32) -> Option<&'static str> {
        None // The system's own words are English.
    }

    fn io_kind(&self, _kind: std::io::ErrorKind) -> Option<&'static str> {
        None
    }

    fn joiner(&self) -> &'static str {
        ": "
    }

    fn cannot_listen(&self, addr: SocketAddr, why: &str) -> String {
        format!("cannot listen on {addr}: {why}")
    }

    fn hint_addr_in_use(&self) -> &'static str {
        "another server may be running on that port: stop it, or pick another with --port (0 picks a free one)"
    }

    fn hint_privileged_port(&self) -> &'static str {
        "ports below 1024 need privileges: pick one above 1023"
    }

    fn hint_addr_not_available(&self) -> &'static str {
        "that address does not belong to this machine: try 127.0.0.1 or 0.0.0.0"
    }

    fn host_empty(&self) -> &'static str {
        "the host is empty: give a name or an address such as 127.0.0.1"
    }

    fn cannot_resolve(&self, host: &str) -> String {
        format!("cannot resolve host {host:?}")
    }

    fn no_addresses(&self, host: &str) -> String {
        format!("host {host:?} has no addresses")
    }

    fn installing_signal_handler(&self) -> &'static str {
        "installing the Ctrl-C handler"
    }

    fn starting_thread(&self) -> &'static str {
        "starting a thread"
    }
}
