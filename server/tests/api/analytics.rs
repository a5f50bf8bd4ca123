//! Product analytics: page views counted on the server (a number per product
//! and hour, nothing about the viewer), the conversion from a view to a
//! purchase, sales, refund rate and downloads, per product and step by step.

use crate::checkout::bought;
use crate::helpers::{TestApp, on_both_databases};
use domain::entities::{order_item, product_view};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

fn row<'a>(report: &'a Value, slug: &str) -> &'a Value {
    report["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} in {report}"))
}

on_both_databases!(views_purchases_refunds_and_downloads_make_each_products_figures);

async fn views_purchases_refunds_and_downloads_make_each_products_figures(app: TestApp) {
    // Three visits of the page and one client-side navigation to it.
    for _ in 0..3 {
        let (status, _) = app.get_text("/products/pixel-sorter").await;
        assert_eq!(status, 200);
    }
    let fetched = app
        .call("get_product", &[("slug", "pixel-sorter")], None)
        .await;
    assert_eq!(fetched.status(), 200);
    // A page that does not exist counts for nothing.
    let (status, _) = app.get_text("/products/no-such-thing").await;
    assert_eq!(status, 404);

    let (first, buyer) = bought(&app, "pixel-sorter", "one@example.com").await;
    bought(&app, "pixel-sorter", "two@example.com").await;
    let admin = app.admin().await;
    let refunded = app
        .call(
            "refund_order",
            &[("order", &first.pid.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(refunded.status(), 200);
    let db = app.db().await;
    for _ in 0..150 {
        let done = order_item::Entity::find()
            .filter(order_item::Column::OrderId.eq(first.id))
            .filter(order_item::Column::RefundedAt.is_not_null())
            .one(&db)
            .await
            .unwrap();
        if done.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The second buyer downloads twice in a row: one delivery.
    let (_, second) = (first, app.sign_in_by_mail("two@example.com").await);
    let library: Value = app.call_json("library", &[], Some(&second)).await;
    let item = &library["items"][0];
    let form = [
        ("entitlement", item["entitlement"].as_str().unwrap()),
        ("file", item["files"][0]["file"].as_str().unwrap()),
    ];
    for _ in 0..2 {
        assert_eq!(
            app.call("download", &form, Some(&second)).await.status(),
            200
        );
    }

    let report: Value = app
        .call_json("admin_analytics", &[("range", "today")], Some(&admin))
        .await;
    let sorter = row(&report, "pixel-sorter");
    assert_eq!(sorter["label"], "Pixel Sorter 2.1");
    assert_eq!(sorter["views"], 4);
    assert_eq!(sorter["orders"], 2);
    assert_eq!(sorter["conversion"], "50.0 %");
    assert_eq!(sorter["units"], 2);
    assert_eq!(sorter["sales"], "$19.00", "the refunded one is not kept");
    assert_eq!(sorter["refund_rate"], "50.0 %");
    assert_eq!(sorter["downloads"], 1);
    // The best seller first; products nobody looked at are there, at zero.
    assert_eq!(report["products"][0]["slug"], "pixel-sorter");
    let quiet = row(&report, "harbour-at-dusk");
    assert_eq!(
        (&quiet["views"], &quiet["conversion"], &quiet["refund_rate"]),
        (&Value::from(0), &Value::from("–"), &Value::from("–"))
    );

    // What is kept: a count per product and hour, nothing else.
    let rows = product_view::Entity::find().all(&db).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.views).sum::<i64>(), 4);
    assert!(rows.iter().all(|r| r.hour.timestamp() % 3600 == 0));

    // One product, day by day: the steps add up to the period.
    let product: Value = app
        .call_json(
            "admin_product_analytics",
            &[("product", "pixel-sorter"), ("range", "7d")],
            Some(&admin),
        )
        .await;
    assert_eq!(product["total"]["views"], 4);
    assert_eq!(product["total"]["orders"], 2);
    let steps = product["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 7);
    let sum = |name: &str| steps.iter().map(|s| s[name].as_i64().unwrap()).sum::<i64>();
    assert_eq!((sum("views"), sum("units"), sum("downloads")), (4, 2, 1));
    let points = product["chart"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 7);
    let net: i64 = points
        .iter()
        .map(|p| p["net_minor"].as_i64().unwrap())
        .sum();
    assert_eq!(net, 1900);
    // Days before the purchases: nothing (the last day, or the last two
    // when the test runs across midnight, hold everything).
    assert!(
        steps[..5]
            .iter()
            .all(|s| s["views"] == 0 && s["orders"] == 0)
    );

    let missing = app
        .call(
            "admin_product_analytics",
            &[("product", "no-such-thing")],
            Some(&admin),
        )
        .await;
    assert_eq!(missing.status(), 404);
    let bad_range = app
        .call("admin_analytics", &[("range", "forever")], Some(&admin))
        .await;
    assert_eq!(bad_range.status(), 400);

    // Admins only.
    for endpoint in ["admin_analytics", "admin_product_analytics"] {
        let form = [("product", "pixel-sorter")];
        assert_eq!(app.call(endpoint, &form, Some(&buyer)).await.status(), 403);
        assert_eq!(app.call(endpoint, &form, None).await.status(), 401);
    }
}
