//! The admin area refuses everyone else: every admin server function, page
//! and CSV answers 401 to a visitor signed out and 403 to a customer, and
//! changes nothing. The lists in `endpoints` are checked against what the store
//! registers, so a new admin function or page cannot be left out.

mod endpoints;

use crate::checkout::bought;
use crate::helpers::{TestApp, on_both_databases};
use crate::uploads::start_for;
use domain::entities::{
    audit_entry, delivery, discount_code, entitlement, license_activation, license_key, mail,
    order, order_item, product, product_file, product_image, refund, upload, user,
};
use endpoints::{NOT_ADMIN, Targets, admin_calls, admin_pages};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::Value;
use std::collections::BTreeSet;

on_both_databases!(every_admin_endpoint_refuses_customers_and_signed_out_visitors);

async fn every_admin_endpoint_refuses_customers_and_signed_out_visitors(app: TestApp) {
    let (targets, customer, admin) = targets(&app).await;
    let data = everything(&app).await;
    let hooks: Value = app.call_json("admin_webhooks", &[], Some(&admin)).await;

    // Every answer that is not the refusal it should be, or shows a customer.
    let mut wrong = Vec::new();
    let as_whom = [
        ("signed out", None, 401),
        ("customer", Some(customer.as_str()), 403),
    ];
    let calls = admin_calls(&targets);
    for (function, form) in &calls {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (whom, cookie, refused) in as_whom {
            let answer = app.call(function, &form, cookie).await;
            let status = answer.status();
            let body = answer.text().await.unwrap();
            if status != refused || body.contains("other@example.com") {
                wrong.push(format!("{function} {whom}: {status} {body}"));
            }
        }
    }
    let pages = admin_pages(&targets);
    for (_, path) in &pages {
        for (whom, cookie, refused) in as_whom {
            let mut request = app.client.get(format!("{}{path}", app.address));
            if let Some(cookie) = cookie {
                request = request.header("cookie", format!("downlink_session={cookie}"));
            }
            let answer = request.send().await.unwrap();
            let status = answer.status();
            let body = answer.text().await.unwrap();
            if status != refused || body.contains("other@example.com") {
                wrong.push(format!("GET {path} {whom}: {status}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");

    // Nothing changed: no row, no mail, no audit entry, no webhook resent.
    assert!(
        data.iter()
            .any(|(table, rows)| *table == "product" && rows.contains("Pixel Sorter"))
    );
    for ((table, before), (_, after)) in data.iter().zip(everything(&app).await) {
        assert_eq!(*before, after, "{table} changed");
    }
    let unchanged: Value = app.call_json("admin_webhooks", &[], Some(&admin)).await;
    assert_eq!(unchanged, hooks);

    // Every server function the store registers is in one list or the other,
    // and every admin page route in `admin_pages` (the CSV routes are axum's
    // own, not listed by Leptos: they are tried above by hand).
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = calls
        .iter()
        .map(|(function, _)| *function)
        .chain(NOT_ADMIN)
        .map(|function| format!("/api/{function}"))
        .collect();
    let unlisted: Vec<_> = registered.difference(&listed).collect();
    assert!(unlisted.is_empty(), "new server functions: {unlisted:?}");
    let gone: Vec<_> = listed.difference(&registered).collect();
    assert!(gone.is_empty(), "no such server functions: {gone:?}");
    let routed: BTreeSet<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|route| route.path().to_owned())
        .filter(|path| path.starts_with("/admin"))
        .collect();
    let tried: BTreeSet<String> = pages
        .iter()
        .map(|(route, _)| (*route).to_owned())
        .filter(|route| !route.is_empty())
        .collect();
    let untried: Vec<_> = routed.difference(&tried).collect();
    assert!(untried.is_empty(), "new admin pages: {untried:?}");
    let gone: Vec<_> = tried.difference(&routed).collect();
    assert!(gone.is_empty(), "no such admin pages: {gone:?}");
}

/// A paid order with a license key, a file, an image, a pending upload, a
/// discount code, a customer, a webhook delivery; the buyer's and the
/// admin's session cookies.
async fn targets(app: &TestApp) -> (Targets, String, String) {
    let (order, customer) = bought(app, "pixel-sorter", "buyer@example.com").await;
    for kind in [
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ] {
        app.await_payment_events(kind, 1).await;
    }
    app.register("other@example.com", "another passphrase")
        .await;
    let admin = app.admin().await;
    let order = order.pid.to_string();
    let detail: Value = app
        .call_json("admin_order", &[("order", &order)], Some(&admin))
        .await;
    let product = app.product_pid("pixel-sorter").await;
    let media: Value = app
        .call_json("admin_media", &[("product", &product)], Some(&admin))
        .await;
    let upload = start_for(
        app,
        &admin,
        &product,
        "file",
        "pending.zip",
        "application/zip",
        10,
    )
    .await;
    let created = app
        .call(
            "create_discount",
            &[("code", "SPRING10"), ("kind", "percent"), ("value", "10")],
            Some(&admin),
        )
        .await;
    assert_eq!(created.status(), 200);
    let discounts: Value = app.call_json("admin_discounts", &[], Some(&admin)).await;
    let found: Value = app
        .call_json("admin_customers", &[("q", "buyer@")], Some(&admin))
        .await;
    let hooks: Value = app.call_json("admin_webhooks", &[], Some(&admin)).await;
    let text = |value: &Value| value.as_str().unwrap().to_owned();
    let targets = Targets {
        entitlement: text(&detail["receipt"]["lines"][0]["entitlement"]),
        file: text(&media["files"][0]["file"]),
        image: text(&media["images"][0]["image"]),
        upload: text(&upload["upload"]),
        discount: text(&discounts[0]["discount"]),
        customer: text(&found["customers"][0]["customer"]),
        delivery: text(&hooks["deliveries"][0]["delivery"]),
        product,
        order,
    };
    (targets, customer, admin)
}

/// Every row of the tables an admin action writes, by table, in id order
/// (mails by address and subject only: the outbox job marks them sent).
async fn everything(app: &TestApp) -> Vec<(&'static str, String)> {
    let db = app.db().await;
    macro_rules! rows {
        ($($table:ident),+ $(,)?) => {
            vec![$((
                stringify!($table),
                format!(
                    "{:?}",
                    $table::Entity::find()
                        .order_by_asc($table::Column::Id)
                        .all(&db)
                        .await
                        .unwrap()
                ),
            )),+]
        };
    }
    let mut tables = rows!(
        product,
        product_file,
        product_image,
        upload,
        discount_code,
        order,
        order_item,
        entitlement,
        license_key,
        license_activation,
        refund,
        delivery,
        user,
        audit_entry,
    );
    let mails: Vec<(String, String)> = mail::Entity::find()
        .order_by_asc(mail::Column::Id)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.to_address, m.subject))
        .collect();
    tables.push(("mail", format!("{mails:?}")));
    tables
}
