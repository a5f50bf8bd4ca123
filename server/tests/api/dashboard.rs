//! The admin overview: figures for a fixed set of orders, refunds, customers
//! and downloads across a day boundary in a store time zone west of UTC, in
//! two currencies, beside the period before; admins only.

use crate::checkout::bought;
use crate::helpers::{Backend, TestApp, spawn_app_with};
use chrono::{DateTime, Utc};
use domain::entities::{delivery, entitlement, order, refund, user};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

/// Moves `order` (and its buyer's account and downloads) to `paid_at`, in
/// `currency`.
async fn place(app: &TestApp, order: &order::Model, paid_at: &str, currency: &str) {
    let db = app.db().await;
    let mut moved: order::ActiveModel = order.clone().into();
    moved.paid_at = Set(Some(at(paid_at)));
    moved.created_at = Set(at(paid_at));
    moved.currency = Set(currency.parse().unwrap());
    moved.update(&db).await.unwrap();
    let buyer = user::Entity::find_by_id(order.user_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut joined: user::ActiveModel = buyer.into();
    joined.created_at = Set(at(paid_at));
    joined.update(&db).await.unwrap();
    let owned: Vec<i64> = entitlement::Entity::find()
        .filter(entitlement::Column::OrderId.eq(order.id))
        .all(&db)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    delivery::Entity::update_many()
        .col_expr(
            delivery::Column::CreatedAt,
            sea_orm::sea_query::Expr::val(at(paid_at)),
        )
        .filter(delivery::Column::EntitlementId.is_in(owned))
        .exec(&db)
        .await
        .unwrap();
}

async fn dashboard(app: &TestApp, admin: &str, query: &[(&str, &str)]) -> Value {
    app.call_json("admin_dashboard", query, Some(admin)).await
}

fn figure<'a>(dashboard: &'a Value, label: &str) -> &'a Value {
    dashboard["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("{label} in {dashboard}"))
}

