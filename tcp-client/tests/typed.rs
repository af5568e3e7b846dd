//! Addresses typed the way other tools take them: `tcp-client 127.0.0.1 8888` (nc's order) is
//! refused with the command that connects there, `tcp-client example.com` is sent with a
//! warning, and `--host 127.0.0.1:8888` is taken apart, or explained when it cannot be.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::Duration;

use support::{echo, serve};
use testkit::{run, Output};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_tcp-client");
const WAIT: Duration = Duration::from_secs(20);

/// Runs the client with exactly `args` (no --port added).
fn client(args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    run(cmd, b"", WAIT)
}

/// How the hints write this program's command: the tests run it under cargo.
const COMMAND: &str = "cargo run -p tcp-client --";

#[test]
fn an_address_given_as_messages_is_refused_with_the_command_that_connects_there() {
    let addr = serve(echo);
    let port = addr.port().to_string();
    for (args, host, to_port) in [
        (&["127.0.0.1", "8888"][..], "127.0.0.1", "8888"),
        (&["127.0.0.1:9000"], "127.0.0.1", "9000"),
        (&["[::1]:9000"], "[::1]", "9000"),
        (&["localhost", "8888"], "localhost", "8888"),
        (&["example.com", "80"], "example.com", "80"),
        // An IP address alone: the port is --port's.
        (&["192.0.2.7"], "192.0.2.7", port.as_str()),
    ] {
        let mut all = vec!["--port", &port];
        all.extend_from_slice(args);
        let out = client(&all);
        assert_eq!(out.code(), Some(2), "{args:?}: {out:?}");
        // Nothing was sent: the server's echo never shows.
        assert_eq!(out.stdout, "", "{args:?}");
        let message = args[0];
        assert_eq!(
            out.stderr,
            format!(
                "error: \"{message}\" looks like a host to connect to, not a message to send\n\
                 hint: to connect to {host} port {to_port}: `{COMMAND} --host {host} --port \
                 {to_port}`; to send \"{message}\" as a message after all, pipe it in: `echo \
                 '{message}' | {COMMAND} --stdin`\n"
            ),
            "{args:?}"
        );
    }
    // The way out the hint gives works: such a line from --stdin is sent as it is.
    let out = testkit::client(BIN, addr, &["--stdin"], b"127.0.0.1\n", WAIT);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "from server: 127.0.0.1\n");
}

#[test]
fn a_name_with_a_dot_is_sent_after_a_warning() {
    let addr = serve(echo);
    let port = addr.port();
    let out = testkit::client(BIN, addr, &["example.com", "hello"], b"", WAIT);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "from server: example.com\nfrom server: hello\n");
    assert_eq!(
        out.stderr,
        format!(
            "warning: \"example.com\" looks like a host name; it is sent as a message, to \
             127.0.0.1 port {port}\n\
             hint: to connect to example.com instead: `{COMMAND} --host example.com --port \
             {port}`\n"
        )
    );
    // Messages that only contain a dot, or a colon, are left alone.
    let out = testkit::client(BIN, addr, &["hello world.", "v1.2", "time:12"], b"", WAIT);
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stderr, "");
}

#[test]
fn host_with_a_port_is_taken_apart_or_explained() {
    let addr = serve(echo);
    let port = addr.port();
    let host_port = format!("127.0.0.1:{port}");
    let same = port.to_string();
    // Taken apart: --port not given, or saying the same.
    for args in [
        vec!["--host", &host_port],
        vec!["--host", &host_port, "--port", &same],
    ] {
        let out = client(&args);
        assert_eq!(out.code(), Some(0), "{args:?}: {out:?}");
        assert_eq!(out.stdout, "from server: 你好,服务器!\n");
        assert_eq!(out.stderr, "");
    }
    let v6 = format!("[::1]:{port}");
    let out = client(&["--host", &v6]);
    // ::1 has no server (it listens on 127.0.0.1): refused at ::1, on the port from --host.
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr
            .starts_with(&format!("error: cannot connect to [::1]:{port}: ")),
        "{}",
        out.stderr
    );

    // Two ports that disagree.
    let out = client(&["--host", &host_port, "--port", "1"]);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: --host {host_port} names port {port}, but --port says 1\n\
             hint: give the port once, with --port: `--host 127.0.0.1 --port {port}` or `--host \
             127.0.0.1 --port 1`\n"
        )
    );
    // Something after the colon that is no port.
    let out = client(&["--host", "localhost:http"]);
    assert_eq!(out.code(), Some(2), "{out:?}");
    assert_eq!(
        out.stderr,
        "error: --host localhost:http: \"http\" after the colon is not a port number (1 to \
         65535)\n\
         hint: give the host alone, and the port with --port: `--host localhost --port PORT`\n"
    );
    // An IPv6 address without brackets is a host alone.
    let out = client(&["--host", "::1", "--port", &same]);
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr
            .starts_with(&format!("error: cannot connect to [::1]:{port}: ")),
        "{}",
        out.stderr
    );
}
