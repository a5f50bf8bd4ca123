//! Events and their delivery: every change worth telling becomes an `event`
//! object, queued in the same transaction for each webhook endpoint that wants
//! it, then POSTed signed as Stripe signs (`Stripe-Signature: t=…,v1=…`) and
//! retried with backoff until the endpoint answers 2xx. The queue lives in
//! the sandbox's database, so deliveries survive a restart.

use crate::error::ApiError;
use crate::form::Params;
use crate::{State, new_id, store};
use hmac::{KeyInit, Mac};
use sea_orm::sqlx::{self, Row, SqliteConnection};
use serde_json::{Value, json};
use std::time::Duration;

/// The API version the sandbox's objects follow.
pub const API_VERSION: &str = "2025-10-29.clover";

/// The id of the endpoint the sandbox was configured with: the store's own.
pub const STORE_ENDPOINT: &str = "we_store";

/// Deliveries are retried for three days after their event, as Stripe does.
const RETRY_FOR_SECS: i64 = 3 * 24 * 3600;

/// The longest wait between two attempts.
const MAX_BACKOFF_SECS: i64 = 3600;

/// How long one delivery may take before it counts as failed.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Records an event about `object` and queues it for every endpoint that
/// listens to `kind`.
pub async fn emit(
    db: &mut SqliteConnection,
    now: i64,
    kind: &str,
    object: &Value,
) -> Result<Value, ApiError> {
    let endpoints = store::list(&mut *db, "webhook_endpoint", 1000, None, None).await?;
    let listening: Vec<&str> = endpoints
        .iter()
        .filter(|endpoint| {
            endpoint["enabled_events"]
                .as_array()
                .is_some_and(|events| events.iter().any(|e| e == "*" || e == kind))
        })
        .filter_map(|endpoint| endpoint["id"].as_str())
        .collect();
    let event = json!({
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": now,
        "data": {"object": object},
        "livemode": false,
        "pending_webhooks": listening.len(),
        "request": {"id": null, "idempotency_key": null},
        "type": kind,
    });
    store::put(&mut *db, "event", &event).await?;
    for endpoint in listening {
        sqlx::query(
            "INSERT INTO deliveries (event_id, endpoint_id, next_attempt_at) VALUES (?, ?, ?)",
        )
        .bind(event["id"].as_str())
        .bind(endpoint)
        .bind(now)
        .execute(&mut *db)
        .await?;
    }
    Ok(event)
}

/// `Stripe-Signature` for `payload` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// The endpoint the store gave the sandbox: saved (again) at every start so a
/// changed URL or secret takes effect.
pub async fn register_store_endpoint(
    db: &sqlx::SqlitePool,
    url: &str,
    secret: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let created = store::get(db, "webhook_endpoint", STORE_ENDPOINT)
        .await?
        .and_then(|old| old["created"].as_i64())
        .unwrap_or(now);
    let endpoint = json!({
        "id": STORE_ENDPOINT,
        "object": "webhook_endpoint",
        "api_version": API_VERSION,
        "created": created,
        "description": "The store",
        "enabled_events": ["*"],
        "livemode": false,
        "metadata": {},
        "secret": secret,
        "status": "enabled",
        "url": url,
    });
    store::put(db, "webhook_endpoint", &endpoint).await
}

/// `POST /v1/webhook_endpoints`: another listener (a test's, a developer's).
/// Its signing secret is shown in this answer only.
pub async fn create_endpoint(state: &State, params: Params) -> Result<Value, ApiError> {
    params.refuse_unknown(&[
        "url",
        "enabled_events",
        "description",
        "metadata",
        "api_version",
    ])?;
    let url = params.required_str("url", "url")?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ApiError::invalid(
            "url",
            "Invalid URL: must be http or https",
        ));
    }
    let events: Vec<Value> = match params.get("enabled_events") {
        Some(Value::Array(events)) if !events.is_empty() => events.clone(),
        _ => return Err(ApiError::missing("enabled_events")),
    };
    let endpoint = json!({
        "id": new_id("we"),
        "object": "webhook_endpoint",
        "api_version": params.str("api_version")?,
        "created": state.now(),
        "description": params.str("description")?,
        "enabled_events": events,
        "livemode": false,
        "metadata": params.metadata("metadata")?,
        "secret": format!("whsec_{}", uuid::Uuid::new_v4().simple()),
        "status": "enabled",
        "url": url,
    });
    store::put(&state.db, "webhook_endpoint", &endpoint).await?;
    Ok(endpoint)
}

/// An endpoint as retrieved: without its secret.
pub fn endpoint_view(mut endpoint: Value) -> Value {
    if let Some(map) = endpoint.as_object_mut() {
        map.remove("secret");
    }
    endpoint
}

