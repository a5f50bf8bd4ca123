//! The HTTP surface: health checks, the browser bundle under `/pkg`, server
//! functions under `/api` (their refusals answered in `server_fns`), and every
//! page rendered by Leptos (cookie-less storefront visits answered from
//! `page_cache`), wrapped in client identification, request ids,
//! tracing, timeouts, body limits and panic recovery.

pub mod client;
mod downloads_csv;
mod exports;
mod headers;
mod health;
mod licenses;
mod middleware;
mod origin_check;
pub mod page_cache;
pub mod server_fns;
mod webhooks;

use app::{App, shell};
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use http::header;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::session_store::DbSessionStore;
use crate::settings::Settings;
use crate::startup::AppState;

/// A session ends after this long without a request.
const SESSION_LIFETIME: Duration = Duration::days(domain::sessions::IDLE_LIFETIME.num_days());

/// The whole application as one router; tests call it through real HTTP.
pub fn router(state: AppState, settings: &Settings, store_origin: &str) -> Router {
    let routes = generate_route_list(App);
    let flash_key = state.flash_key.clone();
    let context = state.app.clone();
    let assets = state.assets.clone();
    let checkout_origin = match settings.payments {
        crate::settings::PaymentSettings::Stripe { .. } => Some("https://checkout.stripe.com"),
        crate::settings::PaymentSettings::Sandbox { .. } => None,
    };
    // Shared, not copied: the closure is cloned for every page rendered.
    let policy = std::sync::Arc::new(headers::ContentSecurityPolicy::new(
        &state.storage_origin,
        checkout_origin,
    ));
    // Per page: the services, and the CSP naming the nonce Leptos put on this
    // page's inline scripts.
    let provide = move || {
        provide_context(context.clone());
        provide_context(assets.clone());
        if let (Some(nonce), Some(response)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) && let Some(value) = policy.with_nonce(&nonce)
        {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    };

    let pkg = crate::bundle::router(&settings.site_dir.join("pkg"));
    // One shared cache; the layer hands each request a handle to it.
    let first_visits = std::sync::Arc::new(page_cache::PageCache::new(
        state.app.catalog.cache().clone(),
        state.app.page_views.clone(),
    ));

    let sessions =
        SessionManagerLayer::new(DbSessionStore::new(state.db.clone(), state.clock.clone()))
            .with_name("downlink_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(store_origin.starts_with("https://"))
            .with_expiry(Expiry::OnInactivity(SESSION_LIFETIME));

    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/webhooks/stripe", post(webhooks::stripe))
        .merge(licenses::router())
        .route("/admin/downloads.csv", get(downloads_csv::export))
        .route("/admin/exports/{file}", get(exports::csv))
        .nest("/pkg", pkg);
    if let Some(sandbox) = &state.sandbox {
        router = router.nest_service("/sandbox", sandbox.router());
    }
    let pages = router
        .leptos_routes_with_context(&state, routes, provide.clone(), shell)
        .fallback(leptos_axum::render_app_to_stream_with_context(
            provide, shell,
        ))
        .with_state(state);
    // One composed service (see `middleware::apply`), outermost first.
    let front = std::sync::Arc::new(Front {
        origin: origin_check::StoreOrigin(store_origin.into()),
        first_visits,
    });
    let app = ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(front, store_front))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            flash_key,
            server_fns::refusals_and_flashes,
        ))
        .service(pages);
    middleware::apply(app, settings, store_origin.starts_with("https://"))
}

/// What the store's outermost layer of its own holds.
struct Front {
    origin: origin_check::StoreOrigin,
    first_visits: std::sync::Arc<page_cache::PageCache>,
}

/// Middleware, three steps in one layer (each a layer of its own would cost
/// every request a copy of the layers inside it): a cross-site
/// state-changing request is refused (`origin_check`); the others' answers,
/// cookie-less storefront visits from the kept pages (`page_cache`); and
/// every answer gets the security headers its request calls for.
async fn store_front(
    State(front): State<std::sync::Arc<Front>>,
    request: Request,
    next: Next,
) -> Response {
    let security = headers::SecurityHeaders::of(&request);
    let mut response = match origin_check::refusal(&front.origin, &request) {
        Some(refused) => refused,
        None => page_cache::serve_first_visits(&front.first_visits, request, next).await,
    };
    security.apply(&mut response);
    response
}
