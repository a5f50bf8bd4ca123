//! The admin's customers: search by address or order number, one customer's
//! orders, purchases and downloads, resending a receipt or a sign-in link,
//! and blocking (sign-in refused every way, sessions ended, nothing deleted).

use crate::checkout::bought;
use crate::helpers::{TestApp, on_both_databases};
use domain::entities::{entitlement, order};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

async fn search(app: &TestApp, admin: &str, q: &str) -> Value {
    app.call_json("admin_customers", &[("q", q)], Some(admin))
        .await
}

fn emails(list: &Value) -> Vec<&str> {
    list["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect()
}

on_both_databases!(an_admin_finds_a_customer_and_sees_what_they_bought);

async fn an_admin_finds_a_customer_and_sees_what_they_bought(app: TestApp) {
    let (sorter, buyer) = bought(&app, "pixel-sorter", "ada@example.com").await;
    bought(&app, "field-guide-to-quiet-software", "grace@example.com").await;
    app.register("ada_lovelace@example.org", "a long passphrase")
        .await;
    let admin = app.admin().await;

    // By part of the address; `_` is a character, not a wildcard.
    assert_eq!(
        emails(&search(&app, &admin, "ADA").await),
        ["ada_lovelace@example.org", "ada@example.com"]
    );
    assert_eq!(
        emails(&search(&app, &admin, "a_l").await),
        ["ada_lovelace@example.org"]
    );
    // By order number, as a customer quotes it.
    let by_number = search(&app, &admin, &sorter.number.to_lowercase()).await;
    assert_eq!(emails(&by_number), ["ada@example.com"]);
    // Everyone: customers only, newest first, with what they paid.
    let everyone = search(&app, &admin, "").await;
    assert_eq!(everyone["total"], 3, "the admin is not a customer");
    let ada = &by_number["customers"][0];
    assert_eq!(ada["orders"], 1);
    assert_eq!(ada["spent"], "$19.00");
    assert_eq!(ada["verified"], true);
    assert_eq!(ada["blocked"], Value::Null);
    let unconfirmed = &everyone["customers"][0];
    assert_eq!(
        (&unconfirmed["spent"], &unconfirmed["verified"]),
        (&Value::from("—"), &Value::from(false))
    );

    // One customer: orders, purchases with their keys, downloads, devices.
    let library: Value = app.call_json("library", &[], Some(&buyer)).await;
    let item = &library["items"][0];
    let minted = app
        .call(
            "download",
            &[
                ("entitlement", item["entitlement"].as_str().unwrap()),
                ("file", item["files"][0]["file"].as_str().unwrap()),
            ],
            Some(&buyer),
        )
        .await;
    assert_eq!(minted.status(), 200);
    let customer = ada["customer"].as_str().unwrap();
    let detail: Value = app
        .call_json("admin_customer", &[("customer", customer)], Some(&admin))
        .await;
    assert_eq!(detail["orders"][0]["number"], sorter.number.as_str());
    assert_eq!(detail["purchases"][0]["title"], "Pixel Sorter 2.1");
    assert_eq!(
        detail["purchases"][0]["keys"][0],
        library["items"][0]["keys"][0]
    );
    assert_eq!(detail["downloads"].as_array().unwrap().len(), 1);
    assert_eq!(detail["downloads"][0]["product"], "Pixel Sorter 2.1");
    assert_eq!(detail["devices"], 1);
    assert_eq!(detail["has_password"], false);

    // An unknown id, an admin's, nonsense: not found.
    for unknown in [
        uuid::Uuid::now_v7().to_string(),
        account_id(&app, "admin@example.com").await,
        "not-an-id".to_owned(),
    ] {
        let missing = app
            .call("admin_customer", &[("customer", &unknown)], Some(&admin))
            .await;
        assert_eq!(missing.status(), 404);
    }

    // Admins only.
    for endpoint in ["admin_customers", "admin_customer"] {
        let form = [("customer", customer), ("q", "")];
        assert_eq!(app.call(endpoint, &form, Some(&buyer)).await.status(), 403);
        assert_eq!(app.call(endpoint, &form, None).await.status(), 401);
    }
}

on_both_databases!(an_admin_resends_a_receipt_and_a_sign_in_link);

async fn an_admin_resends_a_receipt_and_a_sign_in_link(app: TestApp) {
    let (sorter, buyer) = bought(&app, "pixel-sorter", "lost-mail@example.com").await;
    let admin = app.admin().await;
    let receipts = |mails: &[domain::entities::mail::Model]| {
        mails
            .iter()
            .filter(|m| m.subject.contains(&sorter.number))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(receipts(&app.outbox(50).await).len(), 1);

    let pid = sorter.pid.to_string();
    let resent = app
        .call("resend_receipt", &[("order", &pid)], Some(&admin))
        .await;
    assert_eq!(resent.status(), 200);
    let again = receipts(&app.outbox(50).await);
    assert_eq!(again.len(), 2, "the receipt went out once more");
    assert_eq!(again[0].to_address, "lost-mail@example.com");
    assert_eq!(
        again[0].text_body, again[1].text_body,
        "the same receipt, keys included"
    );

    // An order never paid has no receipt.
    let unpaid = pending_order(&app, &sorter).await;
    let refused = app
        .call("resend_receipt", &[("order", &unpaid)], Some(&admin))
        .await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("never paid"));

    // A sign-in link, as the customer could ask for it.
    let customer = customer_id(&app, &admin, "lost-mail@example.com").await;
    let before = app.outbox(50).await.len();
    let sent = app
        .call(
            "send_sign_in_link",
            &[("customer", &customer)],
            Some(&admin),
        )
        .await;
    assert_eq!(sent.status(), 200);
    let outbox = app.outbox(50).await;
    assert_eq!(outbox.len(), before + 1);
    assert!(outbox[0].subject.contains("sign-in link"));
    let token = app.token_mailed_to("lost-mail@example.com").await;
    let signed_in = app
        .call("sign_in_with_link", &[("token", &token)], None)
        .await;
    assert_eq!(signed_in.status(), 200);

    // Each is in the audit log once.
    let log: Value = app.call_json("admin_audit", &[], Some(&admin)).await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["customer.sign_in_link", "receipt.resend"]);
    assert_eq!(log[1]["subject"], format!("order {}", sorter.number));

    // Customers cannot; signed out, nobody can.
    for (endpoint, form) in [
        ("resend_receipt", [("order", pid.as_str())]),
        ("send_sign_in_link", [("customer", customer.as_str())]),
    ] {
        assert_eq!(app.call(endpoint, &form, Some(&buyer)).await.status(), 403);
        assert_eq!(app.call(endpoint, &form, None).await.status(), 401);
    }
    assert_eq!(receipts(&app.outbox(50).await).len(), 2);
}

