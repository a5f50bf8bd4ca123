//! Products, their files and their images.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(big_pk_auto(Products::Id))
                    .col(uuid_uniq(Products::Pid))
                    .col(string_uniq(Products::Slug))
                    .col(string(Products::Title))
                    .col(string(Products::Summary))
                    .col(text(Products::Description))
                    .col(string_len(Products::Kind, 16))
                    .col(string_len(Products::Status, 16))
                    .col(big_integer(Products::PriceMinor))
                    .col(char_len(Products::Currency, 3))
                    .col(big_integer_null(Products::PwywMinMinor))
                    .col(integer_null(Products::DownloadLimit))
                    .col(integer_null(Products::AccessDays))
                    .col(string(Products::Tags))
                    .col(timestamp_with_time_zone(Products::CreatedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("products_status_created_at")
                    .table(Products::Table)
                    .col(Products::Status)
                    .col(Products::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProductFiles::Table)
                    .col(big_pk_auto(ProductFiles::Id))
                    .col(uuid_uniq(ProductFiles::Pid))
                    .col(big_integer(ProductFiles::ProductId))
                    .col(string_uniq(ProductFiles::S3Key))
                    .col(string(ProductFiles::Filename))
                    .col(string(ProductFiles::ContentType))
                    .col(big_integer(ProductFiles::SizeBytes))
                    .col(char_len(ProductFiles::Sha256, 64))
                    .col(integer(ProductFiles::Version))
                    .col(timestamp_with_time_zone(ProductFiles::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductFiles::Table, ProductFiles::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("product_files_product_filename_version")
                    .table(ProductFiles::Table)
                    .col(ProductFiles::ProductId)
                    .col(ProductFiles::Filename)
                    .col(ProductFiles::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProductImages::Table)
                    .col(big_pk_auto(ProductImages::Id))
                    .col(uuid_uniq(ProductImages::Pid))
                    .col(big_integer(ProductImages::ProductId))
                    .col(string_uniq(ProductImages::S3Key))
                    .col(string(ProductImages::ContentType))
                    .col(integer(ProductImages::Width))
                    .col(integer(ProductImages::Height))
                    .col(string(ProductImages::Alt))
                    .col(integer(ProductImages::Position))
                    .col(timestamp_with_time_zone(ProductImages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductImages::Table, ProductImages::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("product_images_product_position")
                    .table(ProductImages::Table)
                    .col(ProductImages::ProductId)
                    .col(ProductImages::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProductImages::Table.into_iden(),
            ProductFiles::Table.into_iden(),
            Products::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Pid,
    Slug,
    Title,
    Summary,
    Description,
    Kind,
    Status,
    PriceMinor,
    Currency,
    PwywMinMinor,
    DownloadLimit,
    AccessDays,
    Tags,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductFiles {
    Table,
    Id,
    Pid,
    ProductId,
    S3Key,
    Filename,
    ContentType,
    SizeBytes,
    Sha256,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProductImages {
    Table,
    Id,
    Pid,
    ProductId,
    S3Key,
    ContentType,
    Width,
    Height,
    Alt,
    Position,
    CreatedAt,
}
