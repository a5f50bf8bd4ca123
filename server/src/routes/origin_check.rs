//! Request-forgery protection: a state-changing request (anything but GET, HEAD
//! and OPTIONS) is refused with 403 when it comes from another site. Browsers say
//! where a request comes from with `Sec-Fetch-Site` and `Origin`; a request that
//! carries neither is not from a browser page (scripts, tests) and cannot ride on
//! a shopper's cookies, so it passes.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, header};
use std::sync::Arc;

/// The store's own origin, e.g. `https://shop.example.com`.
#[derive(Clone, Debug)]
pub struct StoreOrigin(pub Arc<str>);

/// Middleware: 403 for cross-site state-changing requests.
pub async fn refuse_cross_site(
    State(origin): State<StoreOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if is_cross_site(request.method(), request.headers(), &origin.0) {
        tracing::warn!(
            origin = ?request.headers().get(header::ORIGIN),
            "refused a cross-site request"
        );
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    next.run(request).await
}

/// True when a request would change state on behalf of another site.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, store_origin: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin
        && (origin == store_origin || same_host(origin, headers))
    {
        return false;
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // Typed into the address bar, or from the store's own pages.
        Some("same-origin" | "none") => false,
        Some(_) => true,
        // No fetch metadata: an older browser or not a browser. Judge by Origin alone.
        None => origin.is_some(),
    }
}

/// True when `origin`'s host and port are the ones the request was sent to.
fn same_host(origin: &str, headers: &HeaderMap) -> bool {
    let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    headers
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
            ("origin", "http://localhost:3000"),
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
    fn reads_and_non_browser_clients_pass() {
        let evil = headers(&[("origin", "https://evil.example")]);
        assert!(!is_cross_site(&Method::GET, &evil, STORE));
        assert!(!is_cross_site(&Method::POST, &HeaderMap::new(), STORE));
    }
}
