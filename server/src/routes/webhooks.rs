//! `POST /webhooks/stripe`: events from the payment provider. The signature is
//! checked before anything else (unsigned, forged or stale → 400, nothing
//! recorded); a checked event is recorded once by its id and acknowledged,
//! including types the store does not act on, so the provider stops retrying.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};

use crate::startup::AppState;

pub async fn stripe(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok());
    let now = state.clock.now().timestamp();
    let event = match domain::payments::webhook::verify(
        state.payments.webhook_secret(),
        signature,
        &body,
        now,
    ) {
        Ok(event) => event,
        Err(err) => {
            tracing::warn!(error = %err, "refused a webhook event");
            return (StatusCode::BAD_REQUEST, format!("Refused: {err}.")).into_response();
        }
    };
    let payload = String::from_utf8_lossy(&body);
    match state.inbox.receive(&event, &payload).await {
        Ok(received) => {
            tracing::info!(event = %event.id, kind = %event.kind, ?received, "webhook event");
            (
                StatusCode::OK,
                axum::Json(serde_json::json!({"received": true})),
            )
                .into_response()
        }
        Err(err) => {
            // The provider retries; nothing was recorded.
            tracing::error!(event = %event.id, error = %err, "could not record a webhook event");
            (StatusCode::SERVICE_UNAVAILABLE, "Try again later.").into_response()
        }
    }
}
