//! Indexes the admin overview's aggregates read: paid orders by currency and
//! payment time, their items, refunds by completion, accounts by when they
//! were opened, counted downloads by time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, table, columns). Each covers its aggregate: the figures are read
/// from the index alone, never from the rows.
fn indexes() -> [(&'static str, Alias, Vec<Alias>); 5] {
    let columns = |names: &[&str]| names.iter().map(|n| Alias::new(*n)).collect();
    [
        (
            "orders_sales",
            Alias::new("orders"),
            columns(&["currency", "paid_at", "status", "total_minor"]),
        ),
        (
            "order_items_sales",
            Alias::new("order_items"),
            columns(&[
                "order_id",
                "product_id",
                "quantity",
                "total_minor",
                "refunded_at",
            ]),
        ),
        (
            "refunds_by_completed",
            Alias::new("refunds"),
            columns(&["completed_at", "order_id", "amount_minor"]),
        ),
        (
            "users_by_role_created",
            Alias::new("users"),
            columns(&["role", "created_at"]),
        ),
        (
            "deliveries_counted_by_time",
            Alias::new("deliveries"),
            columns(&["counted", "created_at"]),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in indexes() {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes() {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