async fn figures_follow_the_stores_days(backend: Backend) {
    // New York: midnight on 10 January 2026 is 05:00 UTC.
    let app = spawn_app_with(backend, &[("DOWNLINK_TIME_ZONE", "America/New_York")]).await;
    let (late, late_buyer) =
        bought(&app, "field-guide-to-quiet-software", "late@example.com").await;
    let (early, _) = bought(&app, "mono-icons", "early@example.com").await;
    let (euro, _) = bought(&app, "night-rain", "euro@example.com").await;
    // One counted download of the book, on 10 January.
    let library: Value = app.call_json("library", &[], Some(&late_buyer)).await;
    let item = &library["items"][0];
    let minted = app
        .call(
            "download",
            &[
                ("entitlement", item["entitlement"].as_str().unwrap()),
                ("file", item["files"][0]["file"].as_str().unwrap()),
            ],
            Some(&late_buyer),
        )
        .await;
    assert_eq!(minted.status(), 200);

    // 23:30 on 9 January in New York; 00:30 on 10 January; 10 January in euros.
    place(&app, &early, "2026-01-10T04:30:00Z", "USD").await;
    place(&app, &late, "2026-01-10T05:30:00Z", "USD").await;
    place(&app, &euro, "2026-01-10T15:00:00Z", "EUR").await;
    // The book partly refunded at 22:00 on 10 January, New York time.
    let refunded = 250;
    refund::ActiveModel {
        order_id: Set(late.id),
        amount_minor: Set(refunded),
        completed_at: Set(Some(at("2026-01-11T03:00:00Z"))),
        created_at: Set(at("2026-01-11T02:59:00Z")),
        ..Default::default()
    }
    .insert(&app.db().await)
    .await
    .unwrap();
    // A euro refund the same evening stays out of the dollar figures.
    refund::ActiveModel {
        order_id: Set(euro.id),
        amount_minor: Set(100),
        completed_at: Set(Some(at("2026-01-11T02:00:00Z"))),
        created_at: Set(at("2026-01-11T01:59:00Z")),
        ..Default::default()
    }
    .insert(&app.db().await)
    .await
    .unwrap();

    let admin = app.admin().await;
    let shown = dashboard(
        &app,
        &admin,
        &[
            ("range", "custom"),
            ("from", "2026-01-10"),
            ("until", "2026-01-11"),
            ("currency", "USD"),
        ],
    )
    .await;
    let usd = |minor: i64| format!("${}.{:02}", minor / 100, minor % 100);
    let book = late.total_minor;
    assert_eq!(shown["period"], "10 Jan 2026 – 11 Jan 2026");
    assert_eq!(shown["previous"], "8 Jan 2026 – 9 Jan 2026");
    assert_eq!(shown["time_zone"], "America/New_York");
    assert_eq!(figure(&shown, "Sales")["value"], usd(book));
    assert_eq!(figure(&shown, "Refunds")["value"], usd(refunded));
    assert_eq!(figure(&shown, "Net sales")["value"], usd(book - refunded));
    assert_eq!(figure(&shown, "Orders")["value"], "1");
    assert_eq!(figure(&shown, "Average order")["value"], usd(book));
    // The euro buyer joined on 10 January too; the early one on the 9th.
    assert_eq!(figure(&shown, "New customers")["value"], "2");
    assert_eq!(figure(&shown, "Downloads")["value"], "1");
    // Against 8–9 January: one order of the icons, no refunds.
    let change = (book - early.total_minor) as f64 * 100.0 / early.total_minor as f64;
    let expected = if change >= 0.0 {
        format!("+{change:.0} %")
    } else {
        format!("−{:.0} %", -change)
    };
    assert_eq!(figure(&shown, "Sales")["change"], expected);
    assert_eq!(figure(&shown, "Refunds")["change"], "new");
    assert_eq!(figure(&shown, "Refunds")["better"], false);
    assert_eq!(figure(&shown, "Orders")["change"], "no change");

    let points = shown["chart"]["points"].as_array().unwrap();
    assert_eq!(shown["chart"]["step"], "day");
    assert_eq!(
        points
            .iter()
            .map(|p| (p["label"].clone(), p["net_minor"].clone()))
            .collect::<Vec<_>>(),
        [
            (json!("10 Jan"), json!(book - refunded)),
            (json!("11 Jan"), json!(0))
        ]
    );
    assert_eq!(
        shown["top"],
        json!([{"title": "The Field Guide to Quiet Software", "units": 1, "sales": usd(book)}])
    );

    // The same days in euros: only the track.
    let euros = dashboard(
        &app,
        &admin,
        &[
            ("range", "custom"),
            ("from", "2026-01-10"),
            ("until", "2026-01-11"),
            ("currency", "EUR"),
        ],
    )
    .await;
    assert_eq!(figure(&euros, "Orders")["value"], "1");
    assert_eq!(figure(&euros, "Refunds")["value"], "€1.00");
    let currencies = shown["currencies"].as_array().unwrap();
    assert!(currencies.contains(&json!("USD")) && currencies.contains(&json!("EUR")));

    // 9 January alone holds the early order.
    let ninth = dashboard(
        &app,
        &admin,
        &[
            ("range", "custom"),
            ("from", "2026-01-09"),
            ("until", "2026-01-09"),
            ("currency", "USD"),
        ],
    )
    .await;
    assert_eq!(figure(&ninth, "Sales")["value"], usd(early.total_minor));

    // Refused: backwards ranges, customers, strangers.
    let backwards = app
        .call(
            "admin_dashboard",
            &[
                ("range", "custom"),
                ("from", "2026-01-11"),
                ("until", "2026-01-10"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(backwards.status(), 400);
    assert_eq!(
        app.call("admin_dashboard", &[], Some(&late_buyer))
            .await
            .status(),
        403
    );
    assert_eq!(app.call("admin_dashboard", &[], None).await.status(), 401);
}

#[tokio::test]
async fn figures_follow_the_stores_days_on_sqlite() {
    figures_follow_the_stores_days(Backend::Sqlite).await;
}

#[tokio::test]
async fn figures_follow_the_stores_days_on_postgres() {
    figures_follow_the_stores_days(Backend::Postgres).await;
}

crate::helpers::on_both_databases!(today_is_compared_with_yesterday_up_to_the_same_time);

/// A period that ends today is compared with the one before up to the same
/// time of its last day: at 9 in the morning, today's orders stand beside
/// yesterday's until 9, not beside all of yesterday's.
async fn today_is_compared_with_yesterday_up_to_the_same_time(app: TestApp) {
    let (before, _) = bought(&app, "mono-icons", "morning@example.com").await;
    let (after, _) = bought(&app, "pixel-sorter", "evening@example.com").await;
    bought(&app, "field-guide-to-quiet-software", "today@example.com").await;
    let now = Utc::now();
    let (earlier, later) = (
        now - chrono::Duration::hours(24) - chrono::Duration::minutes(2),
        now - chrono::Duration::hours(24) + chrono::Duration::minutes(2),
    );
    place(&app, &before, &earlier.to_rfc3339(), "USD").await;
    place(&app, &after, &later.to_rfc3339(), "USD").await;
    let admin = app.admin().await;
    let shown = dashboard(&app, &admin, &[("range", "today"), ("currency", "USD")]).await;

    // Yesterday until this time holds the earlier order only; the later one
    // came after this time of day (or, in the last minutes of a day, today;
    // in the first ones the earlier order falls the day before yesterday).
    let today_start = now.date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let yesterday_start = today_start - chrono::Duration::days(1);
    let previous = [earlier, later]
        .iter()
        .filter(|t| **t >= yesterday_start && **t < now - chrono::Duration::hours(24))
        .count();
    let current = 1 + usize::from(later >= today_start);
    let expected = match (current, previous) {
        (c, p) if c == p => "no change".to_owned(),
        (_, 0) => "new".to_owned(),
        (c, p) => {
            let change = (c as f64 - p as f64) * 100.0 / p as f64;
            if change >= 0.0 {
                format!("+{change:.0} %")
            } else {
                format!("−{:.0} %", -change)
            }
        }
    };
    assert_eq!(figure(&shown, "Orders")["value"], current.to_string());
    assert_eq!(figure(&shown, "Orders")["change"], expected);
}
