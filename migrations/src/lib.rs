//! Downlink's schema as an ordered list of sea-orm migrations. The server applies
//! them at startup and with `server migrate`; the same history runs on SQLite and
//! PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_catalog;
mod m20261128_000002_users;
mod m20261128_000003_sessions;
mod m20261128_000004_mail_and_tokens;
mod m20261128_000005_uploads;
mod m20261128_000006_media_and_licenses;
mod m20261129_000007_upload_completion;
mod m20261129_000008_verified_addresses_and_sessions;
mod m20261129_000009_secrets;
mod m20261129_000010_payment_events;
mod m20261129_000011_commerce;
mod m20261129_000012_deliveries;
mod m20261129_000013_counted_deliveries;
mod m20261129_000014_dashboard_indexes;
mod m20261129_000015_audit_log;
mod m20261129_000016_customers_and_views;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_catalog::Migration),
            Box::new(m20261128_000002_users::Migration),
            Box::new(m20261128_000003_sessions::Migration),
            Box::new(m20261128_000004_mail_and_tokens::Migration),
            Box::new(m20261128_000005_uploads::Migration),
            Box::new(m20261128_000006_media_and_licenses::Migration),
            Box::new(m20261129_000007_upload_completion::Migration),
            Box::new(m20261129_000008_verified_addresses_and_sessions::Migration),
            Box::new(m20261129_000009_secrets::Migration),
            Box::new(m20261129_000010_payment_events::Migration),
            Box::new(m20261129_000011_commerce::Migration),
            Box::new(m20261129_000012_deliveries::Migration),
            Box::new(m20261129_000013_counted_deliveries::Migration),
            Box::new(m20261129_000014_dashboard_indexes::Migration),
            Box::new(m20261129_000015_audit_log::Migration),
            Box::new(m20261129_000016_customers_and_views::Migration),
        ]
    }
}
