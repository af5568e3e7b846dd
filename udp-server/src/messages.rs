//! udp-server's sentences for people (the `--explain` narration and the errors that stop the
//! server): the text lives in locales/en.ftl and locales/zh.ftl, which an editor can fix without
//! reading Rust; `t!("id", name = value)` says one in the run's language (see common::i18n).
//! Log lines stay in English (see `common::lang`), and so do the errors that only ever reach the
//! log (a reply too large, a send that failed: answer.rs).

common::catalog!();

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use common::i18n::Arg;
    use common::lang::Lang;

    use super::CATALOG;

    /// Every message in `lang`, each with the same made-up values.
    fn every_sentence(lang: Lang) -> Vec<String> {
        let addr: SocketAddr = "127.0.0.1:12345".parse().unwrap();
        let peer: SocketAddr = "[::1]:42258".parse().unwrap();
        let say = |id: &str, args: &[(&str, Arg)]| CATALOG.say_in(lang, id, args);
        vec![
            say(
                "created-socket",
                &[
                    ("family", "IPv4 (AF_INET)".into()),
                    ("kind", "(SOCK_DGRAM)".into()),
                ],
            ),
            say("bound", &[("addr", addr.into()), ("reach", "REACH".into())]),
            say(
                "received",
                &[("len", 517usize.into()), ("from", peer.into())],
            ),
            say("sent", &[("len", 1033usize.into()), ("to", peer.into())]),
            say("over-rate-limit", &[("from", peer.into())]),
            say("creating-socket", &[("addr", addr.into())]),
            say("reading-bound-address", &[("addr", addr.into())]),
            say("setting-receive-timeout", &[]),
            say("starting-worker", &[]),
            say("worker-panicked", &[]),
        ]
    }

    /// The catalog test checks that both files hold the same messages with the same variables;
    /// this one, that each says its language and keeps the values and technical tokens.
    #[test]
    fn every_sentence_is_in_its_language_with_the_same_values() {
        let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        let english = every_sentence(Lang::En);
        let chinese = every_sentence(Lang::Zh);
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
