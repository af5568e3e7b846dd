//! Addresses: the document's defaults, turning `--host`/`--port` into socket addresses, and how
//! large a datagram each address family carries.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

use anyhow::{bail, Context, Result};

use crate::messages::t;

/// The document binds and connects to 127.0.0.1: reachable from this machine only.
pub const DEFAULT_HOST: &str = "127.0.0.1";
/// The document's TCP port.
pub const TCP_PORT: u16 = 8888;
/// The document's UDP port.
pub const UDP_PORT: u16 = 12345;
/// The largest UDP payload over IPv4: 65,535 minus the 20-byte IP and 8-byte UDP headers.
pub const MAX_DATAGRAM_V4: usize = 65_507;
/// The largest UDP payload over IPv6: 65,535 minus the 8-byte UDP header. IPv6's payload length
/// does not count its own 40-byte header, so 20 more bytes fit than over IPv4.
pub const MAX_DATAGRAM_V6: usize = 65_527;

/// Resolves `host` (an IPv4 or IPv6 literal, with or without brackets, or a name such as
/// `localhost`) and `port` into the socket addresses to try, in the resolver's order.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let bare = crate::typed::unbracketed(host);
    // A literal needs no resolver, and must not depend on one being configured.
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if bare.is_empty() {
        bail!(t!("host-empty"));
    }
    let addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .with_context(|| t!("cannot-resolve", host = format!("{host:?}")))?
        .collect();
    if addrs.is_empty() {
        bail!(t!("no-addresses", host = format!("{host:?}")));
    }
    Ok(addrs)
}

/// Resolves to the one address a server binds: the first the resolver gives.
pub fn resolve_one(host: &str, port: u16) -> Result<SocketAddr> {
    // resolve() never returns an empty list, so the fallback is unreachable but cheap.
    resolve(host, port)?
        .into_iter()
        .next()
        .with_context(|| t!("no-addresses", host = format!("{host:?}")))
}

/// True when `addr` can only be reached from this machine, IPv4-mapped IPv6 loopback
/// (`::ffff:127.0.0.1`) included.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().to_canonical().is_loopback()
}

/// The largest UDP payload that can be sent to `peer`: [`MAX_DATAGRAM_V4`] or
/// [`MAX_DATAGRAM_V6`]. An IPv4-mapped address (`::ffff:192.0.2.1`) is reached over IPv4, even
/// from an IPv6 socket, so it gets the IPv4 limit.
pub fn max_datagram(peer: &SocketAddr) -> usize {
    if over_ipv4(peer) {
        MAX_DATAGRAM_V4
    } else {
        MAX_DATAGRAM_V6
    }
}

/// "IPv4" or "IPv6": the version of IP that carries datagrams to `peer`, IPv4 for an
/// IPv4-mapped address; for messages that name [`max_datagram`]'s limit.
pub fn ip_version(peer: &SocketAddr) -> &'static str {
    if over_ipv4(peer) {
        "IPv4"
    } else {
        "IPv6"
    }
}

fn over_ipv4(peer: &SocketAddr) -> bool {
    peer.ip().to_canonical().is_ipv4()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_resolve_without_a_lookup() {
        assert_eq!(
            resolve("127.0.0.1", 8888).unwrap(),
            vec!["127.0.0.1:8888".parse().unwrap()]
        );
        assert_eq!(resolve("::1", 1).unwrap(), vec!["[::1]:1".parse().unwrap()]);
        assert_eq!(
            resolve("[::1]", 2).unwrap(),
            vec!["[::1]:2".parse().unwrap()]
        );
    }

    #[test]
    fn localhost_resolves_to_loopback() {
        let addrs = resolve("localhost", 80).unwrap();
        assert!(addrs.iter().all(is_loopback), "{addrs:?}");
        assert!(addrs.iter().all(|a| a.port() == 80));
    }

    #[test]
    fn unknown_host_names_the_host() {
        let err = resolve("no-such-host.invalid", 1).unwrap_err();
        assert!(
            format!("{err:#}").contains("no-such-host.invalid"),
            "{err:#}"
        );
        let err = resolve("", 1).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    #[test]
    fn loopback_includes_ipv4_mapped_loopback_and_nothing_else() {
        for a in [
            "127.0.0.1:1",
            "127.8.9.10:1",
            "[::1]:1",
            "[::ffff:127.0.0.1]:1",
        ] {
            assert!(is_loopback(&a.parse().unwrap()), "{a}");
        }
        for a in ["0.0.0.0:1", "[::]:1", "192.0.2.1:1", "[::ffff:192.0.2.1]:1"] {
            assert!(!is_loopback(&a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn resolve_one_takes_the_first() {
        assert_eq!(
            resolve_one("127.0.0.1", 0).unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
    }

    #[test]
    fn the_largest_datagram_depends_on_the_family_the_packet_takes() {
        for (a, max, version) in [
            ("127.0.0.1:1", 65_507, "IPv4"),
            ("192.0.2.1:1", 65_507, "IPv4"),
            ("[::ffff:127.0.0.1]:1", 65_507, "IPv4"),
            ("[::1]:1", 65_527, "IPv6"),
            ("[2001:db8::1]:1", 65_527, "IPv6"),
        ] {
            let a: SocketAddr = a.parse().unwrap();
            assert_eq!((max_datagram(&a), ip_version(&a)), (max, version), "{a}");
        }
    }
}
