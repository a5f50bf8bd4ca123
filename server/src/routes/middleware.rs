//! The layers every request passes through.

use axum::Router;
use axum::body::Body;
use http::{HeaderValue, Request, Response, StatusCode, header};
use std::convert::Infallible;
use std::time::Duration;
use tower::{Service, ServiceBuilder};
use tower_http::CompressionLevel;
use tower_http::body::Limited;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::client::{TrustedProxies, identify_client};
use crate::settings::Settings;

/// Gives each request a UUIDv7 id (unless a trusted proxy set `x-request-id`).
#[derive(Clone, Copy, Default)]
pub struct NewRequestId;

impl MakeRequestId for NewRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = uuid::Uuid::now_v7().to_string();
        http::HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The span of one request. Its fields are only worked out when the span is
/// recorded (`info_span!` evaluates them then), not at every request of a store
/// that logs warnings only.
fn request_span<B>(request: &Request<B>) -> Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        // Mailed links carry their secret in the query: never log it.
        uri = %domain::mail::replace_tokens(&request.uri().to_string(), "[redacted]"),
        request_id = %request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-"),
    )
}

fn on_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "response"
    );
}

/// A panic in a handler becomes a plain 500; the panic itself is logged.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    let mut response = Response::new(Body::from("Something went wrong on our side."));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

/// A response with the store's one body type.
fn one_body<B>(response: Response<B>) -> Response<Body>
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    response.map(Body::new)
}

/// Wraps `app` so each request passes, outermost first: client identification
/// (address, https, forwarding headers only from trusted proxies) → request id
/// → trace span (with the id) → id copied to the response → panic catcher →
/// timeout → body limit → compression; responses get baseline security
/// headers (no MIME sniffing, no framing, no full referrer to other sites).
///
/// The layers are one composed service, boxed once. Each layer added to a
/// `Router` on its own is boxed apart, and every request then clones each
/// box and everything inside it: with this many layers, a large part of a
/// small request's time went to those copies.
pub fn apply<S>(app: S, settings: &Settings, public_https: bool) -> Router
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let proxies = TrustedProxies(settings.trusted_proxies.clone().into());
    let header =
        |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    // Where a layer wraps the body in a type of its own, it becomes the
    // store's one body type again, as the layers outside it expect.
    let stack = ServiceBuilder::new()
        .map_request(move |request| identify_client(&proxies, public_https, request))
        .layer(SetRequestIdLayer::x_request_id(NewRequestId))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span::<Body>)
                .on_response(on_response::<Body>),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .map_response(one_body)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        .map_response(one_body)
        .layer(RequestBodyLimitLayer::new(settings.body_limit))
        .map_request(|request: Request<Limited<Body>>| request.map(Body::new))
        // HTML and JSON are compressed as they go out (brotli at a fast level,
        // or gzip); tiny answers and what is compressed already (images, the
        // precompressed bundle) are left alone.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(4))
                .compress_when(DefaultPredicate::new().and(SizeAbove::new(1024))),
        )
        .layer(header(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .service(app);
    Router::new().fallback_service(stack)
}
