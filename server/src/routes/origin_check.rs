//! Request-forgery protection: a state-changing request (anything but GET, HEAD
//! and OPTIONS) is refused with 403 when it comes from another site. Browsers say
//! where a request comes from with `Sec-Fetch-Site` and `Origin`; a request that
//! carries neither is not from a browser page (scripts, tests) and cannot ride on
//! a shopper's cookies, so it passes. `Sec-Fetch-Site: cross-site` is refused
//! whatever the `Origin` says, and an `Origin` naming the store's host is
//! accepted only with the scheme of the store's public URL.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, header};
use std::sync::Arc;

/// The store's own origin, e.g. `https://shop.example.com`.
#[derive(Clone, Debug)]
pub struct StoreOrigin(pub Arc<str>);

/// The 403 a cross-site state-changing request gets; None for any other.
pub fn refusal(origin: &StoreOrigin, request: &Request) -> Option<Response> {
    // The public JSON API (`/api/v1/…`) takes no cookies, only what is in the
    // request (a license key): other sites' apps may call it (CORS).
    let public_api = request.uri().path().starts_with("/api/v1/");
    if public_api || !is_cross_site(request.method(), request.headers(), &origin.0) {
        return None;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        "refused a cross-site request"
    );
    Some(
        (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response(),
    )
}

/// True when a request would change state on behalf of another site.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, store_origin: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site == Some("cross-site") {
        return true;
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin {
        return !(origin == store_origin || same_host_and_scheme(origin, headers, store_origin));
    }
    match fetch_site {
        // Typed into the address bar, or from the store's own pages.
        Some("same-origin" | "none") => false,
        Some(_) => true,
        // No fetch metadata and no Origin: not a browser page.
        None => false,
    }
}

/// True when `origin`'s host and port are the ones the request was sent to
/// (the store reached under another name, e.g. `localhost`), and its scheme is
/// the store's.
fn same_host_and_scheme(origin: &str, headers: &HeaderMap, store_origin: &str) -> bool {
    let (Some((scheme, authority)), Some((store_scheme, _))) =
        (origin.split_once("://"), store_origin.split_once("://"))
    else {
        return false;
    };
    scheme == store_scheme
        && headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORE: &str = "https://shop.example.com";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_stores_own_pages_may_post() {
        let own = headers(&[("origin", STORE), ("sec-fetch-site", "same-origin")]);
        assert!(!is_cross_site(&Method::POST, &own, STORE));
        let via_host = headers(&[
            ("origin", "https://localhost:3000"),
            ("host", "localhost:3000"),
        ]);
        assert!(!is_cross_site(&Method::POST, &via_host, STORE));
    }

    #[test]
    fn another_site_may_not_post() {
        let evil = headers(&[
            ("origin", "https://evil.example"),
            ("host", "shop.example.com"),
        ]);
        assert!(is_cross_site(&Method::POST, &evil, STORE));
        let cross = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(is_cross_site(&Method::POST, &cross, STORE));
        let sibling = headers(&[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://blog.example.com"),
        ]);
        assert!(is_cross_site(&Method::DELETE, &sibling, STORE));
        let opaque = headers(&[("origin", "null")]);
        assert!(is_cross_site(&Method::POST, &opaque, STORE));
    }

    #[test]
    fn cross_site_fetch_metadata_wins_over_a_same_host_origin() {
        let forged = headers(&[
            ("origin", "https://shop.example.com"),
            ("host", "shop.example.com"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(is_cross_site(&Method::POST, &forged, STORE));
    }

    #[test]
    fn a_same_host_origin_must_have_the_stores_scheme() {
        let plain = headers(&[
            ("origin", "http://shop.example.com"),
            ("host", "shop.example.com"),
        ]);
        assert!(is_cross_site(&Method::POST, &plain, STORE));
        let secure = headers(&[
            ("origin", "https://shop.example.com"),
            ("host", "shop.example.com"),
        ]);
        assert!(!is_cross_site(&Method::POST, &secure, STORE));
    }

    #[test]
    fn reads_and_non_browser_clients_pass() {
        let evil = headers(&[("origin", "https://evil.example")]);
        assert!(!is_cross_site(&Method::GET, &evil, STORE));
        assert!(!is_cross_site(&Method::POST, &HeaderMap::new(), STORE));
    }
}
