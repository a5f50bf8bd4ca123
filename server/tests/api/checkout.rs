//! Selling end to end over HTTP: carts, discount codes, checkout through the
//! sandbox's hosted page, fulfilment by webhook and by the success page,
//! replayed, forged and reordered events, expiry, refunds.

use crate::helpers::{TestApp, on_both_databases, session_cookie};
use domain::entities::order::OrderStatus;
use domain::entities::{discount_code, entitlement, license_key, order};
use domain::secret::Secret;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// A browser: its session cookie kept between calls.
pub(crate) struct Shopper<'a> {
    app: &'a TestApp,
    cookie: Option<String>,
}

impl<'a> Shopper<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Self { app, cookie: None }
    }

    pub(crate) async fn call(
        &mut self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let response = self.app.call(endpoint, form, self.cookie.as_deref()).await;
        if let Some(cookie) = session_cookie(&response) {
            self.cookie = Some(cookie);
        }
        response
    }

    pub(crate) async fn ok(&mut self, endpoint: &str, form: &[(&str, &str)]) -> Value {
        let response = self.call(endpoint, form).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{endpoint}: {status} {body}");
        body
    }

    async fn cart(&mut self) -> Value {
        self.ok("cart", &[]).await
    }

    /// Checks out; answers the hosted payment page's URL.
    async fn checkout(&mut self, email: &str) -> String {
        let url = self.ok("checkout", &[("email", email)]).await;
        url.as_str().unwrap().to_owned()
    }
}

/// Pays on the hosted page with `card`; answers the status and where it
/// sends the buyer.
async fn pay(app: &TestApp, url: &str, card: &str) -> (u16, Option<String>) {
    let response = app
        .client
        .post(url)
        .form(&[
            ("number", card),
            ("expiry", "12 / 34"),
            ("cvc", "123"),
            ("name", "Ada"),
        ])
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (response.status().as_u16(), location)
}

async fn order_of(app: &TestApp, email: &str) -> order::Model {
    order::Entity::find()
        .filter(order::Column::Email.eq(email))
        .one(&app.db().await)
        .await
        .unwrap()
        .expect("an order")
}

pub(crate) async fn entitlements(app: &TestApp, order: i64) -> Vec<entitlement::Model> {
    entitlement::Entity::find()
        .filter(entitlement::Column::OrderId.eq(order))
        .all(&app.db().await)
        .await
        .unwrap()
}

async fn receipts_to(app: &TestApp, to: &str) -> usize {
    app.outbox(100)
        .await
        .iter()
        .filter(|m| m.to_address == to && m.subject.starts_with("Your receipt"))
        .count()
}

/// Delivers an event to the store signed with its webhook secret.
async fn deliver(app: &TestApp, event: &Value) -> u16 {
    let (_, secret) = server::startup::sandbox_keys(app.data_dir.path()).unwrap();
    let payload = event.to_string();
    let signature = domain::payments::webhook::sign(
        &secret,
        chrono::Utc::now().timestamp(),
        payload.as_bytes(),
    );
    app.client
        .post(format!("{}/webhooks/stripe", app.address))
        .header("stripe-signature", signature)
        .body(payload)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn event(id: &str, kind: &str, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": kind, "created": chrono::Utc::now().timestamp(),
           "data": {"object": object}})
}

on_both_databases!(
    a_guest_buys_pays_gets_the_goods_and_a_refund_takes_them_back,
    the_same_event_delivered_a_hundred_times_fulfils_once,
    events_in_reverse_order_end_in_the_right_state,
    a_code_with_one_redemption_left_is_redeemed_once_by_twenty_checkouts,
    an_unpaid_session_expires_and_the_cart_is_kept,
    a_cart_filled_signed_out_joins_the_account_and_one_currency_is_checked_out,
    forged_unsigned_and_stale_events_change_nothing,
    a_payment_whose_events_wait_through_a_restart_is_fulfilled_once,
    the_success_page_fulfils_alone_and_the_late_events_change_nothing,
);