/// `GET /v1/test_helpers/webhook_deliveries`: the newest deliveries with
/// their attempts (a test-mode view, as Stripe's dashboard shows them).
pub async fn list_deliveries(state: &State, limit: i64) -> Result<Value, ApiError> {
    let rows = sqlx::query(
        "SELECT d.n, d.event_id, d.endpoint_id, d.attempts, d.next_attempt_at, d.delivered_at,
                d.last_status, d.last_error, json_extract(e.body, '$.type'), json_extract(w.body, '$.url')
           FROM deliveries d
           JOIN objects e ON e.id = d.event_id
           LEFT JOIN objects w ON w.id = d.endpoint_id
         ORDER BY d.n DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(&state.db)
    .await?;
    let data: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "id": format!("whd_{}", row.get::<i64, _>(0)),
                "object": "webhook_delivery",
                "event": row.get::<String, _>(1),
                "event_type": row.get::<Option<String>, _>(8),
                "endpoint": row.get::<String, _>(2),
                "url": row.get::<Option<String>, _>(9),
                "attempts": row.get::<i64, _>(3),
                "next_attempt_at": row.get::<Option<i64>, _>(4),
                "delivered_at": row.get::<Option<i64>, _>(5),
                "last_status": row.get::<Option<i64>, _>(6),
                "last_error": row.get::<Option<String>, _>(7),
            })
        })
        .collect();
    Ok(json!({"object": "list", "data": data, "has_more": false,
              "url": "/v1/test_helpers/webhook_deliveries"}))
}

/// `POST /v1/test_helpers/webhook_deliveries/:id/resend`: sends the event
/// to its endpoint again now (delivered or not).
pub async fn resend(state: &State, id: &str) -> Result<Value, ApiError> {
    let n: i64 = id
        .strip_prefix("whd_")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ApiError::no_such("webhook_delivery", id))?;
    let done =
        sqlx::query("UPDATE deliveries SET delivered_at = NULL, next_attempt_at = ? WHERE n = ?")
            .bind(state.now())
            .bind(n)
            .execute(&state.db)
            .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::no_such("webhook_delivery", id));
    }
    state.wake.notify_one();
    Ok(json!({"id": id, "object": "webhook_delivery", "resent": true}))
}

/// Sends every delivery that is due; returns how many were attempted.
pub async fn deliver_due(state: &State) -> Result<usize, sqlx::Error> {
    let now = state.now();
    let due = sqlx::query(
        "SELECT d.n, d.attempts, e.body, w.body, json_extract(e.body, '$.created') FROM deliveries d
           JOIN objects e ON e.id = d.event_id
           JOIN objects w ON w.id = d.endpoint_id
         WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ?
         ORDER BY d.n LIMIT 50",
    )
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    for row in &due {
        let (n, attempts): (i64, i64) = (row.get(0), row.get(1));
        let payload: String = row.get(2);
        let endpoint: Value = serde_json::from_str(&row.get::<String, _>(3)).unwrap_or_default();
        let url = endpoint["url"].as_str().unwrap_or_default();
        let secret = endpoint["secret"].as_str().unwrap_or_default();
        let sent = state
            .http
            .post(url)
            .timeout(DELIVERY_TIMEOUT)
            .header("content-type", "application/json; charset=utf-8")
            .header(
                "user-agent",
                "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            )
            .header(
                "stripe-signature",
                signature(secret, crate::wall_clock(), payload.as_bytes()),
            )
            .body(payload)
            .send()
            .await;
        let (status, error) = match sent {
            Ok(response) if response.status().is_success() => {
                sqlx::query(
                    "UPDATE deliveries SET attempts = attempts + 1, delivered_at = ?,
                       last_status = ?, last_error = NULL WHERE n = ?",
                )
                .bind(state.now())
                .bind(i64::from(response.status().as_u16()))
                .bind(n)
                .execute(&state.db)
                .await?;
                continue;
            }
            Ok(response) => (
                Some(i64::from(response.status().as_u16())),
                format!("answered {}", response.status()),
            ),
            Err(err) => (None, without_url(&err)),
        };
        let attempts = attempts + 1;
        let created: i64 = row.get::<Option<i64>, _>(4).unwrap_or(now);
        let next = now + backoff(attempts);
        let next = (next - created <= RETRY_FOR_SECS).then_some(next);
        tracing::warn!(%url, attempts, %error, "webhook delivery failed");
        sqlx::query(
            "UPDATE deliveries SET attempts = ?, next_attempt_at = ?, last_status = ?,
               last_error = ? WHERE n = ?",
        )
        .bind(attempts)
        .bind(next)
        .bind(status)
        .bind(error)
        .bind(n)
        .execute(&state.db)
        .await?;
    }
    Ok(due.len())
}

/// Seconds before attempt `attempts + 1`: 10 s, 20 s, 40 s, … up to an hour.
fn backoff(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (10_i64 << exponent).min(MAX_BACKOFF_SECS)
}

fn without_url(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "timed out".into()
    } else if err.is_connect() {
        "could not connect".into()
    } else {
        "request failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_stripes_hmac_of_time_dot_payload() {
        // Computed independently: printf '1700000000.{"id":"evt_1"}' |
        //   openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, br#"{"id":"evt_1"}"#),
            "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
        );
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(
            (1..=4).map(backoff).collect::<Vec<_>>(),
            vec![10, 20, 40, 80]
        );
        assert_eq!(backoff(12), MAX_BACKOFF_SECS);
    }
}