/// The public id of the account with address `email`.
async fn account_id(app: &TestApp, email: &str) -> String {
    domain::entities::user::Entity::find()
        .filter(domain::entities::user::Column::Email.eq(email))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap()
        .pid
        .to_string()
}

/// Another order of the same account, left unpaid.
async fn pending_order(app: &TestApp, paid: &order::Model) -> String {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let mut unpaid: order::ActiveModel = paid.clone().into();
    unpaid.id = sea_orm::ActiveValue::NotSet;
    let pid = uuid::Uuid::now_v7();
    unpaid.pid = Set(pid);
    unpaid.number = Set("DL-UNPAID01".into());
    unpaid.status = Set(order::OrderStatus::Pending);
    unpaid.checkout_session_id = Set(None);
    unpaid.payment_intent_id = Set(None);
    unpaid.paid_at = Set(None);
    unpaid.cart_id = Set(None);
    unpaid.insert(&app.db().await).await.unwrap();
    pid.to_string()
}

async fn customer_id(app: &TestApp, admin: &str, email: &str) -> String {
    let found = search(app, admin, email).await;
    found["customers"][0]["customer"]
        .as_str()
        .unwrap()
        .to_owned()
}

on_both_databases!(a_blocked_customer_is_signed_out_and_cannot_sign_in_but_keeps_everything);

