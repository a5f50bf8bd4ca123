//! CSV exports of orders, customers and deliveries for a period: streamed
//! (100,000 orders come without the server knowing the length up front),
//! filtered by the store's days, formulas defused, admins only.

use crate::checkout::bought;
use crate::helpers::{TestApp, on_both_databases};
use chrono::{DateTime, Utc};
use domain::entities::order::{self, OrderStatus};
use sea_orm::{ActiveValue::Set, EntityTrait};

async fn export(app: &TestApp, cookie: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/admin/exports/{path}", app.address));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("downlink_session={cookie}"));
    }
    request.send().await.unwrap()
}

on_both_databases!(a_hundred_thousand_orders_stream_out_and_periods_filter_them);

async fn a_hundred_thousand_orders_stream_out_and_periods_filter_them(app: TestApp) {
    let (bought, buyer) = bought(&app, "mono-icons", "=cmd@example.com").await;
    let db = app.db().await;
    // 100,000 more orders of that buyer, all on 10 January 2026 (UTC, the
    // store's zone here).
    let day: DateTime<Utc> = "2026-01-10T12:00:00Z".parse().unwrap();
    for batch in 0..100 {
        let orders = (0..1_000).map(|n| {
            let n = batch * 1_000 + n;
            order::ActiveModel {
                pid: Set(uuid::Uuid::from_u128(n as u128 + 1)),
                number: Set(format!("DL-BULK{n:06}")),
                user_id: Set(bought.user_id),
                email: Set(bought.email.clone()),
                status: Set(OrderStatus::Paid),
                currency: Set(bought.currency),
                subtotal_minor: Set(1_250),
                discount_minor: Set(0),
                total_minor: Set(1_250),
                refunded_minor: Set(0),
                paid_at: Set(Some(day)),
                created_at: Set(day),
                updated_at: Set(day),
                ..Default::default()
            }
        });
        order::Entity::insert_many(orders)
            .exec_without_returning(&db)
            .await
            .unwrap();
    }
    let admin = app.admin().await;

    let everything = export(&app, Some(&admin), "orders.csv").await;
    assert_eq!(everything.status(), 200);
    assert_eq!(
        everything.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        everything.headers().get("content-length").is_none(),
        "streamed, not built whole first"
    );
    let csv = everything.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("number,placed,paid,email,status,currency,subtotal,discount,total,refunded")
    );
    assert_eq!(csv.lines().count(), 1 + 100_001);
    assert!(csv.contains(",'=cmd@example.com,paid,"), "formulas defused");
    assert!(csv.contains("DL-BULK099999,2026-01-10T12:00:00+00:00,"));
    assert!(csv.contains(",12.50,0.00,12.50,0.00\r\n"));

    // One day: the bulk; today: the purchase alone.
    let tenth = export(
        &app,
        Some(&admin),
        "orders.csv?from=2026-01-10&until=2026-01-10",
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(tenth.lines().count(), 1 + 100_000);
    let today = Utc::now().date_naive().to_string();
    let recent = export(
        &app,
        Some(&admin),
        &format!("orders.csv?from={today}&until={today}"),
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(recent.lines().count(), 2);
    assert!(recent.contains(&bought.number));

    // A blocked customer says since when.
    app.register("blocked@example.com", "a long passphrase")
        .await;
    let found: serde_json::Value = app
        .call_json("admin_customers", &[("q", "blocked@")], Some(&admin))
        .await;
    let blocked = app
        .call(
            "block_customer",
            &[
                (
                    "customer",
                    found["customers"][0]["customer"].as_str().unwrap(),
                ),
                ("action", "block"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(blocked.status(), 200);
    let customers = export(&app, Some(&admin), "customers.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(customers.starts_with("email,joined,verified,blocked\r\n"));
    let line = customers
        .lines()
        .find(|l| l.starts_with("blocked@example.com,"))
        .unwrap();
    let since = line.rsplit(',').next().unwrap();
    assert!(DateTime::parse_from_rfc3339(since).is_ok(), "{line}");
    assert!(customers.contains("'=cmd@example.com,"));
    assert!(!customers.contains("admin@example.com"), "customers only");
    let deliveries = export(&app, Some(&admin), "deliveries.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(deliveries.starts_with("time,buyer,file,kind,counted,ip,user_agent\r\n"));

    // Compressed on the way (a browser asks for it), it still ends well.
    let compressed = app
        .client
        .get(format!("{}/admin/exports/orders.csv", app.address))
        .header("cookie", format!("downlink_session={admin}"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    let gzipped = compressed.bytes().await.expect("the whole body arrives");
    assert!(gzipped.len() > 1_000 && gzipped.len() < csv.len() / 3);

    // Refused.
    assert_eq!(export(&app, None, "orders.csv").await.status(), 401);
    assert_eq!(export(&app, Some(&buyer), "orders.csv").await.status(), 403);
    assert_eq!(
        export(&app, Some(&admin), "secrets.csv").await.status(),
        404
    );
    assert_eq!(
        export(&app, Some(&admin), "orders.csv?from=yesterday")
            .await
            .status(),
        400
    );
}
