//! Payments over Stripe's protocol: the store's client against the embedded
//! sandbox over real HTTP, the hosted checkout page, webhook events signed by
//! the sandbox and checked by the store, and Stripe's official client library
//! against the sandbox.

use crate::helpers::{TestApp, on_both_databases, spawn_app, spawn_app_with};
use domain::payments::{LineItem, NewCheckout, PaymentsError};
use domain::secret::Secret;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn checkout_for(app: &TestApp, reference: &str) -> NewCheckout {
    NewCheckout {
        reference: reference.into(),
        currency: "USD".into(),
        items: vec![
            LineItem {
                name: "Field Notes".into(),
                unit_amount: 900,
                quantity: 1,
            },
            LineItem {
                name: "Sample Pack".into(),
                unit_amount: 450,
                quantity: 2,
            },
        ],
        customer_email: None,
        success_url: format!(
            "{}/checkout/done?session={{CHECKOUT_SESSION_ID}}",
            app.address
        ),
        cancel_url: format!("{}/cart", app.address),
        expires_at: None,
        metadata: BTreeMap::from([("order".to_owned(), reference.to_owned())]),
    }
}

/// Posts the hosted page's form as a browser without JavaScript would.
async fn pay(app: &TestApp, url: &str, number: &str) -> reqwest::Response {
    app.client
        .post(url)
        .form(&[
            ("email", "buyer@example.com"),
            ("number", number),
            ("expiry", "12 / 34"),
            ("cvc", "123"),
            ("name", "Ada Buyer"),
        ])
        .send()
        .await
        .unwrap()
}

on_both_databases!(
    a_checkout_is_paid_on_the_hosted_page_and_the_store_hears_of_it,
    webhook_signatures_are_checked_before_anything_is_recorded,
);

async fn a_checkout_is_paid_on_the_hosted_page_and_the_store_hears_of_it(app: TestApp) {
    let payments = app.payments();
    let session = payments
        .create_checkout_session(&checkout_for(&app, "o-1"), "checkout-o-1")
        .await
        .unwrap();
    let url = session.url.clone().unwrap();
    assert!(
        url.starts_with(&format!("{}/sandbox/checkout/cs_test_", app.address)),
        "{url}"
    );
    assert_eq!(session.amount_total, Some(1800));
    assert_eq!(session.status.as_deref(), Some("open"));
    assert_eq!(session.client_reference_id.as_deref(), Some("o-1"));

    let page = app.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("form-action 'self'")
    );
    let html = page.text().await.unwrap();
    for shown in [
        "TEST MODE",
        "Field Notes",
        "Sample Pack × 2",
        "Pay $18.00",
        "4242 4242 4242 4242",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }

    let declined = pay(&app, &url, "4000 0000 0000 0002").await;
    assert_eq!(declined.status(), 402);
    assert!(
        declined
            .text()
            .await
            .unwrap()
            .contains("Your card was declined.")
    );
    let broke = pay(&app, &url, "4000 0000 0000 9995").await;
    assert!(
        broke
            .text()
            .await
            .unwrap()
            .contains("Your card has insufficient funds.")
    );
    let still = payments.checkout_session(&session.id).await.unwrap();
    assert_eq!(still.status.as_deref(), Some("open"));
    assert_eq!(still.payment_status, "unpaid");

    let paid = pay(&app, &url, "4242 4242 4242 4242").await;
    assert_eq!(paid.status(), 303);
    assert_eq!(
        paid.headers()["location"],
        format!("{}/checkout/done?session={}", app.address, session.id).as_str()
    );
    let session = payments.checkout_session(&session.id).await.unwrap();
    assert_eq!(session.payment_status, "paid");
    assert_eq!(session.customer_email.as_deref(), Some("buyer@example.com"));
    assert_eq!(
        session.metadata.get("order").map(String::as_str),
        Some("o-1")
    );
    let items = session.line_items.clone().unwrap().data;
    assert_eq!(
        items
            .iter()
            .map(|i| (i.description.clone().unwrap(), i.quantity, i.amount_total))
            .collect::<Vec<_>>(),
        [
            ("Field Notes".to_owned(), Some(1), 900),
            ("Sample Pack".to_owned(), Some(2), 900)
        ]
    );
    // A paid session cannot be paid twice; its page says so.
    let again = pay(&app, &url, "4242 4242 4242 4242").await;
    assert_eq!(again.status(), 409);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("This payment is complete.")
    );

    // The events reach the store over HTTP, signed, each recorded once.
    let completed = app
        .await_payment_events("checkout.session.completed", 1)
        .await;
    assert_eq!(completed[0].object_id.as_deref(), Some(session.id.as_str()));
    app.await_payment_events("payment_intent.payment_failed", 2)
        .await;
    app.await_payment_events("charge.succeeded", 1).await;

    // Refunds: part, then the rest, then nothing is left.
    let intent = session.payment_intent.clone().unwrap();
    let first = payments
        .refund(&intent, Some(500), &BTreeMap::new(), "refund-1")
        .await
        .unwrap();
    assert_eq!(
        (first.amount, first.status.as_deref()),
        (500, Some("succeeded"))
    );
    let too_much = payments
        .refund(&intent, Some(1301), &BTreeMap::new(), "refund-2")
        .await
        .unwrap_err();
    assert_eq!(too_much.code(), Some("amount_too_large"));
    let rest = payments
        .refund(&intent, None, &BTreeMap::new(), "refund-3")
        .await
        .unwrap();
    assert_eq!(rest.amount, 1300);
    let none_left = payments
        .refund(&intent, None, &BTreeMap::new(), "refund-4")
        .await
        .unwrap_err();
    assert_eq!(none_left.code(), Some("charge_already_refunded"));
    let refunded = app.await_payment_events("charge.refunded", 2).await;
    let last: Value = serde_json::from_str(&refunded[1].payload).unwrap();
    assert_eq!(last["data"]["object"]["amount_refunded"], 1800);
    assert_eq!(last["data"]["object"]["refunded"], true);

    let ids: std::collections::HashSet<String> = app
        .payment_events()
        .await
        .into_iter()
        .map(|event| event.event_id)
        .collect();
    assert_eq!(ids.len(), app.payment_events().await.len());
}

