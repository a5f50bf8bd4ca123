//! `/v1`: Stripe's REST surface as its client libraries call it. Bearer (or
//! Basic) auth with the secret key, form-encoded parameters, JSON objects,
//! Stripe's error shape, and `Idempotency-Key` honored on every POST.

use crate::error::ApiError;
use crate::form::Params;
use crate::{State, charges, checkout, store, webhooks};
use axum::body::Body;
use axum::extract::{FromRequest, Path, Request};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, extract::State as Ext};
use http::{HeaderValue, Method, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;
use std::sync::Arc;

type Shared = Arc<State>;
type Answer = Result<Json<Value>, ApiError>;

/// The largest request body the API reads.
const BODY_LIMIT: usize = 1 << 20;

pub fn router(state: Shared) -> Router {
    let api = Router::new()
        .route(
            "/checkout/sessions",
            post(create_session)
                .get(|Ext(s): Ext<Shared>, Form(p): Form| list(s, p, "checkout.session")),
        )
        .route("/checkout/sessions/{id}", get(retrieve_session))
        .route(
            "/checkout/sessions/{id}/line_items",
            get(session_line_items),
        )
        .route("/checkout/sessions/{id}/expire", post(expire_session))
        .route(
            "/refunds",
            post(create_refund).get(|Ext(s): Ext<Shared>, Form(p): Form| list(s, p, "refund")),
        )
        .route("/refunds/{id}", get(retrieve_of("refund")))
        .route("/payment_intents/{id}", get(retrieve_of("payment_intent")))
        .route("/charges/{id}", get(retrieve_of("charge")))
        .route(
            "/events",
            get(|Ext(s): Ext<Shared>, Form(p): Form| list(s, p, "event")),
        )
        .route("/events/{id}", get(retrieve_of("event")))
        .route(
            "/webhook_endpoints",
            post(create_endpoint)
                .get(|Ext(s): Ext<Shared>, Form(p): Form| list(s, p, "webhook_endpoint")),
        )
        .route(
            "/webhook_endpoints/{id}",
            get(retrieve_endpoint).delete(delete_endpoint),
        )
        .route("/test_helpers/webhook_deliveries", get(list_deliveries))
        .route(
            "/test_helpers/webhook_deliveries/{id}/resend",
            post(resend_delivery),
        )
        .fallback(unrecognized)
        .layer(from_fn_with_state(state.clone(), idempotent))
        .layer(from_fn_with_state(state.clone(), authenticate))
        .with_state(state);
    Router::new().nest("/v1", api)
}

/// The query string and the form body, as one set of parameters.
pub struct Form(pub Params);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiError> {
        let query = request.uri().query().unwrap_or_default().to_owned();
        let body = axum::body::to_bytes(request.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| ApiError::invalid("body", "The request body is too large."))?;
        Params::parse(&[query.as_bytes(), &body]).map(Form)
    }
}

async fn create_session(Ext(state): Ext<Shared>, Form(params): Form) -> Answer {
    checkout::create(&state, params).await.map(Json)
}

async fn retrieve_session(
    Ext(state): Ext<Shared>,
    Path(id): Path<String>,
    Form(params): Form,
) -> Answer {
    checkout::retrieve(&state, &id, &params).await.map(Json)
}

async fn session_line_items(Ext(state): Ext<Shared>, Path(id): Path<String>) -> Answer {
    checkout::line_items_of(&state, &id).await.map(Json)
}

async fn expire_session(Ext(state): Ext<Shared>, Path(id): Path<String>) -> Answer {
    checkout::expire_now(&state, &id).await.map(Json)
}

async fn create_refund(Ext(state): Ext<Shared>, Form(params): Form) -> Answer {
    charges::refund(&state, params).await.map(Json)
}

/// `GET /v1/<objects>/:id` for objects shown as stored.
fn retrieve_of(
    kind: &'static str,
) -> impl Fn(Ext<Shared>, Path<String>) -> std::pin::Pin<Box<dyn Future<Output = Answer> + Send>>
+ Clone
+ Send
+ Sync
+ 'static {
    move |Ext(state): Ext<Shared>, Path(id): Path<String>| {
        Box::pin(async move { charges::retrieve(&state, kind, &id).await.map(Json) })
    }
}

async fn create_endpoint(Ext(state): Ext<Shared>, Form(params): Form) -> Answer {
    webhooks::create_endpoint(&state, params).await.map(Json)
}

async fn retrieve_endpoint(Ext(state): Ext<Shared>, Path(id): Path<String>) -> Answer {
    charges::retrieve(&state, "webhook_endpoint", &id)
        .await
        .map(|endpoint| Json(webhooks::endpoint_view(endpoint)))
}

async fn delete_endpoint(Ext(state): Ext<Shared>, Path(id): Path<String>) -> Answer {
    if id == webhooks::STORE_ENDPOINT || !store::delete(&state.db, "webhook_endpoint", &id).await? {
        return Err(ApiError::no_such("webhook_endpoint", &id));
    }
    Ok(Json(
        json!({"id": id, "object": "webhook_endpoint", "deleted": true}),
    ))
}

async fn list_deliveries(Ext(state): Ext<Shared>, Form(params): Form) -> Answer {
    let limit = params.int("limit", "limit")?.unwrap_or(50).clamp(1, 100);
    webhooks::list_deliveries(&state, limit).await.map(Json)
}

