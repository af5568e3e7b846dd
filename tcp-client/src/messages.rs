//! Every sentence tcp-client says to a person, one table per language: the `--explain`
//! narration, the errors and their hints (load mode's own are in measure/src/messages.rs).
//! `en.rs` and `zh.rs` each implement [`Messages`] whole (no method has a default, so a missing
//! sentence does not compile); a third language is a third file. stdout (the replies, load
//! mode's report) and log lines stay in English (see `common::lang`).

use std::net::SocketAddr;
use std::time::Duration;

use common::lang;

mod en;
mod zh;

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

pub trait Messages: Sync {
    // The steps, for --explain.
    fn creating_socket(&self, family: &str, socket_type: &str) -> String;
    fn connected(&self, local: SocketAddr, server: SocketAddr) -> String;
    fn sent(&self, bytes: usize) -> String;
    fn received(&self, bytes: usize, so_far: usize, sent: usize) -> String;
    /// After shutdown(Write): our FIN, first or second.
    fn shut_down(&self, server_first: bool) -> String;
    /// The server's end of stream (its FIN) has been read.
    fn server_closed(&self, server_first: bool) -> String;
    /// After close(): where the connection lingers, if anywhere.
    fn closed(&self, ending: Ending, local: SocketAddr, server: SocketAddr) -> String;

    // What was being done when an error came, and what went wrong.
    fn reading_local_address(&self) -> &'static str;
    fn setting_option(&self, option: &str) -> String;
    fn reading_stdin(&self) -> &'static str;
    fn size_too_large(&self) -> &'static str;
    fn no_address(&self) -> &'static str;
    fn cannot_connect(&self, addr: SocketAddr, why: &str) -> String;
    /// `start` is how the user would start the server (`cli::how_to_start`).
    fn hint_start_server(&self, start: &str) -> String;
    fn hint_no_answer(&self, timeout: Duration) -> String;
    fn closed_early(&self, server: SocketAddr, got: usize, of: usize) -> String;
    /// A failure partway through a reply: `why` after how much of it had come.
    fn after_bytes(&self, got: usize, of: usize, why: &str) -> String;
    fn reply_differs(&self, server: SocketAddr, at: usize) -> String;
    fn no_reply(&self, server: SocketAddr, timeout: Duration) -> String;
    fn reset(&self, server: SocketAddr) -> String;
    fn sending_to(&self, server: SocketAddr, why: &str) -> String;
    fn reading_reply_from(&self, server: SocketAddr, why: &str) -> String;
    fn sent_more(&self, server: SocketAddr, extra: u64) -> String;

    // Flags people type: a host given as a message, a port given inside --host. `command` is
    // how the user runs this program (`tcp-client`, or `cargo run -p tcp-client --`).
    /// The label of a warning line, as `error: ` is an error's.
    fn warning(&self) -> &'static str;
    /// A first MESSAGE that is surely a host (an IP address, host:port, or a name and a port).
    fn message_is_a_host(&self, message: &str) -> String;
    fn hint_message_is_a_host(&self, command: &str, message: &str, host: &str, port: u16)
        -> String;
    /// A first MESSAGE that may be a host (a name with a dot): sent, with a warning.
    fn message_may_be_a_host(&self, message: &str, host: &str, port: u16) -> String;
    fn hint_message_may_be_a_host(&self, command: &str, host: &str, port: u16) -> String;
    /// `--host H:P` with a --port that says otherwise.
    fn host_port_conflict(&self, arg: &str, in_host: u16, flag: u16) -> String;
    fn hint_host_port_conflict(&self, host: &str, in_host: u16, flag: u16) -> String;
    /// `--host H:X` where X is no port number.
    fn host_bad_port(&self, arg: &str, port: &str) -> String;
    fn hint_host_bad_port(&self, host: &str) -> String;
}

/// The table of the language chosen for this run.
pub fn say() -> &'static dyn Messages {
    lang::pick::<dyn Messages>(&en::English, &zh::Chinese)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sentence of a table, made with sample values.
    fn every_sentence(m: &dyn Messages) -> Vec<String> {
        let a: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:8888".parse().unwrap();
        let t = Duration::from_secs(2);
        let mut all = vec![
            m.creating_socket("IPv4", "SOCK_STREAM"),
            m.connected(a, b),
            m.sent(17),
            m.received(1, 1, 2),
            m.shut_down(false),
            m.shut_down(true),
            m.server_closed(false),
            m.server_closed(true),
            m.setting_option("TCP_NODELAY"),
            m.cannot_connect(b, "connection refused"),
            m.hint_no_answer(t),
            m.closed_early(b, 5, 10),
            m.after_bytes(1, 5, "x"),
            m.reply_differs(b, 3),
            m.no_reply(b, t),
            m.reset(b),
            m.sending_to(b, "x"),
            m.reading_reply_from(b, "x"),
            m.sent_more(b, 9),
            m.message_is_a_host("127.0.0.1"),
            m.hint_message_is_a_host("tcp-client", "127.0.0.1", "127.0.0.1", 8888),
            m.message_may_be_a_host("example.com", "127.0.0.1", 8888),
            m.hint_message_may_be_a_host("tcp-client", "example.com", 8888),
            m.host_port_conflict("127.0.0.1:9000", 9000, 8888),
            m.hint_host_port_conflict("127.0.0.1", 9000, 8888),
            m.host_bad_port("example.com:http", "http"),
            m.hint_host_bad_port("example.com"),
        ];
        for ending in [
            Ending::OursFirst,
            Ending::ServerFirst,
            Ending::ServerStillOpen { waited: t },
            Ending::Reset,
        ] {
            all.push(m.closed(ending, a, b));
        }
        all.extend(
            [
                m.reading_local_address(),
                m.reading_stdin(),
                m.size_too_large(),
                m.no_address(),
                &m.hint_start_server("cargo run -p tcp-server"),
                m.warning(),
            ]
            .map(String::from),
        );
        all
    }

    #[test]
    fn every_sentence_is_in_both_languages() {
        let english = every_sentence(&en::English);
        let chinese = every_sentence(&zh::Chinese);
        let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        for (en, zh) in english.iter().zip(&chinese) {
            assert!(
                !en.chars().any(is_cjk),
                "Chinese in the English table: {en}"
            );
            assert!(zh.chars().any(is_cjk), "not said in Chinese: {zh}");
            // Chinese sentences use full-width punctuation.
            assert!(
                ![", ", "; ", ": "].iter().any(|p| zh.contains(p)),
                "half-width punctuation in: {zh}"
            );
        }
    }
}
