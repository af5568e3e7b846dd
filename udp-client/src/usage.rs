//! Flags people type from habit: `udp-client 10.0.0.5:9999` as they would type `nc -u HOST PORT`
//! or `ping HOST`, and `--host HOST:PORT`. The first is a MESSAGE, and is sent as one; a warning
//! says so, with the command that talks to that server. The second is taken apart.

use common::typed::{host_and_port, is_dns_name, is_host_name, is_ip, unbracketed};

/// `--host` taken apart when it holds a port too: `localhost:12345`, `10.0.0.5:9999`,
/// `[::1]:12345` (the host without its brackets). A bare IPv6 address (`::1`, `fe80::1`) holds
/// no port.
pub fn split_host_port(host: &str) -> Option<(&str, u16)> {
    let (host, port) = host_and_port(host)?;
    Some((unbracketed(host), port))
}

/// The server a MESSAGE names, when it looks like one: an IP address, a host name with a dot
/// (`example.com`, not `3.14`), or any of those or a plain name with a port (`localhost:12345`).
/// The port is `None` when the message has none.
pub fn looks_like_server(message: &str) -> Option<(&str, Option<u16>)> {
    if let Some((host, port)) = host_and_port(message) {
        let named = is_ip(host) || is_dns_name(host);
        return named.then_some((unbracketed(host), Some(port)));
    }
    if is_ip(message) {
        return Some((unbracketed(message), None));
    }
    is_host_name(message).then_some((message, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_come_apart_but_an_ipv6_address_stays_whole() {
        assert_eq!(
            split_host_port("localhost:12345"),
            Some(("localhost", 12345))
        );
        assert_eq!(split_host_port("[::1]:80"), Some(("::1", 80)));
        for whole in ["::1", "fe80::1", "[::1]", "host:", "h:99999"] {
            assert_eq!(split_host_port(whole), None, "{whole}");
        }
    }

    #[test]
    fn messages_that_look_like_servers_and_messages_that_do_not() {
        for (message, want) in [
            ("10.0.0.5", Some(("10.0.0.5", None))),
            ("::1", Some(("::1", None))),
            ("[::1]", Some(("::1", None))),
            ("example.com", Some(("example.com", None))),
            ("db.local", Some(("db.local", None))),
            ("10.0.0.5:9999", Some(("10.0.0.5", Some(9999)))),
            ("localhost:12345", Some(("localhost", Some(12345)))),
            ("[::1]:7", Some(("::1", Some(7)))),
        ] {
            assert_eq!(looks_like_server(message), want, "{message}");
        }
        for text in [
            "hello",
            "localhost",
            "3.14",
            "v1.2",
            "etc.",
            ".com",
            "hello world.com",
            "a..b",
            "-x.com",
            "time: 10",
            "",
            "10.0.0.256",
        ] {
            assert_eq!(looks_like_server(text), None, "{text}");
        }
    }
}
