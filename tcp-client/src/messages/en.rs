//! tcp-client's sentences in English.

use std::net::SocketAddr;
use std::time::Duration;

use common::text::count;

use super::{Ending, Messages};

pub struct English;

impl Messages for English {
    fn creating_socket(&self, family: &str, socket_type: &str) -> String {
        format!("creating a socket: {family} + {socket_type} = TCP")
    }

    fn connected(&self, local: SocketAddr, server: SocketAddr) -> String {
        format!(
            "connected from {local} to {server}: inside connect() our SYN went out, the server's \
             SYN-ACK came back and our ACK completed the three-way handshake; port {} is an \
             ephemeral port this system picked for us",
            local.port()
        )
    }

    fn sent(&self, bytes: usize) -> String {
        format!("sent {bytes} bytes")
    }

    fn received(&self, bytes: usize, so_far: usize, sent: usize) -> String {
        format!(
            "received {bytes} bytes: {so_far} of the {sent} sent so far (TCP is a stream: a \
             reply may come in several reads)"
        )
    }

    fn shut_down(&self, server_first: bool) -> String {
        if server_first {
            "closed our sending side with shutdown(Write); the server had closed its side first \
             (its FIN came and our system ACKed it), so our FIN is the second half of the \
             four-way close, and the server ACKs it"
                .to_string()
        } else {
            "closed our sending side with shutdown(Write): our FIN goes out and the server's \
             system ACKs it, the first half of the four-way close; the server reads end of \
             stream"
                .to_string()
        }
    }

    fn server_closed(&self, server_first: bool) -> String {
        if server_first {
            "the server sent nothing beyond the echo before its FIN".to_string()
        } else {
            "the server closed its side too: its FIN came and our system ACKed it, the second \
             half of the four-way close; it sent nothing beyond the echo"
                .to_string()
        }
    }

    fn closed(&self, ending: Ending, local: SocketAddr, server: SocketAddr) -> String {
        match ending {
            Ending::OursFirst => format!(
                "closed the socket. We sent the first FIN, so our side of the connection, \
                 {local}, stays in TIME_WAIT for 2MSL (a fixed 60 s on Linux) after the program \
                 ends: a FIN the server sends again still gets its ACK, and late packets of this \
                 connection die out before a new connection can use the same addresses and \
                 ports. `ss -tan` shows it as TIME-WAIT on our ephemeral port {}, not on the \
                 server's port",
                local.port()
            ),
            Ending::ServerFirst => format!(
                "closed the socket. The server sent the first FIN, so TIME_WAIT (2MSL, 60 s on \
                 Linux) is on its side, {server}; ours, {local}, is gone once the server ACKs \
                 our FIN"
            ),
            Ending::ServerStillOpen { waited } => format!(
                "closed the socket while the server keeps its side open (no FIN from it within \
                 {waited:?}): our side, {local}, waits for that FIN in FIN_WAIT_2 for at most \
                 net.ipv4.tcp_fin_timeout (60 s by default), and goes to TIME_WAIT if it comes"
            ),
            Ending::Reset => format!(
                "closed the socket. {server} reset the connection (RST) after the echo instead \
                 of closing it, so neither side keeps it in TIME_WAIT"
            ),
        }
    }

    fn reading_local_address(&self) -> &'static str {
        "reading our local address"
    }

    fn setting_option(&self, option: &str) -> String {
        format!("setting {option}")
    }

    fn reading_stdin(&self) -> &'static str {
        "reading standard input"
    }

    fn size_too_large(&self) -> &'static str {
        "--size does not fit in memory"
    }

    fn no_address(&self) -> &'static str {
        "no address to connect to"
    }

    fn cannot_connect(&self, addr: SocketAddr, why: &str) -> String {
        format!("cannot connect to {addr}: {why}")
    }

    fn hint_start_server(&self, start: &str) -> String {
        format!("is the server running? Start it with `{start}` (and the same --port)")
    }

    fn hint_no_answer(&self, timeout: Duration) -> String {
        format!("no answer within {timeout:?}: check the host and port, or raise --timeout")
    }

    fn closed_early(&self, server: SocketAddr, got: usize, of: usize) -> String {
        format!("{server} closed the connection after {got} of {of} bytes of the reply")
    }

    fn after_bytes(&self, got: usize, of: usize, why: &str) -> String {
        format!("after {got} of {of} bytes: {why}")
    }

    fn reply_differs(&self, server: SocketAddr, at: usize) -> String {
        format!("the reply from {server} differs from what was sent, at byte {at}")
    }

    fn no_reply(&self, server: SocketAddr, timeout: Duration) -> String {
        format!("no reply from {server} within {timeout:?}")
    }

    fn reset(&self, server: SocketAddr) -> String {
        format!("{server} reset the connection")
    }

    fn sending_to(&self, server: SocketAddr, why: &str) -> String {
        format!("sending to {server}: {why}")
    }

    fn reading_reply_from(&self, server: SocketAddr, why: &str) -> String {
        format!("reading the reply from {server}: {why}")
    }

    fn sent_more(&self, server: SocketAddr, extra: u64) -> String {
        format!(
            "{server} sent {} more than the echo",
            count(extra, "byte", "bytes")
        )
    }

    fn warning(&self) -> &'static str {
        "warning: "
    }

    fn message_is_a_host(&self, message: &str) -> String {
        format!("\"{message}\" looks like a host to connect to, not a message to send")
    }

    fn hint_message_is_a_host(
        &self,
        command: &str,
        message: &str,
        host: &str,
        port: u16,
    ) -> String {
        format!(
            "to connect to {host} port {port}: `{command} --host {host} --port {port}`; to send \
             \"{message}\" as a message after all, pipe it in: `echo '{message}' | {command} --stdin`"
        )
    }

    fn message_may_be_a_host(&self, message: &str, host: &str, port: u16) -> String {
        format!(
            "\"{message}\" looks like a host name; it is sent as a message, to {host} port {port}"
        )
    }

    fn hint_message_may_be_a_host(&self, command: &str, host: &str, port: u16) -> String {
        format!("to connect to {host} instead: `{command} --host {host} --port {port}`")
    }

    fn host_port_conflict(&self, arg: &str, in_host: u16, flag: u16) -> String {
        format!("--host {arg} names port {in_host}, but --port says {flag}")
    }

    fn hint_host_port_conflict(&self, host: &str, in_host: u16, flag: u16) -> String {
        format!(
            "give the port once, with --port: `--host {host} --port {in_host}` or `--host {host} \
             --port {flag}`"
        )
    }

    fn host_bad_port(&self, arg: &str, port: &str) -> String {
        format!("--host {arg}: \"{port}\" after the colon is not a port number (1 to 65535)")
    }

    fn hint_host_bad_port(&self, host: &str) -> String {
        format!("give the host alone, and the port with --port: `--host {host} --port PORT`")
    }
}
