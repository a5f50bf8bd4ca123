//! The delivery log, and license activations (an app instance using a key).
//!
//! The delivery log: every download link minted and every stream started,
//! with the file version, address and browser. A download is counted once
//! per delivery: minting the same file again within a short window (a resumed
//! download, a double click) finds the earlier row and does not count again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(big_integer(Deliveries::Id).primary_key().auto_increment())
                    .col(big_integer(Deliveries::EntitlementId))
                    .col(big_integer(Deliveries::UserId))
                    .col(big_integer(Deliveries::ProductFileId))
                    .col(string_len(Deliveries::Filename, 255))
                    .col(string_len(Deliveries::Kind, 16))
                    .col(boolean(Deliveries::Counted))
                    .col(string_len(Deliveries::Ip, 64))
                    .col(string_len(Deliveries::UserAgent, 256))
                    .col(timestamp_with_time_zone(Deliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("deliveries_entitlement")
                            .from(Deliveries::Table, Deliveries::EntitlementId)
                            .to(Entitlements::Table, Entitlements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
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
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("deliveries_by_time")
                    .table(Deliveries::Table)
                    .col(Deliveries::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LicenseActivations::Table)
                    .col(
                        big_integer(LicenseActivations::Id)
                            .primary_key()
                            .auto_increment(),
                    )
                    .col(big_integer(LicenseActivations::LicenseKeyId))
                    .col(string_len(LicenseActivations::Instance, 64).unique_key())
                    .col(string_len(LicenseActivations::Name, 200))
                    .col(timestamp_with_time_zone(LicenseActivations::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        LicenseActivations::ValidatedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("license_activations_key")
                            .from(LicenseActivations::Table, LicenseActivations::LicenseKeyId)
                            .to(LicenseKeys::Table, LicenseKeys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("license_activations_once_per_name")
                            .col(LicenseActivations::LicenseKeyId)
                            .col(LicenseActivations::Name)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LicenseActivations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Deliveries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Entitlements {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    EntitlementId,
    UserId,
    ProductFileId,
    Filename,
    Kind,
    Counted,
    Ip,
    UserAgent,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LicenseKeys {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LicenseActivations {
    Table,
    Id,
    LicenseKeyId,
    Instance,
    Name,
    CreatedAt,
    ValidatedAt,
}
