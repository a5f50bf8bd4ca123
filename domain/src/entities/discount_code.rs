//! A discount code: a percentage or a fixed amount off, optionally for one
//! product, within a validity window and a number of redemptions.

use sea_orm::entity::prelude::*;
pub use types::money::Currency;

/// A row of `discount_codes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discount_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub pid: Uuid,
    /// Upper case; matched case-insensitively.
    #[sea_orm(unique)]
    pub code: String,
    /// 1–100; set when the code takes a percentage off.
    pub percent_off: Option<i32>,
    /// Set (with `currency`) when the code takes a fixed amount off.
    pub amount_off_minor: Option<i64>,
    pub currency: Option<Currency>,
    /// Only this product is discounted, when set.
    pub product_id: Option<i64>,
    pub valid_from: Option<DateTimeUtc>,
    pub valid_until: Option<DateTimeUtc>,
    pub max_redemptions: Option<i32>,
    /// Orders holding the code: counted when checkout starts, given back when
    /// an order expires unpaid.
    pub redemptions: i32,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
