//! Image thumbnails, what an upload is for (a file or an image), and license-key
//! settings on products. SQLite alters one column per statement, so each column
//! is its own `ALTER TABLE`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            (
                Products::Table.into_iden(),
                boolean(Products::LicenseKeys).default(false).to_owned(),
            ),
            (
                Products::Table.into_iden(),
                integer_null(Products::LicenseActivations),
            ),
            // Thumbnails are optional: images stored before this migration
            // are shown from their original until they are uploaded again.
            (
                ProductImages::Table.into_iden(),
                string_null(ProductImages::SmallKey),
            ),
            (
                ProductImages::Table.into_iden(),
                integer_null(ProductImages::SmallWidth),
            ),
            (
                ProductImages::Table.into_iden(),
                string_null(ProductImages::LargeKey),
            ),
            (
                ProductImages::Table.into_iden(),
                integer_null(ProductImages::LargeWidth),
            ),
            (
                Uploads::Table.into_iden(),
                string_len(Uploads::Purpose, 16).default("file").to_owned(),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            (
                Products::Table.into_iden(),
                Products::LicenseKeys.into_iden(),
            ),
            (
                Products::Table.into_iden(),
                Products::LicenseActivations.into_iden(),
            ),
            (
                ProductImages::Table.into_iden(),
                ProductImages::SmallKey.into_iden(),
            ),
            (
                ProductImages::Table.into_iden(),
                ProductImages::SmallWidth.into_iden(),
            ),
            (
                ProductImages::Table.into_iden(),
                ProductImages::LargeKey.into_iden(),
            ),
            (
                ProductImages::Table.into_iden(),
                ProductImages::LargeWidth.into_iden(),
            ),
            (Uploads::Table.into_iden(), Uploads::Purpose.into_iden()),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Products {
    Table,
    LicenseKeys,
    LicenseActivations,
}

#[derive(DeriveIden)]
enum ProductImages {
    Table,
    SmallKey,
    SmallWidth,
    LargeKey,
    LargeWidth,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Purpose,
}
