//! Every sentence udp-client says to a person, one table per language: the `--explain`
//! narration, the errors and their hints (ping mode's own are in measure/src/messages.rs).
//! `en.rs` and `zh.rs` each implement [`Messages`] whole (no method has a default, so a missing
//! sentence does not compile); a third language is a third file. stdout (the replies, the
//! prompt, ping's lines) and log lines stay in English (see `common::lang`).

use std::net::SocketAddr;
use std::time::Duration;

use common::lang;

mod en;
mod zh;

/// The call on the connected socket that failed, or that an ICMP error came back on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Send,
    Receive,
}

/// Why a datagram that came is not the answer to the message being sent, and is set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotTheAnswer {
    /// It is the uppercase or the echo of `message`, sent earlier and given up on: that
    /// message's late reply.
    Late { message: String },
    /// It repeats the answer already taken for `message`, sent earlier more than once: the
    /// reply to another of its tries.
    Repeat { message: String },
    /// It was already waiting before this message was sent.
    Early,
}

pub trait Messages: Sync {
    // The steps, for --explain.
    fn created_socket(&self, family: &str, socket_type: &str) -> String;
    /// The bind nobody asked for, that connect() did: to `local`, on an ephemeral port.
    fn bound_implicitly(&self, local: SocketAddr) -> String;
    fn connected(&self, server: SocketAddr) -> String;
    fn sent(&self, len: usize, server: SocketAddr, attempt: u32, tries: u32) -> String;
    /// `expected`: the reply is the message's uppercase or its echo; else it is something
    /// else, taken as the answer all the same.
    fn received(&self, len: usize, server: SocketAddr, expected: bool) -> String;
    fn set_aside(&self, len: usize, why: &NotTheAnswer) -> String;
    /// No answer within `timeout`; `set_aside` datagrams that were not the answer came meanwhile.
    fn timed_out(&self, timeout: Duration, set_aside: u64) -> String;

    // Errors, and their hints.
    fn no_answer(
        &self,
        server: SocketAddr,
        tries: u32,
        timeout: Duration,
        set_aside: u64,
    ) -> String;
    fn hint_no_answer(&self, set_aside: u64) -> &'static str;
    /// Nothing listens on the server's port: `os_error` is how the ICMP message came back.
    fn port_unreachable(&self, server: SocketAddr, os_error: &str, op: Op) -> String;
    /// `start` is how the user would start the server (`cli::how_to_start`).
    fn hint_port_unreachable(&self, start: &str) -> String;
    fn failed(&self, op: Op, server: SocketAddr, why: &str) -> String;
    fn too_long(&self, len: usize, server: SocketAddr, limit: usize, version: &str) -> String;
    /// MESSAGE arguments: `unanswered` of `total` got no answer (each was reported already).
    fn messages_unanswered(&self, unanswered: usize, total: usize) -> String;

    // Flags people type: what a ping user or a `nc HOST PORT` user would write.
    /// The label of a warning line, as [`common::messages::error_label`] is an error's.
    fn warning(&self) -> &'static str;
    /// The first MESSAGE looks like a server's address, yet is sent as text to `server`;
    /// `command` is the one that talks to that server.
    fn message_looks_like_a_server(
        &self,
        message: &str,
        server: SocketAddr,
        command: &str,
    ) -> String;
    /// Ping mode was asked for, and a MESSAGE that looks like a server came too.
    fn server_given_as_a_message(&self, message: &str) -> String;
    fn hint_ping_that_server(&self, command: &str) -> String;
    /// Ping mode was asked for, and MESSAGE arguments came too.
    fn ping_takes_no_messages(&self, message: &str) -> String;
    fn hint_ping_takes_no_messages(&self) -> &'static str;
    /// `--host HOST:PORT` names `in_host`, and `--port` another port.
    fn two_ports(&self, host: &str, in_host: u16, port: u16) -> String;
    /// `-i TEXT`: a bare number of 50 or more, which is seconds now, not milliseconds.
    fn interval_in_seconds(&self, text: &str) -> String;

    // What was being done when an error came.
    fn creating_socket(&self, server: SocketAddr) -> String;
    fn connecting(&self, server: SocketAddr) -> String;
    fn reading_local_address(&self) -> &'static str;
    fn reading_input(&self) -> &'static str;
    fn setting_timeout(&self) -> &'static str;
    fn setting_aside_early(&self) -> &'static str;
}

/// The table of the language chosen for this run.
pub fn say() -> &'static dyn Messages {
    lang::pick::<dyn Messages>(&en::English, &zh::Chinese)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sentence of both tables, with the same arguments: each variant of each.
    fn every_sentence(m: &dyn Messages) -> Vec<String> {
        let server: SocketAddr = "127.0.0.1:12345".parse().unwrap_or_else(|_| unreachable!());
        let local: SocketAddr = "127.0.0.1:42258".parse().unwrap_or_else(|_| unreachable!());
        let second = Duration::from_secs(1);
        let message = "hello".to_owned();
        let mut all = vec![
            m.created_socket("IPv4 (AF_INET)", "datagram (SOCK_DGRAM)"),
            m.bound_implicitly(local),
            m.connected(server),
            m.sent(5, server, 1, 3),
            m.received(5, server, true),
            m.received(5, server, false),
            m.set_aside(
                5,
                &NotTheAnswer::Late {
                    message: message.clone(),
                },
            ),
            m.set_aside(5, &NotTheAnswer::Repeat { message }),
            m.set_aside(5, &NotTheAnswer::Early),
            m.timed_out(second, 0),
            m.timed_out(second, 2),
            m.no_answer(server, 3, second, 0),
            m.no_answer(server, 1, second, 2),
            m.hint_no_answer(0).to_owned(),
            m.hint_no_answer(2).to_owned(),
            m.hint_port_unreachable("cargo run -p udp-server"),
            m.too_long(65_508, server, 65_507, "IPv4"),
            m.creating_socket(server),
            m.connecting(server),
            m.reading_local_address().to_owned(),
            m.reading_input().to_owned(),
            m.setting_timeout().to_owned(),
            m.setting_aside_early().to_owned(),
            m.messages_unanswered(1, 3),
            m.warning().to_owned(),
            m.message_looks_like_a_server(
                "10.0.0.5:9999",
                server,
                "udp-client --host 10.0.0.5 --port 9999",
            ),
            m.server_given_as_a_message("example.com"),
            m.hint_ping_that_server("udp-client --host example.com --port 12345 -c 3"),
            m.ping_takes_no_messages("hello"),
            m.hint_ping_takes_no_messages().to_owned(),
            m.two_ports("127.0.0.1:80", 80, 12345),
            m.interval_in_seconds("200"),
        ];
        for op in [Op::Send, Op::Receive] {
            all.push(m.port_unreachable(server, "connection refused", op));
            all.push(m.failed(op, server, "no buffer space available"));
        }
        all
    }

    #[test]
    fn every_sentence_exists_in_both_languages() {
        let cjk = |s: &String| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let english = every_sentence(&en::English);
        let chinese = every_sentence(&zh::Chinese);
        for (en, zh) in english.iter().zip(&chinese) {
            assert!(!en.is_empty() && !cjk(en), "not English: {en}");
            assert!(cjk(zh), "not Chinese: {zh} (English: {en})");
        }
        // Each variant says something of its own.
        for table in [&english, &chinese] {
            for (i, a) in table.iter().enumerate() {
                assert!(!table[i + 1..].contains(a), "said twice: {a}");
            }
        }
    }
}
