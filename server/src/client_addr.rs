//! Who is the client? Behind a reverse proxy the socket peer is the proxy, and the client's
//! address is somewhere in `X-Forwarded-For`. Any client can write that header, so only the
//! hops our own proxies appended are believed: walking from the right, the first address that
//! is not a trusted proxy is the client.

use ipnet::IpNet;
use std::fmt;
use std::net::IpAddr;

/// The proxies whose `X-Forwarded-For` entries are believed (`TRUSTED_PROXIES`): addresses
/// and CIDR ranges, IPv4 and IPv6. Empty means the socket peer is the client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A `TRUSTED_PROXIES` entry that is neither an address nor a CIDR range.
#[derive(Debug, PartialEq, Eq)]
pub struct BadProxyEntry(pub String);

impl fmt::Display for BadProxyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\" is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8)",
            self.0
        )
    }
}

impl TrustedProxies {
    /// Parses a comma-separated list; blank entries are ignored, anything else malformed is
    /// refused whole, so a typo never silently trusts or distrusts a proxy.
    pub fn parse(list: &str) -> Result<Self, BadProxyEntry> {
        list.split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| {
                e.parse::<IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| BadProxyEntry(e.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// No proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `addr` is one of the trusted proxies.
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.0.iter().any(|net| net.contains(&addr))
    }
}

/// The client's address: start from the socket `peer`; while the current address is a trusted
/// proxy, step to the next `X-Forwarded-For` entry from the right (`forwarded` holds every
/// such header's value, in order). The first untrusted address is the client; when every hop
/// is trusted, the left-most. A malformed entry ends the chain: the last good address stands.
pub fn resolve<'a>(
    peer: IpAddr,
    forwarded: impl IntoIterator<Item = &'a [u8]>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let mut client = peer.to_canonical();
    if trusted.is_empty() {
        return client;
    }
    let hops: Vec<Option<IpAddr>> = forwarded
        .into_iter()
        .flat_map(|value| match std::str::from_utf8(value) {
            Ok(v) => v.split(',').map(|e| e.trim().parse().ok()).collect(),
            Err(_) => vec![None],
        })
        .collect();
    for hop in hops.into_iter().rev() {
        if !trusted.contains(client) {
            break;
        }
        match hop {
            Some(addr) => client = addr.to_canonical(),
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    fn client(peer: &str, headers: &[&str], list: &str) -> IpAddr {
        resolve(
            ip(peer),
            headers.iter().map(|h| h.as_bytes()),
            &trusted(list),
        )
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        assert_eq!(client("203.0.113.9", &["1.2.3.4"], ""), ip("203.0.113.9"));
        assert_eq!(client("203.0.113.9", &[], ""), ip("203.0.113.9"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_even_with_a_forged_header() {
        assert_eq!(
            client("203.0.113.9", &["1.2.3.4"], "10.0.0.1"),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn forged_left_entries_are_ignored() {
        // The client wrote "1.2.3.4, 5.6.7.8"; our proxy appended the address it saw.
        assert_eq!(
            client("10.0.0.1", &["1.2.3.4, 5.6.7.8, 198.51.100.7"], "10.0.0.1"),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop() {
        assert_eq!(
            client(
                "10.0.0.1",
                &["6.6.6.6, 198.51.100.7, 10.0.0.3", "10.0.0.2"],
                "10.0.0.1, 10.0.0.2, 10.0.0.3"
            ),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn when_every_hop_is_trusted_the_left_most_is_the_client() {
        assert_eq!(
            client("10.0.0.1", &["10.0.0.5, 10.0.0.9"], "10.0.0.0/8"),
            ip("10.0.0.5")
        );
        // A trusted peer with no header at all is itself the client.
        assert_eq!(client("10.0.0.1", &[], "10.0.0.0/8"), ip("10.0.0.1"));
    }

    #[test]
    fn cidr_ranges_trust_their_whole_range_and_nothing_else() {
        let list = "10.0.0.0/8, 192.168.0.0/16";
        assert_eq!(
            client("10.200.3.4", &["198.51.100.7, 192.168.9.9"], list),
            ip("198.51.100.7")
        );
        assert_eq!(client("11.0.0.1", &["198.51.100.7"], list), ip("11.0.0.1"));
        // Host bits in a range are ignored: 10.1.2.3/8 means 10.0.0.0/8.
        assert_eq!(
            client("10.9.9.9", &["198.51.100.7"], "10.1.2.3/8"),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn ipv6_addresses_and_ranges_work_like_ipv4() {
        assert_eq!(
            client(
                "fd00::1",
                &["2001:db8::1, 2001:db8::2, fd00::2"],
                "fd00::/8"
            ),
            ip("2001:db8::2")
        );
        assert_eq!(client("::1", &["2001:db8::9"], "::1"), ip("2001:db8::9"));
        // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
        assert_eq!(
            client("::ffff:127.0.0.1", &["198.51.100.7"], "127.0.0.1"),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn garbage_ends_the_chain_at_the_last_good_address() {
        let list = "10.0.0.0/8";
        assert_eq!(
            client("10.0.0.1", &["198.51.100.7, not-an-ip"], list),
            ip("10.0.0.1")
        );
        assert_eq!(
            client("10.0.0.1", &["198.51.100.7, 10.0.0.2, , 10.0.0.3"], list),
            ip("10.0.0.3")
        );
        assert_eq!(
            client("10.0.0.1", &["198.51.100.7:443"], list),
            ip("10.0.0.1")
        );
        assert_eq!(client("10.0.0.1", &[""], list), ip("10.0.0.1"));
        assert_eq!(
            resolve(
                ip("10.0.0.1"),
                [b"198.51.100.7".as_slice(), b"\xff\xfe".as_slice()],
                &trusted(list)
            ),
            ip("10.0.0.1")
        );
        // Garbage to the left of the client is never reached.
        assert_eq!(
            client("10.0.0.1", &["<script>, 198.51.100.7"], list),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn the_setting_accepts_addresses_and_ranges_and_refuses_anything_else() {
        assert!(trusted("").is_empty());
        assert!(trusted(" , ").is_empty());
        let t = trusted("127.0.0.1, ::1, 10.0.0.0/8,fd00::/8");
        for yes in ["127.0.0.1", "::1", "10.255.0.1", "fd12::3"] {
            assert!(t.contains(ip(yes)), "{yes}");
        }
        for no in ["127.0.0.2", "11.0.0.1", "fe80::1", "2001:db8::1"] {
            assert!(!t.contains(ip(no)), "{no}");
        }
        for bad in [
            "true",
            "10.0.0.0/33",
            "fd00::/129",
            "10.0.0",
            "localhost",
            "1.2.3.4:80",
        ] {
            assert_eq!(
                TrustedProxies::parse(&format!("127.0.0.1,{bad}")),
                Err(BadProxyEntry(bad.to_owned())),
                "{bad}"
            );
        }
    }
}
