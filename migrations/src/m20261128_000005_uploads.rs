//! Multipart uploads of product files in progress.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Uploads::Table)
                    .col(big_pk_auto(Uploads::Id))
                    .col(uuid_uniq(Uploads::Pid))
                    .col(big_integer(Uploads::ProductId))
                    .col(string_uniq(Uploads::S3Key))
                    .col(string(Uploads::S3UploadId))
                    .col(string(Uploads::Filename))
                    .col(string(Uploads::ContentType))
                    .col(big_integer(Uploads::SizeBytes))
                    .col(big_integer(Uploads::PartSize))
                    .col(string_len(Uploads::Status, 16))
                    .col(timestamp_with_time_zone(Uploads::CreatedAt))
                    .col(timestamp_with_time_zone_null(Uploads::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Uploads::Table, Uploads::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Uploads::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    Pid,
    ProductId,
    S3Key,
    S3UploadId,
    Filename,
    ContentType,
    SizeBytes,
    PartSize,
    Status,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}
