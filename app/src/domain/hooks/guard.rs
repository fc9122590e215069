//! Where may a webhook go? Only to public internet addresses: never to private, loopback,
//! link-local, unique-local, multicast, unspecified, shared (CGNAT), documentation or other
//! reserved ranges, of IPv4 or IPv6, including IPv4 addresses written as IPv6 (a request there
//! would let a page's owner reach the server's own network: SSRF).
//!
//! The check runs after DNS: the HTTP client resolves names only through [`GuardedResolver`],
//! which refuses a name if any of its addresses is forbidden, and connects to the addresses it
//! checked, so a name that answers differently the second time (DNS rebinding) cannot slip
//! past. Addresses written in the URL are checked by [`check_literal`]. Redirects are never
//! followed (a 3xx answer is a failed delivery), so no second, unchecked address is reached.

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::LazyLock;

/// What kind of address a forbidden range holds: in English (the delivery log) and as the
/// message that names it in the reader's language (the studio's form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range(pub &'static str, pub &'static str);

impl Range {
    /// The message id naming this kind of address.
    pub fn message(self) -> &'static str {
        self.1
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// IPv4 ranges no webhook may reach (IANA's special-purpose registry, and multicast).
const FORBIDDEN_V4: &[(&str, Range)] = &[
    (
        "0.0.0.0/8",
        Range(
            "an unspecified (\"this network\") address",
            "studio-hook-range-unspecified",
        ),
    ),
    (
        "10.0.0.0/8",
        Range("a private address", "studio-hook-range-private"),
    ),
    (
        "100.64.0.0/10",
        Range(
            "a shared (carrier-grade NAT) address",
            "studio-hook-range-shared",
        ),
    ),
    (
        "127.0.0.0/8",
        Range("a loopback address", "studio-hook-range-loopback"),
    ),
    (
        "169.254.0.0/16",
        Range("a link-local address", "studio-hook-range-link-local"),
    ),
    (
        "172.16.0.0/12",
        Range("a private address", "studio-hook-range-private"),
    ),
    (
        "192.0.0.0/24",
        Range("an IETF protocol address", "studio-hook-range-protocol"),
    ),
    (
        "192.0.2.0/24",
        Range("a documentation address", "studio-hook-range-documentation"),
    ),
    (
        "192.88.99.0/24",
        Range("a 6to4 relay address", "studio-hook-range-relay"),
    ),
    (
        "192.168.0.0/16",
        Range("a private address", "studio-hook-range-private"),
    ),
    (
        "198.18.0.0/15",
        Range("a benchmarking address", "studio-hook-range-benchmarking"),
    ),
    (
        "198.51.100.0/24",
        Range("a documentation address", "studio-hook-range-documentation"),
    ),
    (
        "203.0.113.0/24",
        Range("a documentation address", "studio-hook-range-documentation"),
    ),
    (
        "224.0.0.0/4",
        Range("a multicast address", "studio-hook-range-multicast"),
    ),
    (
        "240.0.0.0/4",
        Range("a reserved address", "studio-hook-range-reserved"),
    ),
];

/// IPv6 ranges no webhook may reach. IPv4-mapped (`::ffff:0:0/96`), IPv4-compatible,
/// NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`) addresses are judged by the IPv4 address
/// inside them instead (see [`forbidden`]).
const FORBIDDEN_V6: &[(&str, Range)] = &[
    (
        "::/128",
        Range("an unspecified address", "studio-hook-range-unspecified"),
    ),
    (
        "::1/128",
        Range("a loopback address", "studio-hook-range-loopback"),
    ),
    (
        "100::/64",
        Range("a discard-only address", "studio-hook-range-discard"),
    ),
    (
        "2001::/23",
        Range("an IETF protocol address", "studio-hook-range-protocol"),
    ),
    (
        "2001:db8::/32",
        Range("a documentation address", "studio-hook-range-documentation"),
    ),
    (
        "3fff::/20",
        Range("a documentation address", "studio-hook-range-documentation"),
    ),
    (
        "fc00::/7",
        Range("a unique-local address", "studio-hook-range-unique-local"),
    ),
    (
        "fe80::/10",
        Range("a link-local address", "studio-hook-range-link-local"),
    ),
    (
        "fec0::/10",
        Range("a site-local address", "studio-hook-range-site-local"),
    ),
    (
        "ff00::/8",
        Range("a multicast address", "studio-hook-range-multicast"),
    ),
];

static V4: LazyLock<Vec<(Ipv4Net, Range)>> = LazyLock::new(|| {
    FORBIDDEN_V4
        .iter()
        .map(|(net, why)| (net.parse().expect("a valid IPv4 range"), *why))
        .collect()
});

static V6: LazyLock<Vec<(Ipv6Net, Range)>> = LazyLock::new(|| {
    FORBIDDEN_V6
        .iter()
        .map(|(net, why)| (net.parse().expect("a valid IPv6 range"), *why))
        .collect()
});

/// Why `ip` may not be reached, or `None` for a public address.
pub fn forbidden(ip: IpAddr) -> Option<Range> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(v6) {
                return forbidden_v4(v4);
            }
            V6.iter()
                .find(|(net, _)| net.contains(&v6))
                .map(|(_, why)| *why)
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<Range> {
    V4.iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|(_, why)| *why)
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped `::ffff:a.b.c.d`, the deprecated
/// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, or 6to4 `2002:aabb:ccdd::/48`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..6] == [0, 0, 0, 0, 0, 0] && !ip.is_loopback() && !ip.is_unspecified() {
        return Some(low);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(low);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// The refusal of an address, as the delivery log shows it.
#[derive(Debug, thiserror::Error)]
#[error("refused: {host} is {why} ({ip}); webhooks go to public addresses only")]
pub struct Refused {
    pub host: String,
    pub ip: IpAddr,
    pub why: Range,
}

/// Checks a host written as an address in the URL (`127.0.0.1`, `[::1]`); names are checked
/// when they are resolved.
pub fn check_literal(url: &url::Url) -> Result<(), Refused> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    match forbidden(ip) {
        Some(why) => Err(Refused {
            host: url.host_str().unwrap_or_default().to_owned(),
            ip,
            why,
        }),
        None => Ok(()),
    }
}

/// The HTTP client's DNS resolver for webhooks: the system's resolver, then every address
/// checked; a name with any forbidden address is refused as a whole.
#[derive(Clone, Copy, Debug, Default)]
pub struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some((addr, why)) = addrs
                .iter()
                .find_map(|a| forbidden(a.ip()).map(|why| (a, why)))
            {
                return Err(Box::new(Refused {
                    host,
                    ip: addr.ip(),
                    why,
                })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn non_public_addresses_are_forbidden() {
        for bad in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.5",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.10",
            "198.51.100.7",
            "203.0.113.9",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::1",
        ] {
            assert!(forbidden(ip(bad)).is_some(), "{bad} should be forbidden");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for good in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert_eq!(forbidden(ip(good)), None, "{good} should be allowed");
        }
    }

    #[test]
    fn literal_hosts_in_urls_are_checked() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert!(check_literal(&url("https://127.0.0.1/hook")).is_err());
        assert!(check_literal(&url("https://[::1]:8443/")).is_err());
        assert!(check_literal(&url("https://[::ffff:127.0.0.1]/")).is_err());
        assert!(check_literal(&url("https://0x7f.1/")).is_err());
        assert!(check_literal(&url("https://8.8.8.8/")).is_ok());
        assert!(check_literal(&url("https://example.org/")).is_ok());
    }
}
