//! tcp-server in the learner's language: the narration and the errors in Chinese when the locale
//! (or `--lang zh`) asks for it, in English otherwise; and the backlog narrated as the kernel
//! really takes it.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use testkit::{assert_chinese_narration, assert_in_order, assert_no_english_sentence, run, Server};

const BIN: &str = env!("CARGO_BIN_EXE_tcp-server");
const WAIT: Duration = Duration::from_secs(10);

/// A server started with `LANG` set to `lang` and `args` after `--port 0`, that has served one
/// round trip to a client that has closed since.
fn served_once(lang: &str, args: &[&str]) -> Server {
    let mut cmd = Command::new(BIN);
    cmd.env("LANG", lang).args(["--port", "0"]).args(args);
    let server = Server::start_command(cmd);
    let mut s = TcpStream::connect_timeout(&server.addr, WAIT).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all("你好".as_bytes()).unwrap();
    let mut back = [0u8; 6];
    s.read_exact(&mut back).unwrap();
    assert_eq!(&back, "你好".as_bytes());
    server
}

#[test]
fn a_chinese_locale_narrates_every_step_in_chinese() {
    let server = served_once("zh_CN.UTF-8", &["--explain"]);
    assert!(
        server.wait_for_log("[步骤 6 关闭]", WAIT),
        "{}",
        server.stderr()
    );
    let stderr = server.stderr();
    let steps = assert_chinese_narration(&stderr);
    assert_eq!(steps.len(), 7, "{stderr}");
    assert_in_order(
        &stderr,
        &[
            "[步骤 1 创建套接字] 已创建套接字：IPv4 (AF_INET) + 流式 (SOCK_STREAM) = TCP",
            // One fact a line, the later lines under the first one's text.
            &format!(
                "[步骤 2 绑定地址和端口] 已绑定到 {}。\n{}这是回环地址",
                server.addr,
                " ".repeat(24)
            ),
            "[步骤 3 监听连接] 开始监听。从现在起，三次握手由内核自己完成。\n",
            "不是最大连接数",
            "[步骤 3 监听连接] 每条连接都要占一个文件描述符。\n",
            "                  打开文件数的上限是 ",
            "[步骤 4 接受连接] 已接受 127.0.0.1:",
            "[步骤 5 数据交换] 从 127.0.0.1:",
            "收到 6 字节，回发 6 字节",
            "[步骤 6 关闭] 关闭与 127.0.0.1:",
            "共回显 6 字节",
        ],
    );
    // stdout is what scripts read: the same in every language.
    assert!(server.more_stdout().is_empty(), "narration reached stdout");
}

/// A Chinese `--explain` session, from start to Ctrl-C, shows the learner no English sentence:
/// the info log lines the narration already says (a connection, what it received, how it
/// closed, stopping, the summary) are left out, and the stop is narrated in Chinese. stdout
/// keeps its `listening on` line for scripts.
#[cfg(unix)]
#[test]
fn a_chinese_explain_session_shows_no_english_sentence() {
    let mut server = served_once("zh_CN.UTF-8", &["--explain"]);
    let stderr = server.stop_after("[步骤 6 关闭] 关闭与", WAIT);
    assert_in_order(
        &stderr,
        &[
            "[步骤 6 关闭] 收到 Ctrl-C，服务器开始停止。\n",
            "              监听套接字不再接受新连接。\n",
            "[步骤 6 关闭] 服务器已停止。\n",
            "              共服务了 1 条连接，回显了 6 字节。\n",
        ],
    );
    assert_no_english_sentence(&stderr);
}

#[test]
fn lang_en_overrides_a_chinese_locale_and_lang_zh_an_english_one() {
    let server = served_once("zh_CN.UTF-8", &["--explain", "--lang", "en"]);
    assert!(
        server.wait_for_log("[step 6 close]", WAIT),
        "{}",
        server.stderr()
    );
    assert!(!server.stderr().contains("[步骤"), "{}", server.stderr());

    let server = served_once("C.UTF-8", &["--explain", "--lang", "zh"]);
    assert!(
        server.wait_for_log("[步骤 6 关闭]", WAIT),
        "{}",
        server.stderr()
    );
    assert_chinese_narration(&server.stderr());
}

#[test]
fn errors_and_hints_come_in_chinese_too() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
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

    let mut cmd = Command::new(BIN);
    cmd.args(["--lang", "zh", "--host", ""]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(1), "{}", out.stderr);
    assert!(out.stderr.starts_with("错误：主机名为空"), "{}", out.stderr);
}

/// The kernel's cap on the backlog, from /proc.
#[cfg(all(target_os = "linux", not(feature = "portable")))]
fn somaxconn() -> i32 {
    std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// The length of the listening socket's accept queue, as `ss -ltn` shows it (Send-Q).
#[cfg(all(target_os = "linux", not(feature = "portable")))]
fn listen_queue(port: u16) -> i32 {
    let out = Command::new("ss")
        .args(["-ltnH"])
        .arg(format!("( sport = :{port} )"))
        .output()
        .expect("running ss (iproute2)");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .next()
        .unwrap_or_else(|| panic!("no listener: {text}"));
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

/// On Linux, main.rs reads the kernel's cap: the narration says the queue it really keeps.
#[cfg(all(target_os = "linux", not(feature = "portable")))]
#[test]
fn the_backlog_is_narrated_as_the_kernel_takes_it() {
    let cap = somaxconn();
    for asked in [128, 65535] {
        let mut cmd = Command::new(BIN);
        cmd.args(["--port", "0", "--explain", "--backlog", &asked.to_string()]);
        let server = Server::start_command(cmd);
        let effective = asked.min(cap);
        // What the kernel really queues, as ss shows it, is what the narration says.
        assert_eq!(listen_queue(server.addr.port()), effective);
        let stderr = server.stderr();
        assert!(
            stderr.contains(&format!("queues up to {effective} of them for accept()")),
            "{stderr}"
        );
        let capped = format!("the kernel caps it at net.core.somaxconn = {cap}");
        assert_eq!(stderr.contains(&capped), asked > cap, "{stderr}");
    }
}

/// Elsewhere than on Linux, and with `--features portable`, the cap is not read: the narration
/// says the operating system may make the queue shorter, in each language.
#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
#[test]
fn where_the_cap_is_not_read_the_narration_says_it_may_be_lower() {
    for (lang, said) in [
        (
            "en",
            "queues up to 65535 of them for accept() (or fewer: the operating system may cap it)",
        ),
        (
            "zh",
            "这个队列最多放 65535 个连接。\n                  也可能更少：操作系统可能会限制它。\n",
        ),
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args([
            "--port",
            "0",
            "--explain",
            "--backlog",
            "65535",
            "--lang",
            lang,
        ]);
        let server = Server::start_command(cmd);
        assert!(server.wait_for_log(said, WAIT), "{}", server.stderr());
    }
}
