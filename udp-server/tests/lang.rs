//! udp-server in the learner's language: the narration and the errors in Chinese when the locale
//! (or `--lang zh`) asks for it, in English otherwise. stdout and log lines stay as they are.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::{SocketAddr, UdpSocket};
use std::process::Command;

use testkit::{assert_chinese_narration, assert_in_order, assert_no_english_sentence, run, Server};

mod support;
use support::{socket_to, BIN, WAIT};

/// A server started with `LANG` set to `lang` and `args` after `--port 0 --explain
/// --rate-limit 1`, that has answered one datagram from the returned address and refused a
/// second one (over its rate): every step it narrates, said once.
fn served_and_refused(lang: &str, args: &[&str]) -> (Server, SocketAddr) {
    let mut cmd = Command::new(BIN);
    cmd.env("LANG", lang)
        .args(["--port", "0", "--explain", "--rate-limit", "1"])
        .args(args);
    let server = Server::start_command(cmd);
    let s = socket_to(server.addr);
    s.send(b"abc").unwrap();
    let mut buf = [0u8; 16];
    let n = s.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ABC");
    // The bucket holds one reply a second: the second datagram gets none.
    s.send(b"def").unwrap();
    assert!(
        server.wait_for_log("rate-limiting 127.0.0.1", WAIT),
        "{}",
        server.stderr()
    );
    (server, s.local_addr().unwrap())
}

#[test]
fn a_chinese_locale_narrates_every_step_in_chinese() {
    let (server, me) = served_and_refused("zh_CN.UTF-8", &[]);
    let step_1 = "[步骤 1 创建套接字] 已创建套接字：IPv4 (AF_INET) + 数据报 (SOCK_DGRAM) = UDP\n";
    // One fact a line, the later lines under the first one's text.
    let step_2 = format!(
        "[步骤 2 绑定地址和端口] 已绑定到 {}。\n\
         {indent}这是回环地址：只有本机上的程序能访问它。\n\
         {indent}UDP 没有 listen()，也没有 accept()：它是无连接的。\n\
         {indent}数据报直接送到这个套接字。\n",
        server.addr,
        indent = " ".repeat(24)
    );
    let received = format!("[步骤 3 接收] 收到来自 {me} 的一个 3 字节的数据报\n");
    let sent = format!(
        "[步骤 4 发送] 已把转成大写后的数据（3 字节）发回 {me}（能否送到，UDP 不会告诉我们）\n"
    );
    let refused = format!("[步骤 4 发送] 没有回复：{me} 已超出速率限制\n");
    for line in [&sent, &refused] {
        assert!(
            server.wait_for_log(line.trim_end(), WAIT),
            "{}",
            server.stderr()
        );
    }
    let stderr = server.stderr();
    let steps = assert_chinese_narration(&stderr);
    assert_eq!(steps.len(), 6, "{stderr}");
    // One thread narrates "sent" after its send returns; by then the client may have sent the
    // second datagram and another thread narrated receiving it. So each datagram's steps come in
    // order, but the first one's step 4 may come after the second one's step 3 or 4.
    assert_in_order(&stderr, &[step_1, &step_2, &received, &sent]);
    assert_in_order(&stderr, &[step_1, &step_2, &received, &received, &refused]);
    // The info log line the narration already says is left out (it is for RUST_LOG users, and
    // in English), and stdout is what scripts read: the same in every language.
    assert!(!stderr.contains("] received \"abc\" from "), "{stderr}");
    assert!(server.more_stdout().is_empty(), "narration reached stdout");
}

/// A Chinese `--explain` session, from start to Ctrl-C, shows the learner no English sentence:
/// the info log lines the narration already says (what arrived, the summary) are left out, and
/// the stop is narrated in Chinese. stdout keeps its `listening on` line for scripts.
#[cfg(unix)]
#[test]
fn a_chinese_explain_session_shows_no_english_sentence() {
    let mut cmd = Command::new(BIN);
    cmd.env("LANG", "zh_CN.UTF-8")
        .args(["--port", "0", "--explain"]);
    let mut server = Server::start_command(cmd);
    let s = socket_to(server.addr);
    s.send(b"hello there").unwrap();
    let mut buf = [0u8; 16];
    let n = s.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"HELLO THERE");
    let stderr = server.stop_after("[步骤 4 发送] 已把", WAIT);
    assert_in_order(
        &stderr,
        &[
            "[步骤 5 关闭] 服务器已停止，套接字随之关闭。\n",
            "              共回复了 1 个数据报，丢弃了 0 个。\n",
        ],
    );
    assert_no_english_sentence(&stderr);
}

#[test]
fn lang_en_overrides_a_chinese_locale_and_lang_zh_an_english_one() {
    let (server, me) = served_and_refused("zh_CN.UTF-8", &["--lang", "en"]);
    assert!(
        server.wait_for_log(&format!("[step 4 send] sent nothing: {me}"), WAIT),
        "{}",
        server.stderr()
    );
    assert!(!server.stderr().contains("[步骤"), "{}", server.stderr());

    let (server, me) = served_and_refused("C.UTF-8", &["--lang", "zh"]);
    // Both step 4 lines, in whichever order the threads said them.
    for line in [
        format!("[步骤 4 发送] 已把转成大写后的数据（3 字节）发回 {me}"),
        format!("[步骤 4 发送] 没有回复：{me}"),
    ] {
        assert!(server.wait_for_log(&line, WAIT), "{}", server.stderr());
    }
    assert_eq!(assert_chinese_narration(&server.stderr()).len(), 6);
}

#[test]
fn errors_and_hints_come_in_chinese_too() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut cmd = Command::new(BIN);
    cmd.env("LANG", "zh_CN.UTF-8").args(["--port", &port]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "错误：无法在 127.0.0.1:{port} 上监听：地址已被占用 (address already in use)\n\
             提示：可能已有另一个服务器在用这个端口：先停掉它，或用 --port 换一个端口（0 表示让内核挑一个空闲的）\n"
        )
    );
    assert_eq!(out.stdout, "");

    let mut cmd = Command::new(BIN);
    cmd.args(["--lang", "zh", "--host", ""]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "错误：主机名为空：请给出主机名，或 127.0.0.1 这样的地址\n"
    );
}

#[test]
fn help_offers_lang_and_stays_english() {
    let mut cmd = Command::new(BIN);
    cmd.env("LANG", "zh_CN.UTF-8").arg("--help");
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("--lang <LANG>"), "{}", out.stdout);
    // clap's own words, in English whatever the locale.
    assert!(out.stdout.contains("Possible values:"), "{}", out.stdout);
    assert!(
        out.stdout.contains("- zh: 中文 (Chinese)"),
        "{}",
        out.stdout
    );
}
