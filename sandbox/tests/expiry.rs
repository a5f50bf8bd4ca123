//! The sandbox on its own, through its router: a session nobody pays expires
//! at its time, tells the store, and a failed delivery is kept for a retry.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use axum::body::Body;
use http::Request;
use sandbox::{Config, Sandbox};
use serde_json::Value;
use std::time::Duration;
use tower::ServiceExt;

async fn call(sandbox: &Sandbox, method: &str, path: &str, body: &str) -> Value {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", "Bearer sk_test_expiry")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = sandbox.router().oneshot(request).await.unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn an_unpaid_session_expires_at_its_time_and_the_failed_delivery_waits_for_a_retry() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(Config {
        data_dir: dir.path().to_owned(),
        secret_key: "sk_test_expiry".into(),
        public_url: "http://shop.test/sandbox".into(),
        // Nobody listens there: deliveries fail and are retried later.
        webhook_url: "http://127.0.0.1:9/webhooks/stripe".into(),
        webhook_secret: "whsec_expiry".into(),
    })
    .await
    .unwrap();
    let session = call(
        &sandbox,
        "POST",
        "/v1/checkout/sessions",
        "mode=payment&success_url=http%3A%2F%2Fshop.test%2Fdone\
         &line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=600\
         &line_items[0][price_data][product_data][name]=Icons",
    )
    .await;
    let id = session["id"].as_str().unwrap().to_owned();
    assert_eq!(
        session["url"],
        format!("http://shop.test/sandbox/checkout/{id}")
    );

    // Not yet: a day less a minute.
    sandbox.advance_clock(Duration::from_secs(24 * 3600 - 60));
    sandbox.run_jobs_once().await.unwrap();
    let open = call(&sandbox, "GET", &format!("/v1/checkout/sessions/{id}"), "").await;
    assert_eq!(open["status"], "open");

    sandbox.advance_clock(Duration::from_secs(61));
    sandbox.run_jobs_once().await.unwrap();
    let expired = call(&sandbox, "GET", &format!("/v1/checkout/sessions/{id}"), "").await;
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["url"], Value::Null);
    let events = call(
        &sandbox,
        "GET",
        "/v1/events?type=checkout.session.expired",
        "",
    )
    .await;
    assert_eq!(events["data"][0]["data"]["object"]["id"], id.as_str());

    let deliveries = call(&sandbox, "GET", "/v1/test_helpers/webhook_deliveries", "").await;
    let delivery = &deliveries["data"][0];
    assert_eq!(delivery["event_type"], "checkout.session.expired");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["last_error"], "could not connect");
    assert_eq!(delivery["delivered_at"], Value::Null);
    assert!(delivery["next_attempt_at"].as_i64().is_some(), "{delivery}");

    // Expiring again is refused as Stripe refuses it.
    let again = call(
        &sandbox,
        "POST",
        &format!("/v1/checkout/sessions/{id}/expire"),
        "",
    )
    .await;
    assert_eq!(again["error"]["type"], "invalid_request_error");
}
