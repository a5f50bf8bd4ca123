//! A refund the store asked the provider for: a whole order or one item.

use sea_orm::entity::prelude::*;

/// A row of `refunds`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refunds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    /// The item given back; none for the whole order.
    pub order_item_id: Option<i64>,
    pub amount_minor: i64,
    /// The provider's refund id (`re_…`), once it answered.
    #[sea_orm(unique)]
    pub provider_refund_id: Option<String>,
    /// The admin who asked.
    pub requested_by: Option<i64>,
    /// When the provider said it succeeded (its `refund.created` or
    /// `refund.updated` event); what it covered was revoked then.
    pub completed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