async fn a_blocked_customer_is_signed_out_and_cannot_sign_in_but_keeps_everything(app: TestApp) {
    let (_, by_mail) = bought(&app, "mono-icons", "blocked@example.com").await;
    let with_password = app
        .call(
            "change_password",
            &[
                ("current_password", ""),
                ("new_password", "a long passphrase"),
            ],
            Some(&by_mail),
        )
        .await;
    assert_eq!(with_password.status(), 200);
    let signed_in = app
        .sign_in("blocked@example.com", "a long passphrase")
        .await;
    let second = crate::helpers::session_cookie(&signed_in).unwrap();
    // Links mailed before the block: one to sign in, one to confirm the
    // address of an account opened with a password.
    app.call(
        "request_magic_link",
        &[("email", "blocked@example.com")],
        None,
    )
    .await;
    let magic = app.token_mailed_to("blocked@example.com").await;
    app.register("late@example.com", "another long passphrase")
        .await;
    let confirm = app.token_mailed_to("late@example.com").await;
    let admin = app.admin().await;
    let customer = customer_id(&app, &admin, "blocked@example.com").await;
    let late = customer_id(&app, &admin, "late@example.com").await;
    let block_late = app
        .call(
            "block_customer",
            &[("customer", &late), ("action", "block")],
            Some(&admin),
        )
        .await;
    assert_eq!(block_late.status(), 200);

    let blocked = app
        .call(
            "block_customer",
            &[("customer", &customer), ("action", "block")],
            Some(&admin),
        )
        .await;
    assert_eq!(blocked.status(), 200);

    // Every session ended.
    for cookie in [&by_mail, &second] {
        assert_eq!(app.who_is_signed_in(cookie).await, Value::Null);
        assert_eq!(app.call("library", &[], Some(cookie)).await.status(), 401);
    }
    // The links mailed before are refused, and sign no one in.
    for (endpoint, token) in [("sign_in_with_link", &magic), ("confirm_email", &confirm)] {
        let used = app.call(endpoint, &[("token", token.as_str())], None).await;
        assert_eq!(used.status(), 409, "{endpoint}");
        assert!(
            crate::helpers::session_cookie(&used).is_none(),
            "{endpoint}"
        );
    }
    // The right password is refused, and says why.
    let refused = app
        .sign_in("blocked@example.com", "a long passphrase")
        .await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("blocked"));
    // A wrong one says nothing more than for anyone.
    let wrong = app
        .sign_in("blocked@example.com", "not the passphrase")
        .await;
    assert_eq!(wrong.status(), 400);
    assert!(!wrong.text().await.unwrap().contains("blocked"));
    // No sign-in or reset link is mailed, and the answer is the same.
    let before = app.outbox(100).await.len();
    for endpoint in ["request_magic_link", "request_password_reset"] {
        let asked = app
            .call(endpoint, &[("email", "blocked@example.com")], None)
            .await;
        assert_eq!(asked.status(), 200, "{endpoint}");
    }
    assert_eq!(app.outbox(100).await.len(), before);
    let link = app
        .call(
            "send_sign_in_link",
            &[("customer", &customer)],
            Some(&admin),
        )
        .await;
    assert_eq!(link.status(), 409);
    // Checking out with the address is refused, and nothing is ordered.
    let orders_before = order::Entity::find().count(&app.db().await).await.unwrap();
    let mut shopper = crate::checkout::Shopper::new(&app);
    shopper
        .ok("add_to_cart", &[("product", "harbour-at-dusk")])
        .await;
    let checkout = shopper
        .call("checkout", &[("email", "blocked@example.com")])
        .await;
    assert_eq!(checkout.status(), 409);
    assert_eq!(
        order::Entity::find().count(&app.db().await).await.unwrap(),
        orders_before
    );

    // Nothing deleted.
    let db = app.db().await;
    let held = entitlement::Entity::find()
        .filter(entitlement::Column::RevokedAt.is_null())
        .count(&db)
        .await
        .unwrap();
    assert_eq!(held, 1);
    let detail: Value = app
        .call_json("admin_customer", &[("customer", &customer)], Some(&admin))
        .await;
    assert!(detail["customer"]["blocked"].is_string());
    assert_eq!(detail["orders"].as_array().unwrap().len(), 1);
    assert_eq!(detail["devices"], 0);

    // Unblocked, the password works again.
    let unblocked = app
        .call(
            "block_customer",
            &[("customer", &customer), ("action", "unblock")],
            Some(&admin),
        )
        .await;
    assert_eq!(unblocked.status(), 200);
    let back = app
        .sign_in("blocked@example.com", "a long passphrase")
        .await;
    assert_eq!(back.status(), 200);

    // Both written to the audit log with the state before and after.
    let log: Value = app
        .call_json("admin_audit", &[("action", "customer")], Some(&admin))
        .await;
    let entries: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["before"].as_str().unwrap(),
                e["after"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("customer.unblock", "blocked", "active"),
            ("customer.block", "active", "blocked"),
            ("customer.block", "active", "blocked"),
        ]
    );
    assert_eq!(log[0]["subject"], "customer blocked@example.com");

    // An admin cannot be blocked, nor can a customer block anyone.
    let admin_id = account_id(&app, "admin@example.com").await;
    let refused = app
        .call(
            "block_customer",
            &[("customer", &admin_id), ("action", "block")],
            Some(&admin),
        )
        .await;
    assert_eq!(refused.status(), 404, "admins are not customers");
    let form = [("customer", customer.as_str()), ("action", "block")];
    let refused = app
        .call("block_customer", &form, Some(&back_cookie(&back)))
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(app.call("block_customer", &form, None).await.status(), 401);
}

fn back_cookie(response: &reqwest::Response) -> String {
    crate::helpers::session_cookie(response).expect("signed in")
}
