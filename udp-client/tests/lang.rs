//! udp-client in the learner's language: the narration, the errors and the hints in Chinese when
//! the locale (or `--lang zh`) asks for it, in English otherwise; stdout, which scripts read,
//! the same in both.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use servers::{first_late, first_late_reversed, nobody, reverse, serve};
use testkit::{assert_chinese_narration, assert_in_order, run, Output};

mod servers;

const BIN: &str = env!("CARGO_BIN_EXE_udp-client");
const WAIT: Duration = Duration::from_secs(20);

/// udp-client run with `LANG` set to `lang`, against `addr`.
fn client(lang: &str, addr: SocketAddr, args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env("LANG", lang)
        .args(["--port", &addr.port().to_string()])
        .args(args);
    run(cmd, stdin, WAIT)
}

/// A server that answers the first datagram late, with the text reversed: the client times
/// out, sends again, takes the late reply as the answer and sets aside the second reply.
fn every_kind_of_step(lang: &str, args: &[&str]) -> (SocketAddr, Output) {
    let addr = serve(first_late_reversed);
    let mut all = vec!["--explain", "--timeout", "0.5", "--retries", "1"];
    all.extend(args);
    all.extend(["hello", "world"]);
    let out = client(lang, addr, &all, b"");
    assert_eq!(out.code(), Some(0), "{out:?}");
    // stdout is what scripts read: the same in every language.
    assert_eq!(
        out.stdout,
        "Received from server: olleh\nReceived from server: dlrow\n"
    );
    (addr, out)
}

#[test]
fn a_chinese_locale_narrates_every_step_in_chinese() {
    let (addr, out) = every_kind_of_step("zh_CN.UTF-8", &[]);
    let steps = assert_chinese_narration(&out.stderr);
    // 1, 2 (the implicit bind and the peer), then for hello 3, 4 (timeout), 3, 4, and for world
    // 3, 4 (set aside) and 4, in either order.
    assert_eq!(steps.len(), 10, "{}", out.stderr);
    assert_in_order(
        &out.stderr,
        &[
            // One fact a line, the later lines under the first one's text.
            "[步骤 1 创建套接字] 已创建套接字：IPv4 (AF_INET) + 数据报 (SOCK_DGRAM) = UDP。\n\
             \x20                   它还没有地址，也没有端口。\n",
            "[步骤 2 连接] connect() 先把套接字绑定到了 127.0.0.1:",
            "本客户端从不调用 bind()",
            "端口是内核挑选的临时端口",
            &format!("[步骤 2 连接] 把 {addr} 设为对端：没有发出任何数据包"),
            "ICMP 端口不可达消息",
            &format!("[步骤 3 发送] 向 {addr} 发送了一个 5 字节的数据报（第 1 次，共 2 次）\n"),
            "[步骤 4 接收] 500ms 内什么也没收到。\n\
             \x20             数据报或它的回复丢了或迟到了，也可能服务器没有回复。\n",
            "（第 2 次，共 2 次）\n",
            &format!(
                "[步骤 4 接收] 从 {addr} 收到一个 5 字节的数据报：这就是回复。\n\
                 \x20             它既不是消息的大写，也不是原样回显，\n"
            ),
            "[步骤 4 接收] 把一个 5 字节的数据报放在一边，它不是这条消息的回复。\n\
             \x20             它和之前那条消息“hello”的回复一模一样。\n\
             \x20             那条消息发过不止一次，这是对其中另一次的回复。\n",
        ],
    );
}

