//! The browser bundles as built into `site/pkg` (scripts/build-bundle): the
//! file names `manifest.json` gives them, and how `/pkg` serves them —
//! precompressed copies by `Accept-Encoding`, and hashed names cached for a
//! year.

use app::assets::{Assets, BundleFiles};
use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, header};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use tower_http::services::ServeDir;

#[derive(Deserialize)]
struct Manifest {
    bundles: HashMap<String, Bundle>,
    files: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Bundle {
    js: String,
    wasm: String,
}

impl From<Bundle> for BundleFiles {
    fn from(bundle: Bundle) -> Self {
        Self {
            js: bundle.js,
            wasm: bundle.wasm,
        }
    }
}

/// The asset names in `pkg/manifest.json`; unhashed names when there is none
/// (tests that do not build the bundle).
pub fn assets(pkg: &Path) -> Assets {
    let read = std::fs::read_to_string(pkg.join("manifest.json"));
    match read.ok().and_then(|json| parse(&json)) {
        Some(assets) => assets,
        None => {
            tracing::warn!(dir = %pkg.display(), "no bundle manifest: serving unhashed asset names");
            Assets::unhashed()
        }
    }
}

fn parse(json: &str) -> Option<Assets> {
    let mut manifest: Manifest = serde_json::from_str(json).ok()?;
    Some(Assets {
        shopper: manifest.bundles.remove("shopper")?.into(),
        account: manifest.bundles.remove("account")?.into(),
        admin: manifest.bundles.remove("admin")?.into(),
        stylesheet: manifest.files.remove("main.css")?,
        icon: manifest.files.remove("favicon.svg")?,
    })
}

/// `/pkg`: files from `pkg`, their `.br`/`.gz` copies when the browser takes
/// them, cached for a year when named by their hash, revalidated otherwise.
pub fn router<S: Clone + Send + Sync + 'static>(pkg: &Path) -> Router<S> {
    Router::new()
        .fallback_service(ServeDir::new(pkg).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::from_fn(cache_by_name))
}

async fn cache_by_name(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let policy = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// True for `name.<16 hex digits>.ext`, as scripts/finish-bundle.mjs names files.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split('.')
        .any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_names_both_bundles_and_the_static_files() {
        let json = r#"{"bundles":{"shopper":{"js":"shopper.1a.js","wasm":"shopper_bg.2b.wasm"},
            "account":{"js":"account.7a.js","wasm":"account_bg.8b.wasm"},
            "admin":{"js":"admin.3c.js","wasm":"admin_bg.4d.wasm"}},
            "files":{"main.css":"main.5e.css","favicon.svg":"favicon.6f.svg"}}"#;
        let assets = parse(json).unwrap();
        assert_eq!(assets.shopper.wasm, "shopper_bg.2b.wasm");
        assert_eq!(assets.admin.js, "admin.3c.js");
        assert_eq!(assets.stylesheet, "main.5e.css");
        assert!(parse("{}").is_none());
    }

    #[test]
    fn only_hashed_names_are_cached_for_a_year() {
        assert!(is_hashed("/shopper_bg.0123456789abcdef.wasm"));
        assert!(is_hashed("/main.0123456789abcdef.css"));
        assert!(!is_hashed("/frontend.js"));
        assert!(!is_hashed("/main.css"));
    }
}
