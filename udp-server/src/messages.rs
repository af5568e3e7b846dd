//! Every sentence udp-server says to a person, one table per language: the `--explain`
//! narration and the errors. `en.rs` and `zh.rs` each implement [`Messages`] whole (no method
//! has a default, so a missing sentence does not compile); a third language is a third file.
//! Log lines stay in English (see `common::lang`), and so do the errors that only ever reach the
//! log (a reply too large, a send that failed: answer.rs).

use std::net::SocketAddr;

use common::lang;

mod en;
mod zh;

pub trait Messages: Sync {
    // The steps, for --explain.
    fn created_socket(&self, family: &str, socket_type: &str) -> String;
    /// Step 2, which also says what a UDP server does not do: listen() and accept().
    fn bound(&self, addr: SocketAddr, reach: &str) -> String;
    fn received(&self, len: usize, from: SocketAddr) -> String;
    fn sent(&self, len: usize, to: SocketAddr) -> String;
    fn over_rate_limit(&self, from: SocketAddr) -> String;

    // What was being done when an error came.
    fn creating_socket(&self, addr: SocketAddr) -> String;
    fn reading_bound_address(&self, addr: SocketAddr) -> String;
    fn writing_listening_line(&self) -> &'static str;
    fn setting_receive_timeout(&self) -> &'static str;
    fn starting_worker(&self) -> &'static str;
    fn worker_panicked(&self) -> &'static str;
}

/// The table of the language chosen for this run.
pub fn say() -> &'static dyn Messages {
    lang::pick::<dyn Messages>(&en::English, &zh::Chinese)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sentence of a table, each with the same made-up values.
    fn every_sentence(table: &dyn Messages) -> Vec<String> {
        let addr: SocketAddr = "127.0.0.1:12345".parse().unwrap();
        let peer: SocketAddr = "[::1]:42258".parse().unwrap();
        vec![
            table.created_socket("IPv4 (AF_INET)", "(SOCK_DGRAM)"),
            table.bound(addr, "REACH"),
            table.received(517, peer),
            table.sent(1033, peer),
            table.over_rate_limit(peer),
            table.creating_socket(addr),
            table.reading_bound_address(addr),
            table.writing_listening_line().to_string(),
            table.setting_receive_timeout().to_string(),
            table.starting_worker().to_string(),
            table.worker_panicked().to_string(),
        ]
    }

    #[test]
    fn every_sentence_is_in_both_tables_each_in_its_language_with_the_same_values() {
        let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        let english = every_sentence(&en::English);
        let chinese = every_sentence(&zh::Chinese);
        for (en, zh) in english.iter().zip(&chinese) {
            assert!(!en.is_empty() && !en.chars().any(is_cjk), "{en}");
            assert!(zh.chars().any(is_cjk), "not Chinese: {zh}");
            // Addresses, numbers and technical tokens are the same in both.
            for token in [
                "127.0.0.1:12345",
                "[::1]:42258",
                "517",
                "1033",
                "IPv4 (AF_INET)",
                "(SOCK_DGRAM)",
                "REACH",
                "UDP",
                "listen()",
                "accept()",
                "`listening on`",
            ] {
                assert_eq!(
                    en.contains(token),
                    zh.contains(token),
                    "{token}: {en} / {zh}"
                );
            }
        }
    }
}
