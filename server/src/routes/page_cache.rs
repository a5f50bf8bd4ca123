//! First visits to the storefront served from memory. A shopper who arrives
//! without a cookie (nobody signed in, no cart, no refused form) sees the same
//! catalog or product page as every other such shopper, so the page rendered
//! for the first of them is kept and handed to the next ones — with a fresh CSP
//! nonce each time — until a product, image or file changes (the catalog
//! cache's generation), or [`PAGE_TTL`] passes (changes made through another
//! instance). Everyone else gets a page rendered for them.
//!
//! Only `GET /` (with any query) and `GET /products/…` are kept, only 200
//! answers that set no cookie, at most [`MAX_PAGES`] at a time. A product
//! page answered from memory counts as a view of it, as a rendered one does.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use domain::catalog::CatalogCache;
use domain::page_views::PageViews;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a kept page is trusted without a local change.
pub const PAGE_TTL: Duration = Duration::from_secs(30);
/// The most pages kept (catalog pages by tag, order and page; searches;
/// product pages). When full, the oldest generation is dropped wholesale.
const MAX_PAGES: usize = 256;
/// The largest page kept.
const MAX_PAGE_BYTES: usize = 512 * 1024;

/// The kept pages. Cheap to clone.
#[derive(Clone, Debug)]
pub struct PageCache {
    catalog: CatalogCache,
    /// Product pages served from memory count as views too.
    views: PageViews,
    pages: Arc<Mutex<HashMap<String, Page>>>,
}

#[derive(Debug)]
struct Page {
    generation: u64,
    at: Instant,
    headers: HeaderMap,
    body: String,
    /// The nonce the page was rendered with (replaced on every answer).
    nonce: String,
}

impl PageCache {
    pub fn new(catalog: CatalogCache, views: PageViews) -> Self {
        Self {
            catalog,
            views,
            pages: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Page>> {
        self.pages.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The kept page for `key` with a fresh nonce, if still good.
    fn answer(&self, key: &str) -> Option<Response> {
        let generation = self.catalog.generation();
        let pages = self.lock();
        let page = pages.get(key)?;
        if page.generation != generation || page.at.elapsed() >= PAGE_TTL {
            return None;
        }
        let nonce = fresh_nonce();
        let body = page.body.replace(&page.nonce, &nonce);
        let mut headers = page.headers.clone();
        let policy = headers
            .get(header::CONTENT_SECURITY_POLICY)?
            .to_str()
            .ok()?;
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy.replace(&page.nonce, &nonce)).ok()?,
        );
        drop(pages);
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        Some(response)
    }

    fn keep(&self, key: String, page: Page) {
        let mut pages = self.lock();
        if pages.len() >= MAX_PAGES && !pages.contains_key(&key) {
            let generation = page.generation;
            pages.retain(|_, kept| kept.generation == generation && kept.at.elapsed() < PAGE_TTL);
            if pages.len() >= MAX_PAGES {
                pages.clear();
            }
        }
        pages.insert(key, page);
    }
}

/// A CSP nonce: 128 random bits, as hex.
fn fresh_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The nonce in a page's `Content-Security-Policy`.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(policy[start..start + length].to_owned())
}

/// The key of a request whose page may be shared, if it may.
fn shareable(request: &Request) -> Option<String> {
    if request.method() != Method::GET || request.headers().contains_key(header::COOKIE) {
        return None;
    }
    let path = request.uri().path();
    (path == "/" || path.starts_with("/products/"))
        .then(|| request.uri().path_and_query().map(ToString::to_string))
        .flatten()
}

/// Answers cookie-less storefront visits from the kept pages, keeping the
/// page rendered for the first of them; hands every other request on.
pub async fn serve_first_visits(cache: &PageCache, request: Request, next: Next) -> Response {
    let Some(key) = shareable(&request) else {
        return next.run(request).await;
    };
    if let Some(response) = cache.answer(&key) {
        if let Some(slug) = request.uri().path().strip_prefix("/products/") {
            cache.views.count_again(slug);
        }
        return response;
    }
    // Read before rendering: a change made while rendering is not kept.
    let generation = cache.catalog.generation();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let Some(nonce) = nonce_of(response.headers()) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::warn!(%error, "a storefront page could not be read whole");
            let mut response = Response::new(Body::from("Something went wrong on our side."));
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return response;
        }
    };
    if let Ok(text) = std::str::from_utf8(&body) {
        let mut headers = parts.headers.clone();
        // A fresh nonce may differ in length: the body's length is set anew.
        headers.remove(header::CONTENT_LENGTH);
        cache.keep(
            key,
            Page {
                generation,
                at: Instant::now(),
                headers,
                body: text.to_owned(),
                nonce,
            },
        );
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'",
            ),
        );
        assert_eq!(nonce_of(&headers).as_deref(), Some("abc123"));
        assert_eq!(nonce_of(&HeaderMap::new()), None);
    }

    #[test]
    fn only_cookie_less_storefront_gets_are_shared() {
        let request = |method: Method, uri: &str, cookie: bool| {
            let mut builder = Request::builder().method(method).uri(uri);
            if cookie {
                builder = builder.header(header::COOKIE, "downlink_session=x");
            }
            builder.body(Body::empty()).unwrap()
        };
        assert_eq!(
            shareable(&request(Method::GET, "/?tag=audio", false)).as_deref(),
            Some("/?tag=audio")
        );
        assert_eq!(
            shareable(&request(Method::GET, "/products/night-rain", false)).as_deref(),
            Some("/products/night-rain")
        );
        assert_eq!(shareable(&request(Method::GET, "/", true)), None);
        assert_eq!(shareable(&request(Method::POST, "/", false)), None);
        assert_eq!(shareable(&request(Method::GET, "/account", false)), None);
        assert_eq!(
            shareable(&request(Method::GET, "/admin/products", false)),
            None
        );
    }
}
