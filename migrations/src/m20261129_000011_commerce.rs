//! Selling: carts, discount codes, orders and their items, refunds asked for,
//! entitlements (the one source of truth for access) and license keys.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    cascade: bool,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        })
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Carts::Table)
                    .col(big_integer(Carts::Id).primary_key().auto_increment())
                    .col(uuid(Carts::Pid).unique_key())
                    .col(big_integer_null(Carts::UserId).unique_key())
                    .col(string_len_null(Carts::DiscountCode, 64))
                    .col(timestamp_with_time_zone(Carts::CreatedAt))
                    .col(timestamp_with_time_zone(Carts::UpdatedAt))
                    .foreign_key(&mut fk(
                        "carts_user",
                        (Carts::Table, Carts::UserId),
                        (Users::Table, Users::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CartItems::Table)
                    .col(big_integer(CartItems::Id).primary_key().auto_increment())
                    .col(big_integer(CartItems::CartId))
                    .col(big_integer(CartItems::ProductId))
                    .col(integer(CartItems::Quantity))
                    .col(big_integer_null(CartItems::AmountMinor))
                    .col(timestamp_with_time_zone(CartItems::AddedAt))
                    .foreign_key(&mut fk(
                        "cart_items_cart",
                        (CartItems::Table, CartItems::CartId),
                        (Carts::Table, Carts::Id),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "cart_items_product",
                        (CartItems::Table, CartItems::ProductId),
                        (Products::Table, Products::Id),
                        true,
                    ))
                    .index(
                        Index::create()
                            .name("cart_items_once")
                            .col(CartItems::CartId)
                            .col(CartItems::ProductId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DiscountCodes::Table)
                    .col(
                        big_integer(DiscountCodes::Id)
                            .primary_key()
                            .auto_increment(),
                    )
                    .col(uuid(DiscountCodes::Pid).unique_key())
                    .col(string_len(DiscountCodes::Code, 64).unique_key())
                    .col(integer_null(DiscountCodes::PercentOff))
                    .col(big_integer_null(DiscountCodes::AmountOffMinor))
                    .col(char_len_null(DiscountCodes::Currency, 3))
                    .col(big_integer_null(DiscountCodes::ProductId))
                    .col(timestamp_with_time_zone_null(DiscountCodes::ValidFrom))
                    .col(timestamp_with_time_zone_null(DiscountCodes::ValidUntil))
                    .col(integer_null(DiscountCodes::MaxRedemptions))
                    .col(integer(DiscountCodes::Redemptions).default(0))
                    .col(timestamp_with_time_zone_null(DiscountCodes::DisabledAt))
                    .col(timestamp_with_time_zone(DiscountCodes::CreatedAt))
                    .foreign_key(&mut fk(
                        "discount_codes_product",
                        (DiscountCodes::Table, DiscountCodes::ProductId),
                        (Products::Table, Products::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(big_integer(Orders::Id).primary_key().auto_increment())
                    .col(uuid(Orders::Pid).unique_key())
                    .col(string_len(Orders::Number, 16).unique_key())
                    .col(big_integer(Orders::UserId))
                    .col(string_len(Orders::Email, 254))
                    .col(string_len(Orders::Status, 24))
                    .col(char_len(Orders::Currency, 3))
                    .col(big_integer(Orders::SubtotalMinor))
                    .col(big_integer(Orders::DiscountMinor))
                    .col(big_integer(Orders::TotalMinor))
                    .col(big_integer(Orders::RefundedMinor).default(0))
                    .col(big_integer_null(Orders::DiscountCodeId))
                    .col(big_integer_null(Orders::CartId))
                    .col(string_len_null(Orders::CheckoutSessionId, 255).unique_key())
                    .col(string_len_null(Orders::PaymentIntentId, 255))
                    .col(timestamp_with_time_zone_null(Orders::PaidAt))
                    .col(timestamp_with_time_zone(Orders::CreatedAt))
                    .col(timestamp_with_time_zone(Orders::UpdatedAt))
                    .foreign_key(&mut fk(
                        "orders_user",
                        (Orders::Table, Orders::UserId),
                        (Users::Table, Users::Id),
                        false,
                    ))
                    .foreign_key(
                        &mut ForeignKey::create()
                            .name("orders_discount_code")
                            .from(Orders::Table, Orders::DiscountCodeId)
                            .to(DiscountCodes::Table, DiscountCodes::Id)
                            .on_delete(ForeignKeyAction::SetNull)
                            .to_owned(),
                    )
                    .foreign_key(
                        &mut ForeignKey::create()
                            .name("orders_cart")
                            .from(Orders::Table, Orders::CartId)
                            .to(Carts::Table, Carts::Id)
                            .on_delete(ForeignKeyAction::SetNull)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("orders_by_user", Orders::UserId),
            ("orders_by_payment_intent", Orders::PaymentIntentId),
            ("orders_by_created", Orders::CreatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Orders::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(OrderItems::Table)
                    .col(big_integer(OrderItems::Id).primary_key().auto_increment())
                    .col(big_integer(OrderItems::OrderId))
                    .col(big_integer(OrderItems::ProductId))
                    .col(string_len(OrderItems::Title, 200))
                    .col(big_integer(OrderItems::UnitAmountMinor))
                    .col(integer(OrderItems::Quantity))
                    .col(big_integer(OrderItems::DiscountMinor))
                    .col(big_integer(OrderItems::TotalMinor))
                    .col(timestamp_with_time_zone_null(OrderItems::RefundedAt))
                    .foreign_key(&mut fk(
                        "order_items_order",
                        (OrderItems::Table, OrderItems::OrderId),
                        (Orders::Table, Orders::Id),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "order_items_product",
                        (OrderItems::Table, OrderItems::ProductId),
                        (Products::Table, Products::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("order_items_by_order")
                    .table(OrderItems::Table)
                    .col(OrderItems::OrderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Refunds::Table)
                    .col(big_integer(Refunds::Id).primary_key().auto_increment())
                    .col(big_integer(Refunds::OrderId))
                    .col(big_integer_null(Refunds::OrderItemId))
                    .col(big_integer(Refunds::AmountMinor))
                    .col(string_len_null(Refunds::ProviderRefundId, 255).unique_key())
                    .col(big_integer_null(Refunds::RequestedBy))
                    .col(timestamp_with_time_zone_null(Refunds::CompletedAt))
                    .col(timestamp_with_time_zone(Refunds::CreatedAt))
                    .foreign_key(&mut fk(
                        "refunds_order",
                        (Refunds::Table, Refunds::OrderId),
                        (Orders::Table, Orders::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Entitlements::Table)
                    .col(big_integer(Entitlements::Id).primary_key().auto_increment())
                    .col(uuid(Entitlements::Pid).unique_key())
                    .col(big_integer(Entitlements::UserId))
                    .col(big_integer(Entitlements::ProductId))
                    .col(big_integer(Entitlements::OrderId))
                    .col(big_integer(Entitlements::OrderItemId).unique_key())
                    .col(integer_null(Entitlements::DownloadLimit))
                    .col(integer(Entitlements::DownloadsUsed).default(0))
                    .col(timestamp_with_time_zone_null(Entitlements::AccessUntil))
                    .col(timestamp_with_time_zone_null(Entitlements::RevokedAt))
                    .col(string_len_null(Entitlements::RevokedReason, 32))
                    .col(timestamp_with_time_zone(Entitlements::CreatedAt))
                    .foreign_key(&mut fk(
                        "entitlements_user",
                        (Entitlements::Table, Entitlements::UserId),
                        (Users::Table, Users::Id),
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "entitlements_product",
                        (Entitlements::Table, Entitlements::ProductId),
                        (Products::Table, Products::Id),
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "entitlements_order",
                        (Entitlements::Table, Entitlements::OrderId),
                        (Orders::Table, Orders::Id),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "entitlements_order_item",
                        (Entitlements::Table, Entitlements::OrderItemId),
                        (OrderItems::Table, OrderItems::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("entitlements_by_user")
                    .table(Entitlements::Table)
                    .col(Entitlements::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LicenseKeys::Table)
                    .col(big_integer(LicenseKeys::Id).primary_key().auto_increment())
                    .col(big_integer(LicenseKeys::EntitlementId))
                    .col(string_len(LicenseKeys::Key, 40).unique_key())
                    .col(integer_null(LicenseKeys::ActivationLimit))
                    .col(timestamp_with_time_zone_null(LicenseKeys::RevokedAt))
                    .col(timestamp_with_time_zone(LicenseKeys::CreatedAt))
                    .foreign_key(&mut fk(
                        "license_keys_entitlement",
                        (LicenseKeys::Table, LicenseKeys::EntitlementId),
                        (Entitlements::Table, Entitlements::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("license_keys_by_entitlement")
                    .table(LicenseKeys::Table)
                    .col(LicenseKeys::EntitlementId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LicenseKeys::Table.into_iden(),
            Entitlements::Table.into_iden(),
            Refunds::Table.into_iden(),
            OrderItems::Table.into_iden(),
            Orders::Table.into_iden(),
            DiscountCodes::Table.into_iden(),
            CartItems::Table.into_iden(),
            Carts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Carts {
    Table,
    Id,
    Pid,
    UserId,
    DiscountCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CartItems {
    Table,
    Id,
    CartId,
    ProductId,
    Quantity,
    AmountMinor,
    AddedAt,
}

#[derive(DeriveIden)]
enum DiscountCodes {
    Table,
    Id,
    Pid,
    Code,
    PercentOff,
    AmountOffMinor,
    Currency,
    ProductId,
    ValidFrom,
    ValidUntil,
    MaxRedemptions,
    Redemptions,
    DisabledAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    Pid,
    Number,
    UserId,
    Email,
    Status,
    Currency,
    SubtotalMinor,
    DiscountMinor,
    TotalMinor,
    RefundedMinor,
    DiscountCodeId,
    CartId,
    CheckoutSessionId,
    PaymentIntentId,
    PaidAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    Id,
    OrderId,
    ProductId,
    Title,
    UnitAmountMinor,
    Quantity,
    DiscountMinor,
    TotalMinor,
    RefundedAt,
}

#[derive(DeriveIden)]
enum Refunds {
    Table,
    Id,
    OrderId,
    OrderItemId,
    AmountMinor,
    ProviderRefundId,
    RequestedBy,
    CompletedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Entitlements {
    Table,
    Id,
    Pid,
    UserId,
    ProductId,
    OrderId,
    OrderItemId,
    DownloadLimit,
    DownloadsUsed,
    AccessUntil,
    RevokedAt,
    RevokedReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LicenseKeys {
    Table,
    Id,
    EntitlementId,
    Key,
    ActivationLimit,
    RevokedAt,
    CreatedAt,
}
