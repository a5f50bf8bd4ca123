//! A line of an order, with the product's title and price as they were.

use sea_orm::entity::prelude::*;

/// A row of `order_items`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub product_id: i64,
    pub title: String,
    pub unit_amount_minor: i64,
    pub quantity: i32,
    pub discount_minor: i64,
    /// unit × quantity − discount.
    pub total_minor: i64,
    pub refunded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
