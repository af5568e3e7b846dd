//! udp-client's sentences, both files: every message and every choice of one is English in
//! locales/en.ftl and Chinese in locales/zh.ftl, and each choice says something of its own. (The
//! catalog test in src/messages.rs checks that the files hold the same messages with the same
//! variables, and that the source says each as written.)

use common::i18n::{Arg, Catalog};
use common::lang::Lang;

const EN: &str = include_str!("../locales/en.ftl");
const ZH: &str = include_str!("../locales/zh.ftl");

fn catalog() -> Catalog {
    Catalog::new(EN, ZH)
}

/// Every message in `lang`, each as its default choice, its variables left unfilled.
fn every_message(lang: Lang) -> Vec<String> {
    let ids = EN
        .lines()
        .filter_map(|line| Some(line.split_once(" = ")?.0));
    let ids = ids.filter(|id| {
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    let catalog = catalog();
    ids.map(|id| catalog.say_in(lang, id, &[])).collect()
}

/// Every choice of the messages that have some, in `lang`: each says something of its own.
fn every_choice(lang: Lang) -> Vec<String> {
    let catalog = catalog();
    let say = |id: &str, args: &[(&str, Arg)]| catalog.say_in(lang, id, args);
    let server = || ("server", Arg::from("127.0.0.1:12345"));
    let timeout = || ("timeout", Arg::from("1s"));
    let mut all = Vec::new();
    for reply in ["expected", "other"] {
        let len = ("len", Arg::from(5usize));
        all.push(say(
            "received",
            &[len, server(), ("reply", Arg::from(reply))],
        ));
    }
    for (why, message) in [("late", "hello"), ("repeat", "hello"), ("early", "")] {
        let (why, message) = (("why", Arg::from(why)), ("message", Arg::from(message)));
        all.push(say(
            "set-aside",
            &[("len", Arg::from(5usize)), why, message],
        ));
    }
    // 0 datagrams set aside, 1 (English says "datagram that is"), 2 ("datagrams that are").
    for n in [0u64, 1, 2] {
        all.push(say("timed-out", &[timeout(), ("n", Arg::from(n))]));
        for tries in [1u32, 3] {
            let tries = ("tries", Arg::from(tries));
            all.push(say(
                "no-answer",
                &[server(), tries, timeout(), ("n", Arg::from(n))],
            ));
        }
    }
    for n in [0u64, 2] {
        all.push(say("hint-no-answer", &[("n", Arg::from(n))]));
    }
    for op in ["send", "receive"] {
        let op = || ("op", Arg::from(op));
        let why = || ("why", Arg::from("connection refused"));
        all.push(say("port-unreachable", &[server(), op(), why()]));
        all.push(say("failed", &[server(), op(), why()]));
    }
    for shown in ["escaped", "raw"] {
        let (bad, len) = (("bad", Arg::from(2usize)), ("len", Arg::from(7usize)));
        all.push(say(
            "reply-not-utf8",
            &[server(), bad, len, ("shown", Arg::from(shown))],
        ));
    }
    all
}

#[test]
fn every_sentence_is_english_in_one_file_and_chinese_in_the_other() {
    let cjk = |s: &String| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let all = |lang| [every_message(lang), every_choice(lang)].concat();
    for (en, zh) in all(Lang::En).iter().zip(&all(Lang::Zh)) {
        assert!(!en.is_empty() && !cjk(en), "not English: {en}");
        assert!(cjk(zh), "not Chinese: {zh} (English: {en})");
    }
    assert_eq!(
        every_message(Lang::En).len(),
        30,
        "a message the test does not see"
    );
    for table in [every_choice(Lang::En), every_choice(Lang::Zh)] {
        for (i, a) in table.iter().enumerate() {
            assert!(!table[i + 1..].contains(a), "said twice: {a}");
        }
    }
}