fn event(id: &str) -> String {
    json!({
        "id": id,
        "object": "event",
        "type": "customer.created",
        "created": chrono::Utc::now().timestamp(),
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    })
    .to_string()
}

async fn deliver(app: &TestApp, payload: &str, signature: Option<String>) -> u16 {
    let mut request = app
        .client
        .post(format!("{}/webhooks/stripe", app.address))
        .header("content-type", "application/json")
        .body(payload.to_owned());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn webhook_signatures_are_checked_before_anything_is_recorded(app: TestApp) {
    let (_, secret) = server::startup::sandbox_keys(app.data_dir.path()).unwrap();
    let now = chrono::Utc::now().timestamp();
    let payload = event("evt_1");
    let sign = |secret: &Secret, at: i64, body: &str| {
        domain::payments::webhook::sign(secret, at, body.as_bytes())
    };

    assert_eq!(deliver(&app, &payload, None).await, 400, "unsigned");
    let forged = sign(&Secret::new("whsec_guessed"), now, &payload);
    assert_eq!(deliver(&app, &payload, Some(forged)).await, 400, "forged");
    let stale = sign(&secret, now - 400, &payload);
    assert_eq!(deliver(&app, &payload, Some(stale)).await, 400, "stale");
    let tampered = payload.replace("cus_1", "cus_2");
    let signed = sign(&secret, now, &payload);
    assert_eq!(
        deliver(&app, &tampered, Some(signed.clone())).await,
        400,
        "tampered"
    );
    assert!(app.payment_events().await.is_empty());

    // A type the store does not act on is still acknowledged, and recorded once
    // however often it comes.
    for _ in 0..5 {
        assert_eq!(deliver(&app, &payload, Some(signed.clone())).await, 200);
    }
    let events = app.payment_events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_id, "evt_1");
    assert_eq!(events[0].object_id.as_deref(), Some("cus_1"));
    assert!(events[0].processed_at.is_none());

    // During a secret rotation Stripe signs with both: either may match.
    let rotated = event("evt_2");
    let good = sign(&secret, now, &rotated);
    let v1 = good.split_once("v1=").unwrap().1;
    let both = format!("t={now},v1={},v1={v1}", "ab".repeat(32));
    assert_eq!(deliver(&app, &rotated, Some(both)).await, 200);
    assert_eq!(app.payment_events().await.len(), 2);
}

