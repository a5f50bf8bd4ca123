//! An order: what a buyer checked out, its amounts and where its payment stands.

use sea_orm::entity::prelude::*;
pub use types::money::Currency;
pub use types::order::OrderStatus;

/// A row of `orders`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// In URLs and as the payment's `client_reference_id`.
    #[sea_orm(unique)]
    pub pid: Uuid,
    /// What buyers and admins quote (`DL-7K3M9Q2X`): random, never sequential.
    #[sea_orm(unique)]
    pub number: String,
    pub user_id: i64,
    /// Where the receipt went.
    pub email: String,
    pub status: OrderStatus,
    pub currency: Currency,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    /// The most the provider has said was refunded (it only grows).
    pub refunded_minor: i64,
    pub discount_code_id: Option<i64>,
    /// The cart it came from, emptied of these products once paid.
    pub cart_id: Option<i64>,
    #[sea_orm(unique)]
    pub checkout_session_id: Option<String>,
    pub payment_intent_id: Option<String>,
    pub paid_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
