//! Selling and customer care in the audit log: discount codes, purchases
//! adjusted, activations freed, gifts, refunds, webhooks sent again,
//! receipts and sign-in links mailed, customers blocked and let back in.

use super::{Entry, audited, json};
use crate::checkout::bought;
use crate::helpers::{TestApp, on_both_databases};
use domain::entities::order;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// Activates the license `key` on a device called `name`; answers the
/// instance's id.
async fn activate(app: &TestApp, key: &str, name: &str) -> String {
    let activated: Value = app
        .client
        .post(format!("{}/api/v1/licenses/activate", app.address))
        .json(&json!({"key": key, "instance_name": name}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    activated["instance_id"].as_str().unwrap().to_owned()
}

on_both_databases!(each_sale_and_customer_action_writes_one_entry_with_its_subject_and_states);

async fn each_sale_and_customer_action_writes_one_entry_with_its_subject_and_states(app: TestApp) {
    let (sale, _) = bought(&app, "pixel-sorter", "audited@example.com").await;
    let admin = app.admin().await;
    let order = sale.pid.to_string();
    let detail: Value = app
        .call_json("admin_order", &[("order", &order)], Some(&admin))
        .await;
    let line = &detail["receipt"]["lines"][0];
    let entitlement = line["entitlement"].as_str().unwrap().to_owned();
    let purchase = format!("purchase {entitlement}");

    // A discount code made (the form as sent), then disabled.
    let (_, created) = audited(
        &app,
        &admin,
        "create_discount",
        &[("code", "SPRING10"), ("kind", "percent"), ("value", "10")],
    )
    .await;
    assert_eq!(
        (
            created.action.as_str(),
            created.subject.as_str(),
            &created.before
        ),
        ("discount.create", "discount SPRING10", &None)
    );
    assert_eq!(
        json(created.after.as_ref()),
        json!({"code": "SPRING10", "kind": "percent", "value": "10", "currency": "",
               "product": "", "valid_from": "", "valid_until": "", "max_redemptions": ""})
    );
    let codes: Value = app.call_json("admin_discounts", &[], Some(&admin)).await;
    let code = codes[0]["discount"].as_str().unwrap();
    let (_, disabled) = audited(&app, &admin, "disable_discount", &[("discount", code)]).await;
    let subject = format!("discount {code}");
    assert_eq!(
        disabled,
        Entry::new(
            "discount.disable",
            &subject,
            Some("active"),
            Some("disabled")
        )
    );

    // The purchase adjusted by hand, each change in words.
    for (action, amount, change) in [
        ("downloads", "3", "downloads 3"),
        ("revoke", "", "revoke 0"),
        ("restore", "", "restore 0"),
    ] {
        let mut form = vec![
            ("order", order.as_str()),
            ("entitlement", entitlement.as_str()),
            ("action", action),
        ];
        if !amount.is_empty() {
            form.push(("amount", amount));
        }
        let (_, adjusted) = audited(&app, &admin, "adjust_entitlement", &form).await;
        assert_eq!(
            adjusted,
            Entry::new("purchase.adjust", &purchase, None, Some(change))
        );
    }

    // License activations freed: all of them, then one device.
    let key = line["keys"][0].as_str().unwrap();
    activate(&app, key, "laptop").await;
    let purchase_form = [
        ("order", order.as_str()),
        ("entitlement", entitlement.as_str()),
    ];
    let (_, reset) = audited(&app, &admin, "reset_activations", &purchase_form).await;
    assert_eq!(
        reset,
        Entry::new("license.reset", &purchase, None, Some("1 activation freed"))
    );
    let desktop = activate(&app, key, "desktop").await;
    let mut one = purchase_form.to_vec();
    one.push(("instance", desktop.as_str()));
    let (_, freed) = audited(&app, &admin, "reset_activations", &one).await;
    let instance = format!("instance {desktop} deactivated");
    assert_eq!(
        freed,
        Entry::new("license.reset", &purchase, None, Some(instance.as_str()))
    );

    // A product given away: the gift's own order.
    let (_, granted) = audited(
        &app,
        &admin,
        "grant_product",
        &[
            ("email", "gift@example.com"),
            ("product", "harbour-at-dusk"),
        ],
    )
    .await;
    let gift = order::Entity::find()
        .filter(order::Column::Email.eq("gift@example.com"))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    let subject = format!("order {}", gift.pid);
    assert_eq!(
        granted,
        Entry::new(
            "product.grant",
            &subject,
            None,
            Some("harbour-at-dusk given to gift@example.com")
        )
    );
    // Its access (a year) made longer.
    let gift = gift.pid.to_string();
    let detail: Value = app
        .call_json("admin_order", &[("order", &gift)], Some(&admin))
        .await;
    let given = detail["receipt"]["lines"][0]["entitlement"]
        .as_str()
        .unwrap();
    let form = [
        ("order", gift.as_str()),
        ("entitlement", given),
        ("action", "days"),
        ("amount", "30"),
    ];
    let (_, longer) = audited(&app, &admin, "adjust_entitlement", &form).await;
    let subject = format!("purchase {given}");
    assert_eq!(
        longer,
        Entry::new("purchase.adjust", &subject, None, Some("days 30"))
    );

    // A webhook delivery sent again.
    let hooks: Value = app.call_json("admin_webhooks", &[], Some(&admin)).await;
    let delivery = hooks["deliveries"][0]["delivery"].as_str().unwrap();
    let (_, resent) = audited(&app, &admin, "resend_webhook", &[("delivery", delivery)]).await;
    let subject = format!("webhook delivery {delivery}");
    assert_eq!(resent, Entry::new("webhook.resend", &subject, None, None));

    // The customer: a receipt and a sign-in link mailed, blocked, let back in.
    let (_, receipt) = audited(&app, &admin, "resend_receipt", &[("order", &order)]).await;
    let subject = format!("order {}", sale.number);
    assert_eq!(
        receipt,
        Entry::new(
            "receipt.resend",
            &subject,
            None,
            Some("sent to audited@example.com")
        )
    );
    let found: Value = app
        .call_json("admin_customers", &[("q", "audited@")], Some(&admin))
        .await;
    let customer = found["customers"][0]["customer"].as_str().unwrap();
    let (_, link) = audited(&app, &admin, "send_sign_in_link", &[("customer", customer)]).await;
    let subject = "customer audited@example.com";
    assert_eq!(
        link,
        Entry::new("customer.sign_in_link", subject, None, None)
    );
    for (action, was, is) in [
        ("block", "active", "blocked"),
        ("unblock", "blocked", "active"),
    ] {
        let (_, changed) = audited(
            &app,
            &admin,
            "block_customer",
            &[("customer", customer), ("action", action)],
        )
        .await;
        let action = format!("customer.{action}");
        assert_eq!(changed, Entry::new(&action, subject, Some(was), Some(is)));
    }

    // One item refunded.
    let item = line["item"].as_i64().unwrap().to_string();
    let (_, refunded) = audited(
        &app,
        &admin,
        "refund_order",
        &[("order", &order), ("item", &item)],
    )
    .await;
    let (subject, asked) = (
        format!("order {order}"),
        format!("refund of item {item} asked"),
    );
    assert_eq!(
        refunded,
        Entry::new("order.refund", &subject, None, Some(asked.as_str()))
    );
}
