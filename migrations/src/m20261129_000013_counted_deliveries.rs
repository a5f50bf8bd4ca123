//! Finding the delivery that counted without reading the ones that did not.
//!
//! Minting asks "did this buyer get this file, counted, in the last few
//! minutes?". Indexed on (purchase, file name, time) alone, that reads every
//! mint in the window — under load, thousands of repeats that did not count.
//! With the kind and the counted flag before the time, it reads only the few
//! deliveries that counted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("deliveries_recent")
                    .table(Deliveries::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("deliveries_counted")
                    .table(Deliveries::Table)
                    .col(Deliveries::EntitlementId)
                    .col(Deliveries::Filename)
                    .col(Deliveries::Kind)
                    .col(Deliveries::Counted)
                    .col(Deliveries::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("deliveries_counted")
                    .table(Deliveries::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("deliveries_recent")
                    .table(Deliveries::Table)
                    .col(Deliveries::EntitlementId)
                    .col(Deliveries::Filename)
                    .col(Deliveries::CreatedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    EntitlementId,
    Filename,
    Kind,
    Counted,
    CreatedAt,
}