async fn a_guest_buys_pays_gets_the_goods_and_a_refund_takes_them_back(app: TestApp) {
    let mut shopper = Shopper::new(&app);
    shopper
        .ok("add_to_cart", &[("product", "pixel-sorter")])
        .await;
    shopper
        .ok(
            "add_to_cart",
            &[("product", "night-rain"), ("amount", "3.50")],
        )
        .await;
    shopper
        .ok(
            "add_to_cart",
            &[("product", "field-guide-to-quiet-software")],
        )
        .await;
    let too_low = shopper
        .call("add_to_cart", &[("product", "night-rain"), ("amount", "1")])
        .await;
    assert_eq!(too_low.status(), 400);
    let membership = shopper
        .call("add_to_cart", &[("product", "downlink-insider")])
        .await;
    assert_eq!(membership.status(), 400);
    let license = shopper
        .call(
            "set_cart_quantity",
            &[("product", "pixel-sorter"), ("quantity", "2")],
        )
        .await;
    assert_eq!(license.status(), 400, "a license is sold one at a time");
    shopper
        .ok(
            "set_cart_quantity",
            &[
                ("product", "field-guide-to-quiet-software"),
                ("quantity", "2"),
            ],
        )
        .await;
    shopper
        .ok(
            "remove_from_cart",
            &[("product", "field-guide-to-quiet-software")],
        )
        .await;
    let cart = shopper.cart().await;
    assert_eq!(cart["lines"].as_array().unwrap().len(), 2);
    assert_eq!(cart["total"], "$22.50");

    let url = shopper.checkout("guest@example.com").await;
    assert!(url.contains("/sandbox/checkout/cs_test_"), "{url}");
    let order = order_of(&app, "guest@example.com").await;
    assert_eq!(
        (order.status, order.total_minor),
        (OrderStatus::Pending, 2250)
    );

    // A declined card: nothing granted, the cart intact.
    let (status, _) = pay(&app, &url, "4000 0000 0000 0002").await;
    assert_eq!(status, 402);
    assert!(entitlements(&app, order.id).await.is_empty());
    assert_eq!(shopper.cart().await["lines"].as_array().unwrap().len(), 2);

    let (status, location) = pay(&app, &url, "4242 4242 4242 4242").await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    let session = location.split("session=").nth(1).unwrap().to_owned();
    // The success page does not wait for the webhook.
    let confirmed = shopper
        .ok("confirm_checkout", &[("session", &session)])
        .await;
    assert_eq!(confirmed["status"], "paid");
    let receipt = &confirmed["receipt"];
    assert_eq!(receipt["total"], "$22.50");
    let keys = receipt["lines"][0]["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "Pixel Sorter issues a license key");
    assert!(domain::licenses::parse(keys[0].as_str().unwrap()).is_ok());

    // The webhook comes too, and changes nothing more.
    app.await_payment_events("checkout.session.completed", 1)
        .await;
    let granted = entitlements(&app, order.id).await;
    assert_eq!(granted.len(), 2);
    let sorter = granted
        .iter()
        .find(|e| e.download_limit == Some(10))
        .unwrap();
    assert!(sorter.revoked_at.is_none());
    assert_eq!(receipts_to(&app, "guest@example.com").await, 1);
    let mail = app
        .outbox(100)
        .await
        .into_iter()
        .find(|m| m.subject.starts_with("Your receipt"))
        .unwrap();
    assert!(mail.text_body.contains(&order.number));
    assert!(mail.text_body.contains(&format!("{}/library", app.address)));
    assert!(
        !mail.text_body.contains("X-Amz-Signature"),
        "never a presigned link"
    );
    assert!(shopper.cart().await["lines"].as_array().unwrap().is_empty());

    // The receipt is this browser's; another sees nothing.
    let receipt = shopper
        .call("receipt", &[("order", &order.pid.to_string())])
        .await;
    assert_eq!(receipt.status(), 200);
    let stranger = app
        .call("receipt", &[("order", &order.pid.to_string())], None)
        .await;
    assert_eq!(stranger.status(), 404);

    // The guest opens the library with a mailed link.
    let guest = app.sign_in_by_mail("guest@example.com").await;
    let library: Value = app.call_json("library", &[], Some(&guest)).await;
    assert_eq!(library["items"].as_array().unwrap().len(), 2);

    // The admin refunds the license; the refund event revokes it at once.
    let admin = app.admin().await;
    let detail: Value = app
        .call_json(
            "admin_order",
            &[("order", &order.pid.to_string())],
            Some(&admin),
        )
        .await;
    let item = detail["receipt"]["lines"][0]["item"]
        .as_i64()
        .unwrap()
        .to_string();
    let refunded = app
        .call(
            "refund_order",
            &[("order", &order.pid.to_string()), ("item", &item)],
            Some(&admin),
        )
        .await;
    assert_eq!(refunded.status(), 200);
    let twice = app
        .call(
            "refund_order",
            &[("order", &order.pid.to_string()), ("item", &item)],
            Some(&admin),
        )
        .await;
    assert_eq!(twice.status(), 409, "an item is refunded once");
    app.await_payment_events("charge.refunded", 1).await;
    app.await_payment_events("refund.created", 1).await;
    let order_now = order_of(&app, "guest@example.com").await;
    assert_eq!(order_now.status, OrderStatus::PartiallyRefunded);
    let sorter = entitlement::Entity::find_by_id(sorter.id)
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sorter.revoked_reason.as_deref(), Some("refunded"));
    let keys = license_key::Entity::find()
        .filter(license_key::Column::EntitlementId.eq(sorter.id))
        .all(&app.db().await)
        .await
        .unwrap();
    assert!(keys[0].revoked_at.is_some());
    let library: Value = app.call_json("library", &[], Some(&guest)).await;
    assert_eq!(library["refunded"], json!(["Pixel Sorter 2.1"]));
    let left: Vec<&Value> = library["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["title"])
        .collect();
    assert_eq!(
        left,
        [&json!("Night Rain")],
        "the refunded license left the library"
    );

    // The rest, then nothing is left.
    app.call(
        "refund_order",
        &[("order", &order.pid.to_string())],
        Some(&admin),
    )
    .await;
    app.await_payment_events("charge.refunded", 2).await;
    assert_eq!(
        order_of(&app, "guest@example.com").await.status,
        OrderStatus::Refunded
    );
    assert!(
        entitlements(&app, order.id)
            .await
            .iter()
            .all(|e| e.revoked_at.is_some())
    );
    let again = app
        .call(
            "refund_order",
            &[("order", &order.pid.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(again.status(), 409);
    // Customers and strangers cannot refund.
    let customer = app
        .call(
            "refund_order",
            &[("order", &order.pid.to_string())],
            Some(&guest),
        )
        .await;
    assert_eq!(customer.status(), 403);
}

/// Places an order for one product and answers it with its session id.
async fn placed(app: &TestApp, email: &str) -> (order::Model, String) {
    let mut shopper = Shopper::new(app);
    shopper
        .ok("add_to_cart", &[("product", "mono-icons")])
        .await;
    let url = shopper.checkout(email).await;
    let session = url.rsplit('/').next().unwrap().to_owned();
    (order_of(app, email).await, session)
}

fn paid_session(order: &order::Model, session: &str, intent: &str) -> Value {
    json!({"id": session, "object": "checkout.session", "client_reference_id": order.pid.to_string(),
           "payment_status": "paid", "status": "complete", "amount_total": order.total_minor,
           "currency": "usd", "payment_intent": intent})
}

async fn the_same_event_delivered_a_hundred_times_fulfils_once(app: TestApp) {
    let (order, session) = placed(&app, "replay@example.com").await;
    let completed = event(
        "evt_replayed",
        "checkout.session.completed",
        paid_session(&order, &session, "pi_replayed"),
    );
    let statuses =
        crate::helpers::all_at_once((0..100).map(|_| deliver(&app, &completed)).collect()).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(entitlements(&app, order.id).await.len(), 1);
    assert_eq!(receipts_to(&app, "replay@example.com").await, 1);
    assert_eq!(
        order_of(&app, "replay@example.com").await.status,
        OrderStatus::Paid
    );
    let recorded = domain::entities::payment_event::Entity::find()
        .filter(domain::entities::payment_event::Column::EventId.eq("evt_replayed"))
        .count(&app.db().await)
        .await
        .unwrap();
    assert_eq!(recorded, 1);

    // A paid session whose amount is not the order's fulfils nothing.
    let (other, session) = placed(&app, "tampered@example.com").await;
    let mut cheap = paid_session(&other, &session, "pi_cheap");
    cheap["amount_total"] = json!(1);
    assert_eq!(
        deliver(
            &app,
            &event("evt_cheap", "checkout.session.completed", cheap)
        )
        .await,
        200
    );
    assert_eq!(
        order_of(&app, "tampered@example.com").await.status,
        OrderStatus::Pending
    );
}

async fn events_in_reverse_order_end_in_the_right_state(app: TestApp) {
    let (order, session) = placed(&app, "reverse@example.com").await;
    let total = order.total_minor;
    let refunded_all = json!({"id": "ch_rev", "object": "charge", "payment_intent": "pi_rev",
                              "amount": total, "amount_refunded": total, "refunded": true});
    let refunded_part = json!({"id": "ch_rev", "object": "charge", "payment_intent": "pi_rev",
                               "amount": total, "amount_refunded": 100, "refunded": false});
    // Newest first: the full refund, an older partial one, then the payment.
    assert_eq!(
        deliver(&app, &event("evt_3", "charge.refunded", refunded_all)).await,
        200
    );
    assert_eq!(
        deliver(&app, &event("evt_2", "charge.refunded", refunded_part)).await,
        200
    );
    let completed = event(
        "evt_1",
        "checkout.session.completed",
        paid_session(&order, &session, "pi_rev"),
    );
    assert_eq!(deliver(&app, &completed).await, 200);
    let now = order_of(&app, "reverse@example.com").await;
    assert_eq!(now.status, OrderStatus::Refunded);
    assert_eq!(
        now.refunded_minor, total,
        "an older event does not lower it"
    );
    assert!(
        entitlements(&app, order.id)
            .await
            .iter()
            .all(|e| e.revoked_at.is_some())
    );
    // A late "expired" for the paid session changes nothing.
    let mut expired = paid_session(&order, &session, "pi_rev");
    expired["status"] = json!("expired");
    assert_eq!(
        deliver(&app, &event("evt_0", "checkout.session.expired", expired)).await,
        200
    );
    assert_eq!(
        order_of(&app, "reverse@example.com").await.status,
        OrderStatus::Refunded
    );
}

async fn a_code_with_one_redemption_left_is_redeemed_once_by_twenty_checkouts(app: TestApp) {
    domain::discounts::Discounts::new(app.db().await, domain::clock::Clock::System)
        .create(domain::discounts::NewDiscount {
            code: "lastone".into(),
            percent_off: Some(50),
            max_redemptions: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut shoppers = Vec::new();
    for _ in 0..20 {
        let mut shopper = Shopper::new(&app);
        shopper
            .ok("add_to_cart", &[("product", "mono-icons")])
            .await;
        shopper.ok("apply_discount", &[("code", "LASTONE")]).await;
        assert_eq!(shopper.cart().await["total"], "$3.00");
        shoppers.push(shopper);
    }
    let checkouts = shoppers.iter().enumerate().map(|(i, shopper)| {
        let cookie = shopper.cookie.clone();
        let email = format!("buyer{i}@example.com");
        let app = &app;
        async move {
            app.call("checkout", &[("email", &email)], cookie.as_deref())
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = crate::helpers::all_at_once(checkouts.collect()).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    let code = discount_code::Entity::find()
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code.redemptions, 1);
    let discounted = order::Entity::find()
        .filter(order::Column::DiscountCodeId.eq(code.id))
        .count(&app.db().await)
        .await
        .unwrap();
    assert_eq!(discounted, 1);
}

async fn an_unpaid_session_expires_and_the_cart_is_kept(app: TestApp) {
    domain::discounts::Discounts::new(app.db().await, domain::clock::Clock::System)
        .create(domain::discounts::NewDiscount {
            code: "ONCE".into(),
            percent_off: Some(10),
            max_redemptions: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut shopper = Shopper::new(&app);
    shopper
        .ok("add_to_cart", &[("product", "mono-icons")])
        .await;
    shopper.ok("apply_discount", &[("code", "once")]).await;
    let url = shopper.checkout("late@example.com").await;

    // A day passes at the payment provider; the session expires on its own
    // and the store hears of it (signed with the real time, as Stripe signs).
    let sandbox = app.sandbox.clone().unwrap();
    sandbox.advance_clock(std::time::Duration::from_secs(24 * 3600 + 60));
    app.await_payment_events("checkout.session.expired", 1)
        .await;
    let order = order_of(&app, "late@example.com").await;
    assert_eq!(order.status, OrderStatus::Expired);
    assert!(entitlements(&app, order.id).await.is_empty());
    let code = discount_code::Entity::find()
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        code.redemptions, 0,
        "the expired order gave its redemption back"
    );
    let cart = shopper.cart().await;
    assert_eq!(cart["lines"].as_array().unwrap().len(), 1);
    assert_eq!(cart["code"], "ONCE");
    // The hosted page says so; paying is no longer possible.
    let (status, _) = pay(&app, &url, "4242 4242 4242 4242").await;
    assert_eq!(status, 409);

    // Checking out again holds the code again, and paying with it charges
    // the discounted total, to the cent.
    let url = shopper.checkout("late@example.com").await;
    let session = url.rsplit('/').next().unwrap().to_owned();
    let at_provider = app.payments().checkout_session(&session).await.unwrap();
    assert_eq!(at_provider.amount_total, Some(540));
    let lines = at_provider.line_items.unwrap().data;
    assert_eq!(
        lines[0].description.as_deref(),
        Some("Mono Icons (code ONCE)")
    );
    assert_eq!(pay(&app, &url, "4242 4242 4242 4242").await.0, 303);
    app.await_payment_events("checkout.session.completed", 1)
        .await;
    let paid = order::Entity::find()
        .filter(order::Column::CheckoutSessionId.eq(session.as_str()))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (paid.status, paid.total_minor, paid.discount_minor),
        (OrderStatus::Paid, 540, 60)
    );
    let code = discount_code::Entity::find()
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code.redemptions, 1);
}

async fn forged_unsigned_and_stale_events_change_nothing(app: TestApp) {
    let (order, session) = placed(&app, "forged@example.com").await;
    let completed = event(
        "evt_forged",
        "checkout.session.completed",
        paid_session(&order, &session, "pi_f"),
    );
    let payload = completed.to_string();
    let (_, secret) = server::startup::sandbox_keys(app.data_dir.path()).unwrap();
    let now = chrono::Utc::now().timestamp();
    let send = |signature: Option<String>| {
        let mut request = app
            .client
            .post(format!("{}/webhooks/stripe", app.address))
            .body(payload.clone());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let sign =
        |secret: &Secret, at: i64| domain::payments::webhook::sign(secret, at, payload.as_bytes());
    assert_eq!(send(None).await, 400, "unsigned");
    assert_eq!(
        send(Some(sign(&Secret::new("whsec_guess"), now))).await,
        400,
        "forged"
    );
    // A minute past the tolerance either way, so the second turning over
    // between this clock and the server's cannot bring either one inside it.
    let beyond = domain::payments::webhook::TOLERANCE_SECS + 60;
    assert_eq!(send(Some(sign(&secret, now - beyond))).await, 400, "stale");
    assert_eq!(
        send(Some(sign(&secret, now + beyond))).await,
        400,
        "from the future"
    );
    assert_eq!(
        order_of(&app, "forged@example.com").await.status,
        OrderStatus::Pending
    );
    assert!(entitlements(&app, order.id).await.is_empty());
    assert!(app.payment_events().await.is_empty());
    // The same event, signed right, does what it says.
    assert_eq!(send(Some(sign(&secret, now))).await, 200);
    assert_eq!(
        order_of(&app, "forged@example.com").await.status,
        OrderStatus::Paid
    );
}

/// The store run again as an instance that serves the shop but runs no jobs,
/// and an order `email` paid there: the payment's events stay queued in the
/// sandbox. Answers that instance, the order and its checkout session.
async fn paid_while_jobs_wait(app: TestApp, email: &str) -> (TestApp, order::Model, String) {
    let (data_dir, postgres) = app.stop().await;
    let store =
        crate::helpers::spawn_app_in(data_dir, postgres, &[("DOWNLINK_RUN_JOBS", "false")]).await;
    let (order, session) = placed(&store, email).await;
    let url = format!("{}/sandbox/checkout/{session}", store.address);
    assert_eq!(pay(&store, &url, "4242 4242 4242 4242").await.0, 303);
    (store, order, session)
}

/// `app` stopped and started again over the same data, with its jobs: the
/// queued events are delivered to it.
async fn restarted_with_events(app: TestApp) -> TestApp {
    let (data_dir, postgres) = app.stop().await;
    let again = crate::helpers::spawn_app_in(data_dir, postgres, &[]).await;
    again
        .await_payment_events("checkout.session.completed", 1)
        .await;
    again
}

async fn a_payment_whose_events_wait_through_a_restart_is_fulfilled_once(app: TestApp) {
    let (first, order, session) = paid_while_jobs_wait(app, "restart@example.com").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        first.payment_events().await.is_empty(),
        "nothing delivered yet"
    );
    assert_eq!(
        order_of(&first, "restart@example.com").await.status,
        OrderStatus::Pending
    );

    // The store stops and starts again over the same data: the queue is
    // delivered to it.
    let second = restarted_with_events(first).await;
    assert_eq!(
        order_of(&second, "restart@example.com").await.status,
        OrderStatus::Paid
    );
    // The success page, late, changes nothing more.
    let confirmed: Value = second
        .call_json("confirm_checkout", &[("session", &session)], None)
        .await;
    assert_eq!(confirmed["status"], "paid");
    assert_eq!(entitlements(&second, order.id).await.len(), 1);
    assert_eq!(receipts_to(&second, "restart@example.com").await, 1);
}

async fn the_success_page_fulfils_alone_and_the_late_events_change_nothing(app: TestApp) {
    // No jobs run: the payment's events stay queued in the sandbox, so only
    // the success page can tell the store the order is paid.
    let (first, order, session) = paid_while_jobs_wait(app, "alone@example.com").await;
    let confirmed: Value = first
        .call_json("confirm_checkout", &[("session", &session)], None)
        .await;
    assert_eq!(confirmed["status"], "paid");
    assert!(
        first.payment_events().await.is_empty(),
        "paid without a single event"
    );
    assert_eq!(
        order_of(&first, "alone@example.com").await.status,
        OrderStatus::Paid
    );
    assert_eq!(entitlements(&first, order.id).await.len(), 1);
    assert_eq!(receipts_to(&first, "alone@example.com").await, 1);

    // The events arrive after a restart: recorded, and nothing is given twice.
    let second = restarted_with_events(first).await;
    assert_eq!(
        order_of(&second, "alone@example.com").await.status,
        OrderStatus::Paid
    );
    assert_eq!(entitlements(&second, order.id).await.len(), 1);
    assert_eq!(receipts_to(&second, "alone@example.com").await, 1);
}

#[tokio::test]
async fn the_admin_sees_the_sandbox_deliveries_and_can_send_one_again() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let (_, session) = placed(&app, "hooks@example.com").await;
    let url = format!("{}/sandbox/checkout/{session}", app.address);
    assert_eq!(pay(&app, &url, "4242 4242 4242 4242").await.0, 303);
    app.await_payment_events("checkout.session.completed", 1)
        .await;
    let admin = app.admin().await;
    let completed = |hooks: &Value| {
        hooks["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "checkout.session.completed")
            .cloned()
            .unwrap()
    };
    let hooks: Value = app.call_json("admin_webhooks", &[], Some(&admin)).await;
    assert!(
        hooks["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "checkout.session.completed")
    );
    let delivery = completed(&hooks);
    assert_eq!(delivery["attempts"], 1);
    assert!(
        delivery["state"].as_str().unwrap().starts_with("Delivered"),
        "{delivery}"
    );
    assert!(
        delivery["url"]
            .as_str()
            .unwrap()
            .ends_with("/webhooks/stripe")
    );

    let resent = app
        .call(
            "resend_webhook",
            &[("delivery", delivery["delivery"].as_str().unwrap())],
            Some(&admin),
        )
        .await;
    assert_eq!(resent.status(), 200);
    let mut attempts = 1;
    for _ in 0..50 {
        let hooks: Value = app.call_json("admin_webhooks", &[], Some(&admin)).await;
        attempts = completed(&hooks)["attempts"].as_i64().unwrap();
        if attempts == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(attempts, 2, "sent again");
    // The store took it as the replay it is.
    assert_eq!(
        app.await_payment_events("checkout.session.completed", 1)
            .await
            .len(),
        1
    );
    assert_eq!(receipts_to(&app, "hooks@example.com").await, 1);

    let customer = app
        .register("nosy@example.com", "a long enough password")
        .await;
    assert_eq!(
        app.call("admin_webhooks", &[], Some(&customer))
            .await
            .status(),
        403
    );
    assert_eq!(app.call("admin_webhooks", &[], None).await.status(), 401);
}

async fn a_cart_filled_signed_out_joins_the_account_and_one_currency_is_checked_out(app: TestApp) {
    // An account opened with a password: its address is not proven yet.
    let registered = app
        .register("member@example.com", "a long enough password")
        .await;
    app.call("sign_out", &[], Some(&registered)).await;

    let mut shopper = Shopper::new(&app);
    shopper
        .ok("add_to_cart", &[("product", "mono-icons")])
        .await;
    shopper
        .ok("add_to_cart", &[("product", "harbour-at-dusk")])
        .await;
    let cart = shopper.cart().await;
    assert_eq!(cart["lines"].as_array().unwrap().len(), 2);
    let problem = cart["problems"][0].as_str().unwrap();
    assert!(problem.contains("EUR and USD"), "{problem}");
    let refused = shopper
        .call("checkout", &[("email", "member@example.com")])
        .await;
    assert_eq!(refused.status(), 400);

    // Signing in keeps what was chosen.
    let signed_in = shopper
        .call(
            "sign_in",
            &[
                ("email", "member@example.com"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), 200);
    let cart = shopper.cart().await;
    assert_eq!(cart["signed_in"], true);
    assert_eq!(
        cart["lines"].as_array().unwrap().len(),
        2,
        "the signed-out cart joined the account's"
    );
    shopper
        .ok("remove_from_cart", &[("product", "harbour-at-dusk")])
        .await;
    assert!(
        shopper.cart().await["problems"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A signed-in buyer gives no address: the account's is used.
    let url = shopper.checkout("").await;
    assert_eq!(pay(&app, &url, "4242 4242 4242 4242").await.0, 303);
    app.await_payment_events("checkout.session.completed", 1)
        .await;
    let order = order_of(&app, "member@example.com").await;
    assert_eq!(order.status, OrderStatus::Paid);
    // Until the address is proven the library shows nothing of it.
    let library = shopper.ok("library", &[]).await;
    assert_eq!(library["verified"], false);
    assert!(library["items"].as_array().unwrap().is_empty());
    // Proving it (a mailed sign-in link) shows the purchase.
    let cookie = app.sign_in_by_mail("member@example.com").await;
    let library: Value = app.call_json("library", &[], Some(&cookie)).await;
    assert_eq!(library["items"][0]["title"], "Mono Icons");
    assert_eq!(app.call("library", &[], None).await.status(), 401);
}

/// Buys `slug` as the guest `email` with a test card, waits for the order to
/// be paid, and signs the buyer in with a mailed link; answers the order and
/// the buyer's session cookie.
pub(crate) async fn bought(app: &TestApp, slug: &str, email: &str) -> (order::Model, String) {
    let mut shopper = Shopper::new(app);
    shopper.ok("add_to_cart", &[("product", slug)]).await;
    let url = shopper.checkout(email).await;
    assert_eq!(pay(app, &url, "4242 4242 4242 4242").await.0, 303);
    for _ in 0..100 {
        if order_of(app, email).await.status == OrderStatus::Paid {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let order = order_of(app, email).await;
    assert_eq!(order.status, OrderStatus::Paid);
    (order, app.sign_in_by_mail(email).await)
}