#[tokio::test]
async fn the_sandbox_speaks_stripes_wire_format() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    let (key, _) = server::startup::sandbox_keys(app.data_dir.path()).unwrap();
    let sessions = format!("{}/sandbox/v1/checkout/sessions", app.address);
    let body = "mode=payment&success_url=http%3A%2F%2Fshop%2Fok\
        &line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd\
        &line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=500\
        &line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Zine\
        &line_items%5B0%5D%5Bquantity%5D=1";
    let post = |auth: Option<String>, body: &'static str, key: Option<&'static str>| {
        let mut request = app
            .client
            .post(&sessions)
            .body(body)
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send()
    };
    let bearer = Some(format!("Bearer {}", key.expose()));

    let anonymous = post(None, body, None).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let error: Value = anonymous.json().await.unwrap();
    assert_eq!(error["error"]["type"], "invalid_request_error");
    let wrong = post(Some("Bearer sk_test_wrongkey".into()), body, None)
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let error: Value = wrong.json().await.unwrap();
    assert_eq!(
        error["error"]["message"],
        "Invalid API Key provided: sk_test_****gkey"
    );

    let created = post(bearer.clone(), body, Some("key-1")).await.unwrap();
    assert_eq!(created.status(), 200);
    assert!(created.headers().contains_key("request-id"));
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["object"], "checkout.session");
    assert_eq!(created["livemode"], false);
    assert_eq!(created["amount_total"], 500);
    let replayed = post(bearer.clone(), body, Some("key-1")).await.unwrap();
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    let replayed: Value = replayed.json().await.unwrap();
    assert_eq!(replayed["id"], created["id"]);
    let reused = post(bearer.clone(), "mode=payment", Some("key-1"))
        .await
        .unwrap();
    assert_eq!(reused.status(), 400);
    let error: Value = reused.json().await.unwrap();
    assert_eq!(error["error"]["type"], "idempotency_error");

    let unknown: Value = post(bearer.clone(), "mode=payment&colour=red", None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        unknown["error"],
        json!({"type": "invalid_request_error", "code": "parameter_invalid",
               "message": "Received unknown parameter: colour", "param": "colour"})
    );
    let missing: Value = post(
        bearer.clone(),
        "mode=payment&success_url=http%3A%2F%2Fx",
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(missing["error"]["code"], "parameter_missing");
    assert_eq!(missing["error"]["param"], "line_items");

    // Basic auth as `curl -u sk_test_…:` sends it, and Stripe's list object.
    let listed = app
        .client
        .get(format!("{sessions}?limit=1"))
        .basic_auth(key.expose(), Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["object"], "list");
    assert_eq!(listed["data"][0]["id"], created["id"]);
    assert!(listed["data"][0].get("line_items").is_none());

    for (path, code) in [
        (
            "/sandbox/v1/checkout/sessions/cs_test_nope",
            Some("resource_missing"),
        ),
        ("/sandbox/v1/customers_nope", None),
    ] {
        let answer = app
            .client
            .get(format!("{}{path}", app.address))
            .bearer_auth(key.expose())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
        let error: Value = answer.json().await.unwrap();
        assert_eq!(error["error"]["code"].as_str(), code, "{path}");
    }
}

#[tokio::test]
async fn with_stripe_configured_the_sandbox_does_not_exist() {
    let app = spawn_app_with(
        crate::helpers::Backend::Sqlite,
        &[
            ("DOWNLINK_PAYMENTS", "stripe"),
            ("DOWNLINK_STRIPE_SECRET_KEY", "sk_test_configured"),
            ("DOWNLINK_STRIPE_WEBHOOK_SECRET", "whsec_configured"),
            ("DOWNLINK_STRIPE_API_BASE", "http://127.0.0.1:9"),
        ],
    )
    .await;
    for path in [
        "/sandbox/v1/checkout/sessions",
        "/sandbox/checkout/cs_test_1",
    ] {
        let (status, _) = app.get_text(path).await;
        assert_eq!(status, 404, "{path}");
    }
    assert!(!app.data_dir.path().join("payments-sandbox.sqlite").exists());
    // Events are checked with the configured secret.
    let payload = event("evt_live_1");
    let now = chrono::Utc::now().timestamp();
    let signed =
        domain::payments::webhook::sign(&Secret::new("whsec_configured"), now, payload.as_bytes());
    assert_eq!(deliver(&app, &payload, Some(signed)).await, 200);
    // Stripe unreachable: a clear error, no panic.
    let unreachable = domain::payments::Payments::new(domain::payments::PaymentsConfig {
        api_base: "http://127.0.0.1:9".into(),
        secret_key: Secret::new("sk_test_configured"),
        webhook_secret: Secret::new("whsec_configured"),
    });
    let err = unreachable.checkout_session("cs_test_1").await.unwrap_err();
    assert!(matches!(err, PaymentsError::Unavailable(_)), "{err}");
    assert_eq!(
        err.to_string(),
        "payment provider unavailable: could not connect"
    );
}

#[tokio::test]
async fn stripes_official_python_library_works_against_the_sandbox() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    let (key, _) = server::startup::sandbox_keys(app.data_dir.path()).unwrap();
    let python = std::env::var("DOWNLINK_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/payments/official_client.py"
    );
    let api_base = format!("{}/sandbox", app.address);
    let address = app.address.clone();
    let secret_key = key.expose().to_owned();
    // The script blocks on HTTP to this test's server: off the test's runtime.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .args([script, &api_base, &secret_key, &address])
            .output()
    })
    .await
    .unwrap()
    .expect("python3 with stripe (scripts/setup --test installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        summary["errors"],
        json!({"too_large": "amount_too_large", "wrong_key": 401, "missing": "resource_missing"})
    );
    assert_eq!(
        summary["events"]["checkout.session.completed"],
        summary["session"]
    );
    assert!(
        summary["events"]["charge.refunded"]
            .as_str()
            .unwrap()
            .starts_with("ch_")
    );
    assert!(summary["events"].get("tampered accepted").is_none());
    // The store's own endpoint heard of the same payment.
    let completed = app
        .await_payment_events("checkout.session.completed", 1)
        .await;
    assert_eq!(
        completed[0].object_id.as_deref(),
        summary["session"].as_str()
    );
}
