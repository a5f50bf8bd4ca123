//! The right of a buyer to a product: the one source of truth for access.
//! Limits and the access window are copied from the product at purchase.

use sea_orm::entity::prelude::*;

/// A row of `entitlements`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "entitlements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub pid: Uuid,
    pub user_id: i64,
    pub product_id: i64,
    pub order_id: i64,
    #[sea_orm(unique)]
    pub order_item_id: i64,
    /// Downloads allowed in all; unlimited when none.
    pub download_limit: Option<i32>,
    pub downloads_used: i32,
    /// Access ends then; forever when none.
    pub access_until: Option<DateTimeUtc>,
    /// Set by a refund (or later a chargeback); access ends at once.
    pub revoked_at: Option<DateTimeUtc>,
    /// `refunded`, …
    pub revoked_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
