//! Addresses typed as text, the way other tools take them: `host:port`, `[v6]:port`, an IP
//! address, a host name. Pure decisions about what a text is, shared by both clients, which
//! take `--host H:P` apart and look at a first MESSAGE that may be a server; what each client
//! does about it (refuse, warn, which names count before a port) is its own.

use std::net::{IpAddr, Ipv6Addr};

/// Takes `host:port` and `[v6]:port` apart, as typed: the host with its brackets, the port as
/// text, not yet judged (see [`port_number`]). `None` for a host alone: no colon, an IPv6
/// address without brackets (`::1`, `fe80::1`: its colons are its own), `[v6]` without a port,
/// brackets around something other than an IPv6 address, or nothing before the colon (`:8888`).
pub fn split_host_port(text: &str) -> Option<(&str, &str)> {
    if let Some(rest) = text.strip_prefix('[') {
        let (v6, port) = rest.split_once("]:")?;
        v6.parse::<Ipv6Addr>().ok()?;
        // The brackets and the address: `[::1]`.
        return Some((&text[..v6.len() + 2], port));
    }
    match text.split_once(':') {
        Some((host, port)) if !host.is_empty() && !port.contains(':') => Some((host, port)),
        _ => None,
    }
}

/// `host:port` or `[v6]:port` whose port is a port number: the host as typed, and the port.
pub fn host_and_port(text: &str) -> Option<(&str, u16)> {
    let (host, port) = split_host_port(text)?;
    Some((host, port_number(port)?))
}

/// A port number one can connect to: 1 to 65535.
pub fn port_number(text: &str) -> Option<u16> {
    text.parse::<u16>().ok().filter(|&p| p > 0)
}

/// `text` without the brackets around it, when it has them: `[::1]` is `::1`.
pub fn unbracketed(text: &str) -> &str {
    text.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text)
}

/// An IPv4 or IPv6 address, IPv6 with or without brackets.
pub fn is_ip(text: &str) -> bool {
    unbracketed(text).parse::<IpAddr>().is_ok()
}

/// Letters, digits and hyphens in dot-separated labels of 1 to 63 characters, none starting or
/// ending with a hyphen, 253 characters at most: `localhost`, `db.local`; not `a..b`, `-x.com`,
/// `hello world`.
pub fn is_dns_name(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// A DNS name with at least one dot, whose last label is two letters or more (a top-level
/// domain): `a.io`, `db.local`, `www.example.com.`; not `1.2`, `3.14`, `v1.2`, `x.c`, `e.g.`,
/// `etc.`, `hello world.`.
pub fn is_host_name(text: &str) -> bool {
    let text = text.strip_suffix('.').unwrap_or(text);
    let tld = text.rsplit_once('.').map(|(_, tld)| tld);
    is_dns_name(text)
        && tld.is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_come_apart_but_an_ipv6_address_stays_whole() {
        for (text, host, port) in [
            ("127.0.0.1:8888", "127.0.0.1", "8888"),
            ("10.0.0.5:9999", "10.0.0.5", "9999"),
            ("example.com:80", "example.com", "80"),
            ("localhost:12345", "localhost", "12345"),
            ("[::1]:9000", "[::1]", "9000"),
            ("example.com:http", "example.com", "http"),
            ("127.0.0.1:0", "127.0.0.1", "0"),
            ("127.0.0.1:70000", "127.0.0.1", "70000"),
            ("localhost:", "localhost", ""),
            ("[::1]:x", "[::1]", "x"),
            ("time: 10", "time", " 10"),
        ] {
            assert_eq!(split_host_port(text), Some((host, port)), "{text}");
        }
        for alone in [
            "127.0.0.1",
            "::1",
            "[::1]",
            "localhost",
            "fe80::1",
            ":8888",
            "[::1",
            "[x]:80",
            "a:b:c",
        ] {
            assert_eq!(split_host_port(alone), None, "{alone}");
        }
    }

    #[test]
    fn only_port_numbers_count_as_ports() {
        assert_eq!(host_and_port("[::1]:80"), Some(("[::1]", 80)));
        assert_eq!(host_and_port("h:65535"), Some(("h", 65535)));
        for text in ["h:0", "h:99999", "h:http", "host:", "h:-1", "h: 1"] {
            assert_eq!(host_and_port(text), None, "{text}");
        }
    }

    #[test]
    fn ip_addresses_with_or_without_brackets() {
        for ip in ["127.0.0.1", "10.0.0.5", "::1", "[::1]", "fe80::1"] {
            assert!(is_ip(ip), "{ip}");
        }
        for text in ["10.0.0.256", "1.2", "localhost", "[127.0.0.1", ""] {
            assert!(!is_ip(text), "{text}");
        }
        assert_eq!(unbracketed("[::1]"), "::1");
        assert_eq!(unbracketed("::1"), "::1");
        assert_eq!(unbracketed("[::1"), "[::1");
    }

    #[test]
    fn names_and_host_names() {
        for name in ["localhost", "time", "db.local", "a-b.c"] {
            assert!(is_dns_name(name), "{name}");
        }
        for text in [
            "",
            "a..b",
            "-x.com",
            "x-.com",
            "hello world",
            "例子.com",
            "etc.",
        ] {
            assert!(!is_dns_name(text), "{text}");
        }
        for name in [
            "a.io",
            "example.com",
            "db.local",
            "file.txt",
            "www.example.com.",
        ] {
            assert!(is_host_name(name), "{name}");
        }
        for text in [
            "localhost",
            "hello",
            "1.2",
            "3.14",
            "v1.2",
            "e.g.",
            "etc.",
            ".com",
            "a..b",
            "-x.com",
            "hello world.",
            "hello world.com",
            "x.c",
            "10.0.0.5",
        ] {
            assert!(!is_host_name(text), "{text}");
        }
    }
}
