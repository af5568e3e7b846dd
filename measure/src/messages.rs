//! Every sentence the measuring modes say to a person, one table per language: the errors of
//! tcp-client's load mode and udp-client's ping mode, and their hints. `en.rs` and `zh.rs` each
//! implement [`Messages`] whole (no method has a default, so a missing sentence does not
//! compile). The report lines on stdout and the log lines stay in English (see `common::lang`).

use std::net::SocketAddr;
use std::time::Duration;

use common::lang;

mod en;
mod zh;

pub trait Messages: Sync {
    // Load mode (tcp-client): what was being done when an error came, and what went wrong. The
    // first failed round trip is logged; the count of them is the error.
    fn creating_epoll(&self) -> &'static str;
    fn registering_connection(&self) -> &'static str;
    fn creating_waker(&self) -> &'static str;
    fn waiting_for_events(&self) -> &'static str;
    fn creating_timer(&self) -> &'static str;
    fn setting_timer(&self) -> &'static str;
    fn connecting(&self) -> &'static str;
    fn connecting_to(&self, server: SocketAddr) -> String;
    fn setting_option(&self, option: &str) -> String;
    fn making_nonblocking(&self) -> &'static str;
    fn sending(&self) -> &'static str;
    fn reading_echo(&self) -> &'static str;
    fn no_reply(&self, server: SocketAddr, timeout: Duration) -> String;
    fn load_closed_early(&self, got: usize, size: usize) -> String;
    fn echo_differs(&self) -> &'static str;
    fn load_sent_more(&self, extra: u64) -> String;
    fn round_trips_failed(&self, failed: u64, all: u64) -> String;

    // Ping mode (udp-client).
    fn setting_up_stop(&self) -> &'static str;
    fn waiting_for_replies(&self, server: SocketAddr) -> String;
    fn no_ping_answer(&self, sent: u64) -> String;
    /// Ping mode got `strays` datagrams, and none answered any of its datagrams.
    fn hint_ping_strays(&self, strays: u64) -> String;
    /// No reply in ping mode, though `unreachable` datagrams came back as ICMP port unreachable;
    /// `start` is how the user would start the server.
    fn hint_ping_unreachable(&self, unreachable: u64, start: &str) -> String;
    /// Ping mode with --count and --deadline: fewer replies than --count by the deadline.
    fn ping_short_of_count(&self, received: u64, count: u64, deadline: Duration) -> String;
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
        let server: SocketAddr = "127.0.0.1:8888".parse().unwrap();
        let second = Duration::from_secs(1);
        let mut all = vec![
            m.connecting_to(server),
            m.setting_option("TCP_NODELAY"),
            m.no_reply(server, second),
            m.load_closed_early(5, 10),
            m.load_sent_more(5),
            m.round_trips_failed(1, 5),
            m.waiting_for_replies(server),
            m.no_ping_answer(2),
            m.no_ping_answer(1),
            m.hint_ping_strays(2),
            m.hint_ping_unreachable(2, "cargo run -p udp-server"),
            m.ping_short_of_count(2, 3, second),
        ];
        all.extend(
            [
                m.creating_epoll(),
                m.registering_connection(),
                m.creating_waker(),
                m.waiting_for_events(),
                m.creating_timer(),
                m.setting_timer(),
                m.connecting(),
                m.making_nonblocking(),
                m.sending(),
                m.reading_echo(),
                m.echo_differs(),
                m.setting_up_stop(),
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
                !en.is_empty() && !en.chars().any(is_cjk),
                "not English: {en}"
            );
            assert!(zh.chars().any(is_cjk), "not said in Chinese: {zh} ({en})");
        }
        // Each sentence says something of its own.
        for table in [&english, &chinese] {
            for (i, a) in table.iter().enumerate() {
                assert!(!table[i + 1..].contains(a), "said twice: {a}");
            }
        }
    }
}
