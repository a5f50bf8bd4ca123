//! `cargo run --release -p server --example dashboard_bench`: the admin
//! overview's server time over a store with 100,000 orders (items,
//! entitlements, 5,000 refunds, two currencies) and 1,000,000 deliveries
//! spread over 400 days, on SQLite (a temporary file) and on PostgreSQL (a
//! database of its own on `BENCH_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432`; `none` skips it). Prints, per range,
//! the median and slowest of several runs of `Dashboard::overview`, which is
//! what `/admin` waits for; and streams all orders and all deliveries out as
//! the admin's CSV exports do, printing this process's memory before, after
//! and at its peak. Not a test: figures drift with the machine.

use chrono::{Duration, Utc};
use domain::clock::Clock;
use domain::dashboard::{Dashboard, Range};
use domain::entities::order::{Currency, OrderStatus};
use domain::entities::product::{ProductKind, ProductStatus};
use domain::entities::{delivery, entitlement, order, order_item, product, refund, user};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};
use std::time::Instant;

const PRODUCTS: i64 = 20;
const CUSTOMERS: i64 = 20_000;
const ORDERS: i64 = 100_000;
const REFUNDS: i64 = 5_000;
const DELIVERIES: i64 = 1_000_000;
const DAYS: i64 = 400;
const BATCH: i64 = 1_000;
const RUNS: usize = 7;

/// A small deterministic generator (xorshift): the same store every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        i64::try_from(self.0 % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
    }
}

/// Inserts `count` rows made by `row`, a batch at a time.
async fn fill<E, A>(
    db: &DatabaseConnection,
    count: i64,
    mut row: impl FnMut(i64) -> A,
) -> Result<(), sea_orm::DbErr>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E>,
{
    let mut start = 1;
    while start <= count {
        let end = (start + BATCH).min(count + 1);
        E::insert_many((start..end).map(&mut row))
            .exec_without_returning(db)
            .await?;
        start = end;
    }
    Ok(())
}

