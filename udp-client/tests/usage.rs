//! The flags people type from habit: a server where a MESSAGE goes (as `nc -u HOST PORT` or
//! `ping HOST` take it), `--host HOST:PORT`, and ping mode given messages. Both languages.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use servers::{serve, upper};
use testkit::{run, Output};

mod servers;

const BIN: &str = env!("CARGO_BIN_EXE_udp-client");
const WAIT: Duration = Duration::from_secs(20);

fn client(addr: SocketAddr, args: &[&str]) -> Output {
    testkit::client(BIN, addr, args, b"", WAIT)
}

fn without_port(args: &[&str], lang: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    if let Some(lang) = lang {
        cmd.env("LANG", lang);
    }
    run(cmd, b"", WAIT)
}

#[test]
fn a_message_that_looks_like_a_server_is_sent_with_a_warning_and_the_right_command() {
    let addr = serve(upper);
    let out = client(addr, &["10.0.0.5:9999"]);
    // Sent all the same: it may well be the text the user meant.
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "Received from server: 10.0.0.5:9999\n");
    assert_eq!(
        out.stderr,
        format!(
            "warning: \"10.0.0.5:9999\" looks like a server's address, but a MESSAGE is text to \
             send: it goes to {addr} as a datagram. To talk to that server instead: `cargo run \
             -p udp-client -- --host 10.0.0.5 --port 9999`\n"
        )
    );

    // In Chinese; the other arguments are kept, and the port is --port's.
    let port = addr.port().to_string();
    let out = without_port(&["--port", &port, "example.com", "hi"], Some("zh_CN.UTF-8"));
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "Received from server: EXAMPLE.COM\nReceived from server: HI\n"
    );
    assert_eq!(
        out.stderr,
        format!(
            "警告：“example.com”看起来像服务器的地址，但 MESSAGE 是要发送的文字：\n\
             \x20     它会作为一个数据报发往 {addr}。\n\
             \x20     如果想和那台服务器通信，请用：\n\
             \x20     cargo run -p udp-client -- --host example.com --port {port} hi\n"
        )
    );

    // Only the first message is looked at, and plain words are not servers.
    let out = client(addr, &["hello", "example.com", "3.14"]);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn ping_mode_given_a_server_as_a_message_is_a_usage_error_with_the_right_command() {
    let addr = serve(upper);
    let port = addr.port();
    let out = client(addr, &["-c", "3", "-i", "0.2", "example.com"]);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(
        out.stderr,
        format!(
            "error: \"example.com\" looks like a server's address, but it stands where a MESSAGE \
             goes: udp-client, ping mode too, takes the server from --host and --port\n\
             hint: to ping that server: `cargo run -p udp-client -- --host example.com --port \
             {port} -c 3 -i 0.2`\n"
        )
    );

    let out = without_port(&["--ping", "[::1]:7"], Some("zh_CN.UTF-8"));
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert_eq!(
        out.stderr,
        "错误：“[::1]:7”看起来像服务器的地址，却写在了 MESSAGE 的位置。\n\
         \x20     udp-client（包括 ping 模式）的服务器要用 --host 和 --port 指定。\n\
         提示：要 ping 那台服务器，请用：\n\
         \x20     cargo run -p udp-client -- --host ::1 --port 7 --ping\n"
    );

    let out = client(addr, &["-c", "1", "hello"]);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert_eq!(
        out.stderr,
        "error: ping mode sends numbered datagrams of its own, and takes no MESSAGE (\"hello\" \
         was given)\n\
         hint: to send messages, leave out the ping options (--ping, -c, -i, -w, -s, -q, \
         --json); to ping, leave out the messages\n"
    );
}

#[test]
fn host_with_a_port_is_taken_apart_unless_port_says_otherwise() {
    let addr = serve(upper);
    let host = addr.to_string();
    let out = without_port(&["--host", &host, "hi"], None);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "Received from server: HI\n");

    let port = addr.port().to_string();
    let out = without_port(&["--host", &host, "--port", &port, "-c", "1", "-q"], None);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stdout.contains("1 packets transmitted, 1 received"),
        "{}",
        out.stdout
    );

    let out = without_port(&["--host", &host, "--port", "1", "hi"], None);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(
        out.stderr,
        format!(
            "error: --host {host} names port {port}, and --port names 1: give the port once, in \
             either\n"
        )
    );

    let out = without_port(&["--host", &host, "-p", "1", "hi"], Some("zh_CN.UTF-8"));
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "错误：--host {host} 里写了端口 {port}，--port 又写了 1。\n\
             \x20     端口只需给一次，写在哪边都行。\n"
        )
    );
}

#[test]
fn retries_are_for_messages_and_refused_in_ping_mode() {
    let out = without_port(&["--retries", "1", "-c", "1"], None);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert!(out.stderr.contains("--retries"), "{}", out.stderr);
}
