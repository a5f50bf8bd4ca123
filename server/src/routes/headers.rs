//! Security headers a browser enforces: the Content-Security-Policy every page
//! carries (with the nonce Leptos puts on its own inline scripts), HSTS when the
//! store is reached over https, `Cross-Origin-Opener-Policy`, and
//! `Cache-Control: no-store` where a shared or back-button cache must not keep
//! a copy (account, admin and library pages, server-function answers).

use axum::extract::Request;
use axum::response::Response;
use http::{HeaderValue, header};

use super::client::Https;

/// The policy pages run under: scripts from the store itself (plus the page's
/// nonce'd inline scripts and WebAssembly), images, media and uploads from the
/// object store, nothing framed, no plugins.
#[derive(Clone, Debug)]
pub struct ContentSecurityPolicy {
    /// The object store's origin as browsers reach it (presigned URLs).
    storage_origin: String,
    /// Where checkout's form post is redirected to pay, when that is not the
    /// store itself (`https://checkout.stripe.com`): `form-action` governs
    /// the redirect too.
    checkout_origin: Option<String>,
}

impl ContentSecurityPolicy {
    pub fn new(storage_origin: &str, checkout_origin: Option<&str>) -> Self {
        Self {
            storage_origin: storage_origin.to_owned(),
            checkout_origin: checkout_origin.map(str::to_owned),
        }
    }

    /// The header value for a page whose inline scripts carry `nonce`.
    pub fn with_nonce(&self, nonce: &str) -> Option<HeaderValue> {
        let s3 = &self.storage_origin;
        let checkout = self
            .checkout_origin
            .as_deref()
            .map(|origin| format!(" {origin}"))
            .unwrap_or_default();
        HeaderValue::from_str(&format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; \
             img-src 'self' {s3}; \
             media-src 'self' {s3}; \
             connect-src 'self' {s3}; \
             font-src 'self'; \
             object-src 'none'; \
             base-uri 'none'; \
             form-action 'self' {s3}{checkout}; \
             frame-ancestors 'none'"
        ))
        .ok()
    }
}

/// Paths whose answers must never be stored by a cache.
fn private(path: &str) -> bool {
    [
        "/account",
        "/admin",
        "/library",
        "/api/",
        "/cart",
        "/checkout",
        "/orders",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

/// The headers an answer gets by what was asked: COOP on every answer, HSTS
/// over https, `no-store` on private answers.
#[derive(Clone, Copy, Debug)]
pub struct SecurityHeaders {
    https: bool,
    private: bool,
}

impl SecurityHeaders {
    /// What the answer to `request` calls for.
    pub fn of(request: &Request) -> Self {
        Self {
            https: request.extensions().get::<Https>().is_some_and(|h| h.0),
            private: private(request.uri().path()),
        }
    }

    pub fn apply(self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert(
            "cross-origin-opener-policy",
            HeaderValue::from_static("same-origin"),
        );
        if self.https {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            );
        }
        if self.private {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_nonce_and_the_object_store_only() {
        let policy = ContentSecurityPolicy::new("https://files.example.com", None)
            .with_nonce("abc123")
            .unwrap();
        let policy = policy.to_str().unwrap();
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        // A download's form post is redirected to its presigned link.
        assert!(policy.contains("form-action 'self' https://files.example.com;"));
        assert!(policy.contains("img-src 'self' https://files.example.com;"));
        assert!(policy.contains("connect-src 'self' https://files.example.com;"));
        assert!(policy.contains("object-src 'none'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn with_stripe_the_checkout_form_may_go_on_to_stripe() {
        let policy = ContentSecurityPolicy::new(
            "https://files.example.com",
            Some("https://checkout.stripe.com"),
        )
        .with_nonce("n")
        .unwrap();
        assert!(
            policy.to_str().unwrap().contains(
                "form-action 'self' https://files.example.com https://checkout.stripe.com;"
            )
        );
    }

    #[test]
    fn account_admin_library_and_api_answers_are_private() {
        for path in [
            "/account",
            "/account/sign-in",
            "/admin/products",
            "/library",
            "/cart",
            "/checkout/done",
            "/orders/0195",
            "/api/sign_in",
        ] {
            assert!(private(path), "{path}");
        }
        for path in ["/", "/products/night-rain", "/pkg/main.css", "/healthz"] {
            assert!(!private(path), "{path}");
        }
    }
}
