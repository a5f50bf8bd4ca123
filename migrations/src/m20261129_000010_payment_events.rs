//! Events received from the payment provider: each recorded once (its id is
//! unique), in the same transaction as what it changed, so a replay is a no-op.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PaymentEvents::Table)
                    .col(
                        big_integer(PaymentEvents::Id)
                            .primary_key()
                            .auto_increment(),
                    )
                    .col(string_len(PaymentEvents::Provider, 16))
                    .col(string_len(PaymentEvents::EventId, 255).unique_key())
                    .col(string_len(PaymentEvents::Kind, 128))
                    .col(string_len_null(PaymentEvents::ObjectId, 255))
                    .col(string_len_null(PaymentEvents::PaymentIntent, 255))
                    .col(text(PaymentEvents::Payload))
                    .col(timestamp_with_time_zone(PaymentEvents::CreatedAt))
                    .col(timestamp_with_time_zone(PaymentEvents::ReceivedAt))
                    .col(timestamp_with_time_zone_null(PaymentEvents::ProcessedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("payment_events_by_object")
                    .table(PaymentEvents::Table)
                    .col(PaymentEvents::ObjectId)
                    .col(PaymentEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("payment_events_unprocessed_by_intent")
                    .table(PaymentEvents::Table)
                    .col(PaymentEvents::PaymentIntent)
                    .col(PaymentEvents::ProcessedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PaymentEvents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PaymentEvents {
    Table,
    Id,
    Provider,
    EventId,
    Kind,
    ObjectId,
    PaymentIntent,
    Payload,
    CreatedAt,
    ReceivedAt,
    ProcessedAt,
}
