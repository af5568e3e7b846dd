//! tcp-client in the learner's language: the narration, the errors and the hints in Chinese when
//! the locale (or `--lang zh`) asks for it, in English otherwise; and the four-way close narrated
//! as the kernel really does it, checked with `ss` (iproute2): the side that sends the first FIN
//! keeps the connection in TIME_WAIT.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use support::{echo, serve};
use testkit::{assert_chinese_narration, assert_in_order, run, Output};

mod support;

/// Where the later lines of a `[步骤 N 连接]`, `[步骤 4 接收]` or `[步骤 5 关闭]` step start.
const I: &str = "              ";
const BIN: &str = env!("CARGO_BIN_EXE_tcp-client");
const WAIT: Duration = Duration::from_secs(20);

/// Runs the client against `addr` with `LANG` set to `lang` and `args` after `--port`.
fn client(lang: &str, addr: SocketAddr, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env("LANG", lang)
        .args(["--port", &addr.port().to_string()])
        .args(args);
    run(cmd, b"", WAIT)
}

/// The client's own address, as step 2 narrates it (`connected from ADDR` / `已从 ADDR`).
fn narrated_local(stderr: &str) -> SocketAddr {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("[step 2 ") || l.starts_with("[步骤 2 "))
        .unwrap_or_else(|| panic!("no step 2 in:\n{stderr}"));
    let (_, text) = line.split_once("] ").unwrap();
    text.split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no address in: {line}"))
}

/// True when `ss -tanH state STATE` lists a TCP connection from `local` to `peer`.
fn ss_shows(state: &str, local: SocketAddr, peer: SocketAddr) -> bool {
    let out = Command::new("ss")
        .args(["-tanH", "state", state])
        .output()
        .expect("running ss (iproute2)");
    assert!(out.status.success(), "{out:?}");
    let (local, peer) = (local.to_string(), peer.to_string());
    // With one state asked for, the lines are: Recv-Q Send-Q Local Peer.
    String::from_utf8_lossy(&out.stdout).lines().any(|line| {
        line.split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0] == local && w[1] == peer)
    })
}

