//! udp-client's sentences in English.

use std::net::SocketAddr;
use std::time::Duration;

use common::text::count;

use super::{Messages, NotTheAnswer, Op};

pub struct English;

impl Messages for English {
    fn created_socket(&self, family: &str, socket_type: &str) -> String {
        format!("created a socket: {family} + {socket_type} = UDP; it has no address or port yet")
    }

    fn bound_implicitly(&self, local: SocketAddr) -> String {
        format!(
            "connect() bound the socket to {local} first: like the document's client, this one \
             never calls bind(), so the system binds the socket implicitly when it is first used \
             (here by connect(); in the document's client by its first sendto()), to an \
             ephemeral port it picks, {}, and to the local address of the route to the server",
            local.port()
        )
    }

    fn connected(&self, server: SocketAddr) -> String {
        format!(
            "set {server} as the peer: no packet was sent, UDP has no connection to set up. From \
             now on the system drops datagrams from anyone else; and if nothing listens on that \
             port, the server's system answers a datagram with an ICMP port-unreachable message, \
             which reaches us later, as an error on a following send or receive, and only because \
             this socket is connected (the document's unconnected client never hears of it, and \
             waits in recvfrom() for ever)"
        )
    }

    fn sent(&self, len: usize, server: SocketAddr, attempt: u32, tries: u32) -> String {
        format!("sent a {len}-byte datagram to {server} (try {attempt} of {tries})")
    }

    fn received(&self, len: usize, server: SocketAddr, expected: bool) -> String {
        if expected {
            format!("received a {len}-byte datagram from {server}: the answer")
        } else {
            format!(
                "received a {len}-byte datagram from {server}: the answer, though it is neither \
                 the uppercase nor an echo of the message; it belongs to no earlier message still \
                 waiting for its answer, so it is this one's"
            )
        }
    }

    fn set_aside(&self, len: usize, why: &NotTheAnswer) -> String {
        let why = match why {
            NotTheAnswer::Late { message } => format!(
                "it is the reply to {message:?}, an earlier message that got no answer in time"
            ),
            NotTheAnswer::Repeat { message } => format!(
                "it repeats the answer to {message:?}, an earlier message that was sent more \
                 than once: the reply to another of its tries"
            ),
            NotTheAnswer::Early => {
                "it came before this message was sent: a late reply to something earlier".to_owned()
            }
        };
        format!("set aside a {len}-byte datagram that is not the answer: {why}")
    }

    fn timed_out(&self, timeout: Duration, set_aside: u64) -> String {
        let what = if set_aside == 0 {
            format!("nothing came within {timeout:?}")
        } else {
            format!(
                "no answer within {timeout:?}, only {} that {} not the answer",
                count(set_aside, "datagram", "datagrams"),
                if set_aside == 1 { "is" } else { "are" }
            )
        };
        format!(
            "{what}: the datagram or its reply was lost or is late, or the server did not answer"
        )
    }

    fn no_answer(
        &self,
        server: SocketAddr,
        tries: u32,
        timeout: Duration,
        set_aside: u64,
    ) -> String {
        let tries = count(u64::from(tries), "try", "tries");
        if set_aside == 0 {
            format!("no reply from {server} after {tries} of {timeout:?} each")
        } else {
            let came = match set_aside {
                1 => "1 datagram came, not the answer".to_owned(),
                n => format!("{n} datagrams came, none of them the answer"),
            };
            format!("no answer from {server} after {tries} of {timeout:?} each: {came}")
        }
    }

    fn hint_no_answer(&self, set_aside: u64) -> &'static str {
        if set_aside == 0 {
            // Not "is the server running?": the socket is connected, so a missing server
            // would have shown as "port unreachable" (unless a firewall swallows that too).
            "the datagram or its reply may have been lost, or the server chose not to answer \
             (a rate limit, or a reply too large for a datagram); UDP says nothing either way"
        } else {
            "a datagram is set aside only when it provably belongs to something earlier: the \
             reply to an earlier message that is still unanswered, or one that came before this \
             message was sent"
        }
    }

    fn port_unreachable(&self, server: SocketAddr, os_error: &str, op: Op) -> String {
        let op = match op {
            Op::Send => "send",
            Op::Receive => "receive",
        };
        format!(
            "nothing is listening on {server}: the system there answered our datagram with an ICMP \
             port-unreachable message, which came back to this socket on its next {op}, as \
             \"{os_error}\""
        )
    }

    fn hint_port_unreachable(&self, start: &str) -> String {
        format!(
            "start the server with `{start}` (and the same --port); we hear of that ICMP message \
             only because our socket is connected: the document's unconnected client is never \
             told, and waits in recvfrom() for ever"
        )
    }

    fn failed(&self, op: Op, server: SocketAddr, why: &str) -> String {
        match op {
            Op::Send => format!("sending to {server}: {why}"),
            Op::Receive => format!("waiting for a reply from {server}: {why}"),
        }
    }

    fn too_long(&self, len: usize, server: SocketAddr, limit: usize, version: &str) -> String {
        format!(
            "{len} bytes is more than a UDP datagram to {server} carries ({limit}, over \
             {version}): nothing was sent"
        )
    }

    fn messages_unanswered(&self, unanswered: usize, total: usize) -> String {
        format!("{unanswered} of {total} messages got no answer")
    }

    fn warning(&self) -> &'static str {
        "warning: "
    }

    fn message_looks_like_a_server(
        &self,
        message: &str,
        server: SocketAddr,
        command: &str,
    ) -> String {
        format!(
            "{message:?} looks like a server's address, but a MESSAGE is text to send: it goes \
             to {server} as a datagram. To talk to that server instead: `{command}`"
        )
    }

    fn server_given_as_a_message(&self, message: &str) -> String {
        format!(
            "{message:?} looks like a server's address, but it stands where a MESSAGE goes: \
             udp-client, ping mode too, takes the server from --host and --port"
        )
    }

    fn hint_ping_that_server(&self, command: &str) -> String {
        format!("to ping that server: `{command}`")
    }

    fn ping_takes_no_messages(&self, message: &str) -> String {
        format!(
            "ping mode sends numbered datagrams of its own, and takes no MESSAGE ({message:?} \
             was given)"
        )
    }

    fn hint_ping_takes_no_messages(&self) -> &'static str {
        "to send messages, leave out the ping options (--ping, -c, -i, -w, -s, -q, --json); \
         to ping, leave out the messages"
    }

    fn two_ports(&self, host: &str, in_host: u16, port: u16) -> String {
        format!(
            "--host {host} names port {in_host}, and --port names {port}: give the port once, \
             in either"
        )
    }

    fn interval_in_seconds(&self, text: &str) -> String {
        format!(
            "-i {text} waits {text} seconds between datagrams: --interval is in seconds, as \
             ping's -i is (it was milliseconds before); for milliseconds, write -i {text}ms"
        )
    }

    fn creating_socket(&self, server: SocketAddr) -> String {
        format!("creating a UDP socket for {server}")
    }

    fn connecting(&self, server: SocketAddr) -> String {
        format!("setting {server} as the peer")
    }

    fn reading_local_address(&self) -> &'static str {
        "reading the address the system bound the socket to"
    }

    fn reading_input(&self) -> &'static str {
        "reading standard input"
    }

    fn setting_timeout(&self) -> &'static str {
        "setting how long to wait for a reply"
    }

    fn setting_aside_early(&self) -> &'static str {
        "setting aside datagrams that came before the message was sent"
    }
}
