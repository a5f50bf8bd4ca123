//! Times on the store's clock: with the store in Berlin, the admin's orders
//! and audit log show Berlin's time of day, a discount's "valid from" typed in
//! the form is Berlin's, and a day picked in the audit filter is Berlin's day.

use crate::checkout::bought;
use crate::helpers::{Backend, spawn_app_with};
use chrono::{DateTime, Utc};
use domain::dashboard::Tz;
use domain::entities::delivery::{self, DeliveryKind};
use domain::entities::{audit_entry, discount_code, entitlement, product_file};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

fn in_berlin(at: DateTime<Utc>, format: &str) -> String {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    at.with_timezone(&berlin).format(format).to_string()
}

#[tokio::test]
async fn admin_pages_show_and_read_times_on_the_stores_clock() {
    let app = spawn_app_with(Backend::Sqlite, &[("DOWNLINK_TIME_ZONE", "Europe/Berlin")]).await;
    let (order, _) = bought(&app, "mono-icons", "berlin@example.com").await;
    let admin = app.admin().await;

    let orders: Value = app
        .call_json("admin_orders", &[("q", "berlin@example.com")], Some(&admin))
        .await;
    let placed = orders["orders"][0]["placed"].as_str().unwrap();
    assert_eq!(placed, in_berlin(order.created_at, "%Y-%m-%d %H:%M %Z"));
    assert!(
        placed.ends_with(" CET") || placed.ends_with(" CEST"),
        "{placed}"
    );

    // 9:00 on 1 December in Berlin is 8:00 UTC.
    let created = app
        .call(
            "create_discount",
            &[
                ("code", "BERLIN9"),
                ("kind", "percent"),
                ("value", "10"),
                ("valid_from", "2026-12-01T09:00"),
            ],
            Some(&admin),
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let code = discount_code::Entity::find()
        .filter(discount_code::Column::Code.eq("BERLIN9"))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    let nine: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
    assert_eq!(code.valid_from, Some(nine));

    let entry = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("discount.create"))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    let day = in_berlin(entry.created_at, "%Y-%m-%d");
    let logged = |from: String, until: String| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let form = [
                ("action", "discount.create".to_owned()),
                ("from", from),
                ("until", until),
            ];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let entries: Value = app.call_json("admin_audit", &form, Some(&admin)).await;
            entries.as_array().unwrap().clone()
        }
    };
    let that_day = logged(day.clone(), day.clone()).await;
    assert_eq!(that_day.len(), 1);
    assert_eq!(
        that_day[0]["at"],
        in_berlin(entry.created_at, "%Y-%m-%d %H:%M:%S %Z")
    );
    // The Berlin days either side hold nothing.
    let berlin_day = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap();
    let before = berlin_day.pred_opt().unwrap().to_string();
    let after = berlin_day.succ_opt().unwrap().to_string();
    assert!(logged(before.clone(), before).await.is_empty());
    assert!(logged(after.clone(), after).await.is_empty());

    // A download at 00:30 on 11 January in Berlin (23:30 on the 10th in UTC):
    // the downloads page and its CSV both file it under the 11th.
    let db = app.db().await;
    let purchase = entitlement::Entity::find()
        .filter(entitlement::Column::OrderId.eq(order.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let file = product_file::Entity::find()
        .filter(product_file::Column::ProductId.eq(purchase.product_id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    delivery::Entity::insert(delivery::ActiveModel {
        entitlement_id: Set(purchase.id),
        user_id: Set(order.user_id),
        product_file_id: Set(file.id),
        filename: Set(file.filename.clone()),
        kind: Set(DeliveryKind::Download),
        counted: Set(true),
        ip: Set("192.0.2.1".into()),
        user_agent: Set("a test".into()),
        created_at: Set("2026-01-10T23:30:00Z".parse().unwrap()),
        ..Default::default()
    })
    .exec(&db)
    .await
    .unwrap();
    for (day, expected) in [("2026-01-10", 0), ("2026-01-11", 1)] {
        let form = [("from", day), ("until", day)];
        let rows: Value = app.call_json("admin_downloads", &form, Some(&admin)).await;
        assert_eq!(rows.as_array().unwrap().len(), expected, "page, {day}");
        if expected == 1 {
            assert_eq!(rows[0]["at"], "2026-01-11 00:30 CET");
        }
        let csv = app
            .client
            .get(format!(
                "{}/admin/downloads.csv?from={day}&until={day}",
                app.address
            ))
            .header("cookie", format!("downlink_session={admin}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(csv.lines().count(), 1 + expected, "CSV, {day}: {csv}");
    }
}
