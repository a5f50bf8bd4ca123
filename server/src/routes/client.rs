//! Who a request comes from. The store has no TLS of its own, so in production
//! it sits behind a reverse proxy; only when the TCP peer is one of
//! `DOWNLINK_TRUSTED_PROXIES` are its `X-Forwarded-For`, `X-Forwarded-Proto`
//! and `X-Request-Id` believed. Anyone else's are dropped: a client cannot pick
//! its own address (and so its own rate-limit bucket) or its request id.

use app::ssr::ClientIp;
use axum::extract::{ConnectInfo, Request};
use http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// The proxies whose forwarding headers are believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Arc<[IpNet]>);

impl TrustedProxies {
    fn trust(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// Whether the browser reached the store over https: the public URL says so,
/// or a trusted proxy does (`X-Forwarded-Proto: https`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Https(pub bool);

/// Puts [`ClientIp`] and [`Https`] in `request`'s extensions and drops
/// forwarding headers no trusted proxy set (`public_https`: the store's public
/// URL is https). The TCP peer is the server's `ConnectInfo`; a request
/// without one is an untrusted client of unknown address.
pub fn identify_client(
    proxies: &TrustedProxies,
    public_https: bool,
    mut request: Request,
) -> Request {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let trusted = proxies.trust(peer);
    let client = if trusted {
        forwarded_client(peer, request.headers(), proxies)
    } else {
        peer.to_canonical()
    };
    let https = public_https
        || (trusted
            && request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")));
    if !trusted {
        let headers = request.headers_mut();
        for name in ["x-forwarded-for", "x-forwarded-proto", "x-request-id"] {
            headers.remove(name);
        }
    }
    request.extensions_mut().insert(ClientIp(client));
    request.extensions_mut().insert(Https(https));
    request
}

/// The client behind trusted proxies: the right-most `X-Forwarded-For` hop that
/// is not itself a trusted proxy (hops to its left could be made up by the
/// client). With no usable header, the peer.
pub fn forwarded_client(peer: IpAddr, headers: &HeaderMap, proxies: &TrustedProxies) -> IpAddr {
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    let mut client = peer.to_canonical();
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if proxies.trust(ip) => client = ip,
            Some(ip) => return ip,
            // Garbage in the chain: stop at the last address we could trust.
            None => return client,
        }
    }
    client
}

/// An address as proxies write them: `203.0.113.7`, `2001:db8::1`,
/// `[2001:db8::1]:443`, `203.0.113.7:51234`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    hop.parse::<SocketAddr>()
        .ok()
        .map(|addr| addr.ip().to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(nets: &[&str]) -> TrustedProxies {
        TrustedProxies(nets.iter().map(|n| n.parse().unwrap()).collect())
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.2");
        assert_eq!(
            forwarded_client(peer, &forwarded("203.0.113.7"), &trusted),
            ip("203.0.113.7")
        );
        // A client that writes its own header only adds hops on the left.
        assert_eq!(
            forwarded_client(peer, &forwarded("1.2.3.4, 203.0.113.7, 10.0.0.9"), &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            forwarded_client(peer, &forwarded("[2001:db8::1]:443"), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            forwarded_client(peer, &forwarded("not-an-ip"), &trusted),
            peer,
            "garbage counts as nothing"
        );
        assert_eq!(forwarded_client(peer, &HeaderMap::new(), &trusted), peer);
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_ranges() {
        let trusted = proxies(&["127.0.0.1/32"]);
        assert!(trusted.trust(ip("::ffff:127.0.0.1")));
        assert!(!trusted.trust(ip("127.0.0.2")));
    }
}
