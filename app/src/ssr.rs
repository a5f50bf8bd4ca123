//! Server-side plumbing for pages and server functions: the per-request context,
//! the guards every server function starts with ([`admin`], [`customer`],
//! [`public`]), request ids and internal errors. Domain errors become
//! [`AppError`] in `errors`; domain results become views in `views`, `media`,
//! `cart`, `library`, `sales` and the other areas' modules; admin actions are
//! recorded through `audit`. The HTTP status of a refused call is set in one
//! place, on the way out (the server's `server_fns` layer), never here.

use domain::entities::user;
use leptos::prelude::*;

pub mod accounts;
pub mod analytics;
pub mod audit;
pub mod cart;
pub mod customers;
pub mod dashboard;
pub mod downloads;
pub mod errors;
pub mod library;
pub mod media;
pub mod products;
pub mod sales;
pub mod session;
pub mod store_time;
pub mod views;

use crate::error::AppError;

/// The domain services server functions call, provided once per request (a
/// cheap handle: one shared copy). The app holds no database connection of its
/// own: every read and write goes through a service.
#[derive(Clone, Debug)]
pub struct AppContext(std::sync::Arc<Services>);

impl AppContext {
    pub fn new(services: Services) -> Self {
        Self(std::sync::Arc::new(services))
    }
}

impl std::ops::Deref for AppContext {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The services themselves.
#[derive(Debug)]
pub struct Services {
    pub catalog: domain::catalog::Catalog,
    pub accounts: domain::accounts::Accounts,
    pub limiter: domain::rate_limit::RateLimiter,
    pub uploads: domain::uploads::Uploads,
    pub products: domain::products::Products,
    pub gallery: domain::gallery::Gallery,
    pub files: domain::product_files::ProductFiles,
    pub reports: domain::admin::Reports,
    pub audit: domain::audit::AuditLog,
    pub dashboard: domain::dashboard::Dashboard,
    pub customers: domain::customers::Customers,
    pub analytics: domain::analytics::ProductAnalytics,
    /// Product page views, counted in memory and written every few seconds.
    pub page_views: domain::page_views::PageViews,
    pub carts: domain::carts::Carts,
    pub discounts: domain::discounts::Discounts,
    pub orders: domain::orders::Orders,
    /// The payment provider's client (the sandbox's deliveries page).
    pub payments: domain::payments::Payments,
    pub delivery: domain::delivery::Delivery,
    pub licenses: domain::licenses::Licenses,
    pub grants: domain::grants::Grants,
}

/// The request's [`AppContext`], for calls anyone may make.
pub fn public() -> Result<AppContext, AppError> {
    use_context::<AppContext>().ok_or_else(|| internal("AppContext was not provided"))
}

/// The context and whoever is signed in, if anyone (the shop's pages).
pub async fn shopper() -> Result<(AppContext, Option<user::Model>), AppError> {
    Ok((public()?, session::signed_in().await?))
}

/// The context and the signed-in user: 401 when nobody is signed in.
pub async fn customer() -> Result<(AppContext, user::Model), AppError> {
    Ok((public()?, session::require_user().await?))
}

/// The context and the signed-in admin: 401 when nobody is signed in, 403 for
/// a customer. Checked on every call.
pub async fn admin() -> Result<(AppContext, user::Model), AppError> {
    Ok((public()?, session::require_admin().await?))
}

/// The id the server gave this request (`x-request-id`), for logs and error pages.
pub fn request_id() -> String {
    with_context::<http::request::Parts, _>(|parts| {
        parts
            .headers
            .get("x-request-id")?
            .to_str()
            .ok()
            .map(str::to_owned)
    })
    .flatten()
    .unwrap_or_else(|| "unknown".to_owned())
}

/// Logs `cause` with the request id and returns the error a client may see.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let request_id = request_id();
    tracing::error!(%request_id, error = %cause, "internal error");
    AppError::Internal { request_id }
}

/// Sets the HTTP status of the page being rendered (a 404 page, a page whose
/// data could not be loaded).
pub fn set_page_status(status: u16) {
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
}

/// Counts an attempt at `what` against the client's address and, when given,
/// the account's email; refuses it with 429 past the limits.
pub fn rate_limit(what: domain::rate_limit::Guarded, email: Option<&str>) -> Result<(), AppError> {
    public()?
        .limiter
        .check(what, client_ip(), email)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: u64::try_from(wait.num_seconds()).unwrap_or(1).max(1),
        })
}

/// The client's IP address, as the server's client layer found it (the
/// unspecified address when a page is rendered outside a request).
pub fn client_ip() -> std::net::IpAddr {
    with_context::<http::request::Parts, _>(|parts| {
        parts.extensions.get::<ClientIp>().map(|ip| ip.0)
    })
    .flatten()
    .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// The browser's `User-Agent`, as sent (empty outside a request).
pub fn user_agent() -> String {
    with_context::<http::request::Parts, _>(|parts| {
        let agent = parts.headers.get(http::header::USER_AGENT)?;
        agent.to_str().ok().map(str::to_owned)
    })
    .flatten()
    .unwrap_or_default()
}

/// The address a request came from: the TCP peer, or behind a trusted proxy the
/// address it forwarded. Put in the request's extensions by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// A public id from a request, or 404.
pub fn parse_id(value: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(value.trim()).map_err(|_| AppError::NotFound)
}

pub use store_time::{store_days, when};