async fn resend_delivery(Ext(state): Ext<Shared>, Path(id): Path<String>) -> Answer {
    webhooks::resend(&state, &id).await.map(Json)
}

async fn unrecognized(request: Request) -> ApiError {
    let path = format!("/v1{}", request.uri().path());
    ApiError::unrecognized_url(request.method().as_str(), &path)
}

/// `GET` on a collection: Stripe's list object, newest first, with `limit`
/// (1–100, default 10), `starting_after`, and for events `type`.
async fn list(state: Shared, params: Params, kind: &'static str) -> Answer {
    let limit = params.int("limit", "limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            "This value must be between 1 and 100.",
        ));
    }
    let filter = match kind {
        "event" => params.str("type")?.map(|t| ("$.type", t)),
        "checkout.session" => params
            .str("payment_intent")?
            .map(|pi| ("$.payment_intent", pi)),
        _ => None,
    };
    let shown = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut data = store::list(
        &state.db,
        kind,
        limit + 1,
        params.str("starting_after")?,
        filter,
    )
    .await?;
    let has_more = data.len() > shown;
    data.truncate(shown);
    let data: Vec<Value> = data
        .into_iter()
        .map(|object| match kind {
            "checkout.session" => checkout::view(object, &[]),
            "webhook_endpoint" => webhooks::endpoint_view(object),
            _ => object,
        })
        .collect();
    let url = match kind {
        "checkout.session" => "/v1/checkout/sessions",
        "refund" => "/v1/refunds",
        "event" => "/v1/events",
        _ => "/v1/webhook_endpoints",
    };
    Ok(Json(
        json!({"object": "list", "data": data, "has_more": has_more, "url": url}),
    ))
}

/// The secret key, as `Authorization: Bearer sk_…` or as the user of Basic
/// auth (`curl -u sk_…:`). Every answer carries a `Request-Id`.
async fn authenticate(Ext(state): Ext<Shared>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(api_key);
    let mut response = match given {
        None => ApiError::no_key().into_response(),
        Some(key) if !same(key.as_bytes(), state.config.secret_key.as_bytes()) => {
            ApiError::wrong_key(&key).into_response()
        }
        Some(_) => next.run(request).await,
    };
    if let Ok(id) = HeaderValue::from_str(&crate::new_id("req")) {
        response.headers_mut().insert("request-id", id);
    }
    response.headers_mut().insert(
        "stripe-version",
        HeaderValue::from_static(webhooks::API_VERSION),
    );
    response
}

fn api_key(header: &str) -> Option<String> {
    use base64::Engine;
    let (scheme, value) = header.split_once(' ')?;
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => Some(value.trim().to_owned()),
        "basic" => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(value.trim())
                .ok()?;
            let decoded = String::from_utf8(decoded).ok()?;
            Some(decoded.split(':').next().unwrap_or_default().to_owned())
        }
        _ => None,
    }
    .filter(|key| !key.is_empty())
}

/// Equality that takes as long whatever the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Every POST and DELETE runs alone (the sandbox's write lock). With an
/// `Idempotency-Key`, the first answer is kept for a day and returned again
/// for the same request; the same key with other parameters is refused.
async fn idempotent(Ext(state): Ext<Shared>, request: Request, next: Next) -> Response {
    if request.method() == Method::GET {
        return next.run(request).await;
    }
    let _write = state.write.lock().await;
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let Some(key) = key else {
        return next.run(request).await;
    };
    if key.is_empty() || key.len() > 255 {
        return ApiError::invalid(
            "Idempotency-Key",
            "Idempotency keys are 1 to 255 characters.",
        )
        .into_response();
    }
    remembered_or_run(&state, &key, request, next)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn remembered_or_run(
    state: &State,
    key: &str,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::invalid("body", "The request body is too large."))?;
    let mut digest = sha2::Sha256::new();
    digest.update(parts.method.as_str());
    digest.update(b" ");
    digest.update(parts.uri.path());
    digest.update(b"\n");
    digest.update(&body);
    let fingerprint = hex::encode(digest.finalize());
    if let Some(answer) = store::remembered(&state.db, key).await? {
        if answer.fingerprint != fingerprint {
            return Err(ApiError::idempotency_mismatch(key));
        }
        let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
        let mut response = (status, answer.body).into_response();
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Ok(response);
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(ApiError::internal)?;
    // Stripe does not keep answers to requests that failed on its side.
    if parts.status != StatusCode::INTERNAL_SERVER_ERROR {
        let answer = store::Remembered {
            fingerprint,
            status: parts.status.as_u16(),
            body: body.to_vec(),
        };
        store::remember(&state.db, key, &answer, state.now()).await?;
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_bearer_or_basic_auth() {
        assert_eq!(api_key("Bearer sk_test_1").as_deref(), Some("sk_test_1"));
        // base64("sk_test_1:")
        assert_eq!(
            api_key("Basic c2tfdGVzdF8xOg==").as_deref(),
            Some("sk_test_1")
        );
        assert_eq!(api_key("Bearer "), None);
        assert_eq!(api_key("Token sk_test_1"), None);
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
    }
}