#[test]
fn a_chinese_locale_narrates_every_step_in_chinese() {
    let addr = serve(echo);
    let out = client("zh_CN.UTF-8", addr, &["--explain", "hi"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    // stdout is what scripts read: the same in every language.
    assert_eq!(out.stdout, "from server: hi\n");
    let steps = assert_chinese_narration(&out.stderr);
    assert_eq!(steps.len(), 7, "{}", out.stderr);
    let local = narrated_local(&out.stderr);
    let port = local.port();
    assert_in_order(
        &out.stderr,
        &[
            "[步骤 1 创建套接字] 正在创建套接字：IPv4 (AF_INET) + 流式 (SOCK_STREAM) = TCP\n",
            // One fact a line, the later lines under the first one's text (14 columns).
            &format!(
                "[步骤 2 连接] 已从 {local} 连接到 {addr}。\n\
                 {I}connect() 发出 SYN 后立即返回（非阻塞，EINPROGRESS）。\n\
                 {I}我们在 poll() 里等着，服务器的 SYN-ACK 回来了。\n\
                 {I}内核再回一个 ACK，三次握手完成。\n\
                 {I}端口 {port} 是内核为我们挑选的临时端口。\n"
            ),
            "[步骤 3 发送] 已发送 2 字节\n",
            &format!(
                "[步骤 4 接收] 收到 2 字节：刚发出的 2 字节已收回 2 字节。\n\
                 {I}TCP 是字节流：一个回复可能要分几次才能读完。\n"
            ),
            &format!(
                "[步骤 5 关闭] 用 shutdown(Write) 关闭了我们的发送方向，我们的 FIN 排队发出。\n\
                 {I}这是四次挥手的前一半。\n\
                 {I}shutdown() 不等对方的 ACK。\n\
                 {I}在回环上，这个 ACK 通常捎带在服务器自己的 FIN 上。\n\
                 {I}服务器会读到 EOF。\n"
            ),
            &format!(
                "[步骤 5 关闭] 服务器也关闭了它那一端：它的 FIN 到了，我们的内核回以 ACK。\n\
                 {I}这是四次挥手的后一半。\n\
                 {I}除了回显，它没有多发任何数据。\n"
            ),
            &format!(
                "[步骤 5 关闭] 已关闭套接字。先发 FIN 的是我们。\n\
                 {I}所以从这次关闭起，我们这一端 {local} 要在 TIME_WAIT 停留 60 秒。\n"
            ),
            &format!("{I}`ss -tan` 看到的 TIME-WAIT 在我们的临时端口 {port} 上，\n{I}而不在服务器的端口上。\n"),
        ],
    );
}

#[test]
fn lang_en_overrides_a_chinese_locale_and_lang_zh_an_english_one() {
    let addr = serve(echo);
    let out = client("zh_CN.UTF-8", addr, &["--explain", "--lang", "en"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out
        .stderr
        .contains("[step 5 close] closed the socket. We sent the first FIN"));
    assert!(!out.stderr.contains("[步骤"), "{}", out.stderr);

    let out = client("C.UTF-8", addr, &["--explain", "--lang", "zh"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(assert_chinese_narration(&out.stderr).len(), 7);
}

#[test]
fn after_the_client_exits_its_port_is_in_time_wait() {
    // The client sends the first FIN, so its side keeps TIME_WAIT: on the port step 2 narrated,
    // not on the server's. Nothing to wait for: the state exists once the client has read the
    // server's FIN, before it exits.
    let addr = serve(echo);
    for lang in ["C.UTF-8", "zh_CN.UTF-8"] {
        let out = client(lang, addr, &["--explain"]);
        assert_eq!(out.code(), Some(0), "{out:?}");
        let local = narrated_local(&out.stderr);
        let narrated = if lang == "C.UTF-8" {
            format!(
                "[step 5 close] closed the socket. We sent the first FIN, so our side of the \
                 connection, {local}, stays in TIME_WAIT"
            )
        } else {
            format!("我们这一端 {local} 要在 TIME_WAIT 停留")
        };
        assert!(out.stderr.contains(&narrated), "{}", out.stderr);
        assert!(
            ss_shows("time-wait", local, addr),
            "{lang}: {local} -> {addr} is not in TIME-WAIT"
        );
        assert!(
            !ss_shows("time-wait", addr, local),
            "{lang}: the server's side is in TIME-WAIT too"
        );
    }
}

#[test]
fn a_server_that_closes_first_keeps_time_wait_itself() {
    // Echoes and sends its FIN in the same segment (TCP_CORK holds the echo until shutdown()
    // pushes both), so the client has the server's FIN before it sends its own; then it reads
    // the client's FIN and says so.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (done, client_fin) = mpsc::channel();
    thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        socket2::SockRef::from(&s).set_tcp_cork(true).unwrap();
        s.write_all(&buf[..n]).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
        done.send(()).unwrap();
    });
    let out = client("zh_CN.UTF-8", addr, &["--explain", "hi"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    let local = narrated_local(&out.stderr);
    assert_in_order(
        &out.stderr,
        &[
            &format!(
                "[步骤 5 关闭] 用 shutdown(Write) 关闭了我们的发送方向。\n\
                 {I}服务器已经先关闭了它那一端：它的 FIN 已到，我们的内核回了 ACK。\n\
                 {I}所以我们的 FIN 是四次挥手的后一半，由服务器回 ACK。\n"
            ),
            "[步骤 5 关闭] 服务器在它的 FIN 之前，除了回显没有多发任何数据\n",
            &format!(
                "[步骤 5 关闭] 已关闭套接字。先发 FIN 的是服务器。\n\
                 {I}所以 TIME_WAIT（Linux 上固定 60 秒）留在它那一端 {addr}。\n\
                 {I}我们这一端 {local} 在服务器对我们的 FIN 回了 ACK 后就消失了。\n"
            ),
        ],
    );
    // Once the server has read the client's FIN, its side is in TIME_WAIT; the client's is not.
    client_fin.recv_timeout(WAIT).unwrap();
    assert!(ss_shows("time-wait", addr, local), "{addr} -> {local}");
    assert!(!ss_shows("time-wait", local, addr), "{local} -> {addr}");
}

#[test]
fn a_server_that_stays_open_leaves_the_client_in_fin_wait_2() {
    // Echoes, then never closes: the client's FIN is acknowledged, the server's never comes.
    let addr = serve(|s| {
        echo(s.try_clone().unwrap());
        loop {
            thread::park();
        }
    });
    let out = client("C.UTF-8", addr, &["--explain", "--timeout", "0.3", "hello"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    let local = narrated_local(&out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "[step 5 close] closed the socket while the server keeps its side open (no FIN from \
             it within 300ms): our side, {local}, waits for that FIN in FIN_WAIT_2"
        )),
        "{}",
        out.stderr
    );
    assert!(ss_shows("fin-wait-2", local, addr), "{local} -> {addr}");
}

#[test]
fn errors_and_hints_come_in_chinese_too() {
    const ZH: &str = "zh_CN.UTF-8";

    // Nobody listens: the error and its hint.
    let free = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = client(ZH, free, &[]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "错误：无法连接到 {free}：连接被拒绝 (connection refused)\n\
             提示：服务器在运行吗？用 `cargo run -p tcp-server -- --port {port}` 启动它\n",
            port = free.port()
        )
    );

    // Half the reply, then the end of stream.
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..n / 2]).unwrap();
    });
    let out = client(ZH, addr, &["0123456789"]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!("错误：{addr} 只发回了回复 10 字节中的 5 字节，就关闭了连接\n")
    );

    // An altered byte.
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        buf[3] ^= 0x20;
        s.write_all(&buf[..n]).unwrap();
    });
    let out = client(ZH, addr, &["abcdef"]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!("错误：{addr} 的回复与发出的内容不一致，从第 3 字节（从 0 数起）开始\n")
    );

    // Silence: the deadline, and how much of the reply had come.
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
    });
    let out = client(ZH, addr, &["--timeout", "0.5", "hello"]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        format!("错误：回复 5 字节只收到 0 字节：{addr} 在 500ms 内没有回复\n")
    );

    // More than the echo.
    let addr = serve(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        let mut reply = buf[..n].to_vec();
        reply.extend_from_slice(b" and more");
        s.write_all(&reply).unwrap();
        echo(s);
    });
    let out = client(ZH, addr, &["hello"]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "from server: hello\n");
    assert_eq!(
        out.stderr,
        format!("错误：{addr} 在回显之外多发了 9 字节\n")
    );

    // Load mode: the count of failed round trips (the first failure is a log line).
    let addr = serve(|mut s| {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            buf[0] = buf[0].wrapping_add(1);
            if n == 0 || s.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let out = client(ZH, addr, &["-n", "10"]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.ends_with("错误：1 次往返中有 1 次失败\n"),
        "{}",
        out.stderr
    );
    // The report on stdout stays as scripts read it.
    assert!(out.stdout.contains("replies differed"), "{}", out.stdout);
}

#[test]
fn addresses_typed_as_messages_are_refused_or_warned_about_in_chinese() {
    let addr = serve(echo);
    let port = addr.port();
    let command = "cargo run -p tcp-client --";
    let out = client("zh_CN.UTF-8", addr, &["127.0.0.1", "8888"]);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "错误：“127.0.0.1”看起来是要连接的主机，而不是要发送的消息\n\
             提示：要连接 127.0.0.1 的 8888 端口，请用：\n\
             \x20     {command} --host 127.0.0.1 --port 8888\n\
             \x20     如果确实要把“127.0.0.1”当作消息发送，请从管道输入：\n\
             \x20     echo '127.0.0.1' | {command} --stdin\n"
        )
    );

    let out = client("zh_CN.UTF-8", addr, &["example.com"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "from server: example.com\n");
    assert_eq!(
        out.stderr,
        format!(
            "警告：“example.com”看起来像主机名；它会被当作消息，发送到 127.0.0.1 的 {port} 端口\n\
             提示：如果要连接的是 example.com，请用：\n\
             \x20     {command} --host example.com --port {port}\n"
        )
    );

    let mut cmd = Command::new(BIN);
    cmd.env("LANG", "zh_CN.UTF-8")
        .args(["--host", &format!("127.0.0.1:{port}"), "--port", "1"]);
    let out = run(cmd, b"", WAIT);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "错误：--host 127.0.0.1:{port} 里写的端口是 {port}，而 --port 给的是 1\n\
             提示：端口只给一次，用 --port：\n\
             \x20     `--host 127.0.0.1 --port {port}`\n\
             \x20     或 `--host 127.0.0.1 --port 1`\n"
        )
    );
}
