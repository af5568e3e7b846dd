//! Addresses typed the way other tools take them: `tcp-client 127.0.0.1 8888` (nc's and
//! telnet's order) and `--host 127.0.0.1:8888` (curl's and ssh's). tcp-client's positional
//! arguments are messages, and --host takes a host alone, so without a look here the first sends
//! "127.0.0.1" and "8888" to the default server and the second fails with "cannot resolve host".
//!
//! What is decided here, and why:
//!
//! - A first MESSAGE that is surely an address (an IP address, `host:port`, or a host name
//!   followed by a port number as the only other MESSAGE) is refused, as a usage error (exit 2),
//!   with the command that connects there. Going on would test another server than the one
//!   named, and exit 0 as if it had been tested. Such a message is almost never meant as one;
//!   when it is, `--stdin` sends it unexamined.
//! - A first MESSAGE that only may be a host (a name with a dot, `example.com`, or `localhost`)
//!   is sent, after a warning with the command that would connect there: it is as likely a
//!   message (`file.txt`) as a host.
//! - `--host H:P` is taken apart when --port was not given or says the same; otherwise, or when
//!   P is no port number, it is a usage error that says so.
//!
//! What a text is (an IP address, a host name, `host:port`) is decided in common's `typed`,
//! shared with udp-client; which of those count, and what is done about them, is decided here.

use common::typed::{host_and_port, is_host_name, is_ip, port_number, split_host_port};

/// What a `--host` value holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostArg {
    /// A host alone (or something the resolver will judge).
    Host,
    /// `host:port`, `[v6]:port`.
    HostPort(String, u16),
    /// `host:something` where something is no port number.
    BadPort { host: String, port: String },
}

/// Takes `host:port` and `[v6]:port` apart (see common's typed.rs), and says when what follows
/// the colon is no port number.
pub fn split_host(text: &str) -> HostArg {
    match split_host_port(text) {
        None => HostArg::Host,
        Some((host, port)) => match port_number(port) {
            Some(port) => HostArg::HostPort(host.to_string(), port),
            None => HostArg::BadPort {
                host: host.to_string(),
                port: port.to_string(),
            },
        },
    }
}

/// What the first MESSAGE looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Looks {
    NotAHost,
    /// A name with a dot, or `localhost`: a host, or a message.
    MaybeAHost(String),
    /// An IP address, or `host:port`: meant as an address.
    Host {
        host: String,
        port: Option<u16>,
    },
}

/// Looks at a MESSAGE.
pub fn looks(message: &str) -> Looks {
    if is_ip(message) {
        return Looks::Host {
            host: message.to_string(),
            port: None,
        };
    }
    if let Some((host, port)) = host_and_port(message) {
        if is_ip(host) || is_host_name(host) || host == "localhost" {
            return Looks::Host {
                host: host.to_string(),
                port: Some(port),
            };
        }
    }
    if is_host_name(message) || message == "localhost" {
        return Looks::MaybeAHost(message.to_string());
    }
    Looks::NotAHost
}

/// What to do about the messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Fine,
    /// Refuse: the first message is `host`, to be reached at `port` (None: --port's).
    Refuse {
        host: String,
        port: Option<u16>,
    },
    /// Send them, after a warning that the first may be `host`.
    Warn {
        host: String,
    },
}

/// Decides about a run's MESSAGE arguments (see the module's notes).
pub fn verdict(messages: &[String]) -> Verdict {
    let Some(first) = messages.first() else {
        return Verdict::Fine;
    };
    // nc's order: a host, then a port, and nothing else.
    let then_port = match messages {
        [_, second] => port_number(second),
        _ => None,
    };
    match looks(first) {
        Looks::Host { host, port } => Verdict::Refuse {
            host,
            port: port.or(then_port),
        },
        Looks::MaybeAHost(host) if then_port.is_some() => Verdict::Refuse {
            host,
            port: then_port,
        },
        Looks::MaybeAHost(host) => Verdict::Warn { host },
        Looks::NotAHost => Verdict::Fine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn host_and_port_are_taken_apart_and_a_port_that_is_none_is_told() {
        assert_eq!(
            split_host("[::1]:9000"),
            HostArg::HostPort("[::1]".into(), 9000)
        );
        for alone in ["127.0.0.1", "::1", "[::1]", "localhost"] {
            assert_eq!(split_host(alone), HostArg::Host, "{alone}");
        }
        for (text, host, port) in [
            ("example.com:http", "example.com", "http"),
            ("127.0.0.1:0", "127.0.0.1", "0"),
            ("localhost:", "localhost", ""),
            ("[::1]:x", "[::1]", "x"),
        ] {
            assert_eq!(
                split_host(text),
                HostArg::BadPort {
                    host: host.into(),
                    port: port.into()
                },
                "{text}"
            );
        }
    }

    #[test]
    fn addresses_are_refused_names_warned_about_and_messages_left_alone() {
        let refuse = |host: &str, port: Option<u16>| Verdict::Refuse {
            host: host.into(),
            port,
        };
        let cases: &[(&[&str], Verdict)] = &[
            (&["127.0.0.1", "8888"], refuse("127.0.0.1", Some(8888))),
            (&["127.0.0.1"], refuse("127.0.0.1", None)),
            (&["::1"], refuse("::1", None)),
            (&["127.0.0.1:9000"], refuse("127.0.0.1", Some(9000))),
            (&["[::1]:9000", "hello"], refuse("[::1]", Some(9000))),
            (&["example.com:80"], refuse("example.com", Some(80))),
            (&["localhost", "8888"], refuse("localhost", Some(8888))),
            (&["example.com", "8888"], refuse("example.com", Some(8888))),
            (&["127.0.0.1", "hello"], refuse("127.0.0.1", None)),
            (
                &["example.com"],
                Verdict::Warn {
                    host: "example.com".into(),
                },
            ),
            (
                &["file.txt", "hello"],
                Verdict::Warn {
                    host: "file.txt".into(),
                },
            ),
            (
                &["localhost"],
                Verdict::Warn {
                    host: "localhost".into(),
                },
            ),
            (&[], Verdict::Fine),
            (&["hello", "127.0.0.1"], Verdict::Fine),
            (&["hello world."], Verdict::Fine),
            (&["1.2"], Verdict::Fine),
            (&["v1.2"], Verdict::Fine),
            (&["e.g."], Verdict::Fine),
            (&["8888"], Verdict::Fine),
            (&["你好,服务器!"], Verdict::Fine),
            (&["time:12"], Verdict::Fine),
            (
                &["example.com", "80", "x"],
                Verdict::Warn {
                    host: "example.com".into(),
                },
            ),
        ];
        for (messages, want) in cases {
            assert_eq!(&verdict(&strings(messages)), want, "{messages:?}");
        }
    }
}