#[test]
fn lang_en_overrides_a_chinese_locale_and_lang_zh_an_english_one() {
    let (_, out) = every_kind_of_step("zh_CN.UTF-8", &["--lang", "en"]);
    assert!(
        out.stderr.contains("[step 4 receive] set aside"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("[步骤"), "{}", out.stderr);

    let (_, out) = every_kind_of_step("C.UTF-8", &["--lang", "zh"]);
    assert_eq!(assert_chinese_narration(&out.stderr).len(), 10);
}

#[test]
fn errors_and_hints_come_in_chinese_too() {
    let zh = "zh_CN.UTF-8";

    let addr = nobody();
    let out = client(zh, addr, &["hello"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "错误：{addr} 上没有程序在监听。\n\
             \x20     那台机器的内核用一条 ICMP 端口不可达消息回应了我们的数据报。\n\
             \x20     这个错误直到本套接字下一次接收时才报上来，\n\
             \x20     表现为“连接被拒绝 (connection refused)”。\n\
             提示：先用 `cargo run -p udp-server -- --port {port}` 启动服务器。\n\
             \x20     我们能得知这条 ICMP 消息，只是因为套接字已连接：\n\
             \x20     原文里未连接的客户端永远不会知道，会在 recvfrom() 里一直等下去。\n",
            port = addr.port()
        )
    );

    let silent = serve(|_, _, _| None);
    let out = client(
        zh,
        silent,
        &["--timeout", "0.2", "--retries", "0", "hello"],
        b"",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "错误：尝试 1 次（每次等 200ms）后，{silent} 仍没有回复\n\
             提示：数据报或它的回复可能在路上丢了，\n\
             \x20     也可能是服务器选择不回复（例如限速，或回复太大、一个数据报装不下）。\n\
             \x20     无论哪种情况，UDP 都不会告诉你。\n"
        )
    );

    let long = "x".repeat(65_508);
    let out = client(zh, silent, &[&long], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "错误：65508 字节超过了发往 {silent} 的一个 UDP 数据报能装下的上限：\n\
             \x20     经 IPv4 最多 65507 字节。\n\
             \x20     什么都没有发送。\n"
        )
    );

    let out = client(zh, silent, &["--host", "", "hello"], b"");
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.starts_with("错误：主机名为空"), "{}", out.stderr);

    let reversing = serve(reverse);
    let out = client(
        zh,
        reversing,
        &["-n", "2", "-i", "0", "--timeout", "0.2", "-q"],
        b"",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        "错误：2 个数据报全都没有得到回复\n\
         提示：来了 2 个数据报，但它们不是其中任何一个的回复。\n\
         \x20     ping 模式只认数据报的原样回显或大写（开头是序号），\n\
         \x20     而这个服务器回的是别的内容。\n"
    );
}

#[test]
fn a_datagram_set_aside_and_no_answer_are_said_in_chinese() {
    // The first message is given up on; its late reply comes while the second waits.
    let addr = serve(first_late);
    let out = client(
        "zh_CN.UTF-8",
        addr,
        &["--explain", "--timeout", "0.5", "--retries", "0"],
        b"first\nsecond\n",
    );
    // "first" got no answer: the run fails at the end.
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "Received from server: SECOND\n");
    assert_chinese_narration(&out.stderr);
    assert_in_order(
        &out.stderr,
        &[
            &format!("错误：尝试 1 次（每次等 500ms）后，{addr} 仍没有回复\n"),
            "提示：数据报或它的回复可能在路上丢了",
            "[步骤 4 接收] 把一个 5 字节的数据报放在一边，它不是这条消息的回复。\n\
             \x20             它是之前那条消息“first”的回复，那条消息没能按时得到回复。\n",
            &format!("[步骤 4 接收] 从 {addr} 收到一个 6 字节的数据报：这就是回复\n"),
            "错误：2 条消息中有 1 条没有得到回复\n",
        ],
    );

    // Every datagram after the first gets the answer to the first: the second message's one
    // try brings only a datagram that is not its answer.
    let addr = serve(|n, _, _| (n > 0).then(|| (Duration::ZERO, b"FIRST".to_vec())));
    let out = client(
        "zh_CN.UTF-8",
        addr,
        &["--timeout", "0.3", "--retries", "0"],
        b"first\nsecond\n",
    );
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_in_order(
        &out.stderr,
        &[
            &format!("错误：尝试 1 次（每次等 300ms）后，{addr} 仍没有回复\n"),
            &format!(
                "错误：尝试 1 次（每次等 300ms）后，{addr} 仍没有给出回复。\n\
                 \x20     来了 1 个数据报，但它不是这条消息的回复。\n\
                 提示：只有确定属于更早请求的数据报才会被放在一边：\n\
                 \x20     之前某条仍没等到回复的消息的回复，\n\
                 \x20     或在这条消息发出之前就已到达的数据报。\n"
            ),
            "错误：2 条消息中有 2 条没有得到回复\n",
        ],
    );
}
