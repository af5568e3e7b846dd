//! measure's sentences for people (the errors of tcp-client's load mode and udp-client's ping
//! mode, and their hints): the text lives in locales/en.ftl and locales/zh.ftl, which an editor
//! can fix without reading Rust; `t!("id", name = value)` says one in the run's language (see
//! common::i18n). The report lines on stdout and the log lines stay in English.

common::catalog!();

#[cfg(test)]
mod tests {
    use common::i18n::Arg;
    use common::lang::Lang;

    use super::CATALOG;

    /// Every message of en.ftl, by its id: the lines that start one (`id = …`).
    fn ids() -> Vec<&'static str> {
        super::EN
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
            .collect()
    }

    /// Every message said with sample values, plurals both ways.
    fn every_sentence(lang: Lang) -> Vec<String> {
        let server = || Arg::from("127.0.0.1:8888");
        let n = |n: u64| Arg::from(n);
        let said: Vec<(&str, Vec<(&str, Arg)>)> = vec![
            ("creating-epoll", vec![]),
            ("creating-waker", vec![]),
            ("creating-timer", vec![]),
            ("connecting-to", vec![("server", server())]),
            ("setting-option", vec![("option", Arg::from("TCP_NODELAY"))]),
            ("making-nonblocking", vec![]),
            ("registering-connection", vec![]),
            ("connecting", vec![]),
            ("sending", vec![]),
            ("reading-echo", vec![]),
            (
                "no-reply",
                vec![("server", server()), ("timeout", Arg::from("1s"))],
            ),
            ("load-closed-early", vec![("got", n(5)), ("size", n(10))]),
            ("echo-differs", vec![]),
            ("load-sent-more", vec![("extra", n(5))]),
            (
                "out-of-descriptors",
                vec![
                    ("why", Arg::from("too many open files")),
                    ("limit", n(64)),
                    ("opened", n(58)),
                ],
            ),
            (
                "hint-out-of-descriptors",
                vec![("wanted", n(200)), ("needed", n(216))],
            ),
            (
                "idle-over-descriptors",
                vec![("wanted", n(30000)), ("limit", n(20000))],
            ),
            ("hint-idle-over-descriptors", vec![("needed", n(30016))]),
            (
                "idle-over-ports",
                vec![("wanted", n(30000)), ("ports", n(28232))],
            ),
            ("hint-idle-over-ports", vec![]),
            (
                "opening-idle",
                vec![("i", n(7)), ("n", n(10)), ("server", server())],
            ),
            ("idle-lost", vec![("lost", n(2)), ("n", n(10))]),
            ("hint-idle-closed", vec![]),
            ("waiting-for-events", vec![]),
            ("setting-timer", vec![]),
            ("round-trips-failed", vec![("failed", n(1)), ("all", n(5))]),
            ("setting-up-stop", vec![]),
            ("size-too-large", vec![]),
            ("waiting-for-replies", vec![("server", server())]),
            ("no-ping-answer", vec![("sent", n(2))]),
            ("no-ping-answer", vec![("sent", n(1))]),
            ("hint-ping-strays", vec![("strays", n(2))]),
            (
                "hint-ping-unreachable",
                vec![
                    ("unreachable", n(2)),
                    (
                        "start",
                        Arg::from("cargo run -p udp-server -- --port 12345"),
                    ),
                ],
            ),
            (
                "ping-short-of-count",
                vec![
                    ("received", n(2)),
                    ("count", n(3)),
                    ("deadline", Arg::from("1s")),
                ],
            ),
        ];
        let listed: std::collections::BTreeSet<&str> = said.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            listed,
            ids().into_iter().collect(),
            "a message is not sampled here"
        );
        said.iter()
            .map(|(id, args)| CATALOG.say_in(lang, id, args))
            .collect()
    }

    #[test]
    fn every_sentence_is_in_both_languages() {
        let english = every_sentence(Lang::En);
        let chinese = every_sentence(Lang::Zh);
        let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        for (en, zh) in english.iter().zip(&chinese) {
            assert!(
                !en.is_empty() && !en.chars().any(is_cjk),
                "not English: {en}"
            );
            assert!(zh.chars().any(is_cjk), "not said in Chinese: {zh} ({en})");
            // English on one line, Chinese one fact a line (error::report puts the later lines
            // under the first; book/terms.toml limits their length); no variable left unfilled.
            assert!(!en.contains('\n'), "{en:?}");
            for said in [en, zh] {
                assert!(!said.contains(['{', '}']), "{said:?}");
            }
        }
        // Each sentence says something of its own.
        for table in [&english, &chinese] {
            for (i, a) in table.iter().enumerate() {
                assert!(!table[i + 1..].contains(a), "said twice: {a}");
            }
        }
    }

    #[test]
    fn counts_are_said_in_the_singular_and_the_plural_as_before() {
        let say = |lang, id, name, n: u64| CATALOG.say_in(lang, id, &[(name, Arg::from(n))]);
        let (bytes, sent) = (("load-sent-more", "extra"), ("no-ping-answer", "sent"));
        let cases = [
            (
                Lang::En,
                bytes,
                1,
                "the server sent 1 byte more than the echo",
            ),
            (
                Lang::En,
                bytes,
                1024,
                "the server sent 1024 bytes more than the echo",
            ),
            (Lang::En, sent, 1, "no reply to the 1 datagram sent"),
            (Lang::En, sent, 0, "no reply to any of 0 datagrams"),
            (Lang::Zh, sent, 1, "发出的 1 个数据报没有得到回复"),
            (Lang::Zh, sent, 3, "3 个数据报全都没有得到回复"),
        ];
        for (lang, (id, name), n, want) in cases {
            assert_eq!(say(lang, id, name, n), want);
        }
        assert!(say(Lang::En, "hint-ping-strays", "strays", 1)
            .starts_with("1 datagram came that answer none of them: ping mode counts"));
    }
}