async fn seed(db: &DatabaseConnection) -> Result<(), Box<dyn std::error::Error>> {
    let now = Utc::now();
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let usd: Currency = "USD".parse()?;
    let eur: Currency = "EUR".parse()?;
    let started = Instant::now();
    fill(db, PRODUCTS, |n| product::ActiveModel {
        pid: Set(uuid::Uuid::from_u128(n as u128)),
        slug: Set(format!("product-{n}")),
        title: Set(format!("Product {n}")),
        summary: Set(String::new()),
        description: Set(String::new()),
        kind: Set(ProductKind::Download),
        status: Set(ProductStatus::Published),
        price_minor: Set(500 + n * 100),
        currency: Set(usd),
        tags: Set(String::new()),
        license_keys: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .await?;
    let mut joined = Vec::with_capacity(CUSTOMERS as usize + 1);
    joined.push(now);
    fill(db, CUSTOMERS, |n| {
        let at = now - Duration::minutes(dice.below(DAYS * 24 * 60));
        joined.push(at);
        user::ActiveModel {
            pid: Set(uuid::Uuid::from_u128(n as u128)),
            email: Set(format!("customer-{n}@example.com")),
            role: Set(user::Role::Customer),
            email_verified_at: Set(Some(at)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
    })
    .await?;
    // One item per order; every 20th order in euros.
    let mut orders = Vec::with_capacity(ORDERS as usize + 1);
    orders.push((0, 0, now, 0));
    fill(db, ORDERS, |n| {
        let buyer = 1 + dice.below(CUSTOMERS);
        let product = 1 + dice.below(PRODUCTS);
        let total = 500 + product * 100;
        let paid = now - Duration::minutes(dice.below(DAYS * 24 * 60));
        orders.push((buyer, product, paid, total));
        order::ActiveModel {
            pid: Set(uuid::Uuid::from_u128((1 << 64) + n as u128)),
            number: Set(format!("DL-{n:08}")),
            user_id: Set(buyer),
            email: Set(format!("customer-{buyer}@example.com")),
            status: Set(OrderStatus::Paid),
            currency: Set(if n % 20 == 0 { eur } else { usd }),
            subtotal_minor: Set(total),
            discount_minor: Set(0),
            total_minor: Set(total),
            refunded_minor: Set(0),
            paid_at: Set(Some(paid)),
            created_at: Set(paid),
            updated_at: Set(paid),
            ..Default::default()
        }
    })
    .await?;
    fill(db, ORDERS, |n| {
        let (_, product, _, total) = orders[n as usize];
        order_item::ActiveModel {
            order_id: Set(n),
            product_id: Set(product),
            title: Set(format!("Product {product}")),
            unit_amount_minor: Set(total),
            quantity: Set(1),
            discount_minor: Set(0),
            total_minor: Set(total),
            ..Default::default()
        }
    })
    .await?;
    fill(db, ORDERS, |n| {
        let (buyer, product, paid, _) = orders[n as usize];
        entitlement::ActiveModel {
            pid: Set(uuid::Uuid::from_u128((2 << 64) + n as u128)),
            user_id: Set(buyer),
            product_id: Set(product),
            order_id: Set(n),
            order_item_id: Set(n),
            downloads_used: Set(0),
            created_at: Set(paid),
            ..Default::default()
        }
    })
    .await?;
    fill(db, REFUNDS, |n| {
        let refunded = n * (ORDERS / REFUNDS);
        let (_, _, paid, total) = orders[refunded as usize];
        refund::ActiveModel {
            order_id: Set(refunded),
            amount_minor: Set(total),
            completed_at: Set(Some(paid + Duration::hours(6))),
            created_at: Set(paid + Duration::hours(6)),
            ..Default::default()
        }
    })
    .await?;
    fill(db, DELIVERIES, |_| {
        let owned = 1 + dice.below(ORDERS);
        let (buyer, _, paid, _) = orders[owned as usize];
        let after = (now - paid).num_minutes().max(1);
        delivery::ActiveModel {
            entitlement_id: Set(owned),
            user_id: Set(buyer),
            product_file_id: Set(1),
            filename: Set("file.pdf".into()),
            kind: Set(delivery::DeliveryKind::Download),
            counted: Set(dice.below(10) < 7),
            ip: Set("203.0.113.7".into()),
            user_agent: Set("bench".into()),
            created_at: Set(paid + Duration::minutes(dice.below(after))),
            ..Default::default()
        }
    })
    .await?;
    println!(
        "  seeded {ORDERS} orders, {REFUNDS} refunds, {CUSTOMERS} customers and {DELIVERIES} deliveries in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// This process's resident and peak memory, MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Streams every order and every delivery out as CSV, as the admin's
/// export does, and prints how much memory that took.
async fn exports(db: &DatabaseConnection) {
    use domain::exports::{Export, export};
    for (name, what) in [
        ("orders", Export::Orders),
        ("deliveries", Export::Deliveries),
    ] {
        let (before, _) = memory();
        let started = Instant::now();
        let (from, until) = (chrono::DateTime::UNIX_EPOCH, Utc::now() + Duration::days(1));
        let mut chunks = export(db.clone(), what, from, until);
        let (mut bytes, mut rows) = (0, 0);
        while let Some(Ok(chunk)) = chunks.recv().await {
            bytes += chunk.len();
            rows += chunk.matches("\r\n").count();
        }
        let (after, peak) = memory();
        println!(
            "  export of {name}: {} rows, {:.1} MB in {:.1} s; resident {before:.1} MiB before, {after:.1} after, peak {peak:.1}",
            rows - 1,
            bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
    }
}

async fn measure(db: &DatabaseConnection, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    seed(db).await?;
    if name == "PostgreSQL" {
        // What autovacuum does to a store that has been running: statistics
        // for the planner, a visibility map for index-only scans.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    exports(db).await;
    let dashboard = Dashboard::new(db.clone(), Clock::System, "Europe/Berlin".parse()?);
    println!("\n{name}: overview server time, ms (median / slowest of {RUNS})");
    for (label, range) in [
        ("today", Range::Today),
        ("7 days", Range::Days7),
        ("30 days", Range::Days30),
        ("12 months", Range::Months12),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        let mut sales = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let overview = dashboard.overview(range, None).await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            sales = overview.current.orders;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  {label:<10} {:>8.1} {:>8.1}   ({sales} orders in the period)",
            times[RUNS / 2],
            times[RUNS - 1]
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    // `BENCH_SQLITE_FILE` keeps the database there, for a look at its plans.
    let file = std::env::var("BENCH_SQLITE_FILE")
        .unwrap_or_else(|_| dir.path().join("bench.sqlite").display().to_string());
    let url = format!("sqlite://{file}");
    let db = domain::db::connect(&url).await?;
    Migrator::up(&db, None).await?;
    measure(&db, "SQLite").await?;
    db.close().await?;

    let server = std::env::var("BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    if server == "none" {
        return Ok(());
    }
    let name = format!("downlink_dashboard_bench_{}", std::process::id());
    let admin = domain::db::connect(&format!("{server}/postgres")).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    let db = domain::db::connect(&format!("{server}/{name}")).await?;
    Migrator::up(&db, None).await?;
    let outcome = measure(&db, "PostgreSQL").await;
    db.close().await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    outcome
}
