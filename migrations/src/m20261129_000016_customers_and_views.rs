//! Blocking customers and counting product page views.
//!
//! `users.blocked_at`: when an admin blocked the account (sign-in refused,
//! sessions ended, nothing deleted); empty for everyone today.
//!
//! `product_views`: how many times each product page was viewed, per hour
//! (UTC), for conversion figures. A count and nothing else: no address, no
//! session, no account. Hours rather than days, so the admin's days in the
//! store's time zone can be summed from them.
//!
//! A customer's page reads their deliveries, newest first: indexed by
//! account, so it reads theirs and no one else's (orders already are).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::BlockedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProductViews::Table)
                    .col(big_integer(ProductViews::ProductId))
                    .col(timestamp_with_time_zone(ProductViews::Hour))
                    .col(big_integer(ProductViews::Views))
                    .primary_key(
                        Index::create()
                            .col(ProductViews::ProductId)
                            .col(ProductViews::Hour),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductViews::Table, ProductViews::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("product_views_by_hour")
                    .table(ProductViews::Table)
                    .col(ProductViews::Hour)
                    .col(ProductViews::ProductId)
                    .col(ProductViews::Views)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("deliveries_by_user")
                    .table(Alias::new("deliveries"))
                    .col(Alias::new("user_id"))
                    .col(Alias::new("id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("deliveries_by_user")
                    .table(Alias::new("deliveries"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ProductViews::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::BlockedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    BlockedAt,
}

#[derive(DeriveIden)]
enum ProductViews {
    Table,
    ProductId,
    Hour,
    Views,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}
